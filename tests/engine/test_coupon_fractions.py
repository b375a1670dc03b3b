"""A coupon read from its list_coupons item is exactly the coupon its detail_coupon gives (reference §8.7).

The list gives a percentage as a fraction (``"0.10"``); the plan reads it from there, without the detail, only
when the fraction is exactly a catalog percent and the coupon has no product links to read.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogsync.kinds import BY_NAME
from catalogsync.sandbox.wire import coupon_detail, coupon_item

COUPON = BY_NAME["coupon"]
RECORDED = Path(__file__).resolve().parents[1] / "sandbox" / "recorded"
"""The recorded vendor bodies, copied into the suite (the reference beside the checkout is not needed)."""
NO_KEYS: dict[tuple[str, str], str] = {}


def _row(kind: str, hundredths: int | None, value_cents: int | None, minimum: int | None) -> dict[str, Any]:
    return {
        "coupon_code": "C1",
        "date_expire": "2030-06-30",
        "minimum_purchase": minimum,
        "percentage_off": hundredths,
        "type": kind,
        "value_off": value_cents,
        "select_all": 0,
    }


def _decoded(item: dict[str, Any]) -> Any:
    obj = COUPON.from_wire(item, NO_KEYS)
    assert obj is not None
    return obj


@given(
    kind=st.sampled_from(["sale", "shipping"]),
    hundredths=st.one_of(st.none(), st.integers(min_value=1, max_value=10000)),
    minimum=st.one_of(st.none(), st.integers(min_value=0, max_value=9_999_999_999)),
)
def test_a_listed_sale_or_shipping_coupon_is_its_detail(kind, hundredths, minimum):
    """Over the sandbox's own wire encoding: every percentage a coupon can hold is exact in the list."""
    row = _row(kind, hundredths, None if hundredths else 500, minimum)
    listed, detail = coupon_item(row), coupon_detail(row, [], "http://127.0.0.1:1/api")
    assert not COUPON.list_needs_detail(listed)
    assert not COUPON.list_needs_detail(detail)
    assert _decoded(listed) == _decoded(detail)


@given(hundredths=st.integers(min_value=1, max_value=10000))
def test_a_listed_product_coupon_needs_its_detail_for_its_links(hundredths):
    row = _row("product", hundredths, None, 100)
    assert COUPON.list_needs_detail(coupon_item(row))
    assert not COUPON.list_needs_detail(coupon_detail(row, [4700000001], "http://127.0.0.1:1/api"))


@pytest.mark.parametrize(
    ("fraction", "exact"),
    [
        ("0.10", True),
        ("0.125", True),
        ("0.0001", True),  # 0.01 %
        ("1.00", True),  # 100 %
        ("1", True),
        ("0.12345", False),  # 12.345 %: no catalog percent; the detail decides
        ("0.00001", False),
        ("1.01", False),  # above 100 %
        ("0", False),
        ("-0.10", False),
        ("0.12340000000000000000000000000001", False),  # beyond the decimal context's precision
    ],
)
def test_only_a_fraction_that_is_exactly_a_catalog_percent_is_read_from_the_list(fraction, exact):
    item = coupon_item(_row("sale", None, None, None)) | {"percentage_off": fraction}
    assert COUPON.list_needs_detail(item) is not exact
    if exact:
        assert _decoded(item).model.percent_off == Decimal(fraction) * 100


def _recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def test_the_recorded_list_and_detail_of_a_coupon_decode_alike():
    """APITEST002 as the vendor's documentation shows it: ``"0.05"`` in the list, ``"5"`` in the detail."""
    detail = _recorded("products.detail_coupon.json")["coupon"]
    listed = {key: value for key, value in detail.items() if key != "product"} | {"percentage_off": "0.05"}
    assert not COUPON.list_needs_detail(listed)
    assert _decoded(listed) == _decoded(detail)
    assert _decoded(detail).model.percent_off == Decimal("5")


@pytest.mark.parametrize(
    ("code", "percent", "value"), [("COUPON", Decimal("10"), None), ("SAVEJUNE", None, Decimal("100"))]
)
def test_the_recorded_list_items_are_product_coupons_whose_detail_is_read(code, percent, value):
    [item] = [i for i in _recorded("products.list_coupons.json")["coupon"] if i["coupon_code"] == code]
    assert COUPON.list_needs_detail(item)  # product coupons: the links are only in the detail
    model = _decoded(item).model
    assert (model.percent_off, model.value_off) == (percent, value)
