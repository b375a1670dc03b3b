"""Two writers: an update never overwrites a change made in the account after its plan was read.

Before an update the engine reads the resource by id (one ``detail_*`` call) and compares it with the plan's
``before``: a difference refuses the update ("changed in the account since the plan was read (field: old ->
now); plan again") and the other writer's change stays. A key that ends up held twice is reported with the
ids and how to settle it. The other writer is the raw API between plan and execute, or a second ``execute``
in another thread on the same sandbox.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.catalogfile.loader import loads
from catalogsync.execute import ApplyReport, Outcome, execute
from catalogsync.fetch import fetch
from catalogsync.live import LiveState
from catalogsync.plan import Plan, make_plan
from catalogsync.sandbox import Faults, Sandbox
from scripts.chaos import RawApi
from tests.reliability.support import post

TIMEOUT = 0.4
LTP = "LTP-003"
"""A demo product: Live Test Product at 10.00, "The Short Description" (the catalogs below leave it alone)."""


def planned(client: Client, url: str, text: str) -> tuple[Plan, LiveState]:
    live = fetch(client, base_url=url)
    return make_plan(loads(text), live, catalog_sha256="-", catalog_path="-"), live


def client_of(sandbox: Sandbox) -> Client:
    return Client(sandbox.url, "sandbox", "sandbox", timeout=TIMEOUT, backoff=0.01, max_backoff=0.05)


def product(sandbox: Sandbox, code: str) -> dict[str, Any]:
    api = RawApi(sandbox.url)
    try:
        [found] = api.get("products/list_products", vendor_product_id=code)["products"]
        return dict(api.get("products/detail_product", product_id=found["product_id"])["product"])
    finally:
        api.close()


def calls(sandbox: Sandbox) -> dict[str, int]:
    return dict(sandbox.stats()["by_method"])


def outcomes(report: ApplyReport) -> list[tuple[str, str, str]]:
    return [(o.status, o.change.ref, o.detail) for o in report.outcomes]


def apply_after(sandbox: Sandbox, method: str, **params: str) -> ApplyReport:
    """Plan the price of LTP-003 to 11.00, let ``method`` change that product meanwhile, then execute; the
    sandbox counts only the execute's calls."""
    with client_of(sandbox) as client:
        plan, live = planned(
            client, sandbox.url, f"products:\n  {LTP}: {{name: Live Test Product, price: 11.00}}\n"
        )
        post(sandbox, method, product_id=live.resources["product"][LTP].id, **params)
        sandbox.reset_stats()
        return execute(plan, live, client)


def test_an_update_refuses_to_overwrite_a_change_made_since_the_plan(sandbox):
    """The plan changes the price; meanwhile someone edits the description: the update is refused."""
    report = apply_after(sandbox, "products/update_product", description="Mine")
    assert outcomes(report) == [
        (
            "failed",
            f"product:{LTP}",
            "changed in the account since the plan was read (description: The Short Description -> Mine);"
            " plan again",
        )
    ]
    assert calls(sandbox) == {"products/detail_product": 1}  # one read, no write
    now = product(sandbox, LTP)
    assert (now["description"], now["price"]) == ("Mine", "10.00")


def test_the_same_field_changed_meanwhile_is_named_with_both_values(sandbox):
    report = apply_after(sandbox, "products/update_product", price="13.00")
    [(status, _, detail)] = outcomes(report)
    assert status == "failed"
    assert detail == "changed in the account since the plan was read (price: 10.00 -> 13.00); plan again"
    assert product(sandbox, LTP)["price"] == "13.00"


def test_each_update_costs_one_detail_read(make_sandbox):
    """Unchanged since the plan: one ``detail_*`` read per update, then the update; none for a create."""
    sandbox = make_sandbox(seed="demo", dialect="strict")
    text = f"""
settings: {{prune: {{coupons: true}}, protected: {{coupons: [SAVEJUNE, APITEST002, FREESHIP]}}}}
options:
  Volume:
    values: [{{name: Low, surcharge: 1.00}}, {{name: Mid, surcharge: 2.00}}, {{name: High, surcharge: 3.00}}]
products:
  {LTP}: {{name: Live Test Product, price: 11.00}}
  MUG: {{name: Mug, price: 8.00}}
  OP-T: {{name: OPTION TEST, price: 100.00}}
coupons:
  COUPON: {{type: product, percent_off: 20, products: [OP-T], expires: 3000-02-25}}
"""
    with client_of(sandbox) as client:
        plan, live = planned(client, sandbox.url, text)
        sandbox.reset_stats()
        report = execute(plan, live, client)
    assert [o.status for o in report.outcomes] == ["applied"] * 4
    assert sorted((o.change.op, o.change.ref) for o in report.outcomes) == [
        ("create", "product:MUG"),
        ("update", "coupon:COUPON"),
        ("update", "option:Volume"),
        ("update", f"product:{LTP}"),
    ]
    reads = {m: n for m, n in calls(sandbox).items() if "/detail_" in m or "/list_" in m}
    assert reads == {"products/detail_option": 1, "products/detail_product": 1, "products/detail_coupon": 1}


MEANWHILE = [
    (
        "products/update_product",
        {"price": "11.00"},
        ("applied", "already so in the account (changed since the plan was read)"),
    ),
    (
        "products/delete_product",
        {},
        ("failed", "deleted from the account since the plan was read; plan again"),
    ),
]


@pytest.mark.parametrize(("method", "params", "expected"), MEANWHILE, ids=["made-already", "deleted"])
def test_an_update_after_someone_else_acted_reads_once_and_sends_nothing(sandbox, method, params, expected):
    report = apply_after(sandbox, method, **params)
    status, detail = expected
    assert outcomes(report) == [(status, f"product:{LTP}", detail)]
    assert calls(sandbox) == {"products/detail_product": 1}


def test_an_update_of_a_resource_given_another_code_since_the_plan_is_refused(sandbox):
    report = apply_after(sandbox, "products/update_product", vendor_product_id="X")
    assert outcomes(report) == [
        (
            "failed",
            f"product:{LTP}",
            f"changed in the account since the plan was read (code: {LTP} -> X); plan again",
        )
    ]
    assert product(sandbox, "X")["price"] == "10.00"


def test_two_concurrent_applies_never_silently_revert_each_other(make_sandbox):
    """Apply A changes the price of LTP-003 and the name of OP-T; apply B, planned from the same account and
    running at the same time, changes the description of LTP-003 and the price of AS-12M. B's update of
    LTP-003 goes out after A's: sent whole, it would put the old price back. It is refused instead; A's
    price stays, and each apply's other change is made."""
    sandbox = make_sandbox(seed="demo", dialect="strict")
    first = (
        f"products:\n  {LTP}: {{name: Live Test Product, price: 11.00}}\n"
        "  OP-T: {name: Option test, price: 100.00}\n"
    )
    second = (
        f"products:\n  {LTP}: {{name: Live Test Product, price: 10.00, description: From B}}\n"
        "  AS-12M: {name: Annual Subscription, price: 31.00}\n"
    )
    a_done = threading.Event()
    reports: dict[str, ApplyReport] = {}

    def run(name: str, text: str, wait: threading.Event | None) -> None:
        def seen(outcome: Outcome) -> None:
            if name == "A" and outcome.change.key == LTP:
                a_done.set()

        with client_of(sandbox) as client:
            plan, live = planned(client, sandbox.url, text)
            ready.wait(10)
            if wait is not None:
                wait.wait(10)
            reports[name] = execute(plan, live, client, parallelism=1, on_outcome=seen)

    ready = threading.Barrier(2)
    threads = [
        threading.Thread(target=run, args=("A", first, None)),
        threading.Thread(target=run, args=("B", second, a_done)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert [(s, r) for s, r, _ in outcomes(reports["A"])] == [
        ("applied", "product:LTP-003"),
        ("applied", "product:OP-T"),
    ]
    assert outcomes(reports["B"]) == [
        ("applied", "product:AS-12M", ""),
        (
            "failed",
            f"product:{LTP}",
            "changed in the account since the plan was read (price: 10.00 -> 11.00); plan again",
        ),
    ]
    ltp = product(sandbox, LTP)
    assert (ltp["price"], ltp["description"]) == ("11.00", "The Short Description")
    assert product(sandbox, "OP-T")["name"] == "Option test"
    assert product(sandbox, "AS-12M")["price"] == "31.00"


def test_two_applies_creating_the_same_key_report_the_duplicate(sandbox):
    """Two applies create MUG at the same time and both creates get no answer in time: each re-read finds
    two MUGs; neither apply guesses between them or creates a third, and both name the ids and the way out."""
    texts = {name: f"products:\n  MUG: {{name: Mug {name}, price: 8.00}}\n" for name in "AB"}
    reports: dict[str, ApplyReport] = {}
    plans = {}
    with client_of(sandbox) as client:
        for name, text in texts.items():
            plans[name] = planned(client, sandbox.url, text)
    sandbox.faults = Faults(
        fault_rate=1.0, kinds=("late",), methods=("products/create_product",), slow_ms=TIMEOUT * 1500
    )
    start = threading.Barrier(2)

    def run(name: str) -> None:
        with client_of(sandbox) as client:
            start.wait(10)
            reports[name] = execute(*plans[name], client)

    threads = [threading.Thread(target=run, args=(name,)) for name in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    sandbox.faults = None
    api = RawApi(sandbox.url)
    mugs = [
        p["product_id"]
        for p in api.items("products/list_products", "products")
        if p["vendor_product_id"] == "MUG"
    ]
    api.close()
    assert len(mugs) == 2 and sandbox.stats()["by_method"]["products/create_product"] == 2
    ids = ", ".join(sorted(mugs))
    for report in reports.values():
        [outcome] = report.outcomes
        assert outcome.status == "failed"
        assert outcome.detail.startswith("several live resources now have this key (ids ")
        assert outcome.detail.endswith(
            "delete the extra ones in the admin pages, or give them keys of their own to adopt them;"
            " then plan again"
        )
        [line] = report.duplicates
        assert line.startswith("product MUG is held by ids ") and "delete the extra ones" in line
        assert ", ".join(sorted(line.split("ids ")[1].split(":")[0].split(", "))) == ids
    assert Counter(tuple(sorted(r.duplicates)) for r in reports.values()).total() == 2
