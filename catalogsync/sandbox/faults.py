"""Fault injection: latency, 5xx, 429, dropped connections, slow and malformed answers, a slow server, a
server killed mid-run; off by default.

Deterministic for a given seed: one draw from ``random.Random(seed)`` per eligible request, in arrival order,
under a lock. Nothing here sleeps; the server sleeps the returned delay outside every lock.

The kinds of a slow server are drawn only when named in ``kinds`` (:data:`SLOW_SERVER_FAULTS`): ``late``
processes (commits) the request only ``slow_ms`` after it arrived, so a client that timed out meanwhile
finds nothing yet when it reads straight away; ``drip`` processes it at once and sends the answer a few bytes
at a time over ``slow_ms``, every gap shorter than a read timeout. ``kill_after_writes`` stops the whole
server, as a crash would, once that many writes arrived: the last one is committed and never answered, and
from then on nothing is answered (connections are refused once the listener is closed).
"""

from __future__ import annotations

import math
import random
import threading
import time
from dataclasses import dataclass

ALL_FAULTS: tuple[str, ...] = ("500", "503", "429", "reset_before", "lost_after", "slow", "truncated", "html")
"""The kinds drawn by default."""
SLOW_SERVER_FAULTS: tuple[str, ...] = ("late", "drip")
"""Drawn only when named in ``kinds``: a server that commits late, or answers a few bytes at a time."""
KNOWN_FAULTS = ALL_FAULTS + SLOW_SERVER_FAULTS
MAX_DELAY_MS = 86_400_000.0
"""Longest latency, jitter or ``slow_ms`` (a day): their sum stays far below the longest wait
(``threading.TIMEOUT_MAX``) the server can sleep."""
BEFORE_PROCESSING = frozenset({"500", "503", "429", "reset_before", "html"})
"""Faults answered instead of the request: nothing is committed. The others run the request first."""


@dataclass(frozen=True)
class Faults:
    """What to inject. ``rate_limit`` is requests/second (token bucket); ``methods`` limits the faults.

    ``slow_ms`` is how long a ``slow`` answer is held back, a ``late`` request waits before it is processed
    and a ``drip`` answer takes to arrive. ``kill_after_writes``: the write with this number (counted from
    1, every method that writes, whatever ``methods`` says) is the last one the server takes.
    """

    latency_ms: float = 0
    jitter_ms: float = 0
    fault_rate: float = 0.0
    seed: int = 0
    rate_limit: float | None = None
    kinds: tuple[str, ...] = ALL_FAULTS
    methods: tuple[str, ...] | None = None
    slow_ms: float = 5000
    kill_after_writes: int | None = None

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(KNOWN_FAULTS)
        if unknown or not self.kinds:
            raise ValueError(f"fault kinds must be among {', '.join(KNOWN_FAULTS)}")
        if self.kill_after_writes is not None and self.kill_after_writes < 1:
            raise ValueError("kill_after_writes must be at least 1")
        if not 0 <= self.fault_rate <= 1:  # also refuses nan, which compares false
            raise ValueError("fault_rate must be between 0 and 1")
        times = (self.latency_ms, self.jitter_ms, self.slow_ms)
        if not all(0 <= time <= MAX_DELAY_MS for time in times):  # also refuses nan
            raise ValueError(f"latency_ms, jitter_ms and slow_ms must be between 0 and {MAX_DELAY_MS:.0f}")
        if self.rate_limit is not None and not (math.isfinite(self.rate_limit) and self.rate_limit > 0):
            raise ValueError("rate_limit must be positive and finite")


@dataclass(frozen=True)
class Decision:
    """For one request: the wait before it, its fault ("rate_limit" over the rate) and the fault's numbers.

    Two faults are not drawn: "killed" (the write that kills the server) and "dead" (any request after it).
    """

    delay: float = 0.0
    fault: str | None = None
    retry_after: int = 1
    hold: float = 0.0
    """Seconds a "slow" answer is held back, or a "drip" answer takes (a "late" one waits in ``delay``)."""


class Injector:
    """Draws the decision for each request of the current :class:`Faults`."""

    def __init__(self, faults: Faults | None) -> None:
        self.faults = faults
        self._lock = threading.Lock()
        seed = faults.seed if faults else 0
        self._draws = random.Random(seed)
        self._jitter = random.Random(seed + 1)
        self._tokens = max(1.0, faults.rate_limit) if faults and faults.rate_limit else 0.0
        self._refilled = time.monotonic()
        self._writes = 0
        self._dead = False

    @property
    def dead(self) -> bool:
        """Whether the server was killed (``kill_after_writes``): it answers nothing more."""
        with self._lock:
            return self._dead

    def decide(self, method: str, *, write: bool = False) -> Decision:
        faults = self.faults
        if faults is None:
            return Decision()
        with self._lock:
            if self._dead:
                return Decision(fault="dead")
            delay = (faults.latency_ms + self._jitter.uniform(0, faults.jitter_ms)) / 1000
            if write and faults.kill_after_writes is not None:
                self._writes += 1
                if self._writes >= faults.kill_after_writes:
                    self._dead = True
                    return Decision(delay, "killed")
            retry_after = self._take_token(faults.rate_limit) if faults.rate_limit else None
            if retry_after is not None:
                return Decision(delay, "rate_limit", retry_after)
            if faults.fault_rate <= 0 or (faults.methods is not None and method not in faults.methods):
                return Decision(delay)
            draw = self._draws.random()
        if draw >= faults.fault_rate:
            return Decision(delay)
        kind = faults.kinds[min(len(faults.kinds) - 1, int(draw / faults.fault_rate * len(faults.kinds)))]
        held = faults.slow_ms / 1000
        if kind == "late":
            return Decision(delay + held, kind)
        return Decision(delay, kind, hold=held if kind in ("slow", "drip") else 0.0)

    def _take_token(self, rate: float) -> int | None:
        """None when a token was available, else the seconds until one is (at least 1)."""
        now = time.monotonic()
        self._tokens = min(max(1.0, rate), self._tokens + (now - self._refilled) * rate)
        self._refilled = now
        if self._tokens >= 1:
            self._tokens -= 1
            return None
        return max(1, math.ceil((1 - self._tokens) / rate))
