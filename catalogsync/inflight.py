"""Writes that may still be in flight after an apply was killed: a small journal per account.

While apply sends writes it keeps, per account, a file holding the latest time (wall clock, epoch seconds)
until which a write it sent may still be in flight at the server: the send time plus
:data:`IN_FLIGHT_TIMEOUTS` times the client's timeout (the attempt itself, then the time the request may
still be working at the server after the client gave up: :func:`catalogsync.breaker.request_deadline`).
Apply removes the file when it ends, unless a write got no answer (it may still be in flight then: the
file expires by itself); ``kill -9`` leaves it. The file is written ahead, with room for the writes of the
next span, so it is rewritten about once per span, not once per write. The next apply of the same account
waits up to that time before it reads the account, reading the journal again each second and going on as soon
as it is gone, so that it does not plan again a create the killed one sent and the server has not committed
yet.

An apply that is still running is another matter: the next one waits for it to end, on the account's lock
(:mod:`catalogsync.applylock`, a file beside the journal, named by the same digest), before it waits here.

The limit: the journal lives in the user's cache directory (``$XDG_CACHE_HOME/catalogsync``, by default
``~/.cache/catalogsync``), so it protects re-runs on the same machine by the same user only. Applies from
other machines rely on the CI templates serialising applies and on a re-run starting later than the timeout.
A stale or unreadable journal is ignored (and replaced by the next write).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

IN_FLIGHT_TIMEOUTS = 2
"""A write may be in flight for this many client timeouts after it was sent."""
POLL_SECONDS = 1.0
"""How often a wait for writes in flight reads the journal again."""


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/catalogsync``, or ``~/.cache/catalogsync`` when it is unset or not absolute."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "catalogsync"


def account_digest(address: str) -> str:
    """What names the files of the account at ``address`` (an API URL, or ``sandbox /abs/path.db``) in the
    cache folder, the address itself not shown: its SHA-256, in hex."""
    return hashlib.sha256(address.encode("utf-8")).hexdigest()


def journal_path(address: str) -> Path:
    """The journal of the account at ``address`` (an API URL, or ``sandbox /abs/path.db``)."""
    return cache_dir() / f"inflight-{account_digest(address)}"


def read_until(path: Path) -> float | None:
    """The time the journal records, or None when there is none or it cannot be read."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        until = float(text.strip())
    except ValueError:
        return None
    return until if math.isfinite(until) and until > 0 else None


def pending(path: Path, now: float | None = None) -> float:
    """Seconds until the writes the journal records can no longer be in flight (0: none may be)."""
    until = read_until(path)
    now = time.time() if now is None else now
    return max(0.0, until - now) if until is not None else 0.0


def wait_for_settled(
    path: Path, info: Callable[[str], None], sleep: Callable[[float], None] = time.sleep
) -> float:
    """When the journal says writes an earlier apply sent without an answer may be in flight, tell so and
    wait until they cannot be (Ctrl-C interrupts the wait). The journal is read again every
    :data:`POLL_SECONDS`, and the wait ends as soon as it is gone or expired (that apply ended and removed
    it), never later than the time told. The seconds slept."""
    seconds = pending(path)
    if seconds <= 0:
        return 0.0
    info(f"waiting up to {math.ceil(seconds)} s for writes an earlier apply sent without an answer to settle")
    waited = 0.0
    while (left := min(pending(path), seconds - waited)) > 0:
        step = min(POLL_SECONDS, left)
        sleep(step)
        waited += step
    return waited


class Journal:
    """Records, before each write is sent, until when it may be in flight (thread-safe)."""

    def __init__(self, path: Path, deadline: float) -> None:
        self.path = path
        self.seconds = IN_FLIGHT_TIMEOUTS * deadline
        self._lock = threading.Lock()
        self._written: str | None = None
        self._covered = 0.0
        """Until when the file already covers writes sent now (no rewrite needed before then)."""

    def record(self) -> None:
        """A write is about to be sent. A journal that cannot be written is not a reason to stop apply."""
        with self._lock:
            now = time.time()
            if now + self.seconds <= self._covered:  # the file already says so: no I/O on this write
                return
            until = max(read_until(self.path) or 0.0, now + 2 * self.seconds)
            text = f"{until:.3f}\n"
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
                temporary.write_text(text, encoding="ascii")
                os.replace(temporary, self.path)
            except OSError:
                return
            self._written, self._covered = text, until

    def close(self) -> None:
        """Apply ended with every write answered or settled by re-reading: its journal goes, and so does an
        expired one; one another apply wrote since and that is still running out is left."""
        with self._lock:
            try:
                if self.path.read_text(encoding="ascii") == self._written or pending(self.path) == 0:
                    self.path.unlink()
            except (OSError, UnicodeDecodeError):
                pass
            self._written = None
