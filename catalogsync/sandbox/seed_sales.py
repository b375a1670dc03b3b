"""The demo account's six sales, one per situation the sales methods must handle (§8.10).

one-off intangible, recurring, tangible (shippable), two invoices (refund without invoice_id is AMBIGUOUS),
older than 180 days (TOO_LATE), and an expired pre-authorisation (reauth). Ids come from the id sequence in a
fixed order; dates are relative to the day of seeding so the "recent" sales stay recent.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from catalogsync.sandbox.state import next_id
from catalogsync.sandbox.wire import JSON
from catalogsync.sandbox.wire_sales import (
    Customer,
    Item,
    add_lines,
    customer_doc,
    invoice_doc,
    lineitem_doc,
    sale_doc,
    shipping_doc,
)

LIVE_TEST = Item("3970322775", "LTP-003", "Live Test Product", Decimal("10.00"))
SUBSCRIPTION = Item(
    "4485343981", "AS-12M", "Annual Subscription", Decimal("29.00"), recurrence="1 Month", duration="Forever"
)
RING = Item("3987434616", "BRSRNG", "Brass Ring", Decimal("1.00"), tangible=True, handling=Decimal("0.00"))
WEEKLY = Item(
    "4297596451", "YA-TP", "YA-TestProduct", Decimal("1.00"), recurrence="1 Week", duration="Forever"
)
JAR = Item("4297596160", "J-A", "Jar of Air", Decimal("50.00"))
FRAME = Item(
    "4186286355", "AFY", "Patriotic photo frame", Decimal("14.95"), tangible=True, handling=Decimal("1.00")
)


def _customer(
    number: int, first: str, last: str, email: str, phone: str, address: str, card: str
) -> Customer:
    ip = f"76.181.170.{90 + number}"
    return Customer(first, last, email, phone, address, "Columbus", "OH", "43215", card[:6], card[-2:], ip)


JOE = _customer(0, "Joe", "Flagster", "rater@rater.tk", "614-555-0101", "123 Main Street", "40000002")
CRAIG = _customer(1, "Craig", "Christenson", "noreply@2co.com", "555-555-5555", "1785 O'Brien Rd", "41111111")
JANE = _customer(2, "Jane", "Roe", "jane.roe@example.com", "740-555-0199", "9 Elm Street", "55555544")
SAM = _customer(3, "Sam", "Weekly", "sam@example.org", "614-555-0123", "77 Oak Avenue", "40000077")
ADA = _customer(4, "Ada", "Oldsale", "ada@example.net", "614-555-0150", "1 Past Lane", "37828200")
BOB = _customer(5, "Bob", "Preauth", "bob@example.com", "614-555-0177", "5 Hold Court", "40000055")


@dataclass(frozen=True)
class SaleSpec:
    customer: Customer
    days_ago: int
    invoices: tuple[tuple[Item, ...], ...]
    preauth: bool = False


SALES = (
    SaleSpec(JOE, 5, ((LIVE_TEST,),)),
    SaleSpec(CRAIG, 12, ((SUBSCRIPTION,),)),
    SaleSpec(JANE, 3, ((RING,),)),
    SaleSpec(SAM, 20, ((WEEKLY,), (WEEKLY,))),
    SaleSpec(ADA, 400, ((JAR,),)),
    SaleSpec(BOB, 40, ((FRAME,),), preauth=True),
)


def seed_sales(db: sqlite3.Connection, vendor_id: str) -> None:
    today = dt.date.today()
    for spec in SALES:
        placed = dt.datetime.combine(today - dt.timedelta(days=spec.days_ago), dt.time(10, 0))
        sale = _sale(db, spec, vendor_id, placed)
        db.execute(
            "INSERT INTO sales (sale_id, body, preauth) VALUES (?, ?, ?)",
            (int(sale["sale_id"]), json.dumps(sale), int(spec.preauth)),
        )


def _sale(db: sqlite3.Connection, spec: SaleSpec, vendor_id: str, placed: dt.datetime) -> JSON:
    def ids() -> int:
        return next_id(db)

    sale_id, customer_id, address_id = ids(), ids(), ids()
    sale = sale_doc(sale_id, customer_doc(spec.customer, customer_id, address_id), spec.customer.ip, placed)
    for number, items in enumerate(spec.invoices):
        when = placed + dt.timedelta(days=7 * number)
        invoice = invoice_doc(sale, ids(), ids(), vendor_id, when)
        lines = [lineitem_doc(item, ids, sale, int(invoice["invoice_id"]), when) for item in items]
        for line in lines:
            if line["installment"]:
                line["installment"] = str(number + 1)
        add_lines(invoice, lines)
        if any(item.tangible for item in items):
            invoice["shipping"] = shipping_doc(spec.customer, ids, int(invoice["invoice_id"]))
        sale["invoices"].append(invoice)
    for invoice in sale["invoices"][:-1]:
        for line in invoice["lineitems"]:
            line["billing"]["recurring_status"] = None
    return sale
