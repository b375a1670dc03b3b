"""The optional request log: one redacted block per HTTP attempt, appended under a lock.

Each block::

    2024-05-01T12:00:00.123+00:00 POST https://www.2checkout.com/api/products/update_product (attempt 1)
    Authorization: Basic ***
    params: product_id=4635212971&name=Lamp
    status: 200 in 84.2 ms
    body: {"response_code":"OK",...}
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass
from urllib.parse import urlencode

from catalogsync.api.codec import Received
from catalogsync.api.redact import Redactor


@dataclass(frozen=True)
class Attempt:
    """What one HTTP attempt sent and got: ``status`` and ``content``, or ``failure`` without a response."""

    verb: str
    url: str
    pairs: list[tuple[str, str]]
    attempt: int
    duration_ms: float
    status: int | None = None
    content: bytes = b""
    failure: str | None = None

    @classmethod
    def of(
        cls,
        verb: str,
        url: str,
        pairs: list[tuple[str, str]],
        attempt: int,
        duration_ms: float,
        outcome: Received | str,
    ) -> Attempt:
        """An attempt from its outcome: the answer, or why there was none."""
        if isinstance(outcome, str):
            return cls(verb, url, pairs, attempt, duration_ms, failure=outcome)
        return cls(verb, url, pairs, attempt, duration_ms, outcome.status, outcome.content)


class RequestLog:
    """Appends to ``path``; safe to share between threads. The file is opened per block, never kept open.

    A block that cannot be written (the disk is full, the file was made read-only) fails no request: the log
    stops there, and :attr:`failure` says where and why, for the caller to report. Text that is not UTF-8 (a
    lone surrogate, as a ``\\ud800`` escape in an answer decodes to) is written as a backslash escape.
    """

    def __init__(self, path: str | os.PathLike[str], redactor: Redactor) -> None:
        self._path = path
        self._redactor = redactor
        self._lock = threading.Lock()
        self._written = 0
        self.failure: str | None = None

    def record(self, attempt: Attempt) -> None:
        block = self._format(attempt)
        with self._lock:
            if self.failure is not None:
                return
            try:
                with open(self._path, "a", encoding="utf-8", errors="backslashreplace") as log:
                    log.write(block)
            except OSError as error:
                self.failure = (
                    f"the request log {os.fspath(self._path)} stopped after {self._written} requests:"
                    f" {error.strerror or error}"
                )
                return
            self._written += 1

    def _format(self, attempt: Attempt) -> str:
        redact = self._redactor
        when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
        # the URL is the base URL (no userinfo, query or fragment) and a method name; the failure was
        # described from redacted parts: masking them again could only damage them
        outcome = f"status: {attempt.status}" if attempt.status is not None else f"failed: {attempt.failure}"
        lines = [
            f"{when} {attempt.verb} {attempt.url} (attempt {attempt.attempt})",
            f"Authorization: Basic {redact.mask}",
            f"params: {urlencode(redact.pairs(attempt.pairs), safe='*[]')}",
            f"{outcome} in {attempt.duration_ms:.1f} ms",
        ]
        if attempt.status is not None:
            lines.append(f"body: {redact.body(attempt.content)}")
        return "\n".join(lines) + "\n\n"
