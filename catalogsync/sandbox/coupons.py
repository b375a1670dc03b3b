"""products/*_coupon(s): coupons, keyed by their code (reference §3.22-3.26, §8.7)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from catalogsync.sandbox import wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.forms import UNSET, Form, Parser, amount, choice, date, flag, ident, percent, text
from catalogsync.sandbox.listing import Table, page_ids, read_page, rows_by_id
from catalogsync.sandbox.state import next_id

FIELDS: dict[str, Parser] = {
    "date_expire": date,
    "type": choice("sale", "product", "shipping"),
    "percentage_off": percent,
    "value_off": amount,
    "minimum_purchase": amount,
}
REQUIRED = ("date_expire", "type")
OPTIONAL = ("percentage_off", "value_off", "minimum_purchase")
COUPON = ("coupon_code", text, "SELECT * FROM coupons WHERE coupon_code = ?")


@dataclass(frozen=True)
class Links:
    """A coupon's products: every product (``select_all``) or the listed ids."""

    select_all: bool
    product_ids: tuple[int, ...]


TABLE = Table("coupons", "coupon_code", {"coupon_code": "coupon_code"}, "coupon_code")


def create_coupon(call: Call) -> wire.JSON:
    """The code is generated from the id sequence when not given; an existing code is PARAMETER_INVALID."""
    form = call.form
    code = form.field("coupon_code")
    if isinstance(code, str) and _find(call.db, code) is not None:
        form.invalid("coupon_code")
    row = {name: None for name in OPTIONAL} | _read_fields(form, REQUIRED)
    links = _read_links(call, Links(False, ()), clear=True)
    _check_rules(form, row, links)
    form.check()
    code = code if isinstance(code, str) else str(next_id(call.db))
    _save(call.db, code, row, links)
    return wire.ok("Coupon successfully created", coupon_code=code)


def update_coupon(call: Call) -> wire.JSON:
    """``new_code`` renames; strict needs ``type`` and clears omitted fields and links (§8.5)."""
    form = call.form
    existing = call.record(*COUPON)
    code = None if existing is None else str(existing["coupon_code"])
    new_code = form.field("new_code")
    if isinstance(new_code, str) and new_code != code and _find(call.db, new_code) is not None:
        form.invalid("new_code")
    sent = _read_fields(form, ("type",) if call.strict else ())
    base = dict(existing) if existing is not None else {}
    if call.strict:
        base.update({name: None for name in (*OPTIONAL, "type")})
    row = base | sent
    links = _read_links(call, _links_of(call.db, existing), clear=call.strict)
    if existing is not None:
        _check_rules(form, row, links)
    discounted = any(form.params.first(name) for name in ("percentage_off", "value_off"))
    if call.strict and discounted and not form.params.first("minimum_purchase"):
        form.missing("minimum_purchase")  # required with a discount (§3.23)
    form.check()
    assert code is not None  # otherwise coupon_code was reported missing
    _delete(call.db, code)
    final = new_code if isinstance(new_code, str) else code
    _save(call.db, final, row, links)
    return wire.ok("Coupon updated successfully", coupon_code=final)


def delete_coupon(call: Call) -> wire.JSON:
    _delete(call.db, call.target(*COUPON)["coupon_code"])
    return wire.ok("Coupon successfully deleted.")


def detail_coupon(call: Call) -> wire.JSON:
    existing = call.target(*COUPON)
    coupon = wire.coupon_detail(existing, _links_of(call.db, existing).product_ids, call.base_url)
    return wire.ok("Coupon detail retrieved successfully.", coupon=coupon)


def list_coupons(call: Call) -> wire.JSON:
    """Paginated like the other lists (§8.7), ordered by code; items have no ``product``. Without
    ``page_info`` when the sandbox is told to answer as the recorded example does (pages still apply)."""
    page = read_page(call.form, (), ())
    call.form.check()
    info, codes = page_ids(call.db, page, call.url, TABLE, (), ())
    rows = rows_by_id(call.db, TABLE, codes)
    paging = {"page_info": info} if call.coupon_page_info else {}
    return wire.ok(
        "Coupon information retrieved successfully.", coupon=[wire.coupon_item(r) for r in rows], **paging
    )


def _find(db: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = db.execute("SELECT * FROM coupons WHERE coupon_code = ?", (code,)).fetchone()
    return row


def _read_fields(form: Form, required: tuple[str, ...]) -> dict[str, Any]:
    """The fields sent (an empty value clears an optional field, and leaves a required one as it was)."""
    sent: dict[str, Any] = {}
    for name, parse in FIELDS.items():
        value = form.required(name, parse) if name in required else form.field(name, parse)
        if value is not UNSET and (value is not None or name in OPTIONAL):
            sent[name] = value
    return sent


def _read_links(call: Call, old: Links, *, clear: bool) -> Links:
    """``select_all=1`` links every product, ``select_all=0`` none; ``product_id`` sent replaces the links.

    With neither sent the old links stay, unless ``clear`` (create, strict update).
    """
    form = call.form
    select_all = form.field("select_all", flag)
    ids = form.values("product_id", ident)
    call.check_known("product_id", ids, "products")
    if select_all == 1:
        return Links(True, ())
    if ids is not None:
        return Links(False, tuple(sorted(set(ids))))
    if select_all == 0 or clear:
        return Links(False, ())
    return old


def _check_rules(form: Form, row: dict[str, Any], links: Links) -> None:
    """Percentage xor value off for sale/product coupons, neither for shipping; product coupons need links."""
    kind = row.get("type")
    if kind is None:
        return
    percentage, value = row.get("percentage_off"), row.get("value_off")
    if kind == "shipping":
        for name in ("percentage_off", "value_off"):
            if row.get(name) is not None:
                form.invalid(name)
    elif percentage is not None and value is not None:
        form.invalid("value_off", "Invalid value for parameter: value_off (percentage_off is set)")
    elif percentage is None and value is None:
        form.missing("percentage_off")
    if kind == "product" and not links.select_all and not links.product_ids:
        form.missing("product_id")
    if kind != "product" and form.params.has("product_id") and links.product_ids:
        form.invalid("product_id")


def _links_of(db: sqlite3.Connection, coupon: sqlite3.Row | None) -> Links:
    """A stored coupon's links (none for None)."""
    if coupon is None:
        return Links(False, ())
    query = "SELECT product_id FROM coupon_products WHERE coupon_code = ? ORDER BY product_id"
    ids = tuple(r[0] for r in db.execute(query, (coupon["coupon_code"],)))
    return Links(bool(coupon["select_all"]), ids)


def _delete(db: sqlite3.Connection, code: str) -> None:
    db.execute("DELETE FROM coupon_products WHERE coupon_code = ?", (code,))
    db.execute("DELETE FROM coupons WHERE coupon_code = ?", (code,))


def _save(db: sqlite3.Connection, code: str, row: dict[str, Any], links: Links) -> None:
    """Insert the coupon; only product coupons keep product links."""
    product = row["type"] == "product"
    values = (code, *(row.get(name) for name in FIELDS), int(product and links.select_all))
    db.execute(
        "INSERT INTO coupons (coupon_code, date_expire, type, percentage_off, value_off, minimum_purchase, "
        "select_all) VALUES (?, ?, ?, ?, ?, ?, ?)",
        values,
    )
    ids = links.product_ids if product else ()
    db.executemany(
        "INSERT INTO coupon_products (coupon_code, product_id) VALUES (?, ?)", [(code, i) for i in ids]
    )
