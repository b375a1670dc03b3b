"""sales/detail_sale, list_sales, create_comment and the lookups the sale actions share (§3.5, 3.6, 3.11).

Sales are few (there is no API to create them), so each is one JSON document filtered and sorted in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from catalogsync.sandbox import wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.forms import UNSET, Form, date, flag, ident, text
from catalogsync.sandbox.listing import read_page
from catalogsync.sandbox.wire_sales import comment, sale_item

JSON = wire.JSON
SORT_KEYS: dict[str, Callable[[JSON], Any]] = {
    "sale_id": lambda s: int(s["sale_id"]),
    "date_placed": lambda s: s["date_placed"],
    "customer_name": lambda s: s["customer_name"].casefold(),
    "recurring": lambda s: s["recurring"],
    "recurring_declined": lambda s: s["recurring_declined"] or "",
    "usd_total": lambda s: Decimal(s["usd_total"]),
}


def load(db: sqlite3.Connection, sale_id: int) -> JSON | None:
    row = db.execute("SELECT body FROM sales WHERE sale_id = ?", (sale_id,)).fetchone()
    return None if row is None else dict(json.loads(row[0]))


def load_all(db: sqlite3.Connection) -> list[JSON]:
    return [json.loads(row[0]) for row in db.execute("SELECT body FROM sales ORDER BY sale_id")]


def save(db: sqlite3.Connection, sale: JSON) -> None:
    db.execute("UPDATE sales SET body = ? WHERE sale_id = ?", (json.dumps(sale), int(sale["sale_id"])))


def read_target(form: Form) -> tuple[int | None, int | None]:
    """``sale_id`` / ``invoice_id``: at least one is required (``sale_or_invoice_id``)."""
    sale_id, invoice_id = form.field("sale_id", ident), form.field("invoice_id", ident)
    if not form.params.first("sale_id") and not form.params.first("invoice_id"):
        form.missing("sale_or_invoice_id")
    return (sale_id if isinstance(sale_id, int) else None), (
        invoice_id if isinstance(invoice_id, int) else None
    )


Found = TypeVar("Found")


def check_found(form: Form, lookup: Callable[[], Found] | None) -> Found:
    """Every problem of the request in one answer (§8.3): the form's, and RECORD_NOT_FOUND when the record it
    names is missing; else what ``lookup`` found. ``lookup`` is None when the request names no record it
    could look up (the parameter itself is at fault, and so already a problem of the form)."""
    found: Found | None = None
    if lookup is not None:
        try:
            found = lookup()
        except wire.ApiFailure as failure:
            for error in failure.errors:
                form.add(error)
    form.check()
    assert found is not None  # no lookup comes with a problem of the form
    return found


def target_of(
    db: sqlite3.Connection, sale_id: int | None, invoice_id: int | None
) -> Callable[[], tuple[JSON, JSON | None]] | None:
    """The lookup of the sale (and invoice) a request names, for :func:`check_found`."""
    if sale_id is None and invoice_id is None:
        return None
    return lambda: find(db, sale_id, invoice_id)


def find(db: sqlite3.Connection, sale_id: int | None, invoice_id: int | None) -> tuple[JSON, JSON | None]:
    """The sale and, when ``invoice_id`` is given, that invoice of it; RECORD_NOT_FOUND otherwise."""
    if invoice_id is None:
        sale = load(db, sale_id) if sale_id is not None else None
        if sale is None:
            raise wire.not_found()
        return sale, None
    for sale in load_all(db):
        for invoice in sale["invoices"]:
            if invoice["invoice_id"] == str(invoice_id) and sale_id in (None, int(sale["sale_id"])):
                return sale, invoice
    raise wire.not_found()


def find_lineitem(db: sqlite3.Connection, lineitem_id: int) -> tuple[JSON, JSON, JSON]:
    """The sale, invoice and line item of ``lineitem_id``; RECORD_NOT_FOUND otherwise."""
    for sale in load_all(db):
        for invoice in sale["invoices"]:
            for line in invoice["lineitems"]:
                if line["lineitem_id"] == str(lineitem_id):
                    return sale, invoice, line
    raise wire.not_found()


def add_comment(call: Call, sale: JSON, message: str) -> None:
    sale["comments"].append(comment(message, call.client_ip, call.username, dt.datetime.now()))


def detail_sale(call: Call) -> JSON:
    """The sale; with ``invoice_id`` only that invoice is included."""
    sale_id, invoice_id = read_target(call.form)
    sale, invoice = check_found(call.form, target_of(call.db, sale_id, invoice_id))
    if invoice is not None:
        sale["invoices"] = [invoice]
    return wire.ok("Sale detail retrieved", sale=sale)


def create_comment(call: Call) -> JSON:
    """``cc_vendor`` / ``cc_customer`` mark the comment as sent, as the vendor's comment log did."""
    form = call.form
    sale_id = form.required("sale_id", ident)
    message = form.required("sale_comment")
    copies = [who for who in ("vendor", "customer") if form.field(f"cc_{who}", flag) == 1]
    sale, _ = check_found(form, target_of(call.db, sale_id, None))
    prefix = "".join(f"[* Sent: {who.capitalize()} *] " for who in copies)
    add_comment(call, sale, prefix + message)
    save(call.db, sale)
    return wire.ok("Created comment successfully.")


def list_sales(call: Call) -> JSON:
    """Filters of §3.6 (dates as ``sale_date_begin`` / ``sale_date_end``); newest first by default."""
    form = call.form
    filters = _read_filters(form)
    page = read_page(form, SORT_KEYS, tuple(name for name, _ in _FILTERS))
    form.check()
    sales = [s for s in load_all(call.db) if all(test(s, value) for test, value in filters)]
    info = page.info(call.url, len(sales))
    col, descending = page.order("date_placed", True)
    key = SORT_KEYS[col]
    items = sorted((sale_item(s, call.base_url) for s in sales), key=lambda s: (key(s), int(s["sale_id"])))
    if descending:
        items.reverse()
    return wire.ok(
        "Sales list retrieved.", page_info=info, sale_summary=items[page.offset : page.offset + page.size]
    )


def _lines(sale: JSON) -> list[JSON]:
    return [line for invoice in sale["invoices"] for line in invoice["lineitems"]]


def _customer_name(value: str) -> str:
    if len(value) < 3:
        raise ValueError(value)
    return value.casefold()


def _has(flagged: Callable[[JSON], bool]) -> Callable[[JSON, int], bool]:
    return lambda sale, wanted: flagged(sale) == bool(wanted)


_FILTERS: list[tuple[str, tuple[Callable[[str], Any], Callable[[JSON, Any], bool]]]] = [
    ("sale_id", (ident, lambda s, v: s["sale_id"] == str(v))),
    ("invoice_id", (ident, lambda s, v: str(v) in {i["invoice_id"] for i in s["invoices"]})),
    ("customer_name", (_customer_name, lambda s, v: v in s["customer"]["cardholder_name"].casefold())),
    ("customer_email", (lambda v: v.casefold(), lambda s, v: v in s["customer"]["email_address"].casefold())),
    ("customer_phone", (text, lambda s, v: s["customer"]["phone"].startswith(v))),
    ("vendor_product_id", (text, lambda s, v: any(v in (li["vendor_product_id"] or "") for li in _lines(s)))),
    ("ccard_first6", (text, lambda s, v: s["customer"]["pay_method"]["first_six_digits"] == v)),
    ("ccard_last2", (text, lambda s, v: s["customer"]["pay_method"]["last_two_digits"] == v)),
    ("sale_date_begin", (date, lambda s, v: s["date_placed"][:10] >= v)),
    ("sale_date_end", (date, lambda s, v: s["date_placed"][:10] <= v)),
    ("declined_recurrings", (flag, _has(lambda s: s["recurring_decline"] is not None))),
    (
        "active_recurrings",
        (flag, _has(lambda s: any(li["billing"]["recurring_status"] == "active" for li in _lines(s)))),
    ),
    ("refunded", (flag, _has(lambda s: any(li["type"] == "refund" for li in _lines(s))))),
]


def _read_filters(form: Form) -> list[tuple[Callable[[JSON, Any], bool], Any]]:
    chosen = []
    for name, (parse, test) in _FILTERS:
        value = form.field(name, parse)
        if value is not UNSET and value is not None:
            chosen.append((test, value))
    return chosen
