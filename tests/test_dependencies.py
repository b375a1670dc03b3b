"""What the package imports is what pyproject.toml declares, each with the floor CI tests (.ci/floors.py)."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11 on: where CI runs

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "catalogsync"


def declared() -> dict[str, str]:
    """Each runtime dependency's normalised name and its requirement text."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        normalised(re.split(r"[<>=!~ ;\[]", text, maxsplit=1)[0]): text for text in project["dependencies"]
    }


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules() -> set[str]:
    """The top-level modules the package imports that are neither its own nor the standard library's."""
    names: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"catalogsync"}


def pinned_by(distribution: str) -> set[str]:
    """The distributions ``distribution`` requires at one exact version (pydantic pins pydantic-core)."""
    requirements = importlib.metadata.requires(distribution) or []
    return {
        normalised(re.split(r"[=<>!~ ;\[]", text, maxsplit=1)[0]) for text in requirements if "==" in text
    }


def test_every_imported_distribution_is_declared_or_pinned_by_one_that_is() -> None:
    """A module imported straight from a dependency's dependency (urllib3 under requests) breaks as soon as
    that one changes under the declared range: it is declared with its own floor, unless the declared
    dependency pins it exactly."""
    runtime = declared()
    allowed = runtime.keys() | set().union(*(pinned_by(name) for name in runtime))
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for module in sorted(imported_modules()):
        distributions = providers.get(module, [module])
        if not {normalised(name) for name in distributions} & allowed:
            undeclared[module] = distributions
    assert not undeclared, f"imported but not declared in pyproject.toml: {undeclared}"


def test_every_runtime_dependency_has_the_floor_ci_installs() -> None:
    """.ci/floors.py turns each ``>=`` floor into the exact version CI's second run installs."""
    for name, text in declared().items():
        assert re.search(r">=\s*\d", text), f"{name}: no >= floor for CI's oldest-versions run ({text!r})"
