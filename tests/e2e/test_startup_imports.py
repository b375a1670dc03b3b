"""What each command imports before it starts: the start-up cost is imports, so they are pinned as a table.

A timing would be noisy on shared machines; the modules loaded are exact. Each row runs the command in a fresh
interpreter and lists the heavy modules it must not load (timings: benchmarks/startup.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "catalog.yaml")

HEAVY = ("pydantic", "yaml", "deepdiff", "requests", "urllib3", "sqlite3", "http.server")
ENGINE = ("catalogsync.api", "catalogsync.fetch", "catalogsync.diff", "catalogsync.execute")
SANDBOX = ("catalogsync.sandbox.server", "catalogsync.sandbox.state")
MESSAGES = ("catalogsync.shown",)
"""What only a command's messages need (its regular expressions compile at import)."""

NOT_IMPORTED = {
    ("--version",): HEAVY + ENGINE + SANDBOX + MESSAGES,
    ("--help",): HEAVY + ENGINE + SANDBOX + MESSAGES,
    ("plan", "--help"): HEAVY + ENGINE + SANDBOX + MESSAGES,
    ("sandbox", "--help"): HEAVY + ENGINE + SANDBOX + MESSAGES,
    ("validate", EXAMPLE): ("deepdiff", "requests", "urllib3", "http.server", *ENGINE, *SANDBOX),
    ("schema",): ("deepdiff", "requests", "urllib3", "http.server", "yaml", *ENGINE, *SANDBOX),
}

PROBE = """
import json, sys
from catalogsync.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
sys.stdout.flush()
sys.stderr.write("\\n" + json.dumps(sorted(sys.modules)) + "\\n")
sys.exit(code)
"""


def loaded_by(argv: tuple[str, ...]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", list(NOT_IMPORTED), ids=" ".join)
def test_a_command_imports_only_what_it_uses(argv):
    loaded = loaded_by(argv)
    heavy = sorted(m for m in loaded for name in NOT_IMPORTED[argv] if m == name or m.startswith(name + "."))
    assert heavy == []


def test_the_probe_sees_what_a_command_does_import():
    """The table can fail: validate does load the models and the YAML reader, plan's help does not."""
    assert {"pydantic", "yaml", "catalogsync.catalogfile.loader"} <= loaded_by(("validate", EXAMPLE))
    assert "catalogsync.catalogfile.loader" not in loaded_by(("plan", "--help"))


@pytest.mark.parametrize("module", ["catalogsync.commands.plan", "catalogsync.commands.apply"])
def test_plan_and_apply_load_the_client_the_diff_library_and_the_sandbox_only_when_used(module):
    """requests when a client opens, deepdiff for a plan with updates, the server for --sandbox."""
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(done.stdout))
    assert {"deepdiff", "requests", "catalogsync.sandbox.server"}.isdisjoint(loaded)
    assert "catalogsync.fetch" in loaded
