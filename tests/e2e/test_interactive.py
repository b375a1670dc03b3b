"""Interactive apply on a real pseudo-terminal: the plan, the question, and only 'yes' applies."""

from __future__ import annotations

import os

import pytest

from tests.terminal_support import run_on_a_terminal

CATALOG = "products:\n  PTY-1: {name: From a terminal, price: 3.00}\n"


@pytest.mark.parametrize(("answer", "code", "message"), [("yes", 0, "Apply complete"), ("y", 1, "cancelled")])
def test_only_yes_applies(sandbox, tmp_path, answer, code, message):
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    env = {
        **os.environ,
        "TWOCHECKOUT_USERNAME": "sandbox",
        "TWOCHECKOUT_PASSWORD": "sandbox",
        "NO_COLOR": "1",
    }
    result, output = run_on_a_terminal(["apply", str(path), "--api-url", sandbox.url], env, answer)
    assert "+ product PTY-1" in output
    assert "Plan: 1 to create, 0 to update, 0 to delete." in output
    assert (result, message in output) == (code, True), output


@pytest.mark.parametrize(("no_color", "coloured"), [(False, True), (True, False)])
def test_colour_on_a_terminal_unless_no_color(sandbox, tmp_path, no_color, coloured):
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    env = {**os.environ, "TWOCHECKOUT_USERNAME": "sandbox", "TWOCHECKOUT_PASSWORD": "sandbox"}
    env.pop("NO_COLOR", None)
    if no_color:
        env["NO_COLOR"] = "1"
    code, output = run_on_a_terminal(["plan", str(path), "--api-url", sandbox.url], env)
    assert code == 0
    assert ("\x1b[32m+ product PTY-1" in output) is coloured
    assert "+ product PTY-1" in output
