"""An apply killed with writes in flight: the next apply of the account waits for them before reading it.

The journal (catalogsync/inflight.py) records, before each write, until when it may be in flight; ``kill -9``
leaves it behind, and the next apply on this machine waits until then, so it does not plan again a create
the server commits late. End to end: a real apply subprocess killed with SIGKILL right after the sandbox
received its first create, which the sandbox commits only later (the ``late`` fault).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from catalogsync import inflight
from catalogsync.applylock import lock_path
from catalogsync.inflight import IN_FLIGHT_TIMEOUTS, POLL_SECONDS, Journal, journal_path, pending, read_until
from catalogsync.sandbox import Faults
from tests.reliability.support import cli_process, held

CREATE = "products/create_product"
ADDRESS = "https://api.example.test/rest/6.0"


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def test_the_journal_lives_under_xdg_cache_home_one_file_per_account(cache):
    path = journal_path(ADDRESS)
    assert path.parent == cache / "catalogsync"
    assert journal_path(ADDRESS) == path
    assert journal_path("sandbox /tmp/a.db") != path
    assert ADDRESS not in path.name


def test_without_xdg_cache_home_the_journal_is_in_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert journal_path(ADDRESS).parent == tmp_path / ".cache" / "catalogsync"


def test_a_write_is_recorded_as_in_flight_for_the_timeouts_after_it_is_sent():
    """Written ahead: the file covers this write and those of the next span of timeouts."""
    journal = Journal(journal_path(ADDRESS), deadline=7.0)
    span = IN_FLIGHT_TIMEOUTS * 7.0
    before = time.time()
    journal.record()
    until = read_until(journal.path)
    assert until is not None
    assert before + span - 0.01 <= until <= time.time() + 2 * span + 0.01
    assert span - 0.01 <= pending(journal.path) <= 2 * span + 0.001  # the file keeps milliseconds, rounded


def test_the_journal_is_written_once_per_span_not_once_per_write(monkeypatch):
    journal = Journal(journal_path(ADDRESS), deadline=1.0)
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    written = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (written.append(b), real_replace(a, b)))
    for _ in range(1000):  # 1,000 writes over 10 s, the span being 2 s
        journal.record()
        clock[0] += 0.01
    assert 4 <= len(written) <= 6
    until = read_until(journal.path)
    assert until is not None and until >= clock[0] + IN_FLIGHT_TIMEOUTS * 1.0 - 0.01


def test_the_recorded_time_only_moves_later():
    path = journal_path(ADDRESS)
    path.parent.mkdir(parents=True)
    later = time.time() + 1000
    path.write_text(f"{later}\n", encoding="ascii")
    Journal(path, deadline=1.0).record()
    assert read_until(path) == pytest.approx(later, abs=0.001)


def test_an_expired_journal_asks_for_no_wait():
    path = journal_path(ADDRESS)
    path.parent.mkdir(parents=True)
    path.write_text(f"{time.time() - 5}\n", encoding="ascii")
    assert pending(path) == 0.0
    assert pending(path, now=time.time() - 10) > 0


@pytest.mark.parametrize("text", ["", "soon\n", "nan\n", "inf\n", "-3\n", "\xff\xfe"])
def test_a_corrupt_journal_is_ignored_and_replaced(text):
    path = journal_path(ADDRESS)
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("latin-1"))
    assert read_until(path) is None
    assert pending(path) == 0.0
    Journal(path, deadline=1.0).record()
    assert read_until(path) is not None


def test_a_missing_journal_asks_for_no_wait():
    assert read_until(journal_path(ADDRESS)) is None
    told: list[str] = []
    assert inflight.wait_for_settled(journal_path(ADDRESS), told.append) == 0.0
    assert told == []


def test_waiting_tells_once_and_sleeps_in_steps_until_the_recorded_time():
    path = journal_path(ADDRESS)
    path.parent.mkdir(parents=True)
    path.write_text(f"{time.time() + 41.5}\n", encoding="ascii")
    told: list[str] = []
    slept: list[float] = []
    assert inflight.wait_for_settled(path, told.append, sleep=slept.append) == pytest.approx(sum(slept))
    assert told == ["waiting up to 42 s for writes an earlier apply sent without an answer to settle"]
    assert 41 < sum(slept) <= 41.5
    assert len(slept) == 42 and max(slept) == POLL_SECONDS


def test_waiting_ends_as_soon_as_the_journal_is_gone():
    """The other apply ended meanwhile and removed its journal: the wait ends at the next look, not in 60 s
    (the injected sleep does not sleep)."""
    path = journal_path(ADDRESS)
    path.parent.mkdir(parents=True)
    path.write_text(f"{time.time() + 60}\n", encoding="ascii")
    told: list[str] = []
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        path.unlink(missing_ok=True)

    waited = inflight.wait_for_settled(path, told.append, sleep=sleep)
    assert len(told) == 1
    assert len(slept) <= 2 and waited == sum(slept) <= 2 * POLL_SECONDS


def test_waiting_ends_as_soon_as_the_journal_says_nothing_is_pending():
    path = journal_path(ADDRESS)
    path.parent.mkdir(parents=True)
    path.write_text(f"{time.time() + 60}\n", encoding="ascii")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        path.write_text(f"{time.time() - 1}\n", encoding="ascii")

    assert inflight.wait_for_settled(path, lambda _: None, sleep=sleep) <= 2 * POLL_SECONDS
    assert len(slept) <= 2


def test_closing_removes_only_the_journal_this_apply_wrote():
    journal = Journal(journal_path(ADDRESS), deadline=1.0)
    journal.close()  # nothing recorded: nothing to remove
    assert not journal.path.exists()
    journal.record()
    journal.close()
    assert not journal.path.exists()
    journal.record()
    journal.path.write_text(f"{time.time() + 60}\n", encoding="ascii")  # another apply's, since
    journal.close()
    assert journal.path.exists()


def test_a_journal_that_cannot_be_written_does_not_stop_apply(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="ascii")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    journal = Journal(journal_path(ADDRESS), deadline=1.0)
    journal.record()
    journal.close()
    assert read_until(journal.path) is None


def test_a_normal_apply_leaves_no_journal(cli, write, empty_sandbox, cache):
    result = cli(empty_sandbox, "apply", write("products:\n  J-1: {name: J, price: 1.00}\n"), "--yes")
    assert result.code == 0, result.err
    lock = lock_path(empty_sandbox.url)  # kept, empty: removing a lock file would race another apply's take
    assert list((cache / "catalogsync").iterdir()) == [lock]
    assert lock.read_text(encoding="ascii") == ""


KEYS = ["KILLED-1", "KILLED-2"]
CATALOG = "products:\n" + "".join(f"  {key}: {{name: Killed {key}, price: 2.00}}\n" for key in KEYS)
TIMEOUT = 2.0


def test_an_apply_killed_with_a_create_in_flight_is_not_followed_by_a_duplicate(
    cli, write, make_sandbox, cache
):
    """The first create is committed TIMEOUT after it arrived; apply is killed as soon as it arrived. The
    re-run, started at once, waits out the journal (IN_FLIGHT_TIMEOUTS timeouts from the send) and so reads
    the account after the commit: it creates only what is missing. Without the wait it would read the account
    well before the commit and create the key again."""
    faults = Faults(fault_rate=1.0, kinds=("late",), methods=(CREATE,), slow_ms=TIMEOUT * 1000)
    sandbox = make_sandbox(seed="empty", faults=faults)
    catalog = write(CATALOG)
    first = cli_process(
        ["apply", catalog, "--yes", "--api-url", sandbox.url, "--timeout", str(TIMEOUT)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while sandbox.stats()["by_method"].get(CREATE, 0) == 0:
            assert first.poll() is None, "apply ended before sending a create"
            assert time.monotonic() < deadline, "no create reached the sandbox"
            time.sleep(0.002)
        arrived = time.monotonic()
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait()
    assert first.returncode == -signal.SIGKILL
    sandbox.faults = None  # the held create stays late; the re-run's own writes are answered at once
    assert journal_path(sandbox.url).exists()

    result = cli(sandbox, "apply", catalog, "--yes", "--timeout", str(TIMEOUT))

    time.sleep(max(0.0, arrived + TIMEOUT + 1.0 - time.monotonic()))  # the held create is committed by now
    counts = held(sandbox)
    assert {key: counts[key] for key in KEYS} == dict.fromkeys(KEYS, 1)
    assert result.code == 0, result.err
    waits = [line for line in result.err.splitlines() if "earlier apply" in line]
    assert len(waits) == 1
    assert re.fullmatch(
        r"waiting up to \d+ s for writes an earlier apply sent without an answer to settle", waits[0]
    )
    assert not journal_path(sandbox.url).exists()
