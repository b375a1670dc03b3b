"""The vendor's sale JSON (``recorded/sales.detail_sale.json``): sale, invoice, line item, shipping, comment.

Sales are kept as these documents; the sales methods change them in place (refund lines, statuses, comments).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from catalogsync.sandbox.wire import JSON

NextId = Callable[[], int]
CENT = Decimal("0.01")


def money(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class Customer:
    """A buyer, with the address, card and IP details the sale shows."""

    first_name: str
    last_name: str
    email: str
    phone: str
    address: str
    city: str
    state: str
    postal_code: str
    card_first6: str
    card_last2: str
    ip: str


@dataclass(frozen=True)
class Item:
    """What one line item bills: a catalog product, once or recurring."""

    product_id: str
    vendor_product_id: str
    name: str
    price: Decimal
    tangible: bool = False
    handling: Decimal | None = None
    recurrence: str | None = None
    duration: str | None = None
    startup_fee: Decimal | None = None


def customer_doc(customer: Customer, customer_id: int, address_id: int) -> JSON:
    return {
        "address_1": customer.address,
        "address_2": None,
        "address_id": str(address_id),
        "cardholder_name": f"{customer.first_name} {customer.last_name}",
        "city": customer.city,
        "country_code": "USA",
        "country_code_2": "US",
        "country_name": "United States",
        "customer_id": str(customer_id),
        "email_address": customer.email,
        "first_name": customer.first_name,
        "lang": "en",
        "last_name": customer.last_name,
        "middle_initial": None,
        "pay_method": {
            "avs": None,
            "cvv": None,
            "first_six_digits": customer.card_first6,
            "last_two_digits": customer.card_last2,
            "method": "credit card",
        },
        "phone": customer.phone,
        "phone_ext": "",
        "postal_code": customer.postal_code,
        "prefix": None,
        "state": customer.state,
        "state_2": None,
    }


def lineitem_doc(item: Item, ids: NextId, sale: JSON, invoice_id: int, placed: dt.datetime) -> JSON:
    """A billed line item; recurring ones are ``active`` with their next bill date."""
    total = item.price + (item.handling or 0) + (item.startup_fee or 0)
    lineitem_id, recurring = ids(), item.recurrence is not None
    billing = {
        "amount": money(total),
        "bill_method": "credit_card",
        "billing_id": str(ids()),
        "customer_amount": money(total),
        "customer_id": sale["customer"]["customer_id"],
        "date_deposited": None,
        "date_end": None if recurring else placed.date().isoformat(),
        "date_fail": (placed + dt.timedelta(days=7)).date().isoformat() if recurring else None,
        "date_next": (placed + dt.timedelta(days=30)).date().isoformat() if recurring else None,
        "date_pending": None,
        "date_start": placed.date().isoformat(),
        "lineitem_id": str(lineitem_id),
        "recurring_status": "active" if recurring else None,
        "status": "bill",
        "usd_amount": money(total),
        "vendor_amount": money(total),
    }
    return {
        "affiliate_vendor_id": None,
        "billing": billing,
        **dict.fromkeys(_COMMISSION_KEYS),
        "customer_amount": money(total),
        "flat_rate": None,
        "installment": "1" if recurring else None,
        "invoice_id": str(invoice_id),
        "lc_affiliate_vendor_id": None,
        "lc_usd_amount": None,
        "lineitem_id": str(lineitem_id),
        "linked_id": None,
        "options": [],
        "percentage": None,
        "product_description": "",
        "product_duration": item.duration,
        "product_handling": None if item.handling is None else money(item.handling),
        "product_id": item.product_id,
        "product_is_cart": "0",
        "product_name": item.name,
        "product_price": money(item.price),
        "product_recurrence": item.recurrence,
        "product_startup_fee": None if item.startup_fee is None else money(item.startup_fee),
        "product_tangible": "Y" if item.tangible else "N",
        "sale_id": sale["sale_id"],
        "status": "bill",
        "type": "product",
        "usd_amount": money(total),
        "usd_commission": None,
        "vendor_amount": money(total),
        "vendor_product_id": item.vendor_product_id,
    }


_COMMISSION_KEYS = (
    "commission",
    "commission_affiliate_vendor_id",
    "commission_flat_rate",
    "commission_percentage",
    "commission_type",
    "commission_usd_amount",
)


def refund_line(original: JSON, ids: NextId, amount: Decimal, today: dt.date, linked: bool) -> JSON:
    """A refund line item on the original's invoice; ``linked`` ties it to the refunded line."""
    lineitem_id = ids()
    line: JSON = {**original, "lineitem_id": str(lineitem_id), "installment": None, "status": "refund"}
    line.update(type="refund", options=[], linked_id=original["lineitem_id"] if linked else None)
    for key in ("customer_amount", "usd_amount", "vendor_amount"):
        line[key] = money(amount)
    if not linked:
        line.update(
            product_id=None,
            product_name="Invoice refund",
            vendor_product_id=None,
            product_price=money(amount),
        )
    line["billing"] = {
        **original["billing"],
        **{key: money(amount) for key in ("amount", "customer_amount", "usd_amount", "vendor_amount")},
        "billing_id": str(ids()),
        "lineitem_id": str(lineitem_id),
        "date_start": today.isoformat(),
        "date_end": today.isoformat(),
        "date_next": None,
        "recurring_status": None,
        "status": "refund",
    }
    return line


def shipping_doc(customer: Customer, ids: NextId, invoice_id: int) -> JSON:
    return {
        "address_1": customer.address,
        "address_2": None,
        "city": customer.city,
        "country_code": "USA",
        "country_name": "United States",
        "date_shipped": None,
        "invoice_id": str(invoice_id),
        "postal_code": customer.postal_code,
        "shipping_address_id": str(ids()),
        "shipping_id": str(ids()),
        "shipping_method_id": "1",
        "shipping_method_name": "Standard Shipping",
        "shipping_name": f"{customer.first_name} {customer.last_name}",
        "state": customer.state,
        "tracking_number": None,
        "tracking_url": None,
    }


def invoice_doc(sale: JSON, invoice_id: int, change_id: int, vendor_id: str, placed: dt.datetime) -> JSON:
    """An empty approved invoice; :func:`add_lines` fills in its items and totals."""
    return {
        "change_id": str(change_id),
        "customer_name": sale["customer"]["cardholder_name"],
        "customer_snapshot_id": None,
        "customer_total": "0.00",
        "date_placed": stamp(placed),
        "date_shipped": None,
        "date_vendor_paid": None,
        "fees_2co": "0.00",
        "invoice_id": str(invoice_id),
        "lineitems": [],
        "new_customer_quote_id": "1",
        "new_vendor_quote_id": "1",
        "payout_status": "Pending Capture",
        "recurring": "0",
        "referrer": "http://www.fake-company.com/cart",
        "sale_id": sale["sale_id"],
        "shipping": None,
        "status": "approved",
        "timestamp": stamp(placed),
        "usd_total": "0.00",
        "vendor_id": vendor_id,
        "vendor_order_id": sale["sale_id"][-4:],
        "vendor_total": "0.00",
    }


def add_lines(invoice: JSON, lines: list[JSON]) -> None:
    """Append billed lines and recompute the invoice totals and its 2CO fee (5.5% + 0.45)."""
    invoice["lineitems"].extend(lines)
    total = sum(
        (Decimal(line["customer_amount"]) for line in invoice["lineitems"] if line["type"] != "refund"),
        Decimal(0),
    )
    for key in ("customer_total", "usd_total", "vendor_total"):
        invoice[key] = money(total)
    invoice["fees_2co"] = money(total * Decimal("0.055") + Decimal("0.45"))
    invoice["recurring"] = "1" if any(line["installment"] for line in invoice["lineitems"]) else "0"


def sale_doc(sale_id: int, customer: JSON, ip: str, placed: dt.datetime) -> JSON:
    """A sale without invoices yet."""
    return {
        "comments": [],
        "customer": customer,
        "date_placed": stamp(placed),
        "detail_ip": {
            "address": ip,
            "area_code": 614,
            "city": "Columbus",
            "country": "United States",
            "country_code": "US",
            "region": "OH",
            "zip": None,
        },
        "invoices": [],
        "ip_address": ip,
        "ip_country": "United States",
        "recurring_decline": None,
        "sale_id": str(sale_id),
    }


def comment(text: str, ip: str, username: str, moment: dt.datetime) -> JSON:
    return {"changed_by_ip": ip, "comment": text, "timestamp": stamp(moment), "username": username}


def sale_item(sale: JSON, base_url: str) -> JSON:
    """A ``list_sales`` item (``recorded/sales.list_sales.item.json``)."""
    total = sum((Decimal(i["usd_total"]) for i in sale["invoices"]), Decimal(0))
    return {
        "customer_name": sale["customer"]["cardholder_name"],
        "date_placed": sale["date_placed"][:10],
        "decline_code": None,
        "recurring": "1" if any(i["recurring"] == "1" for i in sale["invoices"]) else "0",
        "recurring_declined": None,
        "sale_id": sale["sale_id"],
        "sale_url": f"{base_url}/sales/detail_sale?sale_id={sale['sale_id']}",
        "usd_total": money(total),
    }
