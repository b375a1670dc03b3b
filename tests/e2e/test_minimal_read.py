"""The minimal read plans exactly what the full read plans, for every catalog, setting and selection.

One sandbox account per dialect, with commissions (product details), product coupons (coupon details), a
12.5% sale coupon, option links and a product without a key: each catalog below is planned against it once
from the full read (what ``export`` reads) and once from the read that catalog and selection need, and the two
plans (changes, unmanaged, strays, fingerprints) or refusals are the same.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from catalogsync.api import Client
from catalogsync.catalog import Catalog, Settings
from catalogsync.errors import CatalogsyncError
from catalogsync.fetch import fetch
from catalogsync.live import LiveState
from catalogsync.plan import make_plan
from catalogsync.reading import what_to_read
from catalogsync.selection import Selection

SETUP = """
options:
  Colour: {values: [{name: Red, surcharge: 0.00}, {name: Blue, surcharge: 1.50}]}
  Volume:
    values: [{name: Low, surcharge: 1.00}, {name: Medium, surcharge: 2.00}, {name: High, surcharge: 3.00}]
products:
  COMM-1: {name: Commissioned, price: 20.00, commission: {type: percentage, amount: 10.00}, options: [Colour]}
  COMM-2: {name: Commissioned two, price: 5.00, commission: {type: amount, amount: 1.50}}
  PLAIN: {name: Plain, price: 1.00, options: [Volume]}
coupons:
  HALF: {type: product, expires: 2031-01-01, percent_off: 12.5, products: [COMM-1, PLAIN]}
  EIGHTH: {type: sale, expires: 2031-01-01, percent_off: 12.5, minimum_purchase: 0.00}
  EVERY: {type: product, expires: 2031-01-01, value_off: 2.00, all_products: true}
"""
SETTINGS: list[dict[str, Any]] = [
    {},
    {"prune": {"products": True}},
    {"prune": {"coupons": True}},
    {"prune": {"options": True}},
    {"prune": {"options": True, "products": True, "coupons": True}},
    {"prune": {"products": True, "coupons": True}, "protected": {"products": ["PLAIN"], "coupons": ["HALF"]}},
]
SELECTIONS: list[tuple[list[str], list[str]]] = [
    ([], []),
    (["product:*"], []),
    (["coupon:*"], []),
    ([], ["product:COMM-*"]),
    (["option:*", "coupon:*"], ["coupon:HALF"]),
]


def _variants(everything: Catalog, live: LiveState) -> dict[str, Catalog]:
    """Catalogs that declare all, some or none of the account, with changes, a rename and an adoption."""
    products, coupons = everything.products, everything.coupons
    changed = {
        **products,
        "PLAIN": products["PLAIN"].model_copy(update={"price": products["PLAIN"].price + 1}),
    }
    renamed = {k: v for k, v in products.items() if k != "COMM-2"}
    renamed["COMM-TWO"] = products["COMM-2"].model_copy(update={"previous_keys": ["COMM-2"]})
    [stray] = [s for s in live.strays if s.kind == "product" and s.obj is not None]
    assert stray.obj is not None
    return {
        "all": everything,
        "changed": everything.model_copy(update={"products": changed}),
        "none": Catalog(),
        "no coupons": everything.model_copy(update={"coupons": {}}),
        "some": everything.model_copy(
            update={"products": {"COMM-1": products["COMM-1"]}, "coupons": {"EIGHTH": coupons["EIGHTH"]}}
        ),
        "renamed": everything.model_copy(update={"products": renamed}),
        "adopted": everything.model_copy(
            update={
                "products": {**products, "ADOPTED": stray.obj.model},
                "adopt": everything.adopt.model_copy(update={"products": {"ADOPTED": stray.id}}),
            }
        ),
    }


def _planned(catalog: Catalog, live: LiveState, selection: Selection) -> Any:
    """The plan, or the refusal (a selection that matches nothing, a change the API would refuse)."""
    try:
        return make_plan(catalog, live, catalog_sha256="-", catalog_path="-", selection=selection)
    except CatalogsyncError as refusal:
        return f"refused: {refusal}"


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
def test_the_minimal_read_plans_what_the_full_read_plans(make_sandbox, cli, write, dialect):
    account = make_sandbox(seed="demo", dialect=dialect)
    assert cli(account, "apply", write(SETUP), "--yes").code == 0
    with Client(account.url, "sandbox", "sandbox") as client:
        full = fetch(client, base_url=account.url)
        whole_read = client.requests_made
        variants = _variants(full.as_catalog(), full)
        planned = 0
        for (name, declared), settings, (only, exclude) in itertools.product(
            variants.items(), SETTINGS, SELECTIONS
        ):
            catalog = declared.model_copy(update={"settings": Settings.model_validate(settings)})
            selection = Selection.parse(only, exclude)
            before = client.requests_made
            minimal = fetch(client, base_url=account.url, reading=what_to_read(catalog, selection))
            assert client.requests_made - before <= whole_read
            expected = _planned(catalog, full, selection)
            assert _planned(catalog, minimal, selection) == expected, (name, settings, only, exclude)
            planned += not isinstance(expected, str)
    assert planned > len(variants) * len(SETTINGS)  # most combinations plan (a few are refused alike)
