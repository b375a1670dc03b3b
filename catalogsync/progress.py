"""A progress counter on stderr for work that takes more than a second.

On a terminal one line is updated in place; in a CI log a line is written at most every ``log_every`` seconds;
quick work shows nothing. The counter is read from a function, so the work itself needs no callbacks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


@contextmanager
def progress(
    stream: TextIO,
    label: str,
    count: Callable[[], int],
    *,
    unit: str = "",
    total: int | Callable[[], int | None] | None = None,
    enabled: bool = True,
    delay: float = 1.0,
    log_every: float = 10.0,
) -> Iterator[None]:
    """Show ``label: N[/total]`` while the block runs, once it has run for ``delay`` seconds; ``total`` may be
    a function, None until the total is known."""
    if not enabled:
        yield
        return
    tty = stream.isatty()
    done = threading.Event()
    shown = threading.Event()

    def line() -> str:
        known = total() if callable(total) else total
        return f"{label}: {count():,}" + (f"/{known:,}" if known is not None else "") + unit

    def tick() -> None:
        if done.wait(delay):
            return
        last = 0.0
        while not done.is_set():
            now = time.monotonic()
            if tty:
                stream.write(f"\r{line()}\x1b[K")
                stream.flush()
            elif now - last >= log_every:
                stream.write(line() + "\n")
                stream.flush()
                last = now
            shown.set()
            done.wait(0.25 if tty else 1.0)

    thread = threading.Thread(target=tick, name="progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if shown.is_set() and tty:
            stream.write(f"\r{line()}\x1b[K\n")
            stream.flush()
