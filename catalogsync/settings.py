"""Connection settings from flags and the environment (never from the catalog file), and opening a client."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalogsync.errors import SettingsError

DEFAULT_API_URL = "https://www.2checkout.com/api"
DEFAULT_SANDBOX_DB = ".catalogsync/sandbox.sqlite3"
SANDBOX_USER = "sandbox"
DEFAULT_PARALLELISM = 8


@dataclass(frozen=True)
class Connection:
    base_url: str
    username: str
    password: str
    timeout: float
    parallelism: int
    log_file: str | None

    def __repr__(self) -> str:  # never show the password
        return f"Connection(base_url={self.base_url!r}, username={self.username!r}, password='***')"


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (flags override the environment)")
    group.add_argument("--api-url", help=f"API base URL (env TWOCHECKOUT_API_URL, default {DEFAULT_API_URL})")
    group.add_argument("--username", help="API username (env TWOCHECKOUT_USERNAME)")
    group.add_argument("--password", help="API password (prefer env TWOCHECKOUT_PASSWORD: flags show in ps)")
    group.add_argument(
        "--sandbox",
        nargs="?",
        const=DEFAULT_SANDBOX_DB,
        metavar="PATH",
        help=f"run against an embedded sandbox whose state persists in PATH (default {DEFAULT_SANDBOX_DB},"
        " seeded with the demo account on first use)",
    )
    group.add_argument("--sandbox-dialect", choices=("lenient", "strict"), default="lenient")
    group.add_argument(
        "--parallelism",
        type=_positive,
        default=DEFAULT_PARALLELISM,
        metavar="N",
        help=f"most requests in flight at once (default {DEFAULT_PARALLELISM})",
    )
    group.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS")
    group.add_argument("--log-file", metavar="PATH", help="append every request and response (redacted)")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def resolve(args: argparse.Namespace, base_url: str | None = None) -> Connection:
    """The connection from flags, then the environment; ``base_url`` overrides both (embedded sandbox)."""
    env = os.environ
    username = args.username or env.get("TWOCHECKOUT_USERNAME", "")
    password = args.password or env.get("TWOCHECKOUT_PASSWORD", "")
    if not username or not password:
        raise SettingsError(
            "no API credentials: set TWOCHECKOUT_USERNAME and TWOCHECKOUT_PASSWORD"
            " (or use --sandbox to try catalogsync against the embedded sandbox)"
        )
    url = base_url or args.api_url or env.get("TWOCHECKOUT_API_URL") or DEFAULT_API_URL
    return Connection(url.rstrip("/"), username, password, args.timeout, args.parallelism, args.log_file)


@contextmanager
def open_client(args: argparse.Namespace) -> Iterator[Any]:
    """A client for the account the flags name; with ``--sandbox`` an embedded sandbox runs meanwhile."""
    from catalogsync.api import Client

    with _maybe_sandbox(args) as sandbox_url:
        if sandbox_url:
            args.username, args.password = SANDBOX_USER, SANDBOX_USER
        conn = resolve(args, sandbox_url)
        client = Client(
            conn.base_url,
            conn.username,
            conn.password,
            timeout=conn.timeout,
            log_file=conn.log_file,
            parallelism=conn.parallelism,
        )
        try:
            yield client
        finally:
            client.close()


@contextmanager
def _maybe_sandbox(args: argparse.Namespace) -> Iterator[str | None]:
    if not getattr(args, "sandbox", None):
        yield None
        return
    from catalogsync.sandbox import Sandbox

    path = Path(args.sandbox)
    path.parent.mkdir(parents=True, exist_ok=True)
    with Sandbox(path, dialect=args.sandbox_dialect, seed="demo") as sandbox:
        yield str(sandbox.url)
