"""One error hierarchy; each failure maps to one exit code. Only ``cli.main`` exits."""

from __future__ import annotations

TYPE_CHECKING = False  # every command imports this module: it imports nothing at run time
if TYPE_CHECKING:
    from collections.abc import Sequence

    from labkit.observation import Observation


class LabkitError(Exception):
    """Base of every error the kit reports as one readable line."""

    exit_code = 1


class ClaimFailed(LabkitError):
    """A claim was judged false (commands that check claims)."""

    exit_code = 1


class VerdictsFlipped(LabkitError):
    """A soak saw a verdict change between sweeps of the same suite."""

    exit_code = 1


class UsageError(LabkitError):
    """Bad input or usage: a missing path, an unknown lab or start method."""

    exit_code = 2


class MethodUnavailable(UsageError):
    """A start method this platform lacks (fork on Windows): the request cannot be met here.

    Exit 2 like other bad input: the fix is to ask for another method, not to repair
    the machine.
    """


class EnvironmentUnavailable(LabkitError):
    """The environment cannot serve: no Docker engine reachable."""

    exit_code = 3


class Interrupted(LabkitError):
    """Ctrl-C: everything the run created has been removed."""

    exit_code = 130


class ContainerSweepFailed(LabkitError):
    """The sweep inside the container did not finish (crash, or killed by the watchdog).

    ``observations`` holds the runs that did finish (the sweep writes each as it ends).
    """

    exit_code = 1

    def __init__(self, message: str, observations: Sequence[Observation] = ()) -> None:
        super().__init__(message)
        self.observations = list(observations)


class OutputFailed(LabkitError):
    """What the kit prints or saves could not be written (stdout on a full disk, say).

    Runs that finished before were kept wherever they had been written already.
    """

    exit_code = 4


EXIT_BROKEN_PIPE = 141  # stdout's reader went away (``| head``): as a shell reports SIGPIPE
