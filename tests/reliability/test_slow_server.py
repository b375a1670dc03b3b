"""The sandbox's faults of a slow or dying server, as a plain HTTP client sees them, and the chaos runs that
use them: ``late`` (committed after the client gave up), ``drip`` (the answer a few bytes at a time) and
``kill_after_writes`` (the server dies after committing a write it never answers)."""

from __future__ import annotations

import json
import socket
import time
from base64 import b64encode
from pathlib import Path

import pytest
import requests

from catalogsync.catalogfile.loader import loads
from catalogsync.sandbox import Faults, Sandbox
from catalogsync.sandbox.faults import KNOWN_FAULTS, SLOW_SERVER_FAULTS
from scripts.chaos import CATALOG, run_once

AUTH = ("sandbox", "sandbox")
CREATE = {"name": "Slow", "price": "1.00", "vendor_product_id": "SLOW"}


def created(sandbox: Sandbox, code: str = "SLOW") -> int:
    answer = requests.get(
        f"{sandbox.url}/products/list_products", params={"vendor_product_id": code}, auth=AUTH, timeout=10
    )
    return len(answer.json().get("products", []))


def create(sandbox: Sandbox, timeout: float = 10, **extra: str) -> requests.Response:
    data = {**CREATE, **extra}
    return requests.post(f"{sandbox.url}/products/create_product", data=data, auth=AUTH, timeout=timeout)


def test_a_late_write_is_committed_after_the_client_gave_up(sandbox):
    sandbox.faults = Faults(
        fault_rate=1.0, kinds=("late",), methods=("products/create_product",), slow_ms=600
    )
    with pytest.raises(requests.Timeout):
        create(sandbox, timeout=0.2)
    assert created(sandbox) == 0  # not yet
    deadline = time.monotonic() + 10
    while created(sandbox) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert created(sandbox) == 1
    assert sandbox.stats()["faults"] == {"late": 1}


def test_a_dripped_answer_comes_whole_in_many_small_pieces(sandbox):
    """Every piece comes well within a read timeout of the one before, the whole answer only after
    ``slow_ms``."""
    sandbox.faults = Faults(fault_rate=1.0, kinds=("drip",), slow_ms=400)
    pieces, started = [], time.monotonic()
    with socket.create_connection((sandbox.host, sandbox.port), timeout=5) as connection:
        token = b64encode(b"sandbox:sandbox").decode()
        request = (
            f"GET /api/products/list_products HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {token}\r\n\r\n"
        )
        connection.sendall(request.encode())
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            piece = connection.recv(65536)
            assert piece, data
            pieces.append(piece)
            data += piece
    took = time.monotonic() - started
    head, body = data.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["products"]
    assert len(pieces) >= 20 and took >= 0.4
    assert sandbox.stats()["faults"] == {"drip": 1}


def _length(data: bytes) -> int:
    head = data.split(b"\r\n\r\n", 1)[0].decode()
    return int(
        next(line.split(":")[1] for line in head.split("\r\n") if line.lower().startswith("content-length"))
    )


def test_a_killed_server_commits_the_write_never_answers_it_and_refuses_the_rest(
    make_sandbox, tmp_path: Path
):
    sandbox = make_sandbox(tmp_path / "account.db", seed="demo", faults=Faults(kill_after_writes=2))
    assert create(sandbox, vendor_product_id="K1").status_code == 200
    with pytest.raises(requests.ConnectionError):
        create(sandbox, vendor_product_id="K2")
    assert sandbox.killed
    with pytest.raises(
        requests.ConnectionError, match=r"Connection refused|ConnectionRefused|NewConnectionError"
    ):
        create(sandbox, vendor_product_id="K3")
    assert sandbox.stats() == {
        "requests": 2,
        "by_method": {"products/create_product": 2},
        "faults": {"killed": 1},
    }
    url = sandbox.url
    sandbox.stop()
    sandbox.faults = None
    sandbox.start()
    assert sandbox.url == url and not sandbox.killed
    assert [created(sandbox, code) for code in ("K1", "K2", "K3")] == [1, 1, 0]


def test_the_slow_server_kinds_are_only_drawn_when_asked_for():
    assert set(SLOW_SERVER_FAULTS) <= set(KNOWN_FAULTS) and not set(SLOW_SERVER_FAULTS) & set(Faults().kinds)
    Faults(kinds=SLOW_SERVER_FAULTS)
    for bad in ({"kill_after_writes": 0}, {"kinds": ("late", "teapot")}):
        with pytest.raises(ValueError):
            Faults(**bad)  # type: ignore[arg-type]


def test_a_chaos_run_whose_server_is_killed_converges_on_the_next_apply():
    """The chaos script kills the server during the first apply: that apply gives up on it, the server comes
    back on the same database, the next apply converges, and the audit finds nothing wrong."""
    run = run_once(loads(CATALOG), 3, rate=0.0, seed=2, kill_rate=1.0)
    assert run.killed and run.gave_up and run.applies == 2
    assert run.faults["killed"] == 1
    assert not (run.audit.duplicates or run.audit.lost or run.audit.touched)
