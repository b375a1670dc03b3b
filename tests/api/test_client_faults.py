"""Retries against injected faults: reads recover, writes go out exactly once, 429 closes one shared gate."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from catalogsync.api import ApiError, TransportError
from catalogsync.api.transport import Policy, Transport
from catalogsync.errors import ClientError
from catalogsync.sandbox import Faults, Sandbox
from tests.api.conftest import FakeTime, MakeClient

READ = "acct/detail_contact_info"
WRITE = "products/create_option"
OPTION = {"option_name": "Size", "option_value_name": ["S", "M"], "option_value_surcharge": ["0.00", "1.00"]}
FAULTS = ("500", "503", "429", "reset_before", "lost_after", "truncated", "html")


def attempts(sandbox: Sandbox, method: str) -> int:
    count: int = sandbox.stats()["by_method"].get(method, 0)
    return count


@pytest.mark.parametrize("kind", FAULTS)
def test_reads_recover_from_faults(sandbox: Sandbox, make_client: MakeClient, kind: str) -> None:
    sandbox.faults = Faults(fault_rate=0.5, seed=7, kinds=(kind,), methods=(READ,))
    client = make_client(sandbox, max_retries=12)

    answers = [client.account.contact_info() for _ in range(20)]

    assert all(a["vendor_contact_info"]["vendor_id"] == "1311348" for a in answers)
    injected = sandbox.stats()["faults"][kind]
    assert injected > 0
    assert client.requests_made == attempts(sandbox, READ) == 20 + injected


@pytest.mark.parametrize(
    ("kind", "error", "status"),
    [
        ("503", ApiError, 503),
        ("429", ApiError, 429),
        ("reset_before", TransportError, None),
        ("truncated", TransportError, 200),
        ("html", TransportError, 502),
    ],
)
def test_a_read_gives_up_after_max_retries(
    sandbox: Sandbox, make_client: MakeClient, kind: str, error: type[ClientError], status: int | None
) -> None:
    sandbox.faults = Faults(fault_rate=1.0, kinds=(kind,), methods=(READ,))
    client = make_client(sandbox, max_retries=2)
    with pytest.raises(error) as caught:
        client.account.contact_info()
    assert getattr(caught.value, "status", None) == status
    assert attempts(sandbox, READ) == client.requests_made == 3


@pytest.mark.parametrize("kind", FAULTS)
def test_a_write_is_attempted_exactly_once(sandbox: Sandbox, make_client: MakeClient, kind: str) -> None:
    sandbox.faults = Faults(fault_rate=1.0, kinds=(kind,), methods=(WRITE,))
    client = make_client(sandbox, max_retries=4)
    with pytest.raises((ApiError, TransportError)):
        client.products.options.create(**OPTION)
    assert attempts(sandbox, WRITE) == client.requests_made == 1
    created = [o for o in client.products.options.list_all() if o["option_name"] == "Size"]
    assert len(created) == (1 if kind in ("lost_after", "truncated") else 0)  # committed, answer lost


def test_call_treats_unknown_methods_as_writes_and_honours_write_true(
    sandbox: Sandbox, make_client: MakeClient
) -> None:
    sandbox.faults = Faults(fault_rate=1.0, kinds=("503",), methods=(WRITE, READ))
    client = make_client(sandbox, max_retries=3)
    with pytest.raises(ApiError):
        client.call("products", "create_option", OPTION)  # no write=True: still a write
    with pytest.raises(ApiError):
        client.call("acct", "detail_contact_info", write=True)
    assert attempts(sandbox, WRITE) == attempts(sandbox, READ) == 1


def test_a_slow_read_times_out_and_is_retried(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.faults = Faults(fault_rate=1.0, kinds=("slow",), methods=(READ,), slow_ms=5000)
    client = make_client(sandbox, timeout=0.2, max_retries=1)
    with pytest.raises(TransportError) as caught:
        client.account.contact_info()
    assert caught.value.status is None
    assert "timeout" in str(caught.value)
    assert attempts(sandbox, READ) == 2


def test_a_slow_write_times_out_once(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.faults = Faults(fault_rate=1.0, kinds=("slow",), methods=(WRITE,), slow_ms=5000)
    client = make_client(sandbox, timeout=0.2, max_retries=3)
    with pytest.raises(TransportError):
        client.products.options.create(**OPTION)
    assert attempts(sandbox, WRITE) == 1


def test_a_refused_connection_is_a_transport_error_after_retries(make_client: MakeClient) -> None:
    stopped = Sandbox(seed="empty").start()
    stopped.stop()  # nothing listens on its port any more
    client = make_client(stopped, max_retries=2)
    with pytest.raises(TransportError) as caught:
        client.account.company_info()
    assert caught.value.status is None
    assert str(caught.value) == (
        f"acct/detail_company_info: cannot connect to 127.0.0.1:{stopped.port} (connection refused)"
    )
    assert client.requests_made == 3


def test_a_429_closes_one_gate_for_every_later_request_reads_and_writes(sandbox: Sandbox) -> None:
    sandbox.faults = Faults(fault_rate=1.0, kinds=("429",), methods=("acct/detail_company_info",))
    fake = FakeTime()
    transport = Transport(
        sandbox.url, "sandbox", "sandbox", policy=Policy(max_retries=2), clock=fake.clock, sleep=fake.sleep
    )
    try:
        with pytest.raises(ApiError):
            transport.call("acct", "detail_company_info", write=False)
        assert fake.sleeps == [1.0, 1.0]  # Retry-After: 1 before each retry, no other back-off
        assert transport.gate.remaining() == 1.0  # the last 429 closed the gate again

        transport.call("products", "create_option", OPTION, write=True)
        transport.call("acct", "detail_contact_info", write=False)
        assert fake.sleeps == [1.0, 1.0, 1.0]  # the write waited for the gate; then it was open
    finally:
        transport.close()
    assert sandbox.stats()["by_method"]["products/create_option"] == 1


def test_concurrent_reads_under_a_rate_limit_all_succeed(sandbox: Sandbox, make_client: MakeClient) -> None:
    sandbox.faults = Faults(rate_limit=40)
    client = make_client(sandbox, max_retries=10, max_backoff=2.0, parallelism=8)
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: client.account.pending_payment(), range(60)))
    assert len(answers) == 60
    limited = sandbox.stats()["faults"].get("rate_limit", 0)
    assert limited > 0
    assert client.requests_made == 60 + limited
