"""Reads data.txt by a relative path, as a script next to its data file does."""
with open("data.txt", encoding="utf-8") as f:
    print("read", f.read().strip())
