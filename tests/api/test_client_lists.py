"""``list_all`` across several pages, concurrently, in page order; empty lists are empty."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.api.resources import CatalogResource

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
