"""The progress counter: nothing for quick work, a counter line for slow work, never on a quiet console."""

from __future__ import annotations

import io
import threading

from catalogsync.progress import progress


class Log(io.StringIO):
    """A non-terminal stream, like a CI log."""

    def isatty(self) -> bool:
        return False


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quick_work_shows_nothing():
    stream = Log()
    with progress(stream, "Reading", lambda: 3, delay=30.0):
        pass
    assert stream.getvalue() == ""


def counted(stream: io.StringIO, **kwargs: object) -> str:
    """Run a block that lasts until the counter has been read (shown) once."""
    read = threading.Event()

    def count() -> int:
        read.set()
        return 7

    with progress(stream, "Applying", count, total=9, delay=0.0, **kwargs):
        assert read.wait(10)
    return stream.getvalue()


def test_slow_work_in_a_log_writes_counter_lines():
    assert counted(Log(), log_every=0.0).splitlines()[0] == "Applying: 7/9"


def test_slow_work_on_a_terminal_updates_one_line_in_place():
    text = counted(Terminal())
    assert text.startswith("\rApplying: 7/9\x1b[K")
    assert text.endswith("\rApplying: 7/9\x1b[K\n")


def test_disabled_shows_nothing():
    stream = Log()
    with progress(stream, "Reading", lambda: 1, delay=0.0, enabled=False):
        pass
    assert stream.getvalue() == ""


def test_a_total_that_becomes_known_is_shown_once_known():
    known: list[int] = []
    stream = Terminal()
    seen = threading.Event()

    def count() -> int:
        if known:
            seen.set()
        return 340

    with progress(
        stream,
        "Reading the account",
        count,
        total=lambda: known[0] if known else None,
        unit=" requests",
        delay=0.0,
    ):
        threading.Event().wait(0.3)
        known.append(2116)
        assert seen.wait(10)
        threading.Event().wait(0.3)
    shown = stream.getvalue()
    assert "Reading the account: 340 requests" in shown
    assert "Reading the account: 340/2,116 requests" in shown
