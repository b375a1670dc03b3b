"""Each fault on a write, alone and seeded: what the engine does about it, counted on the sandbox's side.

Faults before processing (500, 503, 429, reset, HTML page) commit nothing: a re-read proves it and the write
is sent again. Faults after processing (lost answer, slow answer past the timeout, truncated body) committed
the write: the re-read confirms it and nothing is sent twice. A write is never repeated without a re-read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.catalogfile.loader import loads
from catalogsync.execute import MAX_ATTEMPTS, REREADS, ApplyReport, execute
from catalogsync.fetch import fetch
from catalogsync.plan import make_plan
from catalogsync.sandbox import Faults, Sandbox
from catalogsync.sandbox.faults import BEFORE_PROCESSING, KNOWN_FAULTS
from scripts.chaos import RawApi
from tests.reliability.support import apply_under, seed_for

BEFORE = ("500", "503", "429", "reset_before", "html")
AFTER = ("lost_after", "slow", "truncated")
TIMEOUT = 0.3

MUG = "products:\n  MUG: {name: Mug, price: 8.00, description: A mug}\n"


def only(kind: str, method: str, pattern: str = "", **extra: object) -> Faults:
    """``kind`` on ``method``: always, or following ``pattern`` at rate 0.5."""
    if not pattern:
        return Faults(fault_rate=1.0, kinds=(kind,), methods=(method,), slow_ms=TIMEOUT * 2000, **extra)
    return Faults(fault_rate=0.5, seed=seed_for(pattern), kinds=(kind,), methods=(method,), slow_ms=600)


def apply(sandbox: Sandbox, text: str, faults: Faults) -> ApplyReport:
    """One apply under ``faults`` with this module's short timeout."""
    return apply_under(sandbox, text, faults, TIMEOUT)


def calls(sandbox: Sandbox, method: str) -> int:
    return int(sandbox.stats()["by_method"].get(method, 0))


def codes(sandbox: Sandbox, code: str) -> int:
    api = RawApi(sandbox.url)
    try:
        return sum(
            1 for p in api.items("products/list_products", "products") if p["vendor_product_id"] == code
        )
    finally:
        api.close()


def details(report: ApplyReport) -> list[tuple[str, str, str]]:
    return [(o.status, o.change.ref, o.detail) for o in report.outcomes]


@pytest.mark.parametrize("kind", BEFORE)
def test_uncommitted_create_is_verified_then_sent_again(sandbox, kind):
    report = apply(sandbox, MUG, only(kind, "products/create_product", "x."))
    assert details(report) == [("applied", "product:MUG", "")]
    assert calls(sandbox, "products/create_product") == 2
    assert calls(sandbox, "products/list_products") >= 1  # the re-read between the two
    assert codes(sandbox, "MUG") == 1


@pytest.mark.parametrize("kind", AFTER)
def test_committed_create_is_confirmed_not_repeated(sandbox, kind):
    report = apply(sandbox, MUG, only(kind, "products/create_product"))
    assert details(report) == [("applied", "product:MUG", "confirmed by re-reading")]
    assert calls(sandbox, "products/create_product") == 1
    assert codes(sandbox, "MUG") == 1


@pytest.mark.parametrize("kind", AFTER)
def test_committed_update_and_delete_are_confirmed(make_sandbox, kind):
    sandbox = make_sandbox(seed="demo", dialect="strict")
    text = (
        "settings: {prune: {coupons: true}, protected: {coupons: [SAVEJUNE, COUPON, APITEST002, FREESHIP]}}\n"
    )
    text += "products:\n  LTP-003: {name: Live Test Product, price: 11.00}\n"
    update = apply(sandbox, text, only(kind, "products/update_product"))
    assert details(update) == [("applied", "product:LTP-003", "confirmed by re-reading")]
    assert calls(sandbox, "products/update_product") == 1
    sandbox.reset_stats()
    text = text.replace("SAVEJUNE, ", "")  # pruned now
    delete = apply(sandbox, text, only(kind, "products/delete_coupon"))
    assert details(delete) == [("applied", "coupon:SAVEJUNE", "confirmed by re-reading")]
    assert calls(sandbox, "products/delete_coupon") == 1


def test_persistent_server_errors_give_up_and_skip_dependants(sandbox):
    text = MUG + "coupons:\n  MUG5: {type: product, value_off: 5.00, products: [MUG], expires: 2030-01-01}\n"
    report = apply(sandbox, text, only("503", "products/create_product"))
    (status, ref, detail), skipped = details(report)
    assert (status, ref) == ("failed", "product:MUG")
    assert "HTTP 503: SERVICE_UNAVAILABLE" in detail and f"gave up after {MAX_ATTEMPTS} attempts" in detail
    assert skipped == ("skipped", "coupon:MUG5", "depends on product:MUG, which failed")
    assert calls(sandbox, "products/create_product") == MAX_ATTEMPTS
    assert codes(sandbox, "MUG") == 0


def test_vendor_refusal_is_not_retried(sandbox):
    report = apply(sandbox, MUG.replace("A mug}", "A mug, categories: [99999]}"), Faults())
    [(status, _, detail)] = details(report)
    assert status == "failed" and "HTTP 400: PARAMETER_INVALID" in detail and "category_id" in detail
    assert calls(sandbox, "products/create_product") == 1


def test_a_failed_reread_stops_the_writes(sandbox):
    """The answer to the create is lost and every read after it too: the create is not sent again."""
    faults = Faults(
        fault_rate=1.0, kinds=("lost_after",), methods=("products/create_product", "products/list_products")
    )
    report = apply(sandbox, MUG, faults)
    [(status, _, detail)] = details(report)
    assert status == "failed"
    assert "then could not re-read it: products/list_products: connection failed" in detail
    assert calls(sandbox, "products/create_product") == 1
    assert codes(sandbox, "MUG") == 1  # it did happen; the next plan sees it and leaves it alone


UNANSWERED = {"reset_before", "lost_after", "slow", "late", "drip"}
"""The fault kinds that leave a request without any answer from the server (a connection dropped, or no
answer within the timeout: ``late`` is a server that accepts and does not answer)."""
ANSWERED = {"500", "503", "429", "truncated", "html"}
RETRIES = 2


def test_every_fault_kind_is_answered_or_not():
    assert set(KNOWN_FAULTS) == UNANSWERED | ANSWERED and not UNANSWERED & ANSWERED


@pytest.mark.parametrize("kind", sorted(UNANSWERED | ANSWERED))
def test_a_reread_without_any_answer_is_not_tried_again(sandbox, kind):
    """The create and every re-read fail with ``kind``. A re-read that got no answer is the client's own
    tries only (a hung server costs those timeouts, not :data:`REREADS` times as many); one that got an answer
    is tried :data:`REREADS` times. The create is not sent again."""
    faults = Faults(
        fault_rate=1.0,
        kinds=(kind,),
        methods=("products/create_product", "products/list_products"),
        slow_ms=TIMEOUT * 2000,
    )
    report = apply_under(sandbox, MUG, faults, TIMEOUT, max_retries=RETRIES)
    [(status, _, detail)] = details(report)
    assert status == "failed" and "then could not re-read it" in detail
    assert calls(sandbox, "products/create_product") == 1
    tries = 1 if kind in UNANSWERED else REREADS
    assert calls(sandbox, "products/list_products") == tries * (RETRIES + 1)


class Stopping(Client):
    """A client whose ``stop`` is set as a create is sent, as if Ctrl-C came while it was in flight."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stop = threading.Event()

    def call(self, group: str, method: str, params: Any = None, *, write: bool = False) -> Any:
        if method.startswith("create_"):
            self.stop.set()
        return super().call(group, method, params, write=write)


def stopped_at_create(sandbox: Sandbox, text: str, faults: Faults) -> ApplyReport:
    """``text`` applied one change at a time, stopped as its first create is sent, under ``faults``."""
    with Stopping(sandbox.url, "sandbox", "sandbox", timeout=TIMEOUT, backoff=0.01) as client:
        live = fetch(client, base_url=sandbox.url)
        plan = make_plan(loads(text), live, catalog_sha256="-", catalog_path="-")
        sandbox.reset_stats()
        sandbox.faults = faults
        return execute(plan, live, client, parallelism=1, stop=client.stop)


def test_no_write_is_sent_again_once_stopped(sandbox):
    """Stopped while a create fails: the re-read still tells the truth, but the create is not sent again."""
    report = stopped_at_create(
        sandbox, MUG + "  CUP: {name: Cup, price: 4.00}\n", only("500", "products/create_product")
    )
    (status, ref, detail), skipped = details(report)
    assert (status, ref) == ("failed", "product:CUP")
    assert detail.endswith("a re-read shows it did not happen; not sent again: apply was stopped")
    assert skipped == ("skipped", "product:MUG", "interrupted before it started")
    assert report.interrupted and calls(sandbox, "products/create_product") == 1


@pytest.mark.parametrize("kind", KNOWN_FAULTS)
def test_a_write_stopped_in_flight_is_reported_as_it_ended(sandbox, kind):
    """Stopped while the create is in flight with ``kind`` on it: the report says it happened only if the
    server committed it, and never that it did not when the server commits it (``late``: after the client
    gave up, while apply no longer waits for it), whatever the fault."""
    report = stopped_at_create(sandbox, MUG, only(kind, "products/create_product"))
    [(status, _, detail)] = details(report)
    committed = kind not in BEFORE_PROCESSING
    if committed:
        eventually(lambda: codes(sandbox, "MUG") == 1)
    assert codes(sandbox, "MUG") == int(committed)
    assert status != "applied" or committed
    assert "did not happen" not in detail or not committed, detail
    assert report.interrupted and calls(sandbox, "products/create_product") == 1


def eventually(condition: Callable[[], bool]) -> None:
    """Wait (generously) for ``condition``: a write the server commits late."""
    deadline = time.monotonic() + 30
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_partial_option_update_resumes_from_what_was_read(make_sandbox):
    """Two calls update Volume and the second fails: the re-read shows the first worked; the rest is sent."""
    sandbox = make_sandbox(seed="demo", dialect="strict")
    api = RawApi(sandbox.url)
    old = api.get("products/list_options", option_name="Volume")["options"][0]["option_values"]
    text = """
options:
  Volume:
    values:
      - {name: Low, surcharge: 1.00}
      - {name: Mid, surcharge: 2.50}
      - {name: High, surcharge: 3.00}
      - {name: Max, surcharge: 4.00}
"""
    report = apply(sandbox, text, only("500", "products/update_option", ".x."))
    assert details(report) == [("applied", "option:Volume", "")]
    assert calls(sandbox, "products/update_option") == 3
    new = api.get("products/list_options", option_name="Volume")["options"][0]["option_values"]
    api.close()
    assert [(v["option_value_name"], v["option_value_surcharge"]) for v in new] == [
        ("Low", "1.00"),
        ("Mid", "2.50"),
        ("High", "3.00"),
        ("Max", "4.00"),
    ]
    assert [v["option_value_id"] for v in new[:3]] == [v["option_value_id"] for v in old]
