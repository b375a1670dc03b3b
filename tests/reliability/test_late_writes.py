"""A write the server commits only after the client gave up on it: never a duplicate.

The sandbox's ``late`` fault processes a request ``slow_ms`` after it arrived, so the client times out while
the write is still on its way to being committed. The engine re-reads only once the request can no longer
be in flight (the client's timeout after the failure) and sends a create again only when two re-reads in a
row agree that it is absent. Everything is counted on the sandbox's side and through the API.
"""

from __future__ import annotations

from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.breaker import DEFAULT_DEADLINE, request_deadline
from catalogsync.sandbox import Faults, Sandbox
from tests.reliability.support import apply_under, held, seed_for

CREATE = "products/create_product"
LIST = "products/list_products"
KEYS = [f"LATE-{n}" for n in range(6)]
CATALOG = "products:\n" + "".join(f"  {key}: {{name: Late {key}, price: 3.00}}\n" for key in KEYS)


def late(timeout: float, hold: float, method: str = CREATE) -> Faults:
    """Every ``method`` request is processed ``hold`` timeouts after it arrived."""
    return Faults(fault_rate=1.0, kinds=("late",), methods=(method,), slow_ms=timeout * hold * 1000)


def calls(sandbox: Sandbox, method: str) -> int:
    return int(sandbox.stats()["by_method"].get(method, 0))


def test_creates_committed_after_the_timeout_are_not_sent_twice(sandbox):
    """Each create is committed 1.5 timeouts after it arrived: the re-read after the wait finds it."""
    report = apply_under(sandbox, CATALOG, late(0.4, 1.5), 0.4)
    assert [(o.status, o.detail) for o in report.outcomes] == [("applied", "confirmed by re-reading")] * 6
    assert calls(sandbox, CREATE) == len(KEYS)
    counts = held(sandbox)
    assert {key: counts[key] for key in KEYS} == dict.fromkeys(KEYS, 1)
    assert report.duplicates == []


def test_a_create_is_sent_again_only_when_two_re_reads_agree(sandbox):
    """Committed 2.2 timeouts after it arrived: after the timeout and the wait the first re-read (at about
    2 timeouts) finds nothing yet; the second, half a timeout later, finds it."""
    report = apply_under(sandbox, CATALOG.split("  LATE-1")[0], late(0.6, 2.2), 0.6)
    assert [(o.status, o.detail) for o in report.outcomes] == [("applied", "confirmed by re-reading")]
    assert calls(sandbox, CREATE) == 1
    assert calls(sandbox, LIST) == 2
    assert held(sandbox)["LATE-0"] == 1


def test_an_uncommitted_create_is_sent_again_after_two_agreeing_re_reads(sandbox):
    """The first create is dropped before processing: two re-reads agree it is absent, one more create."""
    faults = Faults(fault_rate=0.5, seed=seed_for("x."), kinds=("reset_before",), methods=(CREATE,))
    report = apply_under(sandbox, CATALOG.split("  LATE-1")[0], faults, 0.3)
    assert [(o.status, o.detail) for o in report.outcomes] == [("applied", "")]
    assert (calls(sandbox, CREATE), calls(sandbox, LIST)) == (2, 2)
    assert held(sandbox)["LATE-0"] == 1


def test_late_updates_are_confirmed_not_repeated(make_sandbox):
    """An update committed after the timeout: confirmed by the re-read after the wait, sent once."""
    sandbox = make_sandbox(seed="demo", dialect="strict")
    text = "products:\n  LTP-003: {name: Live Test Product, price: 11.00}\n"
    report = apply_under(sandbox, text, late(0.4, 1.5, "products/update_product"), 0.4)
    assert [(o.status, o.detail) for o in report.outcomes] == [("applied", "confirmed by re-reading")]
    assert calls(sandbox, "products/update_product") == 1


class _Timed:
    def __init__(self, timeout: Any) -> None:
        self.timeout = timeout


@pytest.mark.parametrize(
    ("client", "seconds"),
    [
        (_Timed(2.5), 2.5),
        (_Timed(None), DEFAULT_DEADLINE),
        (_Timed(True), DEFAULT_DEADLINE),
        (_Timed(float("nan")), DEFAULT_DEADLINE),
        (object(), DEFAULT_DEADLINE),
    ],
)
def test_the_deadline_is_the_clients_timeout(client, seconds):
    assert request_deadline(client) == seconds


def test_the_deadline_of_the_real_client(sandbox):
    """The client's timeout is the whole of one attempt."""
    with Client(sandbox.url, "sandbox", "sandbox", timeout=0.7) as client:
        assert request_deadline(client) == 0.7
