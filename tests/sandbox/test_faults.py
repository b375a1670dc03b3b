"""Fault injection: every kind as seen by a client, what each commits, determinism, rate limit, counters."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading

import pytest
import requests

from catalogsync.sandbox import ALL_FAULTS, Faults, Sandbox
from catalogsync.sandbox.faults import MAX_DELAY_MS, Injector
from tests.sandbox.sandbox_support import Api

CREATE = {"name": "Faulty", "price": "1.00", "vendor_product_id": "FAULTY"}


def created(api: Api) -> int:
    """How many products the fault tests created (read with faults off)."""
    response = api.call("products/list_products", vendor_product_id="FAULTY")
    return len(response.json().get("products", []))


def only(kind: str, **extra: object) -> Faults:
    return Faults(fault_rate=1.0, kinds=(kind,), **extra)


@pytest.mark.parametrize(
    ("kind", "status", "code"), [("500", 500, "INTERNAL_ERROR"), ("503", 503, "SERVICE_UNAVAILABLE")]
)
def test_server_errors_commit_nothing(sandbox: Sandbox, api: Api, kind: str, status: int, code: str) -> None:
    sandbox.faults = only(kind)
    assert api.errors("products/create_product", status, **CREATE) == [(code, None)]
    sandbox.faults = None
    assert created(api) == 0


def test_429_fault_has_retry_after(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = only("429")
    response = api.call("products/create_product", **CREATE)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    assert response.json()["errors"][0]["code"] == "TOO_MANY_REQUESTS"
    sandbox.faults = None
    assert created(api) == 0


def test_html_fault_is_a_502_page(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = only("html")
    response = api.call("products/create_product", **CREATE)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.text.startswith("<html>")
    sandbox.faults = None
    assert created(api) == 0


@pytest.mark.parametrize(("kind", "committed"), [("reset_before", 0), ("lost_after", 1)])
def test_dropped_connections(sandbox: Sandbox, api: Api, kind: str, committed: int) -> None:
    sandbox.faults = only(kind)
    with pytest.raises(requests.ConnectionError):
        api.call("products/create_product", **CREATE)
    sandbox.faults = None
    assert created(api) == committed


def test_slow_answers_still_commit(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = only("slow", slow_ms=1)
    assert api.ok("products/create_product", **CREATE)["response_message"] == "Product successfully created"
    sandbox.faults = None
    assert created(api) == 1


def test_truncated_body_has_consistent_length_and_commits(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = only("truncated")
    response = api.call("products/create_product", **CREATE)
    assert response.status_code == 200
    assert len(response.content) == int(response.headers["Content-Length"]) > 0
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)
    sandbox.faults = None
    assert created(api) == 1


def test_every_kind_is_counted(sandbox: Sandbox, api: Api) -> None:
    for kind in ALL_FAULTS:
        sandbox.faults = only(kind, slow_ms=1)
        with contextlib.suppress(requests.ConnectionError):
            api.call("acct/detail_company_info")
    assert sandbox.stats()["faults"] == dict.fromkeys(ALL_FAULTS, 1)


def statuses(sandbox: Sandbox, faults: Faults, count: int = 40) -> list[int]:
    sandbox.faults = faults
    api = Api(sandbox.url)
    try:
        return [
            api.call("products/detail_coupon", "GET", coupon_code="COUPON").status_code for _ in range(count)
        ]
    finally:
        api.close()


def test_same_seed_same_sequence(make_sandbox) -> None:
    faults = Faults(fault_rate=0.5, seed=7, kinds=("500", "503"))
    first, second = (statuses(make_sandbox(), faults) for _ in range(2))
    assert first == second
    assert {200, 500, 503} == set(first)
    assert statuses(make_sandbox(), Faults(fault_rate=0.5, seed=8, kinds=("500", "503"))) != first


def test_faults_can_be_limited_to_methods(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = only("500", methods=("products/create_product",))
    assert api.call("products/list_products").status_code == 200
    assert api.call("products/create_product", **CREATE).status_code == 500


def test_latency_and_jitter_leave_answers_intact(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = Faults(latency_ms=1, jitter_ms=2)
    assert api.ok("products/detail_option", option_id="4688355343")["option"][0]["option_name"] == "decibels"
    assert sandbox.stats()["faults"] == {}


def test_rate_limit_answers_429_with_retry_after(sandbox: Sandbox, api: Api) -> None:
    sandbox.faults = Faults(rate_limit=0.01)
    assert api.call("acct/detail_company_info").status_code == 200
    limited = api.call("acct/detail_company_info")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert sandbox.stats()["faults"] == {"rate_limit": 1}


def test_faults_are_off_by_default_and_can_be_switched_off(sandbox: Sandbox, api: Api) -> None:
    assert sandbox.faults is None
    sandbox.faults = only("500")
    assert api.call("acct/detail_company_info").status_code == 500
    sandbox.faults = None
    assert api.call("acct/detail_company_info").status_code == 200


def test_stats_count_requests_per_method_and_reset(sandbox: Sandbox, api: Api) -> None:
    api.call("products/list_products")
    api.call("products/list_products")
    api.call("nothing/here")
    assert sandbox.stats() == {"requests": 3, "by_method": {"products/list_products": 2}, "faults": {}}
    sandbox.reset_stats()
    assert sandbox.stats() == {"requests": 0, "by_method": {}, "faults": {}}


@pytest.mark.parametrize(
    "bad",
    [{"kinds": ("teapot",)}, {"kinds": ()}, {"fault_rate": 1.5}, {"latency_ms": -1}, {"rate_limit": 0}],
)
def test_invalid_faults_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Faults(**bad)


@pytest.mark.parametrize(
    "fields",
    [
        {"latency_ms": float("inf")},
        {"jitter_ms": float("nan")},
        {"slow_ms": float("inf")},
        {"fault_rate": float("nan")},
        {"rate_limit": float("inf")},
        {"rate_limit": float("nan")},
    ],
)
def test_faults_refuse_numbers_that_are_not_finite(fields):
    """An infinite latency was taken, and every request then slept for ever."""
    with pytest.raises(ValueError, match=r"finite|between 0 and"):
        Faults(**fields)


DURATIONS = [field.name for field in dataclasses.fields(Faults) if field.name.endswith("_ms")]


@pytest.mark.parametrize("name", DURATIONS)
def test_every_duration_is_refused_beyond_what_the_server_can_sleep(name: str) -> None:
    """A latency of 1e13 ms was taken, and every request's wait then overflowed (its connection dropped)."""
    for value in (-1.0, 1e13, 1e300, MAX_DELAY_MS + 1):
        with pytest.raises(ValueError, match=f"{name}.* must be between 0 and {MAX_DELAY_MS:.0f}"):
            Faults(**{name: value})
    longest = Faults(**dict.fromkeys(DURATIONS, MAX_DELAY_MS), fault_rate=1, kinds=("late",))
    decision = Injector(longest).decide("products/list_products")
    assert threading.Lock().acquire(timeout=decision.delay + decision.hold)  # no OverflowError


@pytest.mark.parametrize("username", ["", "a:b"])
def test_a_sandbox_refuses_a_username_basic_auth_cannot_carry(username):
    with pytest.raises(ValueError, match="username must not be empty nor contain ':'"):
        Sandbox(username=username)
