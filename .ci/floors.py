"""Prints a pip constraint per runtime dependency of pyproject.toml: its ``>=`` floor, as an exact version.

CI installs the package under these constraints and runs the suite again, so a declared floor is one that
has been tested (tests/test_dependencies.py checks that every dependency has one).
"""

import re
import sys
from pathlib import Path

import tomllib

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
for requirement in project["project"]["dependencies"]:
    floor = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+).*", requirement)
    if floor is None:
        sys.exit(f"{requirement!r}: no >= floor to test")
    sys.stdout.write(f"{floor[1]}=={floor[2]}\n")
