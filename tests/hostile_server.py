"""A server on 127.0.0.1 that answers each method as a test tells it: broken, hostile or slow answers that
the sandbox does not give (the ``hostile`` fixture of tests/conftest.py serves it)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
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
class Stream:
    """An answer written as raw bytes (status line, headers and body), piece by piece, each flushed at once
    and followed by ``pause`` seconds: a drip-feed, a body without end. ``pieces`` is called once per
    request. Writing stops when the client hangs up; ``sent`` counts the bytes written, over all requests,
    and ``done`` is set when the writing of one has stopped."""

    pieces: Callable[[], Iterable[bytes]]
    pause: float = 0.0
    sent: int = 0
    done: threading.Event = field(default_factory=threading.Event)


def head(status: str = "200 OK", **headers: str) -> bytes:
    """A status line and headers (``Content_Length="2"`` -> ``Content-Length: 2``), then the blank line."""
    lines = [f"HTTP/1.1 {status}", *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def drip(data: bytes) -> Iterator[bytes]:
    """``data`` one byte at a time."""
    return (data[i : i + 1] for i in range(len(data)))


def chunked(piece: bytes, total: int) -> Iterator[bytes]:
    """A chunked body of ``piece`` repeated up to about ``total`` bytes, then its last chunk."""
    frame = b"%x\r\n%s\r\n" % (len(piece), piece)
    for _ in range(max(1, total // len(piece))):
        yield frame
    yield b"0\r\n\r\n"


@dataclass
class Hostile:
    """A tiny real HTTP server on 127.0.0.1 that answers each ``group/method`` with a chosen :class:`Answer`
    (or :class:`Stream` of raw bytes).

    ``answers`` maps a method to one answer, or to a function of the query parameters; unknown methods get
    the API's RECORD_NOT_FOUND. ``calls`` records every method called, in order, and ``ports`` the client's
    port of each (one port for several calls: they came on one kept-alive connection), ``headers`` the
    request headers of each, and ``hung_up`` is set once a connection has ended.
    """

    url: str
    answers: dict[str, Answer | Stream | Callable[[dict[str, str]], Answer | Stream]] = field(
        default_factory=dict
    )
    calls: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    hung_up: threading.Event = field(default_factory=threading.Event)

    def answer(self, method: str, query: dict[str, str]) -> Answer | Stream:
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
        self.server.hostile.ports.append(self.client_address[1])  # type: ignore[attr-defined]
        self.server.hostile.headers.append(dict(self.headers.items()))  # type: ignore[attr-defined]
        answer = self.server.hostile.answer(method, query)  # type: ignore[attr-defined]
        if isinstance(answer, Stream):
            self.stream(answer)
            return
        data = answer.encoded()
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_GET

    def stream(self, answer: Stream) -> None:
        self.close_connection = True  # whatever the pieces say, this connection ends with them
        try:
            for piece in answer.pieces():
                self.wfile.write(piece)
                self.wfile.flush()
                answer.sent += len(piece)
                if answer.pause:
                    time.sleep(answer.pause)
        except OSError:  # the client hung up: what a client that gives up does
            pass
        finally:
            answer.done.set()

    def finish(self) -> None:
        super().finish()
        self.server.hostile.hung_up.set()  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        """Silent."""
