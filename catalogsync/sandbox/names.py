"""The sandbox's choices, named without importing the server (the command line lists them in its flags)."""

DIALECTS = ("lenient", "strict")
"""How updates treat fields they leave out (reference §8.5)."""
SEEDS = ("demo", "empty")
"""The accounts a new database starts with."""
