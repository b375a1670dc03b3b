"""Lint, format and type checks run with the tests, so the README's one test command covers them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_is_clean(command: list[str]) -> None:
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_traceback_in_any_test_output_fails_the_suite(tmp_path: Path) -> None:
    """The suite's own guard (tests/conftest.py): no test may pass while its output holds a traceback."""
    (tmp_path / "conftest.py").write_text((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    (tmp_path / "test_guard.py").write_text(
        "import sys\n\n"
        "def test_quiet():\n    print('fine')\n\n"
        "def test_noisy():\n    sys.stderr.write('Traceback (most recent call last):\\n  boom\\n')\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    assert "the test's output holds a Python traceback" in result.stdout and "::test_noisy" in result.stdout


def test_property_tests_draw_the_same_examples_unless_told_to_explore() -> None:
    """The README's test command (CI's) is repeatable: Hypothesis is derandomized by tests/conftest.py."""
    from hypothesis import settings

    exploring = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
    assert settings.default.derandomize is not exploring
