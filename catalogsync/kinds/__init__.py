"""The kinds of resource catalogsync manages, in dependency order (options, products, coupons)."""

from __future__ import annotations

from typing import Any

from catalogsync.kinds.base import Kind, Model, Reference, WireObject
from catalogsync.kinds.coupon import Coupon, CouponKind
from catalogsync.kinds.option import Option, OptionKind, OptionValue
from catalogsync.kinds.product import Commission, Product, ProductKind, Recurring

AnyKind = Kind[Any]

KINDS: tuple[AnyKind, ...] = (OptionKind(), ProductKind(), CouponKind())
"""Every kind, sorted by rank: creates and updates run in this order, deletes in reverse."""

BY_NAME: dict[str, AnyKind] = {kind.name: kind for kind in KINDS}
BY_SECTION: dict[str, AnyKind] = {kind.section: kind for kind in KINDS}

__all__ = [
    "BY_NAME",
    "BY_SECTION",
    "KINDS",
    "AnyKind",
    "Commission",
    "Coupon",
    "Kind",
    "Model",
    "Option",
    "OptionValue",
    "Product",
    "Recurring",
    "Reference",
    "WireObject",
]
