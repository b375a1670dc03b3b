"""One attempt, one deadline: connecting, the status line, the headers and the body all within ``timeout``.

``requests`` and urllib3 bound each *socket read* by the read timeout, so a server that drips one byte a
second keeps an attempt alive for as long as it likes. Two pieces close that gap:

* the transport passes ``urllib3.Timeout(total=T)``: connecting gets at most T, and the read timeout urllib3
  sets once the request is sent is what is left of T;
* the connections of :class:`DeadlineAdapter` (the transport's own session) turn that leftover into a
  deadline for the whole answer: every read of the socket, headers and body alike, waits only until it.

:func:`receive` then reads the body in chunks, stopping at the size limit, and checks the deadline between
chunks too (all an injected session of the caller's own gets: there a drip-feed of the headers, or of a body
chunk, is bounded per read only).
"""

from __future__ import annotations

import http.client
import io
import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool

from catalogsync.api.codec import Received
from catalogsync.api.failure import Failure, timed_out
from catalogsync.api.limits import size_text

CHUNK_BYTES = 64 * 1024


def attempt_timeout(seconds: float) -> urllib3.Timeout:
    """What ``requests`` is given: connecting and the first byte within ``seconds`` together."""
    return urllib3.Timeout(total=seconds)


class _DeadlineReader(io.RawIOBase):
    """Reads a socket, each read waiting only until ``deadline`` (``time.monotonic()``)."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._sock, self._deadline = sock, deadline
        self._raw = sock.makefile("rb", buffering=0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("timed out")  # what a socket raises: urllib3 makes it a read timeout
        before = self._sock.gettimeout()
        self._sock.settimeout(remaining if before is None else min(remaining, before))
        try:
            return self._raw.readinto(buffer)
        finally:
            self._sock.settimeout(before)  # the connection may be reused: leave its timeout as it was

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """All that :class:`http.client.HTTPResponse` asks of its socket: ``makefile("rb")``."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock, self._deadline = sock, deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _DeadlineResponse(http.client.HTTPResponse):
    """An answer read within the socket's timeout *in total*, from the moment it is awaited.

    urllib3 sets the socket's timeout to the read timeout just before it awaits the answer (1.26 and 2.x).
    """

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        budget = sock.gettimeout() if isinstance(sock, socket.socket) else None
        if budget is not None:
            sock = _DeadlineSocket(sock, time.monotonic() + budget)
        super().__init__(sock, *args, **kwargs)


class _HTTPConnection(HTTPConnection):
    response_class = _DeadlineResponse


class _HTTPSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _HTTPPool, "https": _HTTPSPool}


class DeadlineAdapter(HTTPAdapter):
    """An adapter whose connections read each answer within the read timeout in total (see the module).

    It finds the connection pool of a request once per host, TLS settings and proxy, not on every request
    (``requests`` rebuilds the pool key and asks the pool manager each time: about a tenth of the client's
    CPU per call, ``benchmarks/client_cost.py``); closing the adapter closes those pools.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = POOLS
        self._pools: dict[tuple[Any, ...], HTTPConnectionPool] = {}

    def get_connection_with_tls_context(
        self, request: Any, verify: Any, proxies: Any = None, cert: Any = None
    ) -> ConnectionPool:
        parts = urlsplit(request.url)
        key = (parts.scheme, parts.netloc, verify, cert, select_proxy(request.url, proxies))
        known = self._pools.get(key)
        if known is not None:
            return known
        pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
        if isinstance(pool, HTTPConnectionPool):
            self._pools[key] = pool
        return pool

    def close(self) -> None:
        """Close the pools found too: urllib3 2 drops a manager's pools without closing their connections."""
        super().close()
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> urllib3.PoolManager:
        manager: urllib3.PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is urllib3.ProxyManager:  # not a SOCKS manager, which has pools of its own
            manager.pool_classes_by_scheme = POOLS
        return manager


def receive(
    response: requests.Response,
    *,
    deadline: float,
    timeout: float,
    limit: int,
    describe: Callable[[Exception], Failure],
) -> Received | Failure:
    """The whole answer of a streamed response, or why there is none; the response is closed either way.

    Stops as soon as the body is larger than ``limit`` bytes (at once when its ``Content-Length`` says so),
    and when the deadline passes between two chunks. The body of a redirect is not read: it is never used.
    """
    status = response.status_code
    too_large = Failure(
        f"HTTP {status}: an answer larger than the limit of {size_text(limit)} (max_body_bytes={limit})",
        status=status,
        transient=False,
    )
    try:
        if 300 <= status < 400:
            return Received(status, response.headers, b"")
        if _declared_length(response) > limit:
            return too_large
        chunks, size = [], 0
        for chunk in response.iter_content(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                return too_large
            chunks.append(chunk)
            if time.monotonic() > deadline:
                return timed_out(timeout)
        return Received(status, response.headers, b"".join(chunks))
    except (requests.RequestException, urllib3.exceptions.HTTPError) as error:
        return describe(error)
    finally:
        response.close()  # a body read in full leaves the connection to the pool; any other is cut


def _declared_length(response: requests.Response) -> int:
    """The body's ``Content-Length`` (0 when absent, unreadable or overridden by chunked encoding)."""
    if "chunked" in response.headers.get("Transfer-Encoding", "").lower():
        return 0
    try:
        return int(response.headers.get("Content-Length", "0").strip())
    except ValueError:
        return 0
