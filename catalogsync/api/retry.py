"""When to retry a read and how long to wait: capped exponential back-off with full jitter, and the shared
"not before" gate that a 429 closes for every thread of a client."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from catalogsync.errors import ClientError, TransportError

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def is_transient(error: ClientError) -> bool:
    """Worth retrying (for a read): no usable answer (whatever its status, unless asking again can only get
    the same answer), 429 or a server error."""
    if isinstance(error, TransportError):
        return error.transient
    status = getattr(error, "status", None)
    return status is None or status == 429 or status >= 500


def retry_after(header: str | None) -> float | None:
    """The delay a ``Retry-After`` header asks for, in seconds (the HTTP-date form is not used by the API)."""
    if header is None:
        return None
    try:
        seconds = float(header.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


@dataclass
class Backoff:
    """Delays of successive retries: ``uniform(0, min(cap, base * 2**attempt))`` ("full jitter")."""

    base: float
    cap: float
    draw: Callable[[float, float], float] = field(default_factory=lambda: random.Random().uniform)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * 2 ** min(attempt, 62))
        return self.draw(0.0, ceiling)

    def hold_for(self, requested: float | None, attempt: int) -> float:
        """How long a 429 closes the gate: ``Retry-After`` (capped), else the back-off delay."""
        return self.delay(attempt) if requested is None else min(requested, self.cap)


class Gate:
    """A "not before" time shared by every thread of a client; a 429 moves it forward, never back."""

    def __init__(self, clock: Clock, sleep: Sleep) -> None:
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._not_before = clock()

    def hold(self, seconds: float) -> None:
        """Close the gate for ``seconds`` from now (unless it is already closed for longer)."""
        with self._lock:
            self._not_before = max(self._not_before, self._clock() + seconds)

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._not_before - self._clock())

    def wait(self) -> None:
        """Return once the gate is open; sleeps outside the lock, re-checks after each sleep."""
        while (delay := self.remaining()) > 0:
            self._sleep(delay)
