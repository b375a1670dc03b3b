"""When to give up on a server, and how long a request may still be in flight at it.

Apply stops starting changes once :data:`GIVE_UP_AFTER` changes in a row failed without any answer (no
connection, a dropped connection, a timeout): a server that went away is not worth a minute per change.
After a failure without an answer, a request may still be working at the server for up to the client's
timeout (the whole attempt: :attr:`catalogsync.api.Client.timeout`), so a re-read waits that long first.
"""

from __future__ import annotations

import math
import threading
from typing import Any

from catalogsync.errors import ClientError, TransportError

GIVE_UP_AFTER = 3
"""Changes in a row that failed without any answer from the server: then it has stopped answering."""
DEFAULT_DEADLINE = 30.0
"""How long a request may be in flight when the client does not tell its timeout (the client's default)."""
STOPPED_ANSWERING = "not started: the server stopped answering"


class Breaker:
    """Opens once ``limit`` changes in a row failed without any answer from the server (no connection, a
    dropped connection, a timeout); a change that got an answer, applied or refused, closes the run."""

    def __init__(self, limit: int = GIVE_UP_AFTER) -> None:
        self._lock = threading.Lock()
        self._limit, self._run = limit, 0
        self._reason: str | None = None

    @property
    def reason(self) -> str | None:
        """Why it opened (None while closed)."""
        with self._lock:
            return self._reason

    def record(self, status: str, cause: ClientError | None) -> None:
        """The outcome of one more change (``cause``: the client error behind a failure); skipped ones do not
        count."""
        if status == "skipped":
            return
        with self._lock:
            silent = status == "failed" and unanswered(cause)
            self._run = self._run + 1 if silent else 0
            if self._run >= self._limit and self._reason is None:
                last = f"{self._limit} changes in a row got no answer; the last: {cause}"
                self._reason = f"{STOPPED_ANSWERING} ({last})"


def request_deadline(client: Any) -> float:
    """Seconds a request of ``client`` may be in flight: its ``timeout`` (the whole attempt), or
    :data:`DEFAULT_DEADLINE` for a client that does not tell one."""
    value = getattr(client, "timeout", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    return DEFAULT_DEADLINE


def unanswered(error: ClientError | None) -> bool:
    """No answer from the server at all: no connection, a dropped connection or a timeout."""
    return isinstance(error, TransportError) and error.status is None
