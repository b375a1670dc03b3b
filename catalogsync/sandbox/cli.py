"""``catalogsync sandbox``: serve a sandbox until Ctrl-C or SIGTERM (argparse glue for the main CLI)."""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from catalogsync.errors import CatalogsyncError
from catalogsync.paths import path_argument
from catalogsync.sandbox.faults import MAX_DELAY_MS, Faults
from catalogsync.sandbox.names import DIALECTS, SEEDS

if TYPE_CHECKING:
    from catalogsync.sandbox.server import Sandbox

DEFAULT_PASSWORD = "sandbox"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=_port, default=8484, help="port, 0 for any free one (default: %(default)s)"
    )
    parser.add_argument(
        "--db",
        metavar="PATH",
        type=path_argument,
        help="SQLite file kept across restarts (default: in memory)",
    )
    parser.add_argument(
        "--dialect",
        choices=DIALECTS,
        default="lenient",
        help="how updates treat omitted fields (default: %(default)s)",
    )
    parser.add_argument(
        "--seed", choices=SEEDS, default="demo", help="account of a new database (default: %(default)s)"
    )
    parser.add_argument(
        "--no-coupon-page-info",
        dest="coupon_page_info",
        action="store_false",
        help="list_coupons answers without page_info, as the recorded real answer does (pages still apply)",
    )
    parser.add_argument("--username", default="sandbox", help="API username (default: %(default)s)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="API password (default: %(default)s)")
    faults = parser.add_argument_group("fault injection (off by default)")
    faults.add_argument(
        "--latency-ms", type=_milliseconds, default=0.0, help="added to every request (default: %(default)s)"
    )
    faults.add_argument(
        "--jitter-ms",
        type=_milliseconds,
        default=0.0,
        help="uniform extra latency up to this (default: %(default)s)",
    )
    faults.add_argument(
        "--fault-rate",
        type=_share,
        default=0.0,
        help="share of requests given a fault, 0-1 (default: %(default)s)",
    )
    faults.add_argument(
        "--fault-seed", type=int, default=0, help="seed of the fault sequence (default: %(default)s)"
    )
    faults.add_argument("--rate-limit", type=_rate, metavar="PER_SECOND", help="answer 429 above this rate")


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0 to 65535)")
    return value


def _number(text: str, accepted: Callable[[float], bool], what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and accepted(value)):
        raise argparse.ArgumentTypeError(f"{text} is not {what}")
    return value


def _milliseconds(text: str) -> float:
    return _number(
        text, lambda value: 0 <= value <= MAX_DELAY_MS, f"a time in milliseconds (0 to {MAX_DELAY_MS:.0f})"
    )


def _share(text: str) -> float:
    return _number(text, lambda value: 0 <= value <= 1, "a share of requests (0 to 1)")


def _rate(text: str) -> float:
    return _number(text, lambda value: value > 0, "a rate (requests per second, more than 0)")


def faults_of(args: argparse.Namespace) -> Faults | None:
    """The :class:`Faults` the flags ask for, None when they ask for none."""
    faults = Faults(
        latency_ms=args.latency_ms,
        jitter_ms=args.jitter_ms,
        fault_rate=args.fault_rate,
        seed=args.fault_seed,
        rate_limit=args.rate_limit,
    )
    return None if faults == Faults(seed=args.fault_seed) else faults


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM (0 on a clean stop); an unusable port or database is a CatalogsyncError.

    Signals are only handled on the main thread; called on another thread, it serves until the process ends.
    """
    from catalogsync.sandbox.server import Sandbox, authority
    from catalogsync.sandbox.state import check_database

    try:
        if args.db:
            check_database(Path(args.db))
        sandbox = Sandbox(
            args.db,
            dialect=args.dialect,
            seed=args.seed,
            username=args.username,
            password=args.password,
            host=args.host,
            port=args.port,
            faults=faults_of(args),
            coupon_page_info=args.coupon_page_info,
        )
    except ValueError as error:
        raise CatalogsyncError(f"--db {args.db}: {error}" if args.db else str(error)) from None
    with _stop_on_sigterm() as stop:
        try:
            sandbox.start()
        except OSError as error:
            where = authority(args.host, args.port)
            raise CatalogsyncError(f"cannot listen on {where}: {error.strerror}") from None
        try:
            sys.stdout.write(_banner(sandbox, args.username, args.password) + "\n")
            sys.stdout.flush()
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
    return 0


def _banner(sandbox: Sandbox, username: str, password: str) -> str:
    secret = (
        f"password {password!r}" if password == DEFAULT_PASSWORD else "the password given with --password"
    )
    return f"Sandbox serving {sandbox.url} (username {username!r}, {secret}); Ctrl-C to stop"


@contextmanager
def _stop_on_sigterm() -> Iterator[threading.Event]:
    """An event SIGTERM sets (on the main thread; elsewhere nothing sets it)."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, previous)
