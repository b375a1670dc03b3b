"""A server on 127.0.0.1 that answers each method as a test tells it: broken, hostile or slow answers that
the sandbox does not give (the ``hostile`` fixture of tests/conftest.py serves it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Answer:
    """What the hostile server answers to one method."""

    body: Any
    status: int = 200
    content_type: str = "application/json"

    def encoded(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


@dataclass
class Hostile:
    """A tiny real HTTP server on 127.0.0.1 that answers each ``group/method`` with a chosen :class:`Answer`.

    ``answers`` maps a method to one answer, or to a function of the query parameters; unknown methods get
    the API's RECORD_NOT_FOUND. ``calls`` records every method called, in order.
    """

    url: str
    answers: dict[str, Answer | Callable[[dict[str, str]], Answer]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def answer(self, method: str, query: dict[str, str]) -> Answer:
        self.calls.append(method)
        chosen = self.answers.get(method)
        if chosen is None:
            return Answer(
                {"errors": [{"code": "RECORD_NOT_FOUND", "message": "Unable to find record."}]}, 400
            )
        return chosen(query) if callable(chosen) else chosen


class QuietServer(ThreadingHTTPServer):
    """A threaded HTTP server that never prints: a client hanging up (or refusing TLS) is normal here."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Silent."""


class HostileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        query = dict(parse_qsl(url.query) + parse_qsl(body))
        method = url.path.removeprefix("/api/")
        answer = self.server.hostile.answer(method, query)  # type: ignore[attr-defined]
        data = answer.encoded()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""
