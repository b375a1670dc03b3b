"""A server that stops answering mid-apply: apply gives up promptly instead of trying every change.

After :data:`GIVE_UP_AFTER` changes in a row failed without any answer, no change starts (each is skipped,
"not started: the server stopped answering") and none sends anything more. The server is killed for real:
by the sandbox's ``kill_after_writes`` fault (it commits that write, never answers it, and stops listening)
or by stopping it from another thread. The calls the engine made are counted on the client's side, since a
dead server counts nothing.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from catalogsync.api import Client
from catalogsync.breaker import GIVE_UP_AFTER, STOPPED_ANSWERING, Breaker
from catalogsync.catalogfile.loader import loads
from catalogsync.diff import Change
from catalogsync.errors import ApiError, TransportError
from catalogsync.execute import ApplyReport, Outcome, execute
from catalogsync.fetch import fetch
from catalogsync.plan import make_plan
from catalogsync.sandbox import Faults, Sandbox
from scripts.chaos import RawApi

CREATE = "products/create_product"
KEYS = [f"GONE-{n:02}" for n in range(12)]
CATALOG = "products:\n" + "".join(f"  {key}: {{name: Product {key}, price: 2.00}}\n" for key in KEYS)
GENEROUS = 60.0
"""Seconds within which a give-up must have come (it takes well under one here)."""


class Counting(Client):
    """A client that counts the calls the engine makes (each may be several HTTP attempts)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: Counter[str] = Counter()
        self._count = threading.Lock()

    def call(self, group: str, method: str, params: Any = None, *, write: bool = False) -> Any:
        with self._count:
            self.calls[f"{group}/{method}"] += 1
        return super().call(group, method, params, write=write)


def apply(sandbox: Sandbox, text: str, faults: Faults, *, parallelism: int) -> tuple[ApplyReport, Counting]:
    client = Counting(
        sandbox.url,
        "sandbox",
        "sandbox",
        timeout=0.3,
        backoff=0.01,
        max_backoff=0.05,
        parallelism=parallelism,
    )
    with client:
        live = fetch(client, base_url=sandbox.url)
        plan = make_plan(loads(text), live, catalog_sha256="-", catalog_path="-")
        client.calls.clear()
        sandbox.faults = faults
        return execute(plan, live, client, parallelism=parallelism), client


def codes(sandbox: Sandbox) -> Counter[str]:
    api = RawApi(sandbox.url)
    try:
        return Counter(str(p["vendor_product_id"]) for p in api.items("products/list_products", "products"))
    finally:
        api.close()


def _status_and_cause(outcome: Outcome) -> tuple[str, object]:
    return outcome.status, outcome.cause


def test_a_killed_server_is_given_up_after_three_changes(make_sandbox, tmp_path: Path):
    """Killed at the 3rd create, one change at a time: that create and the next two fail, no further call
    is made, the other 7 are skipped as not started; the next apply, on the restarted server, converges."""
    sandbox = make_sandbox(tmp_path / "account.db", seed="demo")
    started = time.monotonic()
    report, client = apply(sandbox, CATALOG, Faults(kill_after_writes=3), parallelism=1)
    assert time.monotonic() - started < GENEROUS
    assert sandbox.killed
    statuses = [(o.status, o.change.key) for o in report.outcomes]
    assert statuses == [
        *(("applied", key) for key in KEYS[:2]),
        *(("failed", key) for key in KEYS[2:5]),
        *(("skipped", key) for key in KEYS[5:]),
    ]
    killed, *refused = report.with_status("failed")
    assert "then could not re-read it: products/list_products: cannot connect to" in killed.detail
    assert all(o.detail.startswith(f"{CREATE}: cannot connect to") for o in refused)
    assert report.gave_up is not None and report.gave_up.startswith(
        f"{STOPPED_ANSWERING} (3 changes in a row"
    )
    assert {o.detail for o in report.with_status("skipped")} == {report.gave_up}
    assert client.calls == {CREATE: 5, "products/list_products": 1}  # nothing after the third failure
    assert sandbox.stats()["by_method"].get(CREATE) == 3
    assert not report.ok and not report.interrupted

    sandbox.stop()
    sandbox.faults = None
    sandbox.start()  # same database, same port
    assert codes(sandbox)[KEYS[2]] == 1  # the killed create was committed
    again, _ = apply(sandbox, CATALOG, Faults(), parallelism=4)
    assert [o.status for o in again.outcomes] == ["applied"] * 9
    assert all(n == 1 for key, n in codes(sandbox).items() if key in KEYS) and len(KEYS) <= len(
        codes(sandbox)
    )


def test_a_server_stopped_mid_apply_is_given_up_promptly(make_sandbox):
    """Many creates at 8 at a time; the server is stopped from another thread after 10 of them: the apply
    returns within a generous bound, the changes not started are named, and once the breaker opened no
    create was sent (at most the ones in flight, plus those that opened it)."""
    keys = [f"STOP-{n:02}" for n in range(40)]
    text = "products:\n" + "".join(f"  {key}: {{name: Product {key}, price: 2.00}}\n" for key in keys)
    sandbox = make_sandbox(seed="demo")

    def stop_after(writes: int) -> None:
        while sandbox.stats()["by_method"].get(CREATE, 0) < writes:
            time.sleep(0.002)
        sandbox.stop()

    killer = threading.Thread(target=stop_after, args=(10,), daemon=True)
    killer.start()
    started = time.monotonic()
    report, client = apply(sandbox, text, Faults(latency_ms=40), parallelism=8)
    assert time.monotonic() - started < GENEROUS
    killer.join(GENEROUS)
    skipped = report.with_status("skipped")
    assert len(skipped) >= len(keys) - 10 - 8 - GIVE_UP_AFTER
    assert {o.detail for o in skipped} == {report.gave_up}
    assert str(report.gave_up).startswith(STOPPED_ANSWERING)
    assert all(o.status != "applied" or o.change.key in keys[:18] for o in report.outcomes)
    assert client.calls[CREATE] <= 10 + 8 + GIVE_UP_AFTER
    assert len(report.outcomes) == len(keys)


def _outcome(status: str, cause: Exception | None) -> Outcome:
    return Outcome(Change("create", "product", "X"), status, "", cause=cause)  # type: ignore[arg-type]


REFUSED = TransportError(
    "cannot connect to 127.0.0.1:9 (connection refused)", method=CREATE, unreachable=True
)
DROPPED = TransportError("connection failed: ConnectionError: reset", method=CREATE)
HTML = TransportError("not JSON", method=CREATE, status=502)
REFUSAL = ApiError(method=CREATE, status=400, errors=[])


def test_the_breaker_counts_failures_without_any_answer_in_a_row():
    breaker = Breaker()
    for outcome in [_outcome("failed", REFUSED), _outcome("failed", DROPPED), _outcome("applied", None)]:
        breaker.record(outcome.status, outcome.cause)
    for cause in (HTML, REFUSAL):  # an answer came: the server is there
        breaker.record(*_status_and_cause(_outcome("failed", REFUSED)))
        breaker.record(*_status_and_cause(_outcome("failed", REFUSED)))
        breaker.record(*_status_and_cause(_outcome("failed", cause)))
    breaker.record(*_status_and_cause(_outcome("skipped", None)))
    assert breaker.reason is None
    for _ in range(GIVE_UP_AFTER - 1):
        breaker.record(*_status_and_cause(_outcome("failed", DROPPED)))
        breaker.record(
            *_status_and_cause(_outcome("skipped", None))
        )  # skipped changes neither count nor break the run
    breaker.record(*_status_and_cause(_outcome("failed", REFUSED)))
    assert breaker.reason == (
        f"{STOPPED_ANSWERING} (3 changes in a row got no answer; the last: {CREATE}: cannot connect to"
        " 127.0.0.1:9 (connection refused))"
    )
