"""End-to-end fixtures: the CLI run in-process against a real sandbox server on 127.0.0.1."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from catalogsync.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """``cli(sandbox, "plan", path, ...)``: run a command against that sandbox; returns code and output."""
    monkeypatch.setenv("TWOCHECKOUT_USERNAME", "sandbox")
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", "sandbox")
    monkeypatch.delenv("TWOCHECKOUT_API_URL", raising=False)

    def run(sandbox: object, *argv: str) -> Result:
        capsys.readouterr()
        args = list(argv)
        if sandbox is not None:
            args += ["--api-url", str(sandbox.url)]  # type: ignore[attr-defined]
        code = main(args)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], str]:
    """Write a dedented file under tmp_path and return its path."""

    def writer(text: str, name: str = "catalog.yaml") -> str:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    return writer
