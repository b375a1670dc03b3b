"""Lists (§2, §8.4): page_info, page URLs, bounds, empty results, sorting, filters."""

from __future__ import annotations

import pytest

from catalogsync.sandbox import Sandbox
from tests.sandbox.sandbox_support import Api


def test_page_info_of_a_middle_page(api: Api, sandbox: Sandbox) -> None:
    body = api.ok("products/list_products", pagesize="5", cur_page="2")
    assert [p["assigned_product_id"] for p in body["products"]] == ["13", "12", "11", "10", "9"]
    url = f"{sandbox.url}/products/list_products"
    assert body["page_info"] == {
        "cur_page": "2",
        "first_entry": 6,
        "first_page": 1,
        "first_page_url": f"{url}?cur_page=1&pagesize=5",
        "last_entry": "10",
        "last_page": 4,
        "last_page_url": f"{url}?cur_page=4&pagesize=5",
        "next_page": 3,
        "pagesize": "5",
        "previous_page": 1,
        "total_entries": "16",
    }


def test_last_page_is_short_and_has_no_next(api: Api) -> None:
    info = api.ok("products/list_products", pagesize="5", cur_page="4")["page_info"]
    assert (info["first_entry"], info["last_entry"], info["next_page"], info["previous_page"]) == (
        16,
        "16",
        None,
        3,
    )


def test_page_urls_carry_filters_and_sorting_but_not_defaults(api: Api, sandbox: Sandbox) -> None:
    info = api.ok("products/list_products", name="hex", sort_col="Price", sort_dir="desc", pagesize="20")[
        "page_info"
    ]
    url = f"{sandbox.url}/products/list_products"
    assert info["first_page_url"] == f"{url}?cur_page=1&name=hex&sort_col=price&sort_dir=DESC"
    assert info["last_page_url"] == info["first_page_url"]


def test_walking_the_pages_visits_every_product_once(api: Api) -> None:
    seen: list[str] = []
    page = 1
    while page is not None:
        body = api.ok("products/list_products", pagesize="3", cur_page=str(page))
        seen += [p["product_id"] for p in body["products"]]
        page = body["page_info"]["next_page"]
    assert len(seen) == len(set(seen)) == 16


def test_page_past_the_end_is_record_not_found(api: Api) -> None:
    assert api.errors("products/list_products", cur_page="2") == [("RECORD_NOT_FOUND", None)]


@pytest.mark.parametrize(
    "method", ["products/list_products", "products/list_options", "products/list_coupons"]
)
def test_empty_lists_are_record_not_found(empty_api: Api, method: str) -> None:
    assert empty_api.errors(method) == [("RECORD_NOT_FOUND", None)]
    assert empty_api.error_messages(method) == ["Unable to find record."]


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"pagesize": "0"}, ["pagesize"]),
        ({"pagesize": "101"}, ["pagesize"]),
        ({"pagesize": "ten"}, ["pagesize"]),
        ({"cur_page": "0"}, ["cur_page"]),
        (
            {"cur_page": "-1", "pagesize": "500", "sort_col": "colour", "sort_dir": "up"},
            ["cur_page", "pagesize", "sort_col", "sort_dir"],
        ),
    ],
)
def test_bad_paging_parameters_are_all_reported(api: Api, params: dict[str, str], bad: list[str]) -> None:
    assert api.errors("products/list_products", **params) == [("PARAMETER_INVALID", name) for name in bad]


def test_pagesize_bounds_are_accepted(api: Api) -> None:
    assert len(api.ok("products/list_products", pagesize="1")["products"]) == 1
    assert len(api.ok("products/list_products", pagesize="100")["products"]) == 16


def test_default_orders(api: Api) -> None:
    products = api.ok("products/list_products")["products"]
    assert [int(p["assigned_product_id"]) for p in products] == sorted(
        (int(p["assigned_product_id"]) for p in products), reverse=True
    )
    assert [o["option_name"] for o in api.ok("products/list_options")["options"]] == ["decibels", "Volume"]
    coupons = [c["coupon_code"] for c in api.ok("products/list_coupons")["coupon"]]
    assert coupons == ["APITEST002", "COUPON", "FREESHIP", "SAVEJUNE"]
    dates = [s["date_placed"] for s in api.ok("sales/list_sales")["sale_summary"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("direction", ["ASC", "desc"])
def test_sort_by_price_is_numeric_with_ties_by_id(api: Api, direction: str) -> None:
    """Ties are broken by product id, in the same direction (so an index can serve the default order)."""
    params = {"sort_col": "PRICE", "sort_dir": direction, "pagesize": "100"}
    keys = [
        (float(p["price"]), int(p["product_id"]))
        for p in api.ok("products/list_products", **params)["products"]
    ]
    assert keys == sorted(keys, reverse=direction.upper() == "DESC")
    assert len([k for k in keys if k[0] == 10.0]) == 3


def test_sort_col_without_direction_is_ascending(api: Api) -> None:
    names = [p["name"] for p in api.ok("products/list_products", sort_col="name")["products"]]
    assert names == sorted(names, key=str.casefold)


def test_sort_by_linked_option_and_category(api: Api) -> None:
    by_option = api.ok("products/list_products", sort_col="option_id", sort_dir="DESC")["products"]
    assert [p["vendor_product_id"] for p in by_option[:2]] == ["OP-T", ""]
    by_category = api.ok("products/list_products", sort_col="category_id", sort_dir="DESC")["products"]
    assert [p["vendor_product_id"] for p in by_category[:2]] == ["OMG-0001", "OP-T"]


def test_options_sort_by_name(api: Api) -> None:
    options = api.ok("products/list_options", sort_col="option_name", sort_dir="DESC")["options"]
    assert [o["option_name"] for o in options] == ["decibels", "Volume"]


def test_list_coupons_paginates(api: Api) -> None:
    body = api.ok("products/list_coupons", pagesize="3", cur_page="2")
    assert [c["coupon_code"] for c in body["coupon"]] == ["SAVEJUNE"]
    assert (body["page_info"]["total_entries"], body["page_info"]["previous_page"]) == ("4", 1)


def test_product_filters(api: Api) -> None:
    def codes(**params: str) -> list[str]:
        return [p["vendor_product_id"] for p in api.ok("products/list_products", **params)["products"]]

    assert codes(vendor_product_id="AFY") == ["AFY"]
    assert codes(assigned_product_id="9") == ["HEX-002"]
    assert codes(name="HEXAGONAL") == ["HEX-002", "HEX-001"]
    assert codes(name="hex", vendor_product_id="HEX-001") == ["HEX-001"]
    assert api.errors("products/list_products", vendor_product_id="afy") == [("RECORD_NOT_FOUND", None)]
    assert api.errors("products/list_products", assigned_product_id="x") == [
        ("PARAMETER_INVALID", "assigned_product_id")
    ]


def test_name_filter_is_a_literal_substring(api: Api) -> None:
    api.ok("products/create_product", name="100% cotton_tee", price="1")
    assert [p["name"] for p in api.ok("products/list_products", name="0% C")["products"]] == [
        "100% cotton_tee"
    ]
    assert api.errors("products/list_products", name="%_") == [("RECORD_NOT_FOUND", None)]


def test_option_filters(api: Api) -> None:
    assert [
        o["option_name"] for o in api.ok("products/list_options", option_value_name="Medium")["options"]
    ] == ["Volume"]
    assert [o["option_id"] for o in api.ok("products/list_options", option_name="decibels")["options"]] == [
        "4688355343"
    ]
    assert api.errors("products/list_options", option_name="Decibels") == [("RECORD_NOT_FOUND", None)]


def test_duplicate_codes_and_option_names_are_allowed_and_both_listed(api: Api) -> None:
    for _ in range(2):
        api.ok("products/create_product", name="Twin", price="1", vendor_product_id="TWIN")
        api.ok(
            "products/create_option", option_name="Twin", option_value_name="a", option_value_surcharge="0"
        )
    assert len(api.ok("products/list_products", vendor_product_id="TWIN")["products"]) == 2
    assert len(api.ok("products/list_options", option_name="Twin")["options"]) == 2
