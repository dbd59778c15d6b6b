"""labkit: run multiprocessing experiments under every start method and check their claims."""

__version__ = "0.1.0"
