"""Interactive apply on a real pseudo-terminal: the plan, the question, and only 'yes' applies."""

from __future__ import annotations

import os

import pytest

from tests.terminal_support import run_on_a_terminal

CATALOG = "products:\n  PTY-1: {name: From a terminal, price: 3.00}\n"


def on_a_terminal(command, sandbox, tmp_path, *, colour=False, **typed):
    """``catalogsync COMMAND catalog.yaml`` against ``sandbox`` on a terminal (NO_COLOR unless ``colour``)."""
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG)
    env = {**os.environ, "TWOCHECKOUT_USERNAME": "sandbox", "TWOCHECKOUT_PASSWORD": "sandbox"}
    env.pop("NO_COLOR", None)
    if not colour:
        env["NO_COLOR"] = "1"
    return run_on_a_terminal([command, str(path), "--api-url", sandbox.url], env, **typed)


@pytest.mark.parametrize(("answer", "code", "message"), [("yes", 0, "Apply complete"), ("y", 1, "cancelled")])
def test_only_yes_applies(sandbox, tmp_path, answer, code, message):
    result, output = on_a_terminal("apply", sandbox, tmp_path, answer=answer)
    assert "+ product PTY-1" in output
    assert "Plan: 1 to create, 0 to update, 0 to delete." in output
    assert (result, message in output) == (code, True), output


@pytest.mark.parametrize(("no_color", "coloured"), [(False, True), (True, False)])
def test_colour_on_a_terminal_unless_no_color(sandbox, tmp_path, no_color, coloured):
    code, output = on_a_terminal("plan", sandbox, tmp_path, colour=not no_color)
    assert code == 0
    assert ("\x1b[32m+ product PTY-1" in output) is coloured
    assert "+ product PTY-1" in output


def test_ctrl_c_at_the_question_changes_nothing_and_exits_130(sandbox, tmp_path):
    sandbox.reset_stats()
    code, output = on_a_terminal("apply", sandbox, tmp_path, interrupt=True)
    assert (code, output.rstrip().splitlines()[-1]) == (130, "Error: interrupted"), output
    assert "Traceback" not in output
    assert not any(method.startswith("products/create") for method in sandbox.stats()["by_method"])
