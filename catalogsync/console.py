"""Where the command line's output goes, its one question, and how Ctrl-C and SIGTERM stop an apply."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from catalogsync.errors import CatalogsyncError


class Console:
    """Where output goes: results on stdout, diagnostics on stderr, colour only on a TTY without NO_COLOR."""

    def __init__(self, verbosity: int, colour: bool) -> None:
        self.verbosity, self.colour = verbosity, colour

    @property
    def chatty(self) -> bool:
        """Whether progress may be shown (not with --quiet)."""
        return self.verbosity >= 0

    def out(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def info(self, text: str) -> None:
        if self.verbosity >= 0:
            print(text, file=sys.stderr)

    def debug(self, text: str) -> None:
        if self.verbosity > 0:
            print(text, file=sys.stderr)

    def error(self, text: str) -> None:
        print(f"Error: {text}", file=sys.stderr)


def confirm(console: Console) -> bool:
    if not sys.stdin.isatty():
        raise CatalogsyncError("refusing to apply without --yes: stdin is not a terminal")
    console.out("Apply these changes? Only 'yes' is accepted: ")
    return sys.stdin.readline().strip() == "yes"


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C or SIGTERM: start no new call, let calls in flight finish, then report."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handle(signum: int, frame: object) -> None:
        stop.set()
        print("\nStopping: waiting for the calls in flight, then reporting.", file=sys.stderr)

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
