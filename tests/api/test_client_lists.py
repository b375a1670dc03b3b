"""``list_all`` across several pages, concurrently, in page order; empty lists are empty; a page_info
without a usable count (a table of every member missing or unusable) never gives a short list."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from catalogsync.api import Client, TransportError
from catalogsync.api.resources import CatalogResource
from tests.hostile_server import Answer, Hostile

Params = Callable[[int], dict[str, Any]]
KINDS: dict[str, tuple[Callable[[Client], CatalogResource], str, Params]] = {
    "products": (lambda c: c.products, "products", lambda n: {"name": f"P{n}", "price": "1.00"}),
    "options": (
        lambda c: c.products.options,
        "options",
        lambda n: {"option_name": f"O{n}", "option_value_name": "v", "option_value_surcharge": "0.00"},
    ),
    "coupons": (
        lambda c: c.products.coupons,
        "coupon",
        lambda n: {"coupon_code": f"C{n:04d}", "date_expire": "2030-01-01", "type": "shipping"},
    ),
}


def create_many(resource: CatalogResource, params: Params, count: int) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: resource.create(**params(n)), range(count)))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_list_all_reads_every_page_in_page_order(empty_client: Client, kind: str) -> None:
    pick, key, params = KINDS[kind]
    resource = pick(empty_client)
    create_many(resource, params, 230)
    pages = [resource.list(cur_page=page, pagesize=100)[key] for page in (1, 2, 3)]
    before = empty_client.requests_made

    items = resource.list_all()

    assert empty_client.requests_made - before == 3  # one request per page, no more
    assert items == [item for page in pages for item in page]
    assert len(items) == 230


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_empty_list_is_empty(empty_client: Client, kind: str) -> None:
    pick, _, _ = KINDS[kind]
    assert pick(empty_client).list_all() == []


def test_filters_reach_every_page(empty_client: Client) -> None:
    products = empty_client.products
    create_many(products, lambda n: {"name": f"Lamp {n}", "price": "1.00"}, 150)
    create_many(products, lambda n: {"name": f"Desk {n}", "price": "1.00"}, 20)
    found = products.list_all(name="lamp")
    assert len(found) == 150
    assert {p["name"][:4] for p in found} == {"Lamp"}


def test_sales_list_all_with_a_filter_that_matches_nothing(client: Client) -> None:
    assert client.sales.list_all(customer_name="Nobody Atall") == []


def test_a_single_worker_reads_the_same_items(
    empty_client: Client, make_client: Any, empty_sandbox: Any
) -> None:
    create_many(empty_client.products, lambda n: {"name": f"P{n}", "price": "1.00"}, 201)
    serial = make_client(empty_sandbox, parallelism=1)
    assert serial.products.list_all() == empty_client.products.list_all()


# -- page_info without a usable count ---------------------------------------------------------------------

ITEMS = [{"product_id": str(4_000_000_000 + n), "name": f"P{n}"} for n in range(250)]
PAGE_INFO: dict[str, Any] = {
    "cur_page": "1",
    "first_entry": 1,
    "first_page": 1,
    "first_page_url": "https://www.2checkout.com/api/products/list_products?cur_page=1",
    "last_entry": "100",
    "last_page": 3,
    "last_page_url": "https://www.2checkout.com/api/products/list_products?cur_page=3",
    "next_page": 2,
    "pagesize": "100",
    "previous_page": None,
    "total_entries": "250",
}
"""A page_info as the API sends it (reference §2: mixed strings and numbers), for 250 items."""
MISSING = object()
UNUSABLE: list[Any] = [MISSING, None, -1, "-1", 0, "0", "", "many", 2.5, "2.5", True, [3], {"n": 3}]
"""Each way a member can be missing or hold no count."""
FORMS: dict[str, dict[str, Any]] = {
    "{}": {},
    **{f"{member}={value!r}": {member: value} for member in PAGE_INFO for value in UNUSABLE},
    **{
        f"last_page={last!r}, total_entries={total!r}": {"last_page": last, "total_entries": total}
        for last in UNUSABLE
        for total in UNUSABLE
    },
    "only cur_page and pagesize": {
        member: MISSING for member in PAGE_INFO if member not in ("cur_page", "pagesize")
    },
}
"""page_info with one member, or both counts, replaced (MISSING: left out); ``{}`` is the whole of it."""


def page_info(form: dict[str, Any]) -> dict[str, Any]:
    if not form:
        return {}
    info = {**PAGE_INFO, **form}
    return {member: value for member, value in info.items() if value is not MISSING}


def test_every_member_of_page_info_has_unusable_rows() -> None:
    assert all(f"{member}={value!r}" in FORMS for member in PAGE_INFO for value in UNUSABLE)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_page_info_without_a_usable_count_never_gives_a_short_list(hostile: Hostile, form: str) -> None:
    """Full pages come back whatever page_info says: every item is returned, or a clear error."""

    def pages(query: dict[str, str]) -> Answer:
        number = int(query["cur_page"])
        page = ITEMS[(number - 1) * 100 : number * 100]
        if not page:
            return Answer(
                {"errors": [{"code": "RECORD_NOT_FOUND", "message": "Unable to find record."}]}, 400
            )
        return Answer({"products": page, "page_info": page_info(FORMS[form])})

    hostile.answers["products/list_products"] = pages
    with Client(hostile.url, "u", "pw", max_retries=0) as client:
        try:
            items = client.products.list_all()
        except TransportError as error:
            assert str(error).startswith("products/list_products: page_info ")
        else:
            assert items == ITEMS
