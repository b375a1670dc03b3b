"""Which changes a plan asks a reviewer to look at twice: a row for every field of every kind, each change of
it that is a risk and one that is not (docs/ci.md, `changes[].risk`)."""

from __future__ import annotations

import re

import pytest

from catalogsync.diff import Change, FieldChange
from catalogsync.kinds import KINDS
from catalogsync.risk import risk

RECURRING = {"recurrence": "1 Month", "duration": "Forever", "startup_fee": None}
UPDATES = [
    ("option", "values[1].name", "L", "XL", None),
    ("option", "values[1].surcharge", "2.50", "3.00", None),
    ("product", "price", "19.99", "24.00", "changes its price (19.99 -> 24.00)"),
    ("product", "price", "24.00", "19.99", "changes its price (24.00 -> 19.99)"),
    ("product", "name", "Tee", "T-shirt", None),
    ("product", "description", None, "Soft", None),
    ("product", "long_description", "Soft", None, None),
    ("product", "tangible", False, True, None),
    ("product", "weight", "0.20", "0.30", None),
    ("product", "handling", "0.00", "1.00", None),
    ("product", "recurring", None, RECURRING, None),
    ("product", "recurring.startup_fee", "1.00", "2.00", None),
    ("product", "commission.amount", "5.00", "6.00", None),
    ("product", "approved_url", None, "https://shop.example/ok", None),
    ("product", "pending_url", "https://shop.example/wait", None, None),
    ("product", "options", ["Size"], ["Size", "Colour"], None),
    ("product", "categories", [17], [17, 21], None),
    ("coupon", "type", "product", "sale", 'now applies to the whole sale (type "product" -> "sale")'),
    ("coupon", "type", "shipping", "sale", 'now applies to the whole sale (type "shipping" -> "sale")'),
    ("coupon", "type", "sale", "product", None),
    ("coupon", "type", "product", "shipping", None),
    ("coupon", "expires", "2027-08-31", "2040-12-31", 'expires later ("2027-08-31" -> "2040-12-31")'),
    ("coupon", "expires", "2040-12-31", "2027-08-31", None),
    ("coupon", "percent_off", "10.00", "15.00", "raises its discount (percent_off 10.00 -> 15.00)"),
    ("coupon", "percent_off", None, "5.00", "raises its discount (percent_off null -> 5.00)"),
    ("coupon", "percent_off", "15.00", "10.00", None),
    ("coupon", "value_off", "2.00", "3.00", "raises its discount (value_off 2.00 -> 3.00)"),
    ("coupon", "value_off", "3.00", None, None),
    ("coupon", "minimum_purchase", "1.00", "0.00", "lowers its minimum purchase (1.00 -> 0.00)"),
    ("coupon", "minimum_purchase", "1.00", None, "lowers its minimum purchase (1.00 -> null)"),
    ("coupon", "minimum_purchase", "0.00", "1.00", None),
    ("coupon", "products", ["OP-T"], ["OP-T", "AFY"], "now applies to more products (AFY)"),
    ("coupon", "products", ["OP-T"], ["AFY"], "now applies to more products (AFY)"),
    ("coupon", "products", ["OP-T", "AFY"], ["OP-T"], None),
    ("coupon", "all_products", False, True, "now applies to all products"),
    ("coupon", "all_products", True, False, None),
]
"""``(kind, path, old, new, risk)``: what an update of that one field says after ``KIND K``, or None."""


def top(path: str) -> str:
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def test_every_field_of_every_kind_has_a_row() -> None:
    """A field added to a kind needs rows here (and a rule in catalogsync.risk.RULES) saying which of its
    changes are a risk."""
    fields = {(k.name, f) for k in KINDS for f, info in k.model.model_fields.items() if not info.exclude}
    assert {(kind, top(path)) for kind, path, *_ in UPDATES} == fields


@pytest.mark.parametrize("op", ["update", "rename", "adopt"])
@pytest.mark.parametrize(("kind", "path", "old", "new", "expected"), UPDATES)
def test_the_risk_of_each_field_change(op, kind, path, old, new, expected) -> None:
    change = Change(op, kind, "K", fields=(FieldChange(path, old, new),), source="OLD")
    assert risk(change) == (expected and f"{kind} K {expected}")


def test_a_coupon_names_every_way_it_widens_or_grows_in_one_risk() -> None:
    fields = (
        FieldChange("expires", "2027-08-31", "2040-12-31"),
        FieldChange("minimum_purchase", "5.00", "0.00"),
    )
    change = Change("update", "coupon", "C", fields=fields)
    assert risk(change) == (
        'coupon C expires later ("2027-08-31" -> "2040-12-31"); lowers its minimum purchase (5.00 -> 0.00)'
    )


@pytest.mark.parametrize("kind", [k.name for k in KINDS])
def test_a_delete_is_a_risk_and_a_create_is_not(kind) -> None:
    assert risk(Change("delete", kind, "K")) == f"deletes {kind} K"
    assert risk(Change("create", kind, "K", after={})) is None
