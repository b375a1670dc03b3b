"""Shared fixtures: real sandbox servers on 127.0.0.1 with ephemeral ports, stopped after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from catalogsync.sandbox import Sandbox

MakeSandbox = Callable[..., Sandbox]


@pytest.fixture
def make_sandbox() -> Iterator[MakeSandbox]:
    """``make_sandbox(**kwargs)``: a started ``Sandbox(**kwargs)``; every one made is stopped at teardown."""
    made: list[Sandbox] = []

    def make(*args: Any, **kwargs: Any) -> Sandbox:
        sandbox = Sandbox(*args, **kwargs)
        made.append(sandbox)
        return sandbox.start()

    yield make
    for sandbox in made:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox: MakeSandbox) -> Sandbox:
    """A started in-memory sandbox with the demo account."""
    return make_sandbox(seed="demo")


@pytest.fixture
def empty_sandbox(make_sandbox: MakeSandbox) -> Sandbox:
    """A started in-memory sandbox with company and contact info only."""
    return make_sandbox(seed="empty")
