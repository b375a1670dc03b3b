"""A measurement in a fresh interpreter (spawned, not forked): its imports, memory and CPU are its own."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

T = TypeVar("T")


def call(function: Callable[..., T], *args: Any, label: str) -> T:
    """``function(*args)`` in a new process named ``label``; its result is sent back through a pipe."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_run, args=(child, function, args), name=label)
    process.start()
    child.close()
    try:
        result: T = parent.recv()
    finally:
        process.join()
        parent.close()
    return result


def _run(pipe: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    pipe.send(function(*args))
    pipe.close()
