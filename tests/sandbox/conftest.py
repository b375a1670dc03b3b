"""Fixtures of the sandbox tests: a keep-alive API session on the demo or empty sandbox."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalogsync.sandbox import Sandbox
from tests.sandbox.sandbox_support import Api


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[Api]:
    client = Api(sandbox.url)
    yield client
    client.close()


@pytest.fixture
def empty_api(empty_sandbox: Sandbox) -> Iterator[Api]:
    client = Api(empty_sandbox.url)
    yield client
    client.close()
