"""Where the command line's output goes, its one question, and how Ctrl-C and SIGTERM stop an apply."""

from __future__ import annotations

import errno
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from catalogsync.errors import CatalogsyncError, OutputClosed, OutputError


class Console:
    """Where output goes: results on stdout, diagnostics on stderr, colour only on a TTY without NO_COLOR."""

    def __init__(self, verbosity: int, colour: bool) -> None:
        self.verbosity, self.colour = verbosity, colour

    @property
    def chatty(self) -> bool:
        """Whether progress may be shown (not with --quiet)."""
        return self.verbosity >= 0

    def out(self, text: str) -> None:
        """Write a result to stdout; one that cannot be written is an :class:`OutputError` (exit 1)."""
        stream = sys.stdout
        try:
            if stream is None:  # started without a descriptor 1 (a shell's >&-)
                raise OSError(errno.EBADF, "closed")
            stream.write(text)
            stream.flush()
        except BrokenPipeError:
            raise OutputClosed("standard output was closed by its reader") from None
        except OSError as error:
            if error.errno == errno.EBADF:
                raise OutputError("standard output is closed: there is nowhere to write the result") from None
            raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None

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
    try:
        console.out("Apply these changes? Only 'yes' is accepted: ")
        return sys.stdin.readline().strip() == "yes"
    except KeyboardInterrupt:  # Ctrl-C at the question: the error goes on a line of its own
        console.out("\n")
        raise


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled CI job, ``kill``): stops a command where Ctrl-C would (exit 143)."""


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises :class:`Terminated` in the main thread while the block runs, as Ctrl-C raises
    KeyboardInterrupt, so that a command stopped before it writes says so instead of dying silently."""

    def handle(signum: int, frame: object) -> None:
        raise Terminated

    with _handled((signal.SIGTERM,), handle):
        yield


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C or SIGTERM: start no new call, let calls in flight finish, then report."""
    stop = threading.Event()

    def handle(signum: int, frame: object) -> None:
        stop.set()
        print("\nStopping: waiting for the calls in flight, then reporting.", file=sys.stderr)

    with _handled((signal.SIGINT, signal.SIGTERM), handle):
        yield stop


@contextmanager
def _handled(signals: tuple[signal.Signals, ...], handle: Callable[[int, Any], None]) -> Iterator[None]:
    """``handle`` for ``signals`` while the block runs, the previous handlers after; nothing outside the main
    thread, where Python cannot set one."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, handle) for sig in signals}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
