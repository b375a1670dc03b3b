"""The CLI run as a person would: its own process, a pseudo-terminal as stdin, stdout and stderr."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = b"Only 'yes' is accepted"


def run_on_a_terminal(
    args: list[str], env: dict[str, str], answer: str | None = None, *, interrupt: bool = False
) -> tuple[int, str]:
    """The exit code and everything the CLI wrote; ``answer`` is typed once its question appears, or with
    ``interrupt`` Ctrl-C is pressed then (SIGINT: the process has no controlling terminal to send it)."""
    primary, secondary = os.openpty()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "catalogsync", *args],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            cwd=ROOT,
            env=env,
        ) as process:
            os.close(secondary)
            secondary = -1
            asks = answer is not None or interrupt
            output = _read(primary, until=QUESTION if asks else None)
            if interrupt:
                process.send_signal(signal.SIGINT)
                output += _read(primary)
            elif answer is not None:
                os.write(primary, answer.encode() + b"\n")
                output += _read(primary)
            code = process.wait(timeout=60)
    finally:
        os.close(primary)
        if secondary >= 0:
            os.close(secondary)
    return code, output.decode(errors="replace")


def _read(primary: int, until: bytes | None = None) -> bytes:
    """What the terminal shows, until ``until`` appears (within a minute) or the process closes it."""
    output = b""
    deadline = time.monotonic() + 60
    while until is None or (until not in output and time.monotonic() < deadline):
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        output += chunk
    return output
