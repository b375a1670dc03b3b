"""The HTTP side of one request: read it, apply the injected fault, answer JSON over HTTP/1.1 keep-alive."""

from __future__ import annotations

import json
import math
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from catalogsync.sandbox import wire
from catalogsync.sandbox.app import WRITES, App, Reply, method_of
from catalogsync.sandbox.faults import BEFORE_PROCESSING, Decision, Injector
from catalogsync.sandbox.params import read_request
from catalogsync.sandbox.state import StoreClosed

DRIP_BYTES = 8
"""A drip-fed answer comes this many bytes at a time (in at most :data:`DRIP_STEPS` steps, so more for a
long answer)."""
DRIP_STEPS = 50
MAX_BODY = 16 * 1024 * 1024
"""Largest request body read; a form naming 10,000 product ids is about 200 KB. A larger one is answered 413
unread, as web servers do, rather than held in memory."""
DIGITS = re.compile("[0-9]+")


class BodyTooLarge(Exception):
    """A request body over :data:`MAX_BODY`."""


def _within_limit(size: int) -> int:
    if size > MAX_BODY:
        raise BodyTooLarge(size)
    return size


HTML_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
CANNED: dict[str, Reply] = {
    "500": Reply(500, {"errors": [wire.error("INTERNAL_ERROR", "Internal server error.")]}),
    "503": Reply(503, {"errors": [wire.error("SERVICE_UNAVAILABLE", "Service temporarily unavailable.")]}),
    "429": Reply(
        429, {"errors": [wire.error("TOO_MANY_REQUESTS", "Too many requests.")]}, {"Retry-After": "1"}
    ),
}


class Stats:
    """Request and fault counters, safe to update from every handler thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._requests = 0
            self._by_method: dict[str, int] = {}
            self._faults: dict[str, int] = {}

    def request(self, method: str | None) -> None:
        with self._lock:
            self._requests += 1
            if method is not None:
                self._by_method[method] = self._by_method.get(method, 0) + 1

    def fault(self, kind: str) -> None:
        with self._lock:
            self._faults[kind] = self._faults.get(kind, 0) + 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": self._requests,
                "by_method": dict(self._by_method),
                "faults": dict(self._faults),
            }


@dataclass
class Runtime:
    """What the handlers share: the app, the current fault injector, the counters, the stop signal, and how
    to kill the server (the "killed" fault: stop listening at once, as a crash would)."""

    app: App
    injector: Injector
    stats: Stats = field(default_factory=Stats)
    stopping: threading.Event = field(default_factory=threading.Event)
    kill: Callable[[], None] = lambda: None

    def pause(self, seconds: float) -> None:
        """Sleep without holding any lock; cut short when the server stops."""
        if seconds > 0:
            self.stopping.wait(seconds)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no delayed-ACK stall between them
    runtime: Runtime  # set on the per-server subclass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        try:
            body = self._read_body()
        except BodyTooLarge:
            self.send_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"Request body over {MAX_BODY} bytes")
            return
        except ValueError:
            self.send_error(HTTPStatus.BAD_REQUEST, "Unreadable request body length or chunk size")
            return
        try:
            self._dispatch(url.query, body, method_of(url.path))
        except StoreClosed:  # stopped while this request was on its way: no answer, as after a crash
            self._drop()

    def _dispatch(self, query: str, body: bytes, method: str | None) -> None:
        runtime = self.runtime
        runtime.stats.request(method)
        decision = runtime.injector.decide(method, write=method in WRITES) if method else Decision()
        if decision.fault not in (None, "dead"):
            runtime.stats.fault(str(decision.fault))
        runtime.pause(decision.delay)
        if decision.fault == "killed":
            self._process(query, body, method)
            runtime.kill()  # listening stops before this connection is cut: nothing more gets in
            self.close_connection = True
        elif self._gone(decision):
            self._drop()
        elif decision.fault == "rate_limit":
            self._answer(Reply(429, CANNED["429"].body, {"Retry-After": str(decision.retry_after)}))
        elif decision.fault in BEFORE_PROCESSING:
            self._fail_before(str(decision.fault))
        else:
            self._serve(self._process(query, body, method), decision)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the sandbox never prints."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors (a bad request line, an unsupported verb) are answered in JSON too."""
        status = HTTPStatus(code)
        self.close_connection = True
        self._answer(Reply(code, {"errors": [wire.error(status.name, message or status.phrase)]}))

    def _gone(self, decision: Decision) -> bool:
        """Whether the server is no longer there for this request: killed, or stopping after its delay."""
        runtime = self.runtime
        return decision.fault == "dead" or runtime.stopping.is_set() or runtime.injector.dead

    def _serve(self, reply: Reply, decision: Decision) -> None:
        """Answer a processed request, unless the fault loses, delays, drips or truncates the answer."""
        if decision.fault == "lost_after":
            self._drop()
        elif decision.fault == "drip":
            self._drip(reply, decision.hold)
        else:
            self.runtime.pause(decision.hold)
            self._answer(reply, truncate=decision.fault == "truncated")

    def _drip(self, reply: Reply, seconds: float) -> None:
        """The headers at once, then the body a few bytes at a time, spread over ``seconds``."""
        data = json.dumps(reply.body, separators=(",", ":")).encode()
        size = max(DRIP_BYTES, math.ceil(len(data) / DRIP_STEPS))
        pieces = [data[i : i + size] for i in range(0, len(data), size)]
        self._send(reply.status, "application/json", b"", reply.headers, length=len(data))
        for piece in pieces:
            self.runtime.pause(seconds / len(pieces))
            if self.runtime.stopping.is_set():
                self._drop()
                return
            self.wfile.write(piece)

    def _process(self, query: str, body: bytes, method: str | None) -> Reply:
        params = read_request(query, self.headers.get("Content-Type", ""), body)
        return self.runtime.app.handle(
            method, params, self.headers.get("Authorization"), self.client_address[0]
        )

    def _read_body(self) -> bytes:
        """The request body, by Content-Length or chunked; ValueError when its framing is unreadable."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunks()
        return self.rfile.read(_within_limit(self._content_length()))

    def _content_length(self) -> int:
        """The one length every ``Content-Length`` (or list member) gives, without its optional whitespace
        (RFC 9110 §5.5, RFC 9112 §6.3); 0 without one; ValueError when they differ or one is not digits."""
        given = self.headers.get_all("Content-Length") or []
        lengths = {part.strip(" \t") for value in given for part in value.split(",")}
        if not lengths:
            return 0
        text = lengths.pop()
        if lengths or not DIGITS.fullmatch(text):  # int() would take "-5", "+5" and " 5"
            raise ValueError(f"Content-Length {', '.join(given)!r}")
        return int(text)

    def _read_chunks(self) -> bytes:
        chunks, total = [], 0
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            if size < 0:
                raise ValueError(f"chunk size {size}")
            total = _within_limit(total + size)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass
        return b"".join(chunks)

    def _answer(self, reply: Reply, *, truncate: bool = False) -> None:
        data = json.dumps(reply.body, separators=(",", ":")).encode()
        self._send(
            reply.status, "application/json", data[: len(data) // 2] if truncate else data, reply.headers
        )

    def _fail_before(self, fault: str) -> None:
        if fault == "reset_before":
            self._drop()
        elif fault == "html":
            self._send(502, "text/html; charset=utf-8", HTML_PAGE, {})
        else:
            self._answer(CANNED[fault])

    def _send(
        self, status: int, content_type: str, data: bytes, headers: dict[str, str], length: int | None = None
    ) -> None:
        """Status, headers and ``data``; ``length`` announces a body sent afterwards (a drip). Says
        ``Connection: close`` when the connection closes after it; an answer to HEAD has no body (RFC 9110
        §9.3.2)."""
        head = self.command == "HEAD"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if not head:
            self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in headers.items():
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(data)

    def _drop(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)
