"""Shared fixtures: real sandbox servers on 127.0.0.1 with ephemeral ports, stopped after each test, and the
CLI run in-process against them."""

from __future__ import annotations

import os
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from catalogsync.cli import main
from catalogsync.sandbox import Sandbox
from tests.hostile_server import Hostile, HostileHandler, QuietServer

MakeSandbox = Callable[..., Sandbox]

# Property tests draw the same examples on every run (a red run is a change's doing, and can be repeated);
# HYPOTHESIS_PROFILE=explore draws new ones each run, to look for what the fixed ones miss.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test has its own cache folder: apply's in-flight journal never reaches another test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


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


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    """A server on 127.0.0.1 that answers each method as told (tests/hostile_server.py)."""
    server = QuietServer(("127.0.0.1", 0), HostileHandler)
    state = Hostile(f"http://127.0.0.1:{server.server_port}/api")
    server.hostile = state  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@dataclass
class Result:
    """What one CLI run gave: its exit code and what it wrote."""

    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``cli(target, "plan", path, ...)``: run a command in-process against ``target`` (a sandbox, an API URL,
    or None for no ``--api-url``) with the sandbox's credentials in the environment."""
    monkeypatch.setenv("TWOCHECKOUT_USERNAME", "sandbox")
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", "sandbox")
    monkeypatch.delenv("TWOCHECKOUT_API_URL", raising=False)

    def run(target: Sandbox | str | None, *argv: str) -> Result:
        capsys.readouterr()
        url = target.url if isinstance(target, Sandbox) else target
        code = main([*argv, *(["--api-url", url] if url else [])])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., str]:
    """``write(text, name="catalog.yaml")``: the dedented text in a file under tmp_path; its path."""

    def writer(text: str, name: str = "catalog.yaml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    return writer


ROOT = Path(__file__).resolve().parent.parent
TOOL_CACHES = {".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", "__pycache__"}


@pytest.fixture(autouse=True)
def _leaves_the_checkout_alone() -> Iterator[None]:
    """A test that leaves a new file or folder at the top of the checkout fails: ``--log-file=nan``, run from
    the checkout, once wrote request logs there that a ``git add -A`` then committed."""
    before = set(os.listdir(ROOT))
    yield
    added = set(os.listdir(ROOT)) - before - TOOL_CACHES
    assert not added, f"the test left {sorted(added)} in {ROOT}"


TRACEBACK = "Traceback (most recent call last)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A test whose captured output holds a Python traceback fails: every mistake is one clear line."""
    report = yield
    if report.when == "call" and report.passed:
        captured = report.capstdout + report.capstderr + report.caplog
        if TRACEBACK in captured:
            report.outcome = "failed"
            report.longrepr = f"the test's output holds a Python traceback:\n{captured}"
    return report
