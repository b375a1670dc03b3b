"""products/*_product(s): products with their option and category links (reference §3.12-3.16, §8.5)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from catalogsync.sandbox import wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.forms import (
    UNSET,
    Form,
    Parser,
    amount,
    choice,
    duration,
    flag,
    ident,
    period,
    text,
)
from catalogsync.sandbox.listing import Table, page_ids, read_page, rows_by_id
from catalogsync.sandbox.options import options_by_id
from catalogsync.sandbox.state import next_assigned, next_id

FIELDS: dict[str, Parser] = {
    "name": text,
    "price": amount,
    "vendor_product_id": text,
    "description": text,
    "long_description": text,
    "pending_url": text,
    "approved_url": text,
    "tangible": flag,
    "weight": amount,
    "handling": amount,
    "recurring": flag,
    "recurrence": period,
    "duration": duration,
    "startup_fee": amount,
    "commission": flag,
    "commission_type": choice("amount", "percentage"),
    "commission_amount": amount,
}
REQUIRED = ("name", "price")
FLAGS = ("tangible", "recurring", "commission")
CLEARED: dict[str, Any] = {name: 0 if name in FLAGS else None for name in FIELDS}
CREATED: dict[str, Any] = {**CLEARED, "vendor_product_id": ""}
"""What an omitted field reads back as after create: as the recorded API-created product has it (§3.15:
``handling`` null, ``vendor_product_id`` "")."""

_LINKED_MIN = "(SELECT min({col}) FROM {table} l WHERE l.product_id = products.product_id)"
SORT_COLS = {
    **{name: name for name in FIELDS if name not in ("name", "recurring", "commission")},
    "name": "name_folded",
    "product_id": "product_id",
    "assigned_product_id": "assigned_product_id",
    "option_id": _LINKED_MIN.format(col="option_id", table="product_options"),
    "category_id": _LINKED_MIN.format(col="category_id", table="product_categories"),
}
TABLE = Table("products", "product_id", SORT_COLS, "assigned_product_id", default_descending=True)
PRODUCT = ("product_id", ident, "SELECT * FROM products WHERE product_id = ?")
Shape = Callable[[sqlite3.Row, list[wire.JSON], list[int], str], wire.JSON]


def create_product(call: Call) -> wire.JSON:
    form = call.form
    row = {**CREATED, **_read_fields(form, required=True)}
    options, categories = _read_links(call)
    _check_rules(form, row, strict=call.strict)
    form.check()
    product_id, assigned = next_id(call.db), next_assigned(call.db)
    row.update(product_id=product_id, assigned_product_id=assigned, name_folded=row["name"].casefold())
    columns = ", ".join(row)
    call.db.execute(
        f"INSERT INTO products ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values())
    )
    _replace_links(call.db, product_id, options or [], categories or [])
    return wire.ok(
        "Product successfully created", assigned_product_id=str(assigned), product_id=str(product_id)
    )


def update_product(call: Call) -> wire.JSON:
    """Lenient: omitted fields and links stay. Strict: name and price required, the rest cleared (§8.5)."""
    form = call.form
    existing = call.record(*PRODUCT)
    sent = _read_fields(form, required=call.strict)
    options, categories = _read_links(call)
    row = {**(dict(existing) if existing is not None and not call.strict else CLEARED), **sent}
    if existing is not None:
        _check_rules(form, row, strict=call.strict)
    form.check()
    assert existing is not None  # otherwise product_id was reported missing or invalid
    changes = {name: row[name] for name in FIELDS} | {"name_folded": row["name"].casefold()}
    assignments = ", ".join(f"{name} = ?" for name in changes)
    product_id = existing["product_id"]
    call.db.execute(
        f"UPDATE products SET {assignments} WHERE product_id = ?", [*changes.values(), product_id]
    )
    if call.strict:
        options, categories = options or [], categories or []
    _replace_links(call.db, product_id, options, categories)
    return wire.ok(
        "Product successfully updated",
        assigned_product_id=str(existing["assigned_product_id"]),
        product_id=str(product_id),
    )


def delete_product(call: Call) -> wire.JSON:
    """Refused while a product coupon links the product explicitly (§8.6)."""
    existing = call.target(*PRODUCT)
    product_id = existing["product_id"]
    query = "SELECT coupon_code FROM coupon_products WHERE product_id = ? ORDER BY coupon_code"
    coupons = [r[0] for r in call.db.execute(query, (product_id,))]
    if coupons:
        message = f"Product is linked from coupons: {', '.join(coupons)}"
        raise wire.ApiFailure(400, [wire.invalid("product_id", message)])
    for table in ("product_options", "product_categories", "products"):
        call.db.execute(f"DELETE FROM {table} WHERE product_id = ?", (product_id,))
    return wire.ok("Product successfully deleted.")


def detail_product(call: Call) -> wire.JSON:
    existing = call.target(*PRODUCT)
    [product] = _render(call, [existing], wire.product_detail)
    return wire.ok("Product detail information retrieved successfully", product=product)


def list_products(call: Call) -> wire.JSON:
    """Filters: ``vendor_product_id`` / ``assigned_product_id`` exact, ``name`` case-insensitive substring."""
    form = call.form
    page = read_page(form, SORT_COLS, ("vendor_product_id", "assigned_product_id", "name"))
    where, args = [], []
    for name, parse, test in (
        ("vendor_product_id", text, "vendor_product_id = ?"),
        ("assigned_product_id", ident, "assigned_product_id = ?"),
        ("name", lambda v: v.casefold(), "instr(name_folded, ?) > 0"),
    ):
        value = form.field(name, parse)
        if value is not UNSET and value is not None:
            where.append(test)
            args.append(value)
    form.check()
    info, ids = page_ids(call.db, page, call.url, TABLE, where, args)
    rows = rows_by_id(call.db, TABLE, ids)
    return wire.ok(
        "Product list successfully retrieved.",
        page_info=info,
        products=_render(call, rows, wire.product_item),
    )


def _read_fields(form: Form, *, required: bool) -> dict[str, Any]:
    """The fields sent: parsed values, None for an empty value (flags: 0)."""
    sent: dict[str, Any] = {}
    for name, parse in FIELDS.items():
        value = form.required(name, parse) if required and name in REQUIRED else form.field(name, parse)
        if value is None and name in REQUIRED:  # sent empty: a name and a price cannot be cleared
            form.missing(name)
        elif value is not UNSET:
            sent[name] = 0 if value is None and name in FLAGS else value
    return sent


def _check_rules(form: Form, row: dict[str, Any], *, strict: bool) -> None:
    """Tangible needs weight (strict: and handling, §3.12); recurring needs recurrence and duration;
    commission needs type and amount."""
    for switch, needed in (
        ("tangible", ("weight", "handling") if strict else ("weight",)),
        ("recurring", ("recurrence", "duration")),
        ("commission", ("commission_type", "commission_amount")),
    ):
        if row.get(switch) == 1:
            for name in needed:
                if row.get(name) is None:
                    form.missing(name)


def _read_links(call: Call) -> tuple[list[int] | None, list[int] | None]:
    """``option_id`` / ``category_id`` lists (None when not sent); unknown ids are PARAMETER_INVALID."""
    form = call.form
    options = form.values("option_id", ident)
    call.check_known("option_id", options, "options")
    categories = form.values("category_id", ident)
    if categories and set(categories) - set(wire.CATEGORIES):
        form.invalid("category_id")
    return options, categories


def _replace_links(
    db: sqlite3.Connection, product_id: int, options: list[int] | None, categories: list[int] | None
) -> None:
    """Replace the links given; None leaves that kind of link as it is."""
    links = (("product_options", "option_id", options), ("product_categories", "category_id", categories))
    for table, column, ids in links:
        if ids is None:
            continue
        db.execute(f"DELETE FROM {table} WHERE product_id = ?", (product_id,))
        db.executemany(
            f"INSERT OR IGNORE INTO {table} (product_id, {column}) VALUES (?, ?)",
            [(product_id, i) for i in ids],
        )


def _render(call: Call, rows: Iterable[sqlite3.Row], shape: Shape) -> list[wire.JSON]:
    """Wire shapes of product rows; links of the whole page load in a few queries."""
    rows = list(rows)
    ids = [row["product_id"] for row in rows]
    option_links = _grouped(call.db, "product_options", "option_id", ids)
    category_links = _grouped(call.db, "product_categories", "category_id", ids)
    options = options_by_id(call.db, (o for links in option_links.values() for o in links))
    return [
        shape(
            row,
            [options[o] for o in option_links.get(row["product_id"], [])],
            category_links.get(row["product_id"], []),
            call.vendor_id,
        )
        for row in rows
    ]


def _grouped(db: sqlite3.Connection, table: str, column: str, product_ids: list[int]) -> dict[int, list[int]]:
    if not product_ids:
        return {}
    marks = ",".join("?" * len(product_ids))
    query = f"SELECT product_id, {column} FROM {table} WHERE product_id IN ({marks}) ORDER BY {column}"
    grouped: dict[int, list[int]] = {}
    for product_id, linked in db.execute(query, product_ids):
        grouped.setdefault(product_id, []).append(linked)
    return grouped
