"""sales/refund_invoice, refund_lineitem, stop_lineitem_recurring, mark_shipped, reauth (§3.7-3.10, 3.27).

Each changes the sale document (refund lines, statuses, shipping, comments) so ``detail_sale`` shows it, and
answers repeats and bad input with the vendor's error codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from catalogsync.sandbox import wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.forms import Form, amount, choice, flag, ident
from catalogsync.sandbox.sales import (
    JSON,
    add_comment,
    check_found,
    find_lineitem,
    read_target,
    save,
    target_of,
)
from catalogsync.sandbox.state import next_id
from catalogsync.sandbox.wire_sales import refund_line

REFUND_WINDOW = dt.timedelta(days=180)
AMBIGUOUS = "Ambiguous request. Multiple invoices on sale. invoice_id parameter required."


def refund_invoice(call: Call) -> JSON:
    """Refund ``amount`` (default: the remaining balance) of one invoice as a refund line item."""
    form = call.form
    sale_id, invoice_id = read_target(form)
    cents = form.field("amount", amount)
    form.field("currency", lambda v: choice("usd", "vendor", "customer")(v.lower()))
    if isinstance(cents, int) and not form.params.first("currency"):
        form.missing("currency")
    reason = _read_reason(form)
    sale, invoice = check_found(form, _one_invoice(target_of(call.db, sale_id, invoice_id)))
    if _too_old(sale):
        raise wire.fail("TOO_LATE", "Invoice too old to refund.")
    remaining = _remaining(invoice)
    if remaining <= 0:
        raise wire.fail("NOTHING_TO_DO", "Invoice was already refunded.")
    value = remaining if not isinstance(cents, int) else Decimal(cents) / 100
    if value < Decimal("0.01"):
        raise wire.fail("TOO_LOW", "Amount must be at least 0.01.")
    if value > remaining:
        raise wire.fail("TOO_HIGH", "Amount greater than remaining balance on invoice.")
    billed = [line for line in invoice["lineitems"] if line["type"] != "refund"]
    invoice["lineitems"].append(
        refund_line(billed[0], lambda: next_id(call.db), value, dt.date.today(), False)
    )
    if value == remaining:
        for line in billed:
            _mark_refunded(line)
    add_comment(call, sale, f"Refund Issued On Invoice: {reason}")
    save(call.db, sale)
    return wire.ok("refund added to invoice")


def refund_lineitem(call: Call) -> JSON:
    """Refund one billed line item in full."""
    form = call.form
    lineitem_id = form.required("lineitem_id", ident)
    reason = _read_reason(form)
    sale, invoice, line = check_found(form, _lineitem(call, lineitem_id))
    if line["type"] == "refund":
        raise wire.fail("INVALID_PARAMETER", "This lineitem cannot be refunded.")
    if _too_old(sale):
        raise wire.fail("TOO_LATE", "Invoice too old to refund lineitem.")
    if line["status"] == "refund":
        raise wire.fail("NOTHING_TO_DO", "Lineitem was already refunded.")
    value = Decimal(line["customer_amount"])
    if value < Decimal("0.01"):
        raise wire.fail("TOO_LOW", "Lineitem amount must be at least 0.01.")
    if value > _remaining(invoice):
        raise wire.fail("TOO_HIGH", "Lineitem amount greater than remaining balance on invoice.")
    invoice["lineitems"].append(refund_line(line, lambda: next_id(call.db), value, dt.date.today(), True))
    _mark_refunded(line)
    add_comment(call, sale, f"Refund Issued On Lineitem: {reason}")
    save(call.db, sale)
    return wire.ok("lineitem refunded")


def stop_lineitem_recurring(call: Call) -> JSON:
    lineitem_id = call.form.required("lineitem_id", ident)
    sale, _, line = check_found(call.form, _lineitem(call, lineitem_id))
    if line["billing"]["recurring_status"] != "active":
        raise wire.fail("NOTHING_TO_DO", "Lineitem is not scheduled to recur.")
    line["billing"].update(recurring_status="stopped", date_next=None)
    add_comment(call, sale, f"Recurring billing stopped for {line['product_name']}")
    save(call.db, sale)
    return wire.ok("Recurring billing stopped for lineitem")


def mark_shipped(call: Call) -> JSON:
    """Ship a tangible invoice once, optionally reauthorising an expired pre-authorisation first."""
    form = call.form
    sale_id, invoice_id = read_target(form)
    tracking = form.required("tracking_number")
    form.field("cc_customer", flag)
    reauthorize = form.field("reauthorize", flag)
    note = form.field("comment", lambda v: _no_markup(v, 255))
    sale, invoice = check_found(form, _one_invoice(target_of(call.db, sale_id, invoice_id)))
    if invoice["shipping"] is None:
        raise wire.fail("NOTHING_TO_DO", "Item not shippable.")
    if invoice["date_shipped"] is not None:
        raise wire.fail("NOTHING_TO_DO", "Sale already marked shipped.")
    if reauthorize == 1:
        _reauthorize(call, int(sale["sale_id"]))
    today = dt.date.today().isoformat()
    invoice["date_shipped"] = today
    invoice["shipping"].update(date_shipped=today, tracking_number=tracking)
    if isinstance(note, str):
        add_comment(call, sale, note)
    save(call.db, sale)
    return wire.ok("Sale marked shipped.")


def reauth(call: Call) -> JSON:
    """Reauthorise an expired pre-authorisation, at most once a day."""
    sale_id = call.form.required("sale_id", ident)
    check_found(call.form, target_of(call.db, sale_id, None))
    _reauthorize(call, sale_id)
    return wire.ok("Payment reauthorized.")


def _reauthorize(call: Call, sale_id: int) -> None:
    preauth, last = call.db.execute(
        "SELECT preauth, reauthorized_on FROM sales WHERE sale_id = ?", (sale_id,)
    ).fetchone()
    today = dt.date.today().isoformat()
    if not preauth:
        raise wire.fail("TOO_LATE", "Payment is already pending or deposited and cannot be reauthorized.")
    if last == today:
        raise wire.fail("TOO_SOON", "Please wait until the next day before trying to reauthorize again.")
    call.db.execute("UPDATE sales SET reauthorized_on = ? WHERE sale_id = ?", (today, sale_id))


def _read_reason(form: Form) -> str:
    """``comment`` and ``category`` of a refund (both required; category 7 is FORBIDDEN)."""
    if form.required("category", _category) == 7:
        form.add(wire.error("FORBIDDEN", "Permission denied to set refund category to 7."))
    return str(form.required("comment", lambda v: _no_markup(v, 5000)))


def _category(value: str) -> int:
    number = ident(value)
    if not 1 <= number <= 17:
        raise ValueError(value)
    return number


def _no_markup(value: str, limit: int) -> str:
    if "<" in value or ">" in value or len(value) > limit:
        raise ValueError(value)
    return value


def _lineitem(call: Call, lineitem_id: int | None) -> Callable[[], tuple[JSON, JSON, JSON]] | None:
    """The lookup of the line item a request names, for :func:`check_found`."""
    return None if lineitem_id is None else lambda: find_lineitem(call.db, lineitem_id)


def _one_invoice(
    lookup: Callable[[], tuple[JSON, JSON | None]] | None,
) -> Callable[[], tuple[JSON, JSON]] | None:
    """``lookup`` giving the invoice named, else the sale's only one (AMBIGUOUS when it has several), so that
    :func:`check_found` reports AMBIGUOUS with the request's other problems."""
    if lookup is None:
        return None

    def only() -> tuple[JSON, JSON]:
        sale, invoice = lookup()
        if invoice is None:
            if len(sale["invoices"]) > 1:
                raise wire.fail("AMBIGUOUS", AMBIGUOUS)
            invoice = sale["invoices"][0]
        return sale, invoice

    return only


def _too_old(sale: JSON) -> bool:
    placed = dt.datetime.fromisoformat(sale["date_placed"])
    return dt.datetime.now() - placed > REFUND_WINDOW


def _remaining(invoice: JSON) -> Decimal:
    refunded = sum(
        (Decimal(line["customer_amount"]) for line in invoice["lineitems"] if line["type"] == "refund"),
        Decimal(0),
    )
    return Decimal(invoice["customer_total"]) - refunded


def _mark_refunded(line: JSON) -> None:
    line["status"] = "refund"
    line["billing"]["status"] = "refund"
