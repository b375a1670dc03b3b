"""Fixtures of the client tests: clients of real sandbox servers on 127.0.0.1, closed after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.sandbox import Sandbox

MakeClient = Callable[..., Client]


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """``make_client(sandbox, **kwargs)``: a client of that sandbox with its credentials and fast back-off."""
    made: list[Client] = []

    def make(sandbox: Sandbox, **kwargs: Any) -> Client:
        options: dict[str, Any] = {"secret": "tango", "backoff": 0.001, "max_backoff": 0.01, **kwargs}
        username = options.pop("username", "sandbox")
        password = options.pop("password", "sandbox")
        client = Client(sandbox.url, username, password, **options)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(sandbox: Sandbox, make_client: MakeClient) -> Client:
    """A client of the demo sandbox."""
    return make_client(sandbox)


@pytest.fixture
def empty_client(empty_sandbox: Sandbox, make_client: MakeClient) -> Client:
    """A client of a sandbox with no catalog, sales or payments."""
    return make_client(empty_sandbox)
