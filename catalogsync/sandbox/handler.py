"""The HTTP side of one request: read it, apply the injected fault, answer JSON over HTTP/1.1 keep-alive."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

from catalogsync.sandbox import wire
from catalogsync.sandbox.app import App, Reply, method_of
from catalogsync.sandbox.faults import BEFORE_PROCESSING, Injector
from catalogsync.sandbox.params import Params, parse_body, parse_query

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
    """What the handlers share: the app, the current fault injector, the counters, the stop signal."""

    app: App
    injector: Injector
    stats: Stats = field(default_factory=Stats)
    stopping: threading.Event = field(default_factory=threading.Event)

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
        body = self._read_body()
        method = method_of(url.path)
        runtime = self.runtime
        runtime.stats.request(method)
        decision = runtime.injector.decide(method) if method else None
        if decision is None:
            return self._answer(self._process(url.query, body, method))
        runtime.pause(decision.delay)
        if decision.retry_after is not None:
            runtime.stats.fault("rate_limit")
            reply = CANNED["429"]
            return self._answer(Reply(429, reply.body, {"Retry-After": str(decision.retry_after)}))
        fault = decision.fault
        if fault is not None:
            runtime.stats.fault(fault)
        if fault in BEFORE_PROCESSING:
            return self._fail_before(str(fault))
        reply = self._process(url.query, body, method)
        if fault == "lost_after":
            return self._drop()
        if fault == "slow" and runtime.injector.faults is not None:
            runtime.pause(runtime.injector.faults.slow_ms / 1000)
        self._answer(reply, truncate=fault == "truncated")

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the sandbox never prints."""

    def _process(self, query: str, body: bytes, method: str | None) -> Reply:
        params = Params(parse_query(query) + parse_body(self.headers.get("Content-Type", ""), body))
        return self.runtime.app.handle(
            method, params, self.headers.get("Authorization"), self.client_address[0]
        )

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunks()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunks(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
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
            return self._drop()
        if fault == "html":
            return self._send(502, "text/html; charset=utf-8", HTML_PAGE, {})
        self._answer(CANNED[fault])

    def _send(self, status: int, content_type: str, data: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)
