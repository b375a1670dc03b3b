"""Two applies of one account at once on one machine: the second waits on the account's lock, then reads.

The lock (catalogsync/applylock.py) is an ``flock`` on a file in the cache folder; these tests take it from
other processes (``python -c``, ``kill -9``) and run ``catalogsync apply`` as real processes against a sandbox
on 127.0.0.1: one held off by the test's own hold on the lock while the account changes, and two started at
once on one saved plan.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from catalogsync.applylock import apply_lock, lock_path
from catalogsync.sandbox import Faults, Sandbox
from tests.reliability.support import ROOT, cli_process, held, post

ADDRESS = "https://api.example.test/rest/6.0"
WAITING = "waiting for another apply of this account on this machine to finish"
STALE = 4
"""The exit code of a saved plan refused as stale (docs/ci.md, 'Exit codes')."""
WRITES = ("/create_", "/update_", "/delete_")

TRY_LOCK = """
import fcntl, os, sys
descriptor = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
"""
HOLD = """
import sys, time
from catalogsync.applylock import apply_lock
with apply_lock(sys.argv[1], print):
    print("held", flush=True)
    time.sleep(600)
"""


def another_process_can_take(path: Path) -> bool:
    """Whether a process of its own takes the lock at once (without waiting)."""
    done = subprocess.run([sys.executable, "-c", TRY_LOCK, str(path)], timeout=60, check=False)
    assert done.returncode in (0, 3)
    return done.returncode == 0


def free(path: Path) -> bool:
    """Whether this process takes the lock at once, through a descriptor of its own (let go again)."""
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(descriptor)
    return True


def wait_until(done: Callable[[], bool], process: subprocess.Popen[str] | None, what: str) -> None:
    """Wait for ``done()`` while ``process`` runs (up to a minute)."""
    deadline = time.monotonic() + 60
    while not done():
        assert process is None or process.poll() is None, f"the process ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within a minute"
        time.sleep(0.01)


@contextmanager
def killed_on_error(*processes: subprocess.Popen[str]) -> Iterator[None]:
    """When the block fails, the processes are killed and reaped (their pipes closed) before it goes on."""
    try:
        yield
    except BaseException:
        for process in processes:
            process.kill()
            process.communicate()
        raise


def told(path: Path, text: str) -> Callable[[], bool]:
    return lambda: path.exists() and text in path.read_text(encoding="utf-8")


def test_the_lock_is_one_file_per_account_beside_the_journal():
    from catalogsync.inflight import journal_path

    path = lock_path(ADDRESS)
    assert path.parent == journal_path(ADDRESS).parent
    assert path.name == journal_path(ADDRESS).name.replace("inflight-", "apply-") + ".lock"
    assert lock_path("sandbox /tmp/a.db") != path


def test_the_lock_is_exclusive_across_processes_and_holds_its_pid():
    path = lock_path(ADDRESS)
    said: list[str] = []
    with apply_lock(ADDRESS, said.append):
        assert path.read_text(encoding="ascii") == f"{os.getpid()}\n"
        assert not another_process_can_take(path)
    assert said == []
    assert another_process_can_take(path)
    assert path.read_text(encoding="ascii") == ""  # no pid of an ended apply


def test_a_holder_killed_with_sigkill_leaves_the_lock_free(tmp_path):
    out = tmp_path / "out"
    with out.open("w", encoding="utf-8") as stream:
        holder = subprocess.Popen([sys.executable, "-c", HOLD, ADDRESS], cwd=ROOT, stdout=stream, text=True)
    try:
        wait_until(told(out, "held"), holder, "the holder took the lock")
        assert not free(lock_path(ADDRESS))
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=60)
    finally:
        holder.kill()
        holder.wait()
    assert holder.returncode == -signal.SIGKILL
    assert lock_path(ADDRESS).read_text(encoding="ascii") == f"{holder.pid}\n"  # the dead holder's pid stays
    assert free(lock_path(ADDRESS))
    said: list[str] = []
    with apply_lock(ADDRESS, said.append):
        assert said == []


def test_a_waiter_tells_once_without_a_pid_it_cannot_read():
    """The holder has not written its pid (yet): the line names none. The waiter takes the lock on release."""
    path = lock_path(ADDRESS)
    path.parent.mkdir(parents=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    said: list[str] = []
    taken = threading.Event()

    def waiter() -> None:
        with apply_lock(ADDRESS, said.append):
            taken.set()

    thread = threading.Thread(target=waiter, daemon=True)
    thread.start()
    try:
        wait_until(lambda: bool(said), None, "waiting line")
        assert not taken.is_set()
    finally:
        os.close(descriptor)
    assert taken.wait(60)
    thread.join(60)
    assert said == [WAITING]


SAVED = "products:\n  LOCK-1: {name: Locked one, price: 5.00}\n"


def test_an_apply_waiting_for_the_lock_reads_the_account_only_then_and_refuses_a_stale_plan(
    sandbox, cli, write, tmp_path
):
    """The test holds the lock; the apply of a saved plan waits, the account changes meanwhile (someone
    creates the plan's product), and once the lock is let go the apply finds its plan stale: exit 4, no
    write."""
    plan, err = tmp_path / "plan.json", tmp_path / "err"
    assert cli(sandbox, "plan", write(SAVED), "--out", str(plan)).code == 0
    said: list[str] = []
    with apply_lock(sandbox.url, said.append), err.open("w", encoding="utf-8") as stream:
        apply = cli_process(
            ["apply", str(plan), "--api-url", sandbox.url], stdout=subprocess.PIPE, stderr=stream
        )
        with killed_on_error(apply):
            wait_until(told(err, f"{WAITING} (pid {os.getpid()})\n"), apply, "the apply told it waits")
            post(sandbox, "products/create_product", name="Theirs", price="1.00", vendor_product_id="LOCK-1")
            sandbox.reset_stats()
    with killed_on_error(apply):
        out, _ = apply.communicate(timeout=120)
    shown = err.read_text(encoding="utf-8")
    assert apply.returncode == STALE, out + shown
    assert shown.count(WAITING) == 1
    assert "Error: saved plan refused: " in shown
    assert [m for m in sandbox.stats()["by_method"] if any(w in m for w in WRITES)] == []
    assert held(sandbox)["LOCK-1"] == 1
    assert said == []


KEYS = [f"RACE-{n}" for n in range(4)]
RACED = "products:\n" + "".join(f"  {key}: {{name: Raced {key}, price: 3.00}}\n" for key in KEYS)


def test_two_applies_of_one_saved_plan_started_at_once_make_each_product_once(
    make_sandbox, cli, write, tmp_path
):
    """Every request takes 1.5 s, so an apply looks at the journal of the other only after its first read
    and writes 1.5 s after its last: without the lock both read the empty account and create every key
    (unless they start 1.5 s apart). With it one applies the plan and the other, reading after it, refuses
    it as stale."""
    sandbox: Sandbox = make_sandbox(seed="empty")
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", write(RACED), "--out", str(plan)).code == 0
    sandbox.faults = Faults(latency_ms=1500)
    command = ["apply", str(plan), "--api-url", sandbox.url]
    applies = [cli_process(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    with killed_on_error(*applies):
        ended = [apply.communicate(timeout=120) for apply in applies]
    codes = sorted(apply.returncode for apply in applies)
    assert codes == [0, STALE], ended
    [refused] = [err for apply, (_, err) in zip(applies, ended, strict=True) if apply.returncode == STALE]
    assert "Error: saved plan refused: " in refused
    sandbox.faults = None
    assert held(sandbox) == dict.fromkeys(KEYS, 1)


def test_an_apply_goes_on_without_the_lock_when_the_cache_folder_cannot_be_made(
    cli, write, empty_sandbox, tmp_path, monkeypatch
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="ascii")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    result = cli(empty_sandbox, "apply", write("products:\n  NOLOCK-1: {name: N, price: 1.00}\n"), "--yes")
    assert result.code == 0, result.err
    lines = [line for line in result.err.splitlines() if "lock" in line]
    path = blocker / "catalogsync" / lock_path(empty_sandbox.url).name
    assert lines == [
        f"cannot lock {path} (Not a directory): going on without the lock against a second apply on this"
        " machine"
    ]
    assert held(empty_sandbox)["NOLOCK-1"] == 1
