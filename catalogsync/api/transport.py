"""The one choke point for HTTP: every request of the client goes through :meth:`Transport.call`.

It adds Basic auth (pre-emptively), ``Accept: application/json`` and the timeout; waits at the shared 429
gate; bounds the requests in flight across every thread; retries reads (never writes) on transient failures,
but only :attr:`Policy.connect_retries` times, quickly, when no connection can be made at all; maps every
answer to a body, :class:`ApiError` or :class:`TransportError`; counts requests; and logs each attempt
redacted. No ``requests`` exception escapes, and no exception it raises carries credentials in its message,
cause or context.
"""

from __future__ import annotations

import ipaddress
import math
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.auth import HTTPBasicAuth

from catalogsync.api.codec import Body, Pairs, decode_response, encode_params, is_read
from catalogsync.api.failure import Failure, address, describe
from catalogsync.api.redact import Redactor, basic_credentials
from catalogsync.api.requestlog import Attempt, RequestLog
from catalogsync.api.retry import Backoff, Clock, Gate, Sleep, is_transient, retry_after
from catalogsync.errors import ApiError, ClientError, SettingsError, TransportError

HEADERS = {"Accept": "application/json"}


@dataclass(frozen=True)
class Policy:
    """How patient the transport is.

    A read that cannot connect at all (refused, name not resolved, no connection within ``timeout``) is
    retried at most ``connect_retries`` times (and never more than ``max_retries``), each after a pause of
    at most ``connect_pause`` seconds: a server that is not there rarely appears within the full back-off.
    """

    timeout: float = 30.0
    max_retries: int = 4
    backoff: float = 0.5
    max_backoff: float = 30.0
    connect_retries: int = 2
    connect_pause: float = 0.1

    def __post_init__(self) -> None:
        if not math.isfinite(self.timeout):
            raise SettingsError(f"timeout must be a finite number of seconds, not {self.timeout!r}")
        if self.timeout <= 0:
            raise SettingsError(f"timeout must be more than 0 seconds, not {self.timeout!r}")
        for name in ("max_retries", "backoff", "max_backoff", "connect_retries", "connect_pause"):
            value = getattr(self, name)
            if not value >= 0:  # NaN fails too
                raise SettingsError(f"{name} must not be negative, not {value!r}")


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
        if not username or not password:
            raise SettingsError("the API username and password are required")
        if not _latin1(f"{username}:{password}"):
            raise SettingsError(
                "the API username and password must be Latin-1 text (Basic auth sends them so)"
            )
        self.policy = policy or Policy()
        self.redactor = Redactor((password, basic_credentials(username, password), *secrets))
        self._auth = HTTPBasicAuth(username, password)
        self._owns_session = session is None
        self._session = session or _new_session(pool_size)
        self._environment = _pin_environment(self._session, self.base_url) if self._owns_session else {}
        self._in_flight = threading.BoundedSemaphore(max_in_flight)
        self._log = RequestLog(log_file, self.redactor) if log_file else None
        self._backoff = Backoff(self.policy.backoff, self.policy.max_backoff)
        self.gate = Gate(clock, sleep)
        self._sleep = sleep
        self._count_lock = threading.Lock()
        self._requests = 0

    @property
    def requests_made(self) -> int:
        with self._count_lock:
            return self._requests

    def call(self, group: str, method: str, params: Mapping[str, Any] | None = None, *, write: bool) -> Body:
        """The body of a successful call; reads are retried on transient failures, writes never."""
        read = is_read(group, method) and not write
        name, pairs = f"{group}/{method}", encode_params(params)
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
        url, verb = f"{self.base_url}/{name}", "GET" if read else "POST"
        with self._in_flight:
            self.gate.wait()  # with a slot taken: no request leaves while a 429 holds the gate
            with self._count_lock:
                self._requests += 1
            started = time.perf_counter()
            outcome = self._send(verb, url, pairs)
        if self._log is not None:
            elapsed = (time.perf_counter() - started) * 1000
            logged = outcome.text if isinstance(outcome, Failure) else outcome
            self._log.record(Attempt.of(verb, url, pairs, attempt + 1, elapsed, logged))
        if isinstance(outcome, Failure):
            raise TransportError(outcome.text, method=name, unreachable=outcome.unreachable)
        return self._decode(name, outcome, attempt)

    def _send(self, verb: str, url: str, pairs: Pairs) -> requests.Response | Failure:
        """The response, or a redacted description of why there is none (never an exception: no chaining)."""
        read = verb == "GET"
        try:
            return self._session.request(
                verb,
                url,
                params=pairs if read else None,
                data=None if read else pairs,
                headers=HEADERS,
                auth=self._auth,
                timeout=self.policy.timeout,
                allow_redirects=False,
                **self._environment,
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
            return describe(error, self._address, self.policy.timeout, self.redactor.text)

    def _decode(self, name: str, response: requests.Response, attempt: int) -> Body:
        """The body, or the error it carries; a 429 first closes the shared gate."""
        try:
            return decode_response(
                name,
                response.status_code,
                response.headers.get("Content-Type", ""),
                response.content,
                self.redactor.text,
            )
        except ApiError as error:
            if error.status == 429:
                requested = retry_after(response.headers.get("Retry-After"))
                self.gate.hold(self._backoff.hold_for(requested, attempt))
            raise


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; plain http only to a loopback host (Basic auth is cleartext)."""
    parts = urlsplit(base_url)
    if parts.username or parts.password:
        raise SettingsError("the API URL must not carry credentials; pass username and password instead")
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SettingsError(f"the API URL must look like https://host/api, not {base_url!r}")
    try:
        _ = parts.port  # raises for a port out of range or not a number
    except ValueError:
        raise SettingsError(f"the API URL has no valid port: {base_url!r}") from None
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SettingsError(
            f"refusing plain http to {parts.hostname}: Basic auth would travel in clear text (use https)"
        )
    return base_url.rstrip("/")


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:  # its ``object`` would be the credentials: never let it out
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
