"""Malformed and hostile answers, served over real HTTP by a tiny server on 127.0.0.1.

Each must end in one clear error naming the method (and, for a bad item, the item and the member): never a
traceback, never a plan built from a guess, never a write.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.api.codec import XML
from catalogsync.catalogfile.loader import loads
from catalogsync.errors import ApiError, TransportError
from catalogsync.execute import execute
from catalogsync.fetch import fetch
from catalogsync.plan import make_plan
from tests.hostile_server import Answer, Hostile

OK = {"response_code": "OK", "response_message": "ok"}
PRODUCT = {
    "product_id": "4274737762",
    "vendor_product_id": "OP-T",
    "name": "OPTION TEST",
    "price": "100.00",
    "tangible": "0",
    "weight": None,
    "handling": "0.00",
    "recurrence": None,
    "duration": None,
    "startup_fee": None,
    "commission": None,
    "commission_type": None,
    "description": "Product with options.",
    "long_description": None,
    "approved_url": None,
    "pending_url": None,
    "options": [],
    "categories": [{"category_id": "17"}],
}
OPTION = {
    "option_id": "4688550010",
    "option_name": "Volume",
    "option_values": [
        {"option_value_id": "4688550013", "option_value_name": "Low", "option_value_surcharge": "1.00"}
    ],
}
COUPON = {
    "coupon_code": "SALE5",
    "date_expire": "2030-12-31",
    "minimum_purchase": None,
    "percentage_off": "5",
    "type": "sale",
    "value_off": None,
    "product": [{"product_id": "0"}],
}
LISTED_COUPON = {key: value for key, value in COUPON.items() if key != "product"} | {
    "percentage_off": "0.05",
    "type": "product",
}
"""list_coupons items have no product links: the engine reads the detail of a product coupon it compares."""
CATALOG = (
    "products:\n  OP-T: {name: OPTION TEST, price: 100.00}\n  NEW: {name: New, price: 1.00}\n"
    "coupons:\n  SALE5: {type: sale, expires: 2030-12-31, percent_off: 5}\n"
)
WRITES = ("create_", "update_", "delete_")


def account(hostile: Hostile, **items: Any) -> Hostile:
    """A one-of-each account; ``items`` replaces a list (``products=[...]``) or the coupon's detail."""
    listed = {"products": [PRODUCT], "options": [OPTION], "coupon": [LISTED_COUPON]} | items
    hostile.answers.update(
        {
            "acct/detail_company_info": Answer({**OK, "vendor_company_info": {"vendor_id": "1"}}),
            "products/list_products": Answer({**OK, "products": listed["products"]}),
            "products/list_options": Answer({**OK, "options": listed["options"]}),
            "products/list_coupons": Answer({**OK, "coupon": listed["coupon"]}),
            "products/detail_coupon": Answer({**OK, "coupon": items.get("detail", COUPON)}),
        }
    )
    return hostile


def changed(item: dict[str, Any], **members: Any) -> dict[str, Any]:
    changed = copy.deepcopy(item)
    changed.update(members)
    return changed


def read(hostile: Hostile) -> Any:
    with Client(hostile.url, "sandbox", "sandbox", timeout=5, backoff=0.001, max_backoff=0.01) as client:
        return fetch(client, base_url=hostile.url)


def no_writes(hostile: Hostile) -> bool:
    return not any(m.split("/")[1].startswith(WRITES) for m in hostile.calls)


BAD_ITEMS = [
    (
        "products",
        changed(PRODUCT, price="abc"),
        "products/list_products",
        "product_id '4274737762', member price",
        "'abc' is not a number",
    ),
    ("products", changed(PRODUCT, price=None), "products/list_products", "member price", "missing"),
    (
        "products",
        changed(PRODUCT, price="-1.00"),
        "products/list_products",
        "member price",
        "must not be negative",
    ),
    (
        "products",
        changed(PRODUCT, price="1.005"),
        "products/list_products",
        "member price",
        "more than two decimal places",
    ),
    (
        "products",
        changed(PRODUCT, name={"en": "x"}),
        "products/list_products",
        "member name",
        "expected text, got {'en': 'x'}",
    ),
    (
        "products",
        changed(PRODUCT, tangible="maybe"),
        "products/list_products",
        "member tangible",
        "is not a flag",
    ),
    (
        "products",
        changed(PRODUCT, product_id=None),
        "products/list_products",
        "product_id None, member product_id",
        "missing",
    ),
    (
        "products",
        changed(PRODUCT, categories="17"),
        "products/list_products",
        "member categories",
        "expected a list of objects",
    ),
    (
        "products",
        changed(PRODUCT, categories=[{"category_id": "x"}]),
        "products/list_products",
        "member categories[0].category_id",
        "'x' is not an id",
    ),
    (
        "products",
        changed(PRODUCT, recurrence="sometimes"),
        "products/list_products",
        "member recurrence",
        "'sometimes' is not",
    ),
    (
        "products",
        changed(PRODUCT, commission_type="bribe", commission_amount="1.00"),
        "products/list_products",
        "member commission_type",
        "'bribe' is not",
    ),
    ("products", ["not", "an", "object"], "products/list_products", "", "expected an object, got list"),
    (
        "options",
        changed(
            OPTION,
            option_values=[
                {"option_value_id": "1", "option_value_name": "A", "option_value_surcharge": "abc"}
            ],
        ),
        "products/list_options",
        "member option_values[0].option_value_surcharge",
        "'abc' is not a number",
    ),
    (
        "options",
        changed(OPTION, option_values=[{"option_value_id": "1", "option_value_name": ""}]),
        "products/list_options",
        "member option_values[0].option_value_name",
        "missing",
    ),
    (
        "options",
        changed(OPTION, option_id="12ab"),
        "products/list_options",
        "member option_id",
        "'12ab' is not an id",
    ),
    (
        "detail",
        changed(COUPON, date_expire=None),
        "products/detail_coupon",
        "coupon_code 'SALE5', member date_expire",
        "missing",
    ),
    (
        "detail",
        changed(COUPON, date_expire="31/12/2030"),
        "products/detail_coupon",
        "member date_expire",
        "is not a date",
    ),
    (
        "detail",
        changed(COUPON, type="freebie"),
        "products/detail_coupon",
        "member type",
        "Input should be 'sale', 'product' or 'shipping'",
    ),
    (
        "detail",
        changed(COUPON, percentage_off="lots"),
        "products/detail_coupon",
        "member percentage_off",
        "'lots' is not a number",
    ),
    (
        "detail",
        changed(COUPON, type="product", product=[{"product_id": None}]),
        "products/detail_coupon",
        "member product[0].product_id",
        "missing",
    ),
]


@pytest.mark.parametrize(("section", "item", "method", "where", "problem"), BAD_ITEMS)
def test_a_bad_item_is_a_clear_error_before_any_write(
    hostile, cli, write, section, item, method, where, problem
):
    account(hostile, **{section: item if section == "detail" else [item]})
    with pytest.raises(TransportError) as caught:
        read(hostile)
    message = str(caught.value)
    assert caught.value.method == method and message.startswith(f"{method}: unusable ")
    assert where in message and problem in message
    result = cli(hostile.url, "apply", write(CATALOG), "--yes")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"Error: {method}: unusable ") and "Traceback" not in result.err
    assert no_writes(hostile)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            Answer(b"<html><body>Bad gateway</body></html>", 200, "text/html"),
            "HTTP 200: an HTML page instead of JSON",
        ),
        *(  # the real API's default format (reference §1.4)
            (Answer(xml, 200, kind), f"HTTP 200: {XML}")
            for xml, kind in [
                (b'<?xml version="1.0"?><response><response_code>OK</response_code></response>', "text/xml"),
                (b"<response><response_code>OK</response_code></response>", "application/xml"),
                (b'  <?xml version="1.0"?><response/>', "application/octet-stream"),
            ]
        ),
        (Answer(b"<response/>", 200, "application/xhtml+xml"), "HTTP 200: an HTML page instead of JSON"),
        (Answer(b'{"products": [', 200), "HTTP 200: a body that is not valid JSON"),
        (Answer(["a", "list"], 200), "HTTP 200: a JSON list instead of an object"),
        (Answer({**OK, "products": "none"}, 200), "the response has no 'products' list"),
        (
            Answer({"errors": [{"code": "INTERNAL_ERROR", "message": "boom"}]}, 200),
            "failed with HTTP 200: INTERNAL_ERROR: boom",
        ),
    ],
)
def test_an_unusable_list_answer_names_the_method(hostile, answer, expected):
    account(hostile).answers["products/list_products"] = answer
    with pytest.raises((TransportError, ApiError)) as caught:
        read(hostile)
    assert str(caught.value).startswith("products/list_products") and expected in str(caught.value)
    assert caught.value.method == "products/list_products"


def test_a_detail_answer_without_its_object(hostile):
    account(hostile).answers["products/detail_coupon"] = Answer(OK)
    with pytest.raises(TransportError, match=r"^products/detail_coupon: the answer has no coupon object$"):
        read(hostile)


def test_pages_that_repeat_themselves_are_refused(hostile):
    """page_info claims three pages, but every page is the first one."""
    account(hostile)
    info = {"cur_page": "1", "last_page": 3, "total_entries": "300", "pagesize": "100"}
    hostile.answers["products/list_products"] = Answer({**OK, "products": [PRODUCT], "page_info": info})
    with pytest.raises(TransportError, match=r"products/list_products: product 4274737762 was listed twice"):
        read(hostile)


@pytest.mark.parametrize(
    "info",
    [
        {"cur_page": "1", "last_page": 4, "total_entries": "400"},  # pages 2-4 turn out empty
        {"cur_page": "1", "last_page": "many", "total_entries": None},  # unreadable: one page
        "page one of one",
    ],
)
def test_page_info_that_overstates_or_garbles_reads_what_is_there(hostile, info):
    account(hostile)

    def pages(query: dict[str, str]) -> Answer:
        if query.get("cur_page", "1") != "1":
            return Answer(
                {"errors": [{"code": "RECORD_NOT_FOUND", "message": "Unable to find record."}]}, 400
            )
        return Answer({**OK, "products": [PRODUCT], "page_info": info})

    hostile.answers["products/list_products"] = pages
    live = read(hostile)
    assert list(live.resources["product"]) == ["OP-T"]


def test_a_create_answer_without_the_id_is_verified_by_reading(hostile):
    """An unusable create answer: a re-read by key finds the option, which is not created again."""
    account(hostile, options=[])
    created = changed(OPTION, option_name="Size")
    hostile.answers["products/create_option"] = Answer({**OK, "option_id": None})
    hostile.answers["products/list_options"] = lambda q: (
        Answer({**OK, "options": [created]})
        if q.get("option_name") == "Size"
        else Answer({"errors": [{"code": "RECORD_NOT_FOUND", "message": "none"}]}, 400)
    )
    catalog = loads("options:\n  Size:\n    values: [{name: Low, surcharge: 1.00}]\n")
    with Client(hostile.url, "sandbox", "sandbox", timeout=5) as client:
        live = fetch(client, base_url=hostile.url)
        report = execute(make_plan(catalog, live, catalog_sha256="-", catalog_path="-"), live, client)
    [outcome] = report.outcomes
    assert (outcome.status, outcome.detail) == ("applied", "confirmed by re-reading")
    assert hostile.calls.count("products/create_option") == 1


def test_a_write_answered_with_errors_and_200_fails_once(hostile, cli, write):
    account(hostile)
    refusal = {"errors": [{"code": "FORBIDDEN", "message": "Access denied to product."}]}
    hostile.answers["products/create_product"] = Answer(refusal, 200)
    result = cli(hostile.url, "apply", write(CATALOG), "--yes")
    assert result.code == 1
    assert (
        "create product NEW: products/create_product failed with HTTP 200: FORBIDDEN: Access denied"
        in result.out
    )
    assert hostile.calls.count("products/create_product") == 1
