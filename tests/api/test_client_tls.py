"""A server whose TLS certificate the client refuses (self-signed here; a proxy's own in a company network)
is one error at once: the handshake comes before the request, so nothing was sent and asking again meets the
same certificate. It was retried like a dropped connection (five handshakes for a read), and a write was
taken as possibly applied."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogsync.api import Client, TransportError

CERTIFICATE = Path(__file__).parents[1] / "reliability" / "data" / "selfsigned.pem"
"""A key and a self-signed certificate, made for the tests only."""


class TlsServer:
    """Accepts connections on loopback and offers the self-signed certificate; counts the handshakes."""

    def __init__(self) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(CERTIFICATE)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.handshakes = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:  # closed
                return
            self.handshakes += 1
            with connection, contextlib.suppress(OSError):  # the client refuses the certificate
                self.context.wrap_socket(connection, server_side=True).close()


@pytest.fixture
def tls_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[TlsServer]:
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):  # the system trust only
        monkeypatch.delenv(name, raising=False)
    server = TlsServer()
    yield server
    server.listener.close()


@pytest.mark.parametrize(
    ("group", "method", "params"),
    [
        ("acct", "detail_company_info", {}),
        ("products", "create_product", {"name": "P", "price": "1.00"}),
    ],
)
def test_a_refused_certificate_is_one_unreachable_error_without_retries(
    tls_server: TlsServer, group: str, method: str, params: dict[str, str]
) -> None:
    client = Client(f"https://127.0.0.1:{tls_server.port}/api", "user", "s3cret-password")
    with client, pytest.raises(TransportError) as raised:
        client.call(group, method, params)
    error = raised.value
    assert (error.unreachable, error.transient) == (True, False)
    assert str(error) == (
        f"{group}/{method}: cannot connect to 127.0.0.1:{tls_server.port} (its TLS certificate is refused:"
        " self-signed certificate)"
    )
    assert tls_server.handshakes == 1
