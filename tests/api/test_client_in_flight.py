"""``parallelism`` bounds the requests in flight across every thread of a client (real HTTP on loopback).

The server holds every request until the test releases them, so the test counts how many requests the client
lets onto the wire at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from catalogsync.api import Client, TransportError

BODY = json.dumps({"response_code": "OK", "vendor_company_info": {"vendor_id": "1"}}).encode()


class Holding(ThreadingHTTPServer):
    """Counts requests in flight; each waits for :attr:`release` before it is answered."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.changed = threading.Condition()
        self.release = threading.Event()
        self.in_flight = self.most = self.served = 0

    def wait_for(self, count: int) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: self.in_flight >= count, timeout=10)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Holding

    def do_GET(self) -> None:
        server = self.server
        with server.changed:
            server.in_flight += 1
            server.most = max(server.most, server.in_flight)
            server.changed.notify_all()
        server.release.wait(10)
        with server.changed:
            server.in_flight -= 1
            server.served += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        """Silent."""


@pytest.fixture
def server() -> Iterator[Holding]:
    server = Holding()
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("parallelism", [1, 3])
def test_no_more_requests_in_flight_than_parallelism(server: Holding, parallelism: int) -> None:
    url = f"http://127.0.0.1:{server.server_address[1]}/api"
    calls = 4 * parallelism
    with (
        Client(url, "user", "password", parallelism=parallelism) as client,
        ThreadPoolExecutor(max_workers=calls) as pool,
    ):
        answers = [pool.submit(client.account.company_info) for _ in range(calls)]
        assert server.wait_for(parallelism)
        time.sleep(0.2)  # room for any request beyond the bound to arrive (none may)
        assert server.most == parallelism
        server.release.set()
        assert all(a.result()["vendor_company_info"] == {"vendor_id": "1"} for a in answers)
    assert server.served == calls
    assert server.most == parallelism


def test_proxy_settings_from_the_environment_still_apply(
    server: Holding, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transport reads them once instead of on every request; they still route its requests."""
    server.release.set()
    url = f"http://127.0.0.1:{server.server_address[1]}/api"
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")  # the discard port: nothing answers there
    with Client(url, "user", "password", max_retries=0) as client, pytest.raises(TransportError) as caught:
        client.account.company_info()
    assert "ProxyError" in str(caught.value)
    assert server.served == 0
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with Client(url, "user", "password") as client:
        assert client.account.company_info()["vendor_company_info"] == {"vendor_id": "1"}
    assert server.served == 1
