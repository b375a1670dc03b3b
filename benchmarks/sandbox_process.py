"""A sandbox served from its own process, so that the engine's CPU time and memory are measured alone.

The parent talks to it over a pipe: ``stats`` (request counts), ``reset`` (clear them), ``cpu`` (the
sandbox process's CPU seconds so far) and ``("latency", ms)`` (the latency of the requests to come).
Closing the :class:`RemoteSandbox` stops the server and the process.
"""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.connection import Connection
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalogsync.sandbox import Faults

USER = "sandbox"
"""The sandbox's username and password (engine processes import it without loading the sandbox)."""


def _latency(ms: float) -> Faults | None:
    from catalogsync.sandbox import Faults

    return Faults(latency_ms=ms) if ms > 0 else None


def _serve(pipe: Connection, latency_ms: float) -> None:
    from catalogsync.sandbox import Sandbox  # here: a measured engine process imports this module too

    with Sandbox(seed="empty", faults=_latency(latency_ms), username=USER, password=USER) as sandbox:
        pipe.send(sandbox.url)
        while True:
            command = pipe.recv()
            if command == "stop":
                break
            if isinstance(command, tuple) and command[0] == "latency":
                sandbox.faults = _latency(command[1])
                pipe.send(None)
            if command == "stats":
                pipe.send(sandbox.stats())
            elif command == "reset":
                sandbox.reset_stats()
                pipe.send(None)
            elif command == "cpu":
                pipe.send(time.process_time())
    pipe.send("stopped")


class RemoteSandbox:
    """An in-memory sandbox (``seed="empty"``) with injected latency, in a child process."""

    def __init__(self, latency_ms: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, latency_ms), name="sandbox", daemon=True)
        self._process.start()
        child.close()
        self.url: str = self._pipe.recv()

    def set_latency(self, ms: float) -> None:
        self.ask(("latency", ms))

    def ask(self, command: str | tuple[str, float]) -> Any:
        self._pipe.send(command)
        return self._pipe.recv()

    def close(self) -> None:
        if self._process.is_alive():
            self.ask("stop")
        self._process.join()
        self._pipe.close()

    def __enter__(self) -> RemoteSandbox:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
