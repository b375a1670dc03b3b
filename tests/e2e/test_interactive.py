"""Interactive apply on a real pseudo-terminal: the plan, the question, and only 'yes' applies."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

CATALOG = "products:\n  PTY-1: {name: From a terminal, price: 3.00}\n"


def run_on_tty(args: list[str], answer: str | None, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with a pseudo-terminal as stdin/stdout/stderr; answer its question if one is given."""
    primary, secondary = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "catalogsync", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        env=env,
        close_fds=True,
    )
    os.close(secondary)
    output = b""
    deadline = time.monotonic() + 60
    while answer is not None and b"Only 'yes' is accepted" not in output and time.monotonic() < deadline:
        output += os.read(primary, 4096)
    if answer is not None:
        os.write(primary, answer.encode() + b"\n")
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        output += chunk
    code = process.wait(timeout=60)
    os.close(primary)
    return code, output.decode(errors="replace")


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
    result, output = run_on_tty(["apply", str(path), "--api-url", sandbox.url], answer, env)
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
    code, output = run_on_tty(["plan", str(path), "--api-url", sandbox.url], None, env)
    assert code == 0
    assert ("\x1b[32m+ product PTY-1" in output) is coloured
    assert "+ product PTY-1" in output
