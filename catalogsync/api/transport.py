"""The one choke point for HTTP: every request of the client goes through :meth:`Transport.call`.

It adds Basic auth (pre-emptively, UTF-8), ``Accept: application/json`` and the timeout (its own session's
requests built from templates prepared once per method: :mod:`catalogsync.api.prepared`); waits at the
shared 429 gate; bounds the requests in flight across every thread; gives each attempt ``timeout`` seconds
in total (connecting, waiting and reading the whole answer: :mod:`catalogsync.api.deadline`) and reads at
most :attr:`Policy.max_body_bytes` of its body; retries reads (never writes) on transient failures, but only
:attr:`Policy.connect_retries` times, quickly, when no connection can be made at all; maps every answer to a
body, :class:`ApiError` or :class:`TransportError`; counts requests; and logs each attempt redacted. No
``requests`` exception escapes, and no exception it raises carries credentials in its message, cause or
context.
"""

from __future__ import annotations

import math
import os
import threading
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from requests.auth import HTTPBasicAuth

from catalogsync.api.checks import (
    check_arguments,
    check_base_url,
    check_credentials,
    check_log_file,
    check_method,
    check_number,
    check_pairs,
)
from catalogsync.api.codec import Body, Pairs, Received, decode_response, encode_params, is_read
from catalogsync.api.deadline import DeadlineAdapter, attempt_timeout, receive
from catalogsync.api.failure import Failure, address, describe
from catalogsync.api.limits import MAX_BODY_BYTES, MAX_SECONDS
from catalogsync.api.prepared import Preparer
from catalogsync.api.redact import Redactor, basic_credentials, nfc
from catalogsync.api.requestlog import Attempt, RequestLog
from catalogsync.api.retry import Backoff, Clock, Gate, Sleep, is_transient, retry_after
from catalogsync.errors import ApiError, ClientError, SettingsError, TransportError

HEADERS = {"Accept": "application/json"}
__all__ = ["Policy", "Transport", "check_base_url"]


@dataclass(frozen=True)
class Policy:
    """How patient the transport is, and how much it reads.

    ``timeout`` is the whole of one attempt: connecting, waiting for the answer and reading all of it. A read
    is retried after a transient failure, so its total is bounded by ``(max_retries + 1) * timeout`` plus
    the back-off pauses. A read that cannot connect at all (refused, name not resolved, no connection within
    ``timeout``) is retried at most ``connect_retries`` times (and never more than ``max_retries``), each
    after a pause of at most ``connect_pause`` seconds: a server that is not there rarely appears within the
    full back-off. A body larger than ``max_body_bytes`` is refused once that many bytes have come.
    """

    timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    connect_retries: int = 2
    connect_pause: float = 0.1
    max_body_bytes: int = MAX_BODY_BYTES

    def __post_init__(self) -> None:
        for name in ("timeout", "backoff", "max_backoff", "connect_pause"):
            _check_seconds(name, getattr(self, name), zero=name != "timeout")
        for name in ("max_retries", "connect_retries"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise SettingsError(f"{name} must be a whole number, not {type(value).__name__} {value!r}")
            if value < 0:
                raise SettingsError(f"{name} must not be negative, not {value!r}")
        size = self.max_body_bytes
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise SettingsError(f"max_body_bytes must be a whole number of bytes, at least 1, not {size!r}")


def _check_seconds(name: str, value: Any, *, zero: bool) -> None:
    """A number of seconds that can be waited or slept: finite, at most :data:`MAX_SECONDS` (a day), not
    negative, and more than 0 unless ``zero`` (``time.sleep`` of 1e300 or inf is an ``OverflowError``)."""
    check_number(name, value)
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number of seconds, not {value!r}")
    if value < 0 or (value == 0 and not zero):
        least = "not be negative" if zero else "be more than 0 seconds"
        raise SettingsError(f"{name} must {least}, not {value!r}")
    if value > MAX_SECONDS:
        raise SettingsError(f"{name} must be at most {MAX_SECONDS:g} seconds (a day), not {value!r}")


class Transport:
    """Sends calls to ``<base_url>/<group>/<method>`` for one account; safe to use from many threads.

    At most ``max_in_flight`` requests are on the wire at once, whatever the number of calling threads.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        policy: Policy | None = None,
        session: requests.Session | None = None,
        pool_size: int = 10,
        max_in_flight: int = 10,
        secrets: tuple[str | None, ...] = (),
        log_file: str | os.PathLike[str] | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self._address = address(self.base_url)
        check_credentials(username, password)
        self.policy = policy or Policy()
        sent = unicodedata.normalize("NFC", password)
        self.redactor = Redactor((password, sent, basic_credentials(username, password), *secrets))
        self._auth = HTTPBasicAuth(nfc(username), nfc(password))  # UTF-8 (RFC 7617), not Latin-1
        self._owns_session = session is None
        self._session = session or _new_session(pool_size)
        self._environment = _pin_environment(self._session, self.base_url) if self._owns_session else {}
        self._preparer = (
            Preparer(self._session, self.base_url, HEADERS, self._auth) if self._owns_session else None
        )
        self._timeout = attempt_timeout(self.policy.timeout)  # urllib3 clones it per request
        self._in_flight = threading.BoundedSemaphore(max_in_flight)
        if log_file is not None:
            check_log_file(log_file)
        self._log = RequestLog(log_file, self.redactor) if log_file is not None else None
        self._backoff = Backoff(self.policy.backoff, self.policy.max_backoff)
        self.gate = Gate(clock, sleep)
        self._sleep = sleep
        self._count_lock = threading.Lock()
        self._requests = 0

    @property
    def requests_made(self) -> int:
        with self._count_lock:
            return self._requests

    @property
    def log_failure(self) -> str | None:
        """Why the request log stopped being written (no request fails for it), or None."""
        return self._log.failure if self._log is not None else None

    def call(self, group: str, method: str, params: Mapping[str, Any] | None = None, *, write: bool) -> Body:
        """The body of a successful call; reads are retried on transient failures, writes never."""
        name = check_method(group, method)
        check_arguments(name, params, write)
        pairs = encode_params(params)
        check_pairs(name, pairs)
        read = is_read(group, method) and not write
        attempt = 0
        policy = self.policy
        while True:
            try:
                return self._attempt(name, pairs, read, attempt)
            except ClientError as error:
                unreachable = isinstance(error, TransportError) and error.unreachable
                limit = min(policy.max_retries, policy.connect_retries) if unreachable else policy.max_retries
                if not read or attempt >= limit or not is_transient(error):
                    raise
                if unreachable:
                    self._sleep(min(policy.connect_pause, self._backoff.delay(attempt)))
                elif getattr(error, "status", None) != 429:  # a 429 already closed the gate
                    self._sleep(self._backoff.delay(attempt))
            attempt += 1

    def close(self) -> None:
        """Close the session if the transport made it (an injected session belongs to the caller)."""
        if self._owns_session:
            self._session.close()

    def _attempt(self, name: str, pairs: Pairs, read: bool, attempt: int) -> Body:
        verb = "GET" if read else "POST"
        with self._in_flight:
            self.gate.wait()  # with a slot taken: no request leaves while a 429 holds the gate
            with self._count_lock:
                self._requests += 1
            started = time.perf_counter()
            outcome = self._send(verb, name, pairs)
        if self._log is not None:
            elapsed = (time.perf_counter() - started) * 1000
            logged = outcome.text if isinstance(outcome, Failure) else outcome
            url = f"{self.base_url}/{name}"
            self._log.record(Attempt.of(verb, url, pairs, attempt + 1, elapsed, logged))
        if isinstance(outcome, Failure):
            raise TransportError(
                outcome.text,
                method=name,
                status=outcome.status,
                unreachable=outcome.unreachable,
                transient=outcome.transient,
            )
        return self._decode(name, outcome, attempt)

    def _send(self, verb: str, name: str, pairs: Pairs) -> Received | Failure:
        """The whole answer, or a redacted description of why there is none (never an exception: no
        chaining), within ``timeout`` from now and :attr:`Policy.max_body_bytes`."""
        timeout = self.policy.timeout
        deadline = time.monotonic() + timeout
        try:
            response = self._response(verb, name, pairs)
        except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
            return self._describe(error)
        return receive(
            response,
            deadline=deadline,
            timeout=timeout,
            limit=self.policy.max_body_bytes,
            describe=self._describe,
        )

    def _response(self, verb: str, name: str, pairs: Pairs) -> requests.Response:
        """The streamed response: through the session when it was injected (its headers, cookies, hooks and
        environment apply); otherwise from the :class:`Preparer`'s templates, straight to the adapter. The
        transport's own session has no hooks, follows no redirect and sends no cookie back, so
        ``Session.send`` would only add its bookkeeping (whose redirect handling fails on these requests)."""
        options: dict[str, Any] = {"timeout": self._timeout, "stream": True}  # a urllib3.Timeout
        if self._preparer is None:
            read = verb == "GET"
            return self._session.request(
                verb,
                f"{self.base_url}/{name}",
                params=pairs if read else None,
                data=None if read else pairs,
                headers=HEADERS,
                auth=self._auth,
                allow_redirects=False,
                **options,
            )
        prepared = self._preparer.request(verb, name, pairs)
        return self._preparer.adapter.send(prepared, cert=None, **options, **self._environment)

    def _describe(self, error: Exception) -> Failure:
        return describe(error, self._address, self.policy.timeout, self.redactor.text)

    def _decode(self, name: str, response: Received, attempt: int) -> Body:
        """The body, or the error it carries; a 429 first closes the shared gate."""
        try:
            return decode_response(
                name,
                response.status,
                response.headers,
                response.content,
                self.redactor,
            )
        except ApiError as error:
            if error.status == 429:
                requested = retry_after(response.headers.get("Retry-After"))
                self.gate.hold(self._backoff.hold_for(requested, attempt))
            raise


def _pin_environment(session: requests.Session, url: str) -> dict[str, Any]:
    """Proxy and CA-bundle settings read from the environment once, for the transport's own session.

    ``requests`` re-reads them from ``os.environ`` on every request (a large share of its CPU time per
    call); every request goes to the same host, so reading them once gives the same settings.
    """
    settings = session.merge_environment_settings(url, {}, None, None, None)
    session.trust_env = False
    return {"proxies": settings["proxies"], "verify": settings["verify"]}


def _new_session(pool_size: int) -> requests.Session:
    session = requests.Session()
    adapter = DeadlineAdapter(pool_connections=2, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
