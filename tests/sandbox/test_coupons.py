"""Coupons (§3.22-3.26, §8.5, §8.7): percent formats, discount rules, product links, codes, dialects."""

from __future__ import annotations

from typing import Any

import pytest

from catalogsync.sandbox import Sandbox
from tests.sandbox.sandbox_support import Api

OPTION_TEST, BUDDHA, FRAME = "4274737762", "4297595302", "4186286355"


def detail(api: Api, code: str) -> Any:
    return api.ok("products/detail_coupon", coupon_code=code)["coupon"]


def listed(api: Api, code: str) -> Any:
    return {c["coupon_code"]: c for c in api.ok("products/list_coupons")["coupon"]}[code]


def linked(api: Api, code: str) -> list[str]:
    return [p["product_id"] for p in detail(api, code)["product"]]


@pytest.mark.parametrize(
    ("given", "whole", "fraction"),
    [("10", "10", "0.10"), ("12.5", "12.5", "0.125"), ("100", "100", "1.00"), ("0.25", "0.25", "0.0025")],
)
def test_percentage_is_whole_in_detail_and_a_fraction_in_lists(
    api: Api, given: str, whole: str, fraction: str
) -> None:
    api.ok(
        "products/create_coupon", coupon_code="P", type="sale", date_expire="2030-01-01", percentage_off=given
    )
    assert (detail(api, "P")["percentage_off"], listed(api, "P")["percentage_off"]) == (whole, fraction)


@pytest.mark.parametrize("bad", ["0", "100.01", "-5", "ten", "12.345"])
def test_bad_percentages(api: Api, bad: str) -> None:
    params = {"type": "sale", "date_expire": "2030-01-01", "percentage_off": bad}
    assert api.errors("products/create_coupon", **params) == [("PARAMETER_INVALID", "percentage_off")]


def test_generated_code_when_none_is_given(api: Api) -> None:
    code = api.ok("products/create_coupon", type="shipping", date_expire="2030-01-01")["coupon_code"]
    assert len(code) == 10 and code.isdigit()
    assert detail(api, code)["type"] == "shipping"


def test_create_needs_date_and_type(api: Api) -> None:
    assert api.errors("products/create_coupon", date_expire="2030-02-30", type="gift") == [
        ("PARAMETER_INVALID", "date_expire"),
        ("PARAMETER_INVALID", "type"),
    ]
    assert api.errors("products/create_coupon") == [
        ("PARAMETER_MISSING", "date_expire"),
        ("PARAMETER_MISSING", "type"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "sale"}, [("PARAMETER_MISSING", "percentage_off")]),
        ({"type": "sale", "percentage_off": "5", "value_off": "1"}, [("PARAMETER_INVALID", "value_off")]),
        ({"type": "shipping", "value_off": "1"}, [("PARAMETER_INVALID", "value_off")]),
        ({"type": "product", "value_off": "1"}, [("PARAMETER_MISSING", "product_id")]),
        ({"type": "product", "value_off": "1", "product_id": "1"}, [("PARAMETER_INVALID", "product_id")]),
        (
            {"type": "sale", "value_off": "1", "product_id": OPTION_TEST},
            [("PARAMETER_INVALID", "product_id")],
        ),
        (
            {"type": "sale", "value_off": "1", "minimum_purchase": "x"},
            [("PARAMETER_INVALID", "minimum_purchase")],
        ),
    ],
)
def test_discount_and_link_rules(api: Api, params: dict[str, str], expected: list[tuple[str, str]]) -> None:
    assert (
        api.errors("products/create_coupon", coupon_code="R", date_expire="2030-01-01", **params) == expected
    )


def test_empty_discount_values_count_as_absent(api: Api) -> None:
    params = {"type": "shipping", "percentage_off": "", "value_off": "", "minimum_purchase": ""}
    api.ok("products/create_coupon", coupon_code="SHIP2", date_expire="2030-01-01", **params)
    assert detail(api, "SHIP2")["product"] == [
        {"product_id": "0", "product_url": detail(api, "SHIP2")["product"][0]["product_url"]}
    ]


def test_existing_code_cannot_be_created_again(api: Api) -> None:
    params = {"coupon_code": "COUPON", "type": "shipping", "date_expire": "2030-01-01"}
    assert api.errors("products/create_coupon", **params) == [("PARAMETER_INVALID", "coupon_code")]


def test_product_links_show_with_urls(api: Api, sandbox: Sandbox) -> None:
    assert detail(api, "SAVEJUNE")["product"] == [
        {"product_id": pid, "product_url": f"{sandbox.url}/products/detail_product?product_id={pid}"}
        for pid in (FRAME, BUDDHA)
    ]
    assert "product" not in listed(api, "SAVEJUNE")


def test_select_all_links_every_product_and_select_all_0_none(api: Api) -> None:
    api.ok("products/update_coupon", coupon_code="COUPON", select_all="1", product_id=BUDDHA)
    assert linked(api, "COUPON") == ["0"]
    api.ok("products/update_coupon", coupon_code="COUPON", product_id=[BUDDHA, FRAME])
    assert linked(api, "COUPON") == [FRAME, BUDDHA]
    assert api.errors("products/update_coupon", coupon_code="COUPON", select_all="0") == [
        ("PARAMETER_MISSING", "product_id")
    ]


def test_lenient_update_keeps_omitted_fields_and_links(api: Api) -> None:
    api.ok("products/update_coupon", coupon_code="SAVEJUNE", date_expire="2031-06-30")
    coupon = detail(api, "SAVEJUNE")
    assert (coupon["date_expire"], coupon["value_off"], coupon["minimum_purchase"]) == (
        "2031-06-30",
        "100.00",
        "2999.99",
    )
    assert linked(api, "SAVEJUNE") == [FRAME, BUDDHA]


def test_switching_discount_needs_the_other_cleared(api: Api) -> None:
    assert api.errors("products/update_coupon", coupon_code="COUPON", value_off="2") == [
        ("PARAMETER_INVALID", "value_off")
    ]
    api.ok("products/update_coupon", coupon_code="COUPON", value_off="2", percentage_off="")
    assert (detail(api, "COUPON")["percentage_off"], detail(api, "COUPON")["value_off"]) == (None, "2.00")


def test_changing_type_away_from_product_drops_the_links(api: Api) -> None:
    api.ok("products/update_coupon", coupon_code="COUPON", type="sale")
    assert linked(api, "COUPON") == ["0"]
    api.ok("products/delete_product", product_id=OPTION_TEST)


def test_strict_update_needs_type_and_clears_omitted(sandbox: Sandbox, api: Api) -> None:
    sandbox.dialect = "strict"
    assert api.errors("products/update_coupon", coupon_code="APITEST002") == [("PARAMETER_MISSING", "type")]
    api.ok(
        "products/update_coupon", coupon_code="APITEST002", type="sale", value_off="3", minimum_purchase="1"
    )
    coupon = detail(api, "APITEST002")
    assert (
        coupon["percentage_off"],
        coupon["value_off"],
        coupon["minimum_purchase"],
        coupon["date_expire"],
    ) == (
        None,
        "3.00",
        "1.00",
        "2012-12-31",
    )
    params = {"coupon_code": "COUPON", "type": "product", "percentage_off": "5", "minimum_purchase": "1"}
    assert api.errors("products/update_coupon", **params) == [("PARAMETER_MISSING", "product_id")]


def test_rename_with_new_code_keeps_links(api: Api) -> None:
    body = api.ok("products/update_coupon", coupon_code="SAVEJUNE", new_code="SAVEJULY")
    assert body["coupon_code"] == "SAVEJULY"
    assert linked(api, "SAVEJULY") == [FRAME, BUDDHA]
    assert api.errors("products/detail_coupon", coupon_code="SAVEJUNE") == [("RECORD_NOT_FOUND", None)]
    assert api.errors("products/update_coupon", coupon_code="SAVEJULY", new_code="COUPON") == [
        ("PARAMETER_INVALID", "new_code")
    ]


def test_unknown_code(api: Api) -> None:
    for method in ("products/detail_coupon", "products/update_coupon", "products/delete_coupon"):
        assert api.errors(method, coupon_code="NOPE", type="shipping") == [("RECORD_NOT_FOUND", None)]
    assert api.errors("products/detail_coupon") == [("PARAMETER_MISSING", "coupon_code")]


def test_delete(api: Api) -> None:
    assert (
        api.ok("products/delete_coupon", coupon_code="SAVEJUNE")["response_message"]
        == "Coupon successfully deleted."
    )
    api.ok("products/delete_product", product_id=BUDDHA)
