"""The Sandbox object and the CLI: lifecycle, persistence, seeds, concurrency, settings."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from catalogsync.api import Client
from catalogsync.sandbox import Sandbox
from tests.sandbox.sandbox_support import Api

ROOT = Path(__file__).resolve().parents[2]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


LOOPBACK_HOSTS = [
    pytest.param("127.0.0.1", "127.0.0.1", id="ipv4"),
    pytest.param("localhost", "localhost", id="name"),
    pytest.param(
        "::1",
        "[::1]",
        id="ipv6",
        marks=pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback"),
    ),
]
"""Every way of naming the loopback the client accepts for plain http (``checks._is_loopback``)."""


def count_products(api: Api) -> int:
    return int(api.ok("products/list_products")["page_info"]["total_entries"])


def test_lifecycle(tmp_path: Path) -> None:
    sandbox = Sandbox()
    assert sandbox.port == 0
    with sandbox:
        assert sandbox.port > 0 and sandbox.url == f"http://127.0.0.1:{sandbox.port}/api"
        with pytest.raises(RuntimeError):
            sandbox.start()
        api = Api(sandbox.url)
        assert count_products(api) == 16
        api.close()
    sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{sandbox.url}/acct/detail_company_info", timeout=5)


def test_stop_cuts_idle_keep_alive_connections(make_sandbox) -> None:
    sandbox = make_sandbox()
    api = Api(sandbox.url)
    api.ok("acct/detail_company_info")
    sandbox.stop()
    with pytest.raises(requests.ConnectionError):
        api.call("acct/detail_company_info")
    api.close()


def test_state_persists_in_a_db_file_and_is_seeded_once(tmp_path: Path) -> None:
    path = tmp_path / "sandbox.db"
    with Sandbox(path) as first:
        api = Api(first.url)
        api.ok("products/create_product", name="Kept", price="1")
        api.close()
    with Sandbox(str(path), seed="empty") as second:
        api = Api(second.url)
        assert count_products(api) == 17
        assert api.ok("products/list_products", name="Kept")["products"][0]["assigned_product_id"] == "25"
        assert api.ok("products/create_product", name="Next", price="1")["assigned_product_id"] == "26"
        api.close()


def test_a_new_db_file_takes_the_requested_seed(tmp_path: Path) -> None:
    with Sandbox(tmp_path / "empty.db", seed="empty") as sandbox:
        api = Api(sandbox.url)
        assert api.errors("products/list_products") == [("RECORD_NOT_FOUND", None)]
        assert api.ok("acct/detail_company_info")["vendor_company_info"]["vendor_id"] == "1311348"
        api.close()


def test_the_demo_seed_is_deterministic(make_sandbox) -> None:
    def snapshot(sandbox: Sandbox) -> list[object]:
        api = Api(sandbox.url)
        try:
            sales = api.ok("sales/list_sales")["sale_summary"]
            details = [api.ok("sales/detail_sale", sale_id=s["sale_id"])["sale"] for s in sales]
            return [
                api.ok("products/list_products")["products"],
                api.ok("products/list_options")["options"],
                details,
            ]
        finally:
            api.close()

    assert snapshot(make_sandbox()) == snapshot(make_sandbox())


def test_twenty_threads_writing_at_once_lose_nothing(sandbox: Sandbox) -> None:
    failures: list[str] = []

    def write(worker: int) -> None:
        api = Api(sandbox.url)
        try:
            for number in range(10):
                response = api.call(
                    "products/create_product", name=f"w{worker}-{number}", price="1", vendor_product_id="LOAD"
                )
                if response.status_code != 200:
                    failures.append(response.text)
        finally:
            api.close()

    threads = [threading.Thread(target=write, args=(worker,)) for worker in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    api = Api(sandbox.url)
    products = api.ok("products/list_products", vendor_product_id="LOAD", pagesize="100", cur_page="2")
    assert products["page_info"]["total_entries"] == "200"
    listed = [
        p
        for page in (1, 2)
        for p in api.ok(
            "products/list_products", vendor_product_id="LOAD", pagesize="100", cur_page=str(page)
        )["products"]
    ]
    api.close()
    assert len({p["name"] for p in listed}) == len({p["assigned_product_id"] for p in listed}) == 200


def test_dialect_is_switchable_and_validated(sandbox: Sandbox) -> None:
    sandbox.dialect = "strict"
    assert sandbox.dialect == "strict"
    with pytest.raises(ValueError):
        sandbox.dialect = "loose"
    with pytest.raises(ValueError):
        Sandbox(seed="full")
    with pytest.raises(ValueError):
        Sandbox(dialect="loose")


def serve(*flags: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "catalogsync", "sandbox", "--port", "0", *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert process.stdout is not None
    return process, process.stdout.readline()


def stop(process: subprocess.Popen[str], sig: signal.Signals = signal.SIGTERM) -> tuple[int, str, str]:
    process.send_signal(sig)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


def test_cli_serves_until_sigterm_and_hides_a_custom_password(tmp_path: Path) -> None:
    process, banner = serve("--password", "hunter2", "--db", str(tmp_path / "cli.db"), "--dialect", "strict")
    try:
        assert "hunter2" not in banner
        url = banner.split()[2]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api")
        response = requests.get(f"{url}/acct/detail_company_info", auth=("sandbox", "hunter2"), timeout=10)
        assert response.json()["response_code"] == "OK"
    finally:
        code, out, err = stop(process)
    assert (code, out, err) == (0, "", "")


def test_cli_shows_the_default_password_and_takes_fault_flags() -> None:
    process, banner = serve("--rate-limit", "0.01", "--latency-ms", "1", "--jitter-ms", "1")
    try:
        assert "password 'sandbox'" in banner
        url = f"{banner.split()[2]}/acct/detail_company_info"
        statuses = [requests.get(url, auth=("sandbox", "sandbox"), timeout=10).status_code for _ in range(2)]
        assert statuses == [200, 429]
    finally:
        code, _, err = stop(process)
    assert (code, err) == (0, "")


@pytest.mark.parametrize(("host", "written"), LOOPBACK_HOSTS)
def test_the_sandbox_listens_on_every_loopback_the_client_accepts(host: str, written: str) -> None:
    with Sandbox(host=host, seed="empty") as sb:
        assert sb.url == f"http://{written}:{sb.port}/api"
        with Client(sb.url, "sandbox", "sandbox") as client:
            assert client.vendor_id


@pytest.mark.parametrize(("host", "written"), LOOPBACK_HOSTS)
def test_cli_serves_on_every_loopback_and_names_a_busy_one_as_urls_write_it(host: str, written: str) -> None:
    process, banner = serve("--host", host)
    try:
        url = banner.split()[2]
        assert url.startswith(f"http://{written}:")
        port = url.split(":")[-1].split("/")[0]
        busy, second = serve("--host", host, "--port", port)
        _, err = busy.communicate(timeout=30)
        assert (busy.returncode, second) == (1, "")
        assert err.startswith(f"Error: cannot listen on {written}:{port}: ") and err.count("\n") == 1, err
    finally:
        stop(process)


def test_cli_stops_cleanly_on_ctrl_c() -> None:
    process, banner = serve()
    assert banner.startswith("Sandbox serving http://127.0.0.1:")
    assert stop(process, signal.SIGINT) == (0, "", "")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (("--username", "a:b"), "Error: the username must not be empty nor contain ':'"),
        (
            ("--db", "/nonexistent/folder/s.db"),
            "Error: --db /nonexistent/folder/s.db: the folder /nonexistent/folder does not exist",
        ),
    ],
)
def test_cli_refuses_settings_it_cannot_serve_in_one_line(flags: tuple[str, ...], message: str) -> None:
    process, banner = serve(*flags)
    _, err = process.communicate(timeout=30)
    assert (process.returncode, banner) == (1, "")
    assert err.startswith(message) and err.count("\n") == 1, err


def test_a_busy_port_fails_to_start(sandbox: Sandbox) -> None:
    with pytest.raises(OSError):
        Sandbox(port=sandbox.port).start()
