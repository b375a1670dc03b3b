"""The :class:`Sandbox`: a threaded HTTP server on loopback answering the legacy admin API from SQLite."""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from catalogsync.sandbox.app import App
from catalogsync.sandbox.faults import Faults, Injector
from catalogsync.sandbox.handler import Handler, Runtime
from catalogsync.sandbox.names import DIALECTS, SEEDS
from catalogsync.sandbox.seed import seed as load_seed
from catalogsync.sandbox.state import Store, load_doc

log = logging.getLogger(__name__)

POLL_SECONDS = 0.005
"""How often the serving loop checks for :meth:`Sandbox.stop` (it bounds how long stopping takes)."""


class _Server(ThreadingHTTPServer):
    """Daemon handler threads, joined on close; open connections are cut when the server stops."""

    daemon_threads = True
    request_queue_size = 128
    """Many clients connect at once (tests, benchmarks); the default backlog of 5 drops some."""

    def __init__(self, address: tuple[str, int], handler: type[Handler]) -> None:
        self.address_family = _family(address[0])
        self.connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def server_bind(self) -> None:
        """Bind without the reverse DNS lookup of ``HTTPServer.server_bind``."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def cut_connections(self) -> None:
        with self._connections_lock:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away is normal; anything else is logged, never printed."""
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


def _family(host: str) -> socket.AddressFamily:
    """The address family of the host to listen on: IPv6 for ``::1`` or a name that only has an IPv6 address,
    else IPv4 (a name that does not resolve fails when binding, naming why)."""
    try:
        return socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)[0][0]
    except (OSError, UnicodeError):
        return socket.AF_INET


def authority(host: str, port: int) -> str:
    """``host:port`` as a URL writes it: an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Sandbox:
    """A local stand-in for the vendor API: ``with Sandbox() as sb: requests.get(sb.url + "/acct/...")``."""

    def __init__(
        self,
        db: str | Path | None = None,
        *,
        dialect: str = "lenient",
        seed: str = "demo",
        username: str = "sandbox",
        password: str = "sandbox",
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Faults | None = None,
        coupon_page_info: bool = True,
    ) -> None:
        if seed not in SEEDS:
            raise ValueError(f"seed must be one of {', '.join(SEEDS)}")
        self._check_dialect(dialect)
        if not username or ":" in username:
            raise ValueError("the username must not be empty nor contain ':' (Basic auth puts one after it)")
        if not password:
            raise ValueError("the password must not be empty")
        self._db, self._seed = db, seed
        self._username, self._password = username, password
        self._dialect, self._faults = dialect, faults
        self._coupon_page_info = coupon_page_info
        self.host, self._port = host, port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._runtime: Runtime | None = None
        self._store: Store | None = None
        self._halted = False

    def start(self) -> Sandbox:
        """Open (and on first use seed) the database, then serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the sandbox is already running")
        store = Store(self._db)
        try:
            vendor_id = _prepare(store, self._seed)
            handler: type[Handler] = type("SandboxHandler", (Handler,), {})
            server = _Server((self.host, self._port), handler)
        except BaseException:
            store.close()
            raise
        self._port = server.server_port
        app = App(
            store, self._username, self._password, self.url, vendor_id, self._dialect, self._coupon_page_info
        )
        handler.runtime = self._runtime = Runtime(app, Injector(self._faults), kill=self._halt)
        self._store, self._server, self._halted = store, server, False
        self._thread = threading.Thread(
            target=server.serve_forever, args=(POLL_SECONDS,), name=f"sandbox:{self._port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections, wait for the handler threads, close the database."""
        server, runtime, store = self._server, self._runtime, self._store
        if server is None or runtime is None or store is None:
            return
        self._server = None
        server.shutdown()
        runtime.stopping.set()
        server.cut_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join()
        store.close()

    def _halt(self) -> None:
        """The "killed" fault: stop listening and cut every connection at once, as a crash would.

        The database stays open until :meth:`stop`; :meth:`start` then serves it again, on the same port.
        """
        server, runtime = self._server, self._runtime
        if server is None or runtime is None:
            return
        self._halted = True
        server.shutdown()
        runtime.stopping.set()
        server.server_close()
        server.cut_connections()

    @property
    def killed(self) -> bool:
        """Whether the "killed" fault (``Faults.kill_after_writes``) stopped the server."""
        return self._halted

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """Base URL of the API; the client appends ``/<group>/<method>``."""
        return f"http://{authority(self.host, self._port)}/api"

    @property
    def dialect(self) -> str:
        return self._dialect

    @dialect.setter
    def dialect(self, value: str) -> None:
        self._check_dialect(value)
        self._dialect = value
        if self._runtime is not None:
            self._runtime.app.dialect = value

    @property
    def faults(self) -> Faults | None:
        return self._faults

    @faults.setter
    def faults(self, value: Faults | None) -> None:
        """New faults start a new random sequence from their seed."""
        self._faults = value
        if self._runtime is not None:
            self._runtime.injector = Injector(value)

    def stats(self) -> dict[str, Any]:
        """``{"requests": n, "by_method": {"group/method": n}, "faults": {kind: n}}`` since start or reset."""
        return (
            self._runtime.stats.snapshot()
            if self._runtime
            else {"requests": 0, "by_method": {}, "faults": {}}
        )

    def reset_stats(self) -> None:
        if self._runtime is not None:
            self._runtime.stats.reset()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    @staticmethod
    def _check_dialect(value: str) -> None:
        if value not in DIALECTS:
            raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}")


def _prepare(store: Store, seed: str) -> str:
    """Seed a new database; the account's vendor id."""
    if store.is_new:
        with store.write() as db:
            load_seed(db, seed)
    with store.read() as db:
        return str(load_doc(db, "company")["vendor_id"])
