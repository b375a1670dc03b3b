"""What a plan reads in full (catalogsync.reading), from the catalog, its settings and the selection."""

from __future__ import annotations

from typing import Any

import pytest

from catalogsync.kinds import BY_NAME
from catalogsync.reading import EVERYTHING, what_to_read
from catalogsync.selection import Selection
from tests.engine.helpers import catalog

OPTION = {"values": [{"name": "S", "surcharge": "0.00"}]}
PRODUCT = {"name": "Tee", "price": "10.00"}
COUPON = {"type": "sale", "expires": "2030-01-01", "percent_off": "10"}
DECLARED: dict[str, Any] = {
    "options": {"Size": OPTION},
    "products": {"TEE": {**PRODUCT, "previous_keys": ["OLD-TEE"]}, "MUG": PRODUCT},
    "coupons": {"SALE": COUPON},
}
ADOPTED = "4635212971"

LIVE = [
    ("option", "Size"),
    ("option", "OTHER"),
    *(("product", key) for key in ("TEE", "OLD-TEE", "MUG", "OTHER", None)),  # None: a product without a key
    ("coupon", "SALE"),
    ("coupon", "OTHER"),
]
DECLARED_READ = {"option:Size", "product:TEE", "product:OLD-TEE", "product:MUG", "coupon:SALE"}

# (settings, --only, --exclude, the live resources read in full)
CASES: list[tuple[dict[str, Any], list[str], list[str], set[str]]] = [
    ({}, [], [], DECLARED_READ),
    ({"prune": {"coupons": True}}, [], [], DECLARED_READ | {"coupon:OTHER"}),
    ({"prune": {"coupons": True}, "protected": {"coupons": ["OTHER"]}}, [], [], DECLARED_READ),
    # pruned products may be held by any coupon, and only the detail has a coupon's links: all are read
    ({"prune": {"products": True}}, [], [], DECLARED_READ | {"product:OTHER", "coupon:OTHER"}),
    # products carry their option links in the list: pruning options reads no more products
    ({"prune": {"options": True}}, [], [], DECLARED_READ | {"option:OTHER"}),
    ({}, ["product:T*"], [], {"product:TEE", "product:OLD-TEE"}),
    ({}, ["product:OLD-*"], [], {"product:OLD-TEE"}),  # a previous key selected by itself
    ({}, [], ["product:*"], {"option:Size", "coupon:SALE"}),
    ({"prune": {"products": True}}, ["coupon:*"], [], {"coupon:SALE", "coupon:OTHER"}),
    (
        {"prune": {"options": True, "products": True, "coupons": True}},
        ["option:*"],
        ["option:Size"],
        {"option:OTHER", "coupon:SALE", "coupon:OTHER"},
    ),
]


@pytest.mark.parametrize(("settings", "only", "exclude", "expected"), CASES)
def test_a_plan_reads_in_full_what_it_compares_deletes_or_needs_the_links_of(
    settings, only, exclude, expected
):
    wanted = what_to_read(catalog(settings=settings, **DECLARED), Selection.parse(only, exclude))
    read = {f"{kind}:{key}" for kind, key in LIVE if wanted.wants(BY_NAME[kind], key, "1000000001")}
    assert read == expected
    assert not wanted.whole


def test_an_adopted_resource_is_read_in_full_by_its_id_whatever_its_key():
    declared = catalog(adopt={"products": {"NEW": ADOPTED}}, products={"NEW": PRODUCT})
    for selection in (Selection(), Selection.parse(["option:*"], None)):
        wanted = what_to_read(declared, selection)
        assert wanted.wants(BY_NAME["product"], None, ADOPTED)
        assert wanted.wants(BY_NAME["product"], "SHARED", ADOPTED)
        assert not wanted.wants(BY_NAME["product"], None, "1000000001")


def test_a_declared_key_outside_the_selection_is_never_deleted_nor_read():
    wanted = what_to_read(
        catalog(settings={"prune": {"products": True}}, products={"TEE": PRODUCT}),
        Selection.parse(None, ["product:TEE"]),
    )
    assert not wanted.wants(BY_NAME["product"], "TEE", "1")
    assert wanted.wants(BY_NAME["product"], "MUG", "2")  # undeclared, selected, pruned: deleted


def test_export_reads_everything():
    assert all(EVERYTHING.wants(kind, None, None) for kind in BY_NAME.values())
