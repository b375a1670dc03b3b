"""Products (§3.12-3.16, §8.5, §8.6): validation, clearing, links, dialects, referential integrity."""

from __future__ import annotations

from typing import Any

import pytest

from catalogsync.sandbox import Sandbox
from tests.sandbox.sandbox_support import Api

VOLUME, DECIBELS = "4688550010", "4688355343"
OPTION_TEST, BUDDHA = "4274737762", "4297595302"


def detail(api: Api, product_id: str) -> Any:
    return api.ok("products/detail_product", product_id=product_id)["product"]


def create(api: Api, **params: Any) -> str:
    return str(
        api.ok("products/create_product", **{"name": "Thing", "price": "9.99", **params})["product_id"]
    )


def test_create_stores_every_field(api: Api) -> None:
    product_id = create(
        api,
        vendor_product_id="SKU-1",
        description="short",
        long_description="long",
        pending_url="http://p",
        approved_url="http://a",
        tangible="1",
        weight="1.5",
        handling="2",
        recurring="1",
        recurrence="2 Week",
        duration="Forever",
        startup_fee="0.5",
        commission="1",
        commission_type="amount",
        commission_amount="3",
        option_id=[VOLUME, DECIBELS],
        category_id=["17", "2"],
    )
    product = detail(api, product_id)
    assert {k: product[k] for k in ("price", "weight", "handling", "startup_fee", "commission_amount")} == {
        "price": "9.99",
        "weight": "1.50",
        "handling": "2.00",
        "startup_fee": "0.50",
        "commission_amount": "3.00",
    }
    assert (product["tangible"], product["recurring"], product["recurrence"], product["duration"]) == (
        "1",
        "1",
        "2 Week",
        "Forever",
    )
    assert [o["option_name"] for o in product["options"]] == ["decibels", "Volume"]
    assert [c["category_id"] for c in product["categories"]] == ["2", "17"]
    assert product["categories"][1]["parent_name"] == "Art & Antiques"


def test_empty_values_clear_optional_fields_on_create(api: Api) -> None:
    product = detail(api, create(api, handling="", description="", option_id="", category_id=""))
    assert (product["handling"], product["description"], product["options"], product["categories"]) == (
        None,
        None,
        [],
        [],
    )


def test_create_reports_every_problem(api: Api) -> None:
    assert api.errors("products/create_product", price="abc", tangible="2", recurrence="monthly") == [
        ("PARAMETER_MISSING", "name"),
        ("PARAMETER_INVALID", "price"),
        ("PARAMETER_INVALID", "tangible"),
        ("PARAMETER_INVALID", "recurrence"),
    ]
    assert api.error_messages("products/create_product", price="1") == ["Required parameter missing: name"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tangible": "1"}, [("PARAMETER_MISSING", "weight")]),
        ({"recurring": "1"}, [("PARAMETER_MISSING", "recurrence"), ("PARAMETER_MISSING", "duration")]),
        (
            {"recurring": "1", "recurrence": "1 Month", "duration": "12 Months"},
            [("PARAMETER_INVALID", "duration")],
        ),
        (
            {"commission": "1", "commission_type": "percent"},
            [("PARAMETER_INVALID", "commission_type"), ("PARAMETER_MISSING", "commission_amount")],
        ),
        ({"price": "1.999"}, [("PARAMETER_INVALID", "price")]),
        ({"price": "-1"}, [("PARAMETER_INVALID", "price")]),
        ({"option_id": "123"}, [("PARAMETER_INVALID", "option_id")]),
        ({"category_id": ["17", "9999"]}, [("PARAMETER_INVALID", "category_id")]),
    ],
)
def test_create_rules(api: Api, params: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert api.errors("products/create_product", **{"name": "X", "price": "1", **params}) == expected


def test_nothing_is_created_by_a_failed_create(api: Api) -> None:
    api.errors("products/create_product", name="Ghost", price="1", tangible="1")
    assert api.errors("products/list_products", name="Ghost") == [("RECORD_NOT_FOUND", None)]


def test_names_are_stored_exactly(api: Api) -> None:
    assert detail(api, create(api, name="  Spaced  ✓ "))["name"] == "  Spaced  ✓ "


def test_lenient_update_keeps_what_is_omitted(api: Api) -> None:
    product_id = create(api, description="keep me", option_id=VOLUME, category_id="17")
    api.ok("products/update_product", product_id=product_id, price="5")
    product = detail(api, product_id)
    assert (product["price"], product["name"], product["description"]) == ("5.00", "Thing", "keep me")
    assert [o["option_id"] for o in product["options"]] == [VOLUME]
    assert [c["category_id"] for c in product["categories"]] == ["17"]


def test_update_replaces_or_clears_links_in_both_dialects(sandbox: Sandbox, api: Api) -> None:
    for dialect in ("lenient", "strict"):
        sandbox.dialect = dialect
        product_id = create(api, option_id=VOLUME, category_id="17")
        api.ok(
            "products/update_product",
            product_id=product_id,
            name="T",
            price="1",
            option_id=DECIBELS,
            category_id="",
        )
        product = detail(api, product_id)
        assert ([o["option_id"] for o in product["options"]], product["categories"]) == ([DECIBELS], [])


def test_empty_value_clears_a_field_on_update(api: Api) -> None:
    product_id = create(api, description="gone soon", weight="1", tangible="1")
    api.ok("products/update_product", product_id=product_id, description="", tangible="0", weight="")
    product = detail(api, product_id)
    assert (product["description"], product["weight"], product["tangible"]) == (None, None, "0")


def test_update_rules_apply_to_the_merged_product(api: Api) -> None:
    product_id = create(api, tangible="1", weight="1")
    assert api.errors("products/update_product", product_id=product_id, weight="") == [
        ("PARAMETER_MISSING", "weight")
    ]
    assert detail(api, product_id)["weight"] == "1.00"


def test_strict_update_needs_name_and_price_and_clears_the_rest(sandbox: Sandbox, api: Api) -> None:
    product_id = create(api, description="d", vendor_product_id="S-1", option_id=VOLUME, category_id="17")
    sandbox.dialect = "strict"
    assert api.errors("products/update_product", product_id=product_id) == [
        ("PARAMETER_MISSING", "name"),
        ("PARAMETER_MISSING", "price"),
    ]
    api.ok("products/update_product", product_id=product_id, name="Renamed", price="2")
    product = detail(api, product_id)
    assert (product["name"], product["price"], product["description"], product["vendor_product_id"]) == (
        "Renamed",
        "2.00",
        None,
        None,
    )
    assert (product["handling"], product["options"], product["categories"]) == (None, [], [])


def test_update_unknown_product_is_record_not_found(api: Api) -> None:
    assert api.errors("products/update_product", product_id="1234567890", price="1") == [
        ("RECORD_NOT_FOUND", None)
    ]
    assert api.errors("products/update_product") == [("PARAMETER_MISSING", "product_id")]
    assert api.errors("products/detail_product", product_id="abc") == [("PARAMETER_INVALID", "product_id")]


def test_update_answers_ids(api: Api) -> None:
    body = api.ok("products/update_product", product_id=OPTION_TEST, name="Still options")
    assert (body["product_id"], body["assigned_product_id"], body["response_message"]) == (
        OPTION_TEST,
        "10",
        "Product successfully updated",
    )


def test_delete_removes_product_and_links(api: Api) -> None:
    product_id = create(api, option_id=VOLUME)
    assert (
        api.ok("products/delete_product", product_id=product_id)["response_message"]
        == "Product successfully deleted."
    )
    assert api.errors("products/detail_product", product_id=product_id) == [("RECORD_NOT_FOUND", None)]
    assert api.errors("products/delete_product", product_id=product_id) == [("RECORD_NOT_FOUND", None)]


def test_product_linked_from_a_coupon_cannot_be_deleted(api: Api) -> None:
    messages = api.error_messages("products/delete_product", product_id=BUDDHA)
    assert messages == ["Product is linked from coupons: SAVEJUNE"]
    api.ok("products/update_coupon", coupon_code="SAVEJUNE", product_id="4186286355")
    api.ok("products/delete_product", product_id=BUDDHA)


def test_select_all_coupons_do_not_block_deletes(api: Api) -> None:
    api.ok(
        "products/create_coupon",
        coupon_code="ALL",
        type="product",
        date_expire="2030-01-01",
        value_off="1",
        select_all="1",
    )
    api.ok("products/delete_product", product_id=create(api))
