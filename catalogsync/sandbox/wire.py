"""The vendor's JSON, written here and nowhere else: envelopes, errors, page_info, catalog shapes.

Held to the recorded payloads of the reference (``recorded/*.json``): ids, amounts and flags are strings,
absent values ``null``, ``page_info`` keeps its mixed types, detail and list items differ as recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import urlencode

JSON = dict[str, Any]

CATEGORIES: dict[int, tuple[str, int | None]] = {
    1: ("Art & Antiques", None),
    2: ("Business Solutions & Office Products", None),
    3: ("Computers & Software", None),
    4: ("Electronics", None),
    5: ("Clothing & Accessories", None),
    17: ("Photography", 1),
    21: ("Advice & Instruction", 2),
    80: ("Education", None),
}
"""The fixed category table (id -> name, parent id); ids 1, 2, 17, 21 and 80 are the ones seen on the wire."""


class Record(Protocol):
    """A stored row (``sqlite3.Row`` or a dict): columns by name."""

    def __getitem__(self, key: str) -> Any: ...


class ApiFailure(Exception):
    """A vendor error answer: HTTP status plus every error item."""

    def __init__(self, status: int, errors: Sequence[JSON]) -> None:
        super().__init__(", ".join(str(e["code"]) for e in errors))
        self.status = status
        self.errors = list(errors)

    def body(self) -> JSON:
        return {"errors": self.errors}


def error(code: str, message: str, parameter: str | None = None) -> JSON:
    item: JSON = {"code": code, "message": message}
    if parameter is not None:
        item["parameter"] = parameter
    return item


def missing(name: str) -> JSON:
    return error("PARAMETER_MISSING", f"Required parameter missing: {name}", name)


def invalid(name: str, message: str | None = None) -> JSON:
    return error("PARAMETER_INVALID", message or f"Invalid value for parameter: {name}", name)


def fail(code: str, message: str, status: int = 400) -> ApiFailure:
    """A single business error (NOTHING_TO_DO, TOO_HIGH, FORBIDDEN with 403, ...)."""
    return ApiFailure(status, [error(code, message)])


def not_found() -> ApiFailure:
    return fail("RECORD_NOT_FOUND", "Unable to find record.")


def ok(message: str, **members: Any) -> JSON:
    return {"response_code": "OK", "response_message": message, **members}


def amount(cents: int | None) -> str | None:
    """Integer cents as the vendor's two-decimal string."""
    if cents is None:
        return None
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def flag(value: int | None) -> str:
    return "1" if value else "0"


def ident(value: int | None) -> str | None:
    return None if value is None else str(value)


def whole_percent(hundredths: int | None) -> str | None:
    """Hundredths of a percent as detail_coupon shows them: ``"10"``, ``"12.5"``."""
    if hundredths is None:
        return None
    text = f"{Decimal(hundredths) / 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fraction(hundredths: int | None) -> str | None:
    """Hundredths of a percent as list_coupons shows them: ``"0.10"`` (more decimals only when needed)."""
    if hundredths is None:
        return None
    value = Decimal(hundredths) / 10000
    two = value.quantize(Decimal("0.01"))
    return f"{two:f}" if two == value else f"{value.normalize():f}"


def page_info(url: str, page: int, size: int, total: int, echo: Iterable[tuple[str, str]]) -> JSON:
    """``page_info`` with the recorded mixed types; ``*_url`` carry the caller's non-default parameters."""
    last = max(1, -(-total // size))
    extra = list(echo)

    def link(number: int) -> str:
        return f"{url}?{urlencode([('cur_page', str(number)), *extra])}"

    return {
        "cur_page": str(page),
        "first_entry": (page - 1) * size + 1,
        "first_page": 1,
        "first_page_url": link(1),
        "last_entry": str(min(page * size, total)),
        "last_page": last,
        "last_page_url": link(last),
        "next_page": page + 1 if page < last else None,
        "pagesize": str(size),
        "previous_page": page - 1 if page > 1 else None,
        "total_entries": str(total),
    }


def category(category_id: int) -> JSON:
    name, parent = CATEGORIES[category_id]
    return {
        "category_id": str(category_id),
        "description": None,
        "name": name,
        "parent_id": ident(parent),
        "parent_name": None if parent is None else CATEGORIES[parent][0],
    }


def option(row: Record, values: Iterable[Record]) -> JSON:
    return {
        "option_id": str(row["option_id"]),
        "option_name": row["option_name"],
        "option_values": [
            {
                "option_value_id": str(v["option_value_id"]),
                "option_value_name": v["name"],
                "option_value_surcharge": amount(v["surcharge"]),
            }
            for v in values
        ],
    }


def product_item(row: Record, options: list[JSON], categories: list[int], vendor_id: str) -> JSON:
    """A ``list_products`` item: no commission_amount / recurring / recurrence_p, commission null or "1"."""
    return {
        "approved_url": row["approved_url"],
        "assigned_product_id": str(row["assigned_product_id"]),
        "categories": [category(c) for c in categories],
        "commission": "1" if row["commission"] else None,
        "commission_type": row["commission_type"],
        "description": row["description"],
        "duration": row["duration"],
        "handling": amount(row["handling"]),
        "images": [],
        "long_description": row["long_description"],
        "name": row["name"],
        "options": options,
        "pending_url": row["pending_url"],
        "price": amount(row["price"]),
        "product_id": str(row["product_id"]),
        "recurrence": row["recurrence"],
        "startup_fee": amount(row["startup_fee"]),
        "tangible": flag(row["tangible"]),
        "vendor_id": vendor_id,
        "vendor_product_id": row["vendor_product_id"],
        "weight": amount(row["weight"]),
    }


def product_detail(row: Record, options: list[JSON], categories: list[int], vendor_id: str) -> JSON:
    """A ``detail_product`` product: the list item plus the detail-only keys; commission is a number."""
    return {
        **product_item(row, options, categories, vendor_id),
        "commission": 1 if row["commission"] else 0,
        "commission_amount": amount(row["commission_amount"]),
        "recurrence_p": None,
        "recurring": flag(row["recurring"]),
    }


def coupon_item(row: Record) -> JSON:
    """A ``list_coupons`` item: percentage as a fraction, no ``product``."""
    return {
        "coupon_code": row["coupon_code"],
        "date_expire": row["date_expire"],
        "minimum_purchase": amount(row["minimum_purchase"]),
        "percentage_off": fraction(row["percentage_off"]),
        "type": row["type"],
        "value_off": amount(row["value_off"]),
    }


def coupon_detail(row: Record, product_ids: Sequence[int], base_url: str) -> JSON:
    """A ``detail_coupon`` coupon: whole-percent string and ``product[]`` ("0" = every product / no links)."""
    ids = [str(p) for p in product_ids] if row["type"] == "product" and not row["select_all"] else ["0"]
    return {
        **coupon_item(row),
        "percentage_off": whole_percent(row["percentage_off"]),
        "product": [
            {"product_id": i, "product_url": f"{base_url}/products/detail_product?product_id={i}"}
            for i in ids
        ],
    }
