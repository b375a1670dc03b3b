"""List items are decoded while the details are still in flight; the result keeps the list order whatever
order the details answer in, and a resource not read in full says so."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest

from catalogsync.fetch import complete, settle
from catalogsync.kinds import BY_NAME
from catalogsync.live import Listed, NotRead, links

PRODUCTS = BY_NAME["product"]
LIST = "products/list_products"


def product(number: int, *, commission: bool = False, options: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "product_id": f"47000000{number:02d}",
        "vendor_product_id": f"P{number}",
        "name": f"Product {number}",
        "price": "1.00",
        "commission_type": "amount" if commission else None,
        "options": [{"option_name": name, "option_values": []} for name in options],
    }


class Details:
    """The resource: ``detail_product`` answers the listed product with its commission amount."""

    def details(self, product_id: str) -> dict[str, Any]:
        number = int(product_id[-2:])
        return {"product": product(number, commission=True) | {"commission_amount": "0.50"}}


def test_items_are_decoded_before_any_detail_answers_and_keep_the_list_order():
    items = [product(1, commission=True), product(2), product(3, commission=True), product(4)]
    pending: list[tuple[Future[Any], Any, tuple[Any, ...]]] = []

    def submit(fn: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        pending.append((future, fn, args))
        return future

    entries = complete(Details(), PRODUCTS, [(LIST, item) for item in items], submit)
    assert [e.key for e in entries if not isinstance(e, Future)] == ["P2", "P4"]  # decoded, details pending
    assert len(pending) == 2 and not any(future.done() for future, _, _ in pending)
    for future, fn, args in reversed(pending):  # the details answer in the other order
        future.set_result(fn(*args))
    objs, strays = settle(PRODUCTS, entries, {})
    assert [obj.key for obj in objs] == ["P1", "P2", "P3", "P4"] and strays == []
    assert objs[0].model.commission is not None and objs[0].model.commission.amount == 0.5


def test_a_resource_not_wanted_in_full_is_its_key_id_and_listed_links_only():
    items = [product(1, commission=True, options=("Size",)), product(2)]
    entries = complete(
        Details(), PRODUCTS, [(LIST, i) for i in items], _never, wants=lambda kind, item: False
    )
    listed, whole = entries
    assert isinstance(listed, Listed) and (listed.key, listed.id) == ("P1", "4700000001")
    assert [ref.key for ref in links(PRODUCTS, listed)] == ["Size"]
    with pytest.raises(NotRead):
        _ = listed.model
    assert not isinstance(whole, Listed) and whole.model.price == 1  # complete in the list: whole


def test_a_coupon_not_read_in_detail_has_no_links_to_give():
    item = {"coupon_code": "C1", "type": "product", "date_expire": "2030-01-01", "percentage_off": "0.10"}
    [entry] = complete(
        None, BY_NAME["coupon"], [("products/list_coupons", item)], _never, wants=lambda k, i: False
    )
    assert entry == Listed("C1", "C1", None)
    with pytest.raises(NotRead):
        links(BY_NAME["coupon"], entry)


def _never(fn: Any, *args: Any) -> Future[Any]:
    raise AssertionError("no detail is read")


def test_a_list_item_that_links_by_id_is_decoded_once_the_keys_are_known():
    """A list_coupons item that carries its product links (as a detail does) waits for the products' keys."""
    item = {"coupon_code": "C1", "type": "product", "date_expire": "2030-01-01", "percentage_off": "10"}
    item |= {"value_off": None, "product": [{"product_id": "4700000001"}]}
    entries = complete(None, BY_NAME["coupon"], [("products/list_coupons", item)], _never)
    [obj], strays = settle(BY_NAME["coupon"], entries, {("product", "4700000001"): "P1"})
    assert obj.model.products == ["P1"] and strays == []
