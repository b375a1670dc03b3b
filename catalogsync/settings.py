"""Connection settings from flags and the environment (never from the catalog file), and opening a client."""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from catalogsync.errors import SettingsError
from catalogsync.paths import path_argument

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
        action="store_true",
        help=f"run against an embedded sandbox whose state persists in {DEFAULT_SANDBOX_DB} (seeded with the"
        " demo account on first use); not with --api-url, --username or --password",
    )
    group.add_argument(
        "--sandbox-db",
        metavar="PATH",
        type=path_argument,
        help="the embedded sandbox's state in PATH instead (implies --sandbox; a new file is seeded)",
    )
    group.add_argument(
        "--sandbox-dialect",
        choices=("lenient", "strict"),
        default="lenient",
        help="how the embedded sandbox treats fields an update leaves out (default: %(default)s)",
    )
    group.add_argument(
        "--parallelism",
        type=_positive,
        default=DEFAULT_PARALLELISM,
        metavar="N",
        help=f"most requests in flight at once, 1 to 256 (default {DEFAULT_PARALLELISM})",
    )
    group.add_argument(
        "--timeout",
        type=_seconds,
        default=30.0,
        metavar="SECONDS",
        help="give up on an attempt with no complete answer after SECONDS (more than 0, at most a day;"
        " default %(default)g)",
    )
    group.add_argument(
        "--log-file", metavar="PATH", type=path_argument, help="append every request and response (redacted)"
    )


def _positive(text: str) -> int:
    """A whole number of at least 1; argparse names the flag in front of the message."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _seconds(text: str) -> float:
    """A number of seconds more than 0 (finite); argparse names the flag in front of the message."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}")
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
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
    url = base_url or args.api_url or env.get("TWOCHECKOUT_API_URL") or DEFAULT_API_URL  # empty: unset (CI)
    return Connection(url.rstrip("/"), username, password, args.timeout, args.parallelism, args.log_file)


def _read_by(args: argparse.Namespace) -> list[str | None]:
    """The files a command reads besides the sandbox's database (a log file must not overwrite them)."""
    return [getattr(args, name, None) for name in ("catalog", "target")]


def sandbox_path(args: argparse.Namespace) -> Path | None:
    """The embedded sandbox's database the flags ask for, or None for a real account."""
    if getattr(args, "sandbox_db", None):
        return Path(args.sandbox_db)
    return Path(DEFAULT_SANDBOX_DB) if getattr(args, "sandbox", False) else None


def account_address(args: argparse.Namespace) -> str:
    """How plans and exports name the account the flags name, known before connecting: the embedded sandbox
    by its database file (its port is random), a real account by its API URL."""
    path = sandbox_path(args)
    return f"sandbox {path.resolve()}" if path is not None else resolve(args).base_url


def account_flags(args: argparse.Namespace) -> list[str]:
    """The flags that name the account the command ran against, as given (never a credential): what another
    command needs to reach the same account."""
    if sandbox_path(args) is not None:  # the embedded sandbox: its database as given, and its dialect
        flags = ["--sandbox-db", args.sandbox_db] if args.sandbox_db else ["--sandbox"]
        if args.sandbox_dialect != "lenient":
            flags += ["--sandbox-dialect", args.sandbox_dialect]
        return flags
    flags = []
    for flag, value in (("--api-url", args.api_url), ("--username", args.username)):
        if value:
            flags += [flag, value]
    return flags


def sandbox_conflicts(args: argparse.Namespace) -> list[str]:
    """Connection flags given beside ``--sandbox``, which would otherwise be silently ignored."""
    if sandbox_path(args) is None:
        return []
    given = [name for name in ("api_url", "username", "password") if getattr(args, name)]
    return [f"--{name.replace('_', '-')}" for name in given]


class Opened(NamedTuple):
    """An open client and the address that identifies its account in plans and exports."""

    client: Any
    address: str


@contextmanager
def open_client(args: argparse.Namespace) -> Iterator[Opened]:
    """A client for the account the flags name; with ``--sandbox`` an embedded sandbox runs meanwhile.

    The embedded sandbox's account is identified by its database file, not by its (random) port, so that a
    plan saved against it applies to it and its export is the same from one run to the next.
    """
    from catalogsync.api import Client
    from catalogsync.outputs import check_output

    check_output("--log-file", args.log_file, [sandbox_path(args), *_read_by(args)])
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
        address = account_address(args)
        try:
            yield Opened(client, address)
        finally:
            client.close()
            if client.log_failure:
                sys.stderr.write(f"Warning: {client.log_failure}\n")


@contextmanager
def _maybe_sandbox(args: argparse.Namespace) -> Iterator[str | None]:
    path = sandbox_path(args)
    if path is None:
        yield None
        return
    from catalogsync.sandbox import Sandbox
    from catalogsync.sandbox.state import check_database

    if not getattr(args, "sandbox_db", None):  # only the default folder is made
        with contextlib.suppress(OSError):  # a file in its place: the check below names it
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        check_database(path)
    except ValueError as error:
        raise SettingsError(f"--sandbox-db {path}: {error}") from None
    with Sandbox(path, dialect=args.sandbox_dialect, seed="demo") as sandbox:
        yield str(sandbox.url)
