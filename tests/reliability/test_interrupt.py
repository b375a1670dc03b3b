"""Ctrl-C and SIGTERM during apply: no new call starts, the call in flight finishes, the report is printed.

``catalogsync apply`` runs as a real process against a sandbox whose answers take 150 ms, one call at a
time; the signal is sent once the first writes have reached the sandbox. A second apply then converges.
"""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import time

import pytest

from catalogsync.applylock import apply_lock
from catalogsync.sandbox import Faults, Sandbox
from tests.reliability.support import cli_process

CATALOG = (
    "options:\n"
    + "".join(f"  Opt{i}:\n    values: [{{name: A, surcharge: 0.00}}]\n" for i in range(3))
    + "products:\n"
    + "".join(f"  P{i}: {{name: Product {i}, price: {i}.00, options: [Opt0]}}\n" for i in range(6))
)
CHANGES = 9
REPORT = re.compile(r"^Apply incomplete: (\d+) applied, 0 failed, (\d+) skipped\.$", re.M)


def writes(sandbox: Sandbox) -> int:
    return sum(n for method, n in sandbox.stats()["by_method"].items() if "/create_" in method)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_cleanly_and_a_rerun_converges(make_sandbox, cli, write, signum):
    sandbox = make_sandbox(seed="demo", faults=Faults(latency_ms=150))
    path = write(CATALOG)
    with cli_process(
        ["apply", path, "--yes", "--parallelism", "1", "--api-url", sandbox.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        deadline = time.monotonic() + 60
        while writes(sandbox) < 2 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        at_signal = writes(sandbox)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 1, out + err
    assert "Stopping: waiting for the calls in flight, then reporting." in err
    applied, skipped = (int(n) for n in REPORT.search(out).groups())  # type: ignore[union-attr]
    assert applied + skipped == CHANGES and skipped > 0
    assert applied == writes(sandbox) <= at_signal + 1  # only the call in flight went on, and it is reported
    assert out.count(": interrupted before it started") == skipped
    assert "Interrupted: the changes marked skipped were not started. Run apply again." in out
    sandbox.faults = None
    rerun = cli(sandbox.url, "apply", path, "--yes")
    assert rerun.code == 0 and f"Apply complete: {skipped} applied, 0 failed, 0 skipped." in rerun.out
    assert "earlier apply" not in rerun.err  # a clean stop leaves no write in flight: nothing to wait for
    assert cli(sandbox.url, "plan", path, "--detailed-exitcode").code == 0


STOPPED = {signal.SIGINT: (130, "Error: interrupted"), signal.SIGTERM: (143, "Error: terminated (SIGTERM)")}


@pytest.mark.parametrize("signum", list(STOPPED), ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("stage", ["reading the account", "waiting for another apply"])
def test_a_signal_before_the_first_write_changes_nothing_and_says_so(
    make_sandbox, write, tmp_path, signum, stage
):
    """Not a silent death (SIGTERM once killed apply with no word, exit 143 unexplained) at any stage."""
    sandbox = make_sandbox(seed="demo", faults=Faults(latency_ms=150))
    path, errors = write(CATALOG), tmp_path / "stderr"
    with contextlib.ExitStack() as stack:
        if stage == "waiting for another apply":
            stack.enter_context(apply_lock(sandbox.url, lambda _: None))
        process = stack.enter_context(
            cli_process(
                ["apply", path, "--yes", "--parallelism", "1", "--api-url", sandbox.url],
                stdout=subprocess.PIPE,
                stderr=stack.enter_context(errors.open("w")),
            )
        )
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if stage == "reading the account" and sandbox.stats()["requests"] >= 2:
                break
            if stage != "reading the account" and "waiting for another apply" in errors.read_text():
                break
            time.sleep(0.01)
        process.send_signal(signum)
        out, _ = process.communicate(timeout=60)
    code, last = STOPPED[signum]
    assert (process.returncode, errors.read_text().splitlines()[-1]) == (code, last), out
    assert writes(sandbox) == 0
    if stage != "reading the account":
        assert sandbox.stats()["requests"] == 0
