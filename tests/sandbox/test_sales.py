"""Sales (§3.5-3.11, §8.10): state changes shown by detail_sale; error codes of repeats and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from catalogsync.sandbox.app import READS, WRITES
from tests.sandbox.sandbox_support import Api

REFUND = {"comment": "customer asked", "category": "5"}


def sale(api: Api, customer: str) -> Any:
    [item] = api.ok("sales/list_sales", customer_name=customer)["sale_summary"]
    return api.ok("sales/detail_sale", sale_id=item["sale_id"])["sale"]


def first_line(sale: Any) -> Any:
    return sale["invoices"][-1]["lineitems"][0]


def test_demo_sales_cover_every_situation(api: Api) -> None:
    assert len(api.ok("sales/list_sales")["sale_summary"]) == 6
    assert first_line(sale(api, "Craig"))["billing"]["recurring_status"] == "active"
    assert sale(api, "Jane Roe")["invoices"][0]["shipping"]["tracking_number"] is None
    assert len(sale(api, "Sam Weekly")["invoices"]) == 2
    assert sale(api, "Joe Flagster")["invoices"][0]["shipping"] is None


def test_detail_sale_by_invoice_only_shows_that_invoice(api: Api) -> None:
    full = sale(api, "Sam Weekly")
    first = full["invoices"][0]["invoice_id"]
    shown = api.ok("sales/detail_sale", invoice_id=first)["sale"]
    assert [i["invoice_id"] for i in shown["invoices"]] == [first]
    assert (
        api.ok("sales/detail_sale", sale_id=full["sale_id"], invoice_id=first)["sale"]["sale_id"]
        == full["sale_id"]
    )
    other = sale(api, "Joe Flagster")["sale_id"]
    assert api.errors("sales/detail_sale", sale_id=other, invoice_id=first) == [("RECORD_NOT_FOUND", None)]


def test_detail_sale_errors(api: Api) -> None:
    assert api.errors("sales/detail_sale") == [("PARAMETER_MISSING", "sale_or_invoice_id")]
    assert api.errors("sales/detail_sale", sale_id="42") == [("RECORD_NOT_FOUND", None)]
    assert api.errors("sales/detail_sale", sale_id="x") == [("PARAMETER_INVALID", "sale_id")]


def test_full_refund_then_nothing_to_do(api: Api) -> None:
    sale_id = sale(api, "Joe Flagster")["sale_id"]
    assert (
        api.ok("sales/refund_invoice", sale_id=sale_id, **REFUND)["response_message"]
        == "refund added to invoice"
    )
    after = sale(api, "Joe Flagster")
    lines = after["invoices"][0]["lineitems"]
    assert [(li["type"], li["status"]) for li in lines] == [("product", "refund"), ("refund", "refund")]
    assert lines[1]["customer_amount"] == "10.00"
    assert after["comments"][-1]["comment"] == "Refund Issued On Invoice: customer asked"
    assert after["comments"][-1]["username"] == "sandbox"
    assert api.errors("sales/refund_invoice", sale_id=sale_id, **REFUND) == [("NOTHING_TO_DO", None)]
    assert api.ok("sales/list_sales", refunded="1")["sale_summary"][0]["sale_id"] == sale_id


def test_partial_refunds_up_to_the_balance(api: Api) -> None:
    sale_id = sale(api, "Craig")["sale_id"]
    params = {"sale_id": sale_id, "currency": "usd", **REFUND}
    assert api.errors("sales/refund_invoice", amount="30", **params) == [("TOO_HIGH", None)]
    assert api.errors("sales/refund_invoice", amount="0.00", **params) == [("TOO_LOW", None)]
    api.ok("sales/refund_invoice", amount="20", **params)
    assert api.errors("sales/refund_invoice", amount="9.01", **params) == [("TOO_HIGH", None)]
    api.ok("sales/refund_invoice", amount="9", **params)
    assert first_line(sale(api, "Craig"))["status"] == "refund"


def test_refund_parameter_problems_are_reported_together(api: Api) -> None:
    assert api.errors("sales/refund_invoice", amount="1", comment="<b>", category="99") == [
        ("PARAMETER_MISSING", "sale_or_invoice_id"),
        ("PARAMETER_MISSING", "currency"),
        ("PARAMETER_INVALID", "category"),
        ("PARAMETER_INVALID", "comment"),
    ]


def test_refund_category_7_is_forbidden(api: Api) -> None:
    sale_id = sale(api, "Joe Flagster")["sale_id"]
    assert api.errors("sales/refund_invoice", 403, sale_id=sale_id, comment="x", category="7") == [
        ("FORBIDDEN", None)
    ]
    assert api.error_messages("sales/refund_invoice", 403, sale_id=sale_id, comment="x", category="7") == [
        "Permission denied to set refund category to 7."
    ]


def test_two_invoices_need_an_invoice_id(api: Api) -> None:
    full = sale(api, "Sam Weekly")
    assert api.errors("sales/refund_invoice", sale_id=full["sale_id"], **REFUND) == [("AMBIGUOUS", None)]
    api.ok("sales/refund_invoice", invoice_id=full["invoices"][1]["invoice_id"], **REFUND)


def test_old_sales_are_too_late(api: Api) -> None:
    old = sale(api, "Ada")
    assert api.errors("sales/refund_invoice", sale_id=old["sale_id"], **REFUND) == [("TOO_LATE", None)]
    assert api.errors("sales/refund_lineitem", lineitem_id=first_line(old)["lineitem_id"], **REFUND) == [
        ("TOO_LATE", None)
    ]


def test_refund_lineitem_then_repeat(api: Api) -> None:
    line = first_line(sale(api, "Jane Roe"))
    params = {"lineitem_id": line["lineitem_id"], **REFUND}
    assert api.ok("sales/refund_lineitem", **params)["response_message"] == "lineitem refunded"
    refunded = sale(api, "Jane Roe")["invoices"][0]["lineitems"]
    assert refunded[0]["status"] == "refund"
    assert (refunded[1]["type"], refunded[1]["linked_id"]) == ("refund", line["lineitem_id"])
    assert api.errors("sales/refund_lineitem", **params) == [("NOTHING_TO_DO", None)]
    refund_line = {"lineitem_id": refunded[1]["lineitem_id"], **REFUND}
    assert api.errors("sales/refund_lineitem", **refund_line) == [("INVALID_PARAMETER", None)]


def test_refund_lineitem_after_a_partial_invoice_refund_is_too_high(api: Api) -> None:
    found = sale(api, "Joe Flagster")
    api.ok("sales/refund_invoice", sale_id=found["sale_id"], amount="5", currency="vendor", **REFUND)
    assert api.errors("sales/refund_lineitem", lineitem_id=first_line(found)["lineitem_id"], **REFUND) == [
        ("TOO_HIGH", None)
    ]


def test_refund_lineitem_errors(api: Api) -> None:
    assert api.errors("sales/refund_lineitem") == [
        ("PARAMETER_MISSING", "lineitem_id"),
        ("PARAMETER_MISSING", "category"),
        ("PARAMETER_MISSING", "comment"),
    ]
    assert api.errors("sales/refund_lineitem", lineitem_id="1", **REFUND) == [("RECORD_NOT_FOUND", None)]


def test_stop_recurring_then_repeat(api: Api) -> None:
    line = first_line(sale(api, "Craig"))
    body = api.ok("sales/stop_lineitem_recurring", lineitem_id=line["lineitem_id"])
    assert body["response_message"] == "Recurring billing stopped for lineitem"
    after = sale(api, "Craig")
    assert first_line(after)["billing"]["recurring_status"] == "stopped"
    assert after["comments"][-1]["comment"] == "Recurring billing stopped for Annual Subscription"
    assert api.errors("sales/stop_lineitem_recurring", lineitem_id=line["lineitem_id"]) == [
        ("NOTHING_TO_DO", None)
    ]
    assert api.error_messages("sales/stop_lineitem_recurring", lineitem_id=line["lineitem_id"]) == [
        "Lineitem is not scheduled to recur."
    ]


def test_active_recurring_filter(api: Api) -> None:
    names = {s["customer_name"] for s in api.ok("sales/list_sales", active_recurrings="1")["sale_summary"]}
    assert names == {"Craig Christenson", "Sam Weekly"}


def test_mark_shipped_then_repeat(api: Api) -> None:
    sale_id = sale(api, "Jane Roe")["sale_id"]
    body = api.ok("sales/mark_shipped", sale_id=sale_id, tracking_number="1Z999", comment="on its way")
    assert body["response_message"] == "Sale marked shipped."
    invoice = sale(api, "Jane Roe")["invoices"][0]
    assert invoice["shipping"]["tracking_number"] == "1Z999"
    assert invoice["date_shipped"] == invoice["shipping"]["date_shipped"] is not None
    assert api.errors("sales/mark_shipped", sale_id=sale_id, tracking_number="1Z999") == [
        ("NOTHING_TO_DO", None)
    ]


def test_mark_shipped_errors(api: Api) -> None:
    intangible = sale(api, "Joe Flagster")["sale_id"]
    assert api.error_messages("sales/mark_shipped", sale_id=intangible, tracking_number="1") == [
        "Item not shippable."
    ]
    assert api.errors("sales/mark_shipped") == [
        ("PARAMETER_MISSING", "sale_or_invoice_id"),
        ("PARAMETER_MISSING", "tracking_number"),
    ]


def test_reauth_once_a_day(api: Api) -> None:
    preauth = sale(api, "Bob")["sale_id"]
    assert api.ok("sales/reauth", sale_id=preauth)["response_message"] == "Payment reauthorized."
    assert api.errors("sales/reauth", sale_id=preauth) == [("TOO_SOON", None)]
    settled = sale(api, "Joe Flagster")["sale_id"]
    assert api.errors("sales/reauth", sale_id=settled) == [("TOO_LATE", None)]
    assert api.errors("sales/reauth", sale_id="42") == [("RECORD_NOT_FOUND", None)]


def test_mark_shipped_with_reauthorize(api: Api) -> None:
    preauth = sale(api, "Bob")["sale_id"]
    api.ok("sales/mark_shipped", sale_id=preauth, tracking_number="T1", reauthorize="1")
    assert api.errors("sales/reauth", sale_id=preauth) == [("TOO_SOON", None)]
    tangible = sale(api, "Jane Roe")["sale_id"]
    assert api.errors("sales/mark_shipped", sale_id=tangible, tracking_number="T2", reauthorize="1") == [
        ("TOO_LATE", None)
    ]
    assert sale(api, "Jane Roe")["invoices"][0]["date_shipped"] is None


def test_create_comment(api: Api) -> None:
    sale_id = sale(api, "Joe Flagster")["sale_id"]
    api.ok("sales/create_comment", sale_id=sale_id, sale_comment="Thanks!", cc_vendor="1")
    [note] = sale(api, "Joe Flagster")["comments"]
    assert note["comment"] == "[* Sent: Vendor *] Thanks!"
    assert (note["changed_by_ip"], note["username"], len(note["timestamp"])) == ("127.0.0.1", "sandbox", 19)
    assert api.errors("sales/create_comment", sale_id=sale_id, cc_customer="yes") == [
        ("PARAMETER_MISSING", "sale_comment"),
        ("PARAMETER_INVALID", "cc_customer"),
    ]


@pytest.mark.parametrize(
    ("params", "customers"),
    [
        ({"customer_name": "FLAG"}, ["Joe Flagster"]),
        ({"customer_email": "2CO.com"}, ["Craig Christenson"]),
        ({"customer_phone": "740"}, ["Jane Roe"]),
        ({"vendor_product_id": "YA-"}, ["Sam Weekly"]),
        ({"ccard_first6": "378282", "ccard_last2": "00"}, ["Ada Oldsale"]),
    ],
)
def test_list_sales_filters(api: Api, params: dict[str, str], customers: list[str]) -> None:
    assert [s["customer_name"] for s in api.ok("sales/list_sales", **params)["sale_summary"]] == customers


def test_list_sales_date_range_sort_and_validation(api: Api) -> None:
    old = sale(api, "Ada")["date_placed"][:10]
    assert [s["customer_name"] for s in api.ok("sales/list_sales", sale_date_end=old)["sale_summary"]] == [
        "Ada Oldsale"
    ]
    assert len(api.ok("sales/list_sales", sale_date_begin=old)["sale_summary"]) == 6
    totals = [s["usd_total"] for s in api.ok("sales/list_sales", sort_col="usd_total")["sale_summary"]]
    assert totals == sorted(totals, key=float)
    assert api.errors("sales/list_sales", customer_name="Jo", sale_date_begin="yesterday") == [
        ("PARAMETER_INVALID", "customer_name"),
        ("PARAMETER_INVALID", "sale_date_begin"),
    ]
    assert api.errors("sales/list_sales", customer_name="Nobody") == [("RECORD_NOT_FOUND", None)]


def test_account_documents_of_the_empty_seed(empty_api: Api) -> None:
    assert empty_api.ok("acct/detail_contact_info")["vendor_contact_info"]["vendor_id"] == "1311348"
    for method in ("acct/list_payments", "acct/detail_pending_payment", "sales/list_sales"):
        assert empty_api.errors(method) == [("RECORD_NOT_FOUND", None)]


FORBIDDEN, NOT_FOUND, AMBIGUOUS = ("FORBIDDEN", None), ("RECORD_NOT_FOUND", None), ("AMBIGUOUS", None)
TWO_INVOICES = "sale of Sam Weekly"
WITH_OTHER_PROBLEMS: dict[str, list[tuple[dict[str, str], int, list[tuple[str, str | None]]]]] = {
    "sales/refund_invoice": [
        (
            {"sale_id": "999", "category": "7", "comment": "<b>"},
            403,
            [FORBIDDEN, ("PARAMETER_INVALID", "comment"), NOT_FOUND],
        ),
        (
            {"sale_id": TWO_INVOICES, "category": "7"},
            403,
            [FORBIDDEN, ("PARAMETER_MISSING", "comment"), AMBIGUOUS],
        ),
        (
            {"sale_id": TWO_INVOICES, "amount": "x", **REFUND},
            400,
            [("PARAMETER_INVALID", "amount"), AMBIGUOUS],
        ),
    ],
    "sales/refund_lineitem": [
        (
            {"lineitem_id": "999", "category": "7"},
            403,
            [FORBIDDEN, ("PARAMETER_MISSING", "comment"), NOT_FOUND],
        ),
        (
            {"lineitem_id": "x", "category": "7", "comment": "<b>"},
            403,
            [("PARAMETER_INVALID", "lineitem_id"), FORBIDDEN, ("PARAMETER_INVALID", "comment")],
        ),
    ],
    "sales/mark_shipped": [
        (
            {"sale_id": TWO_INVOICES, "cc_customer": "2"},
            400,
            [("PARAMETER_MISSING", "tracking_number"), ("PARAMETER_INVALID", "cc_customer"), AMBIGUOUS],
        ),
        (
            {"sale_id": "999", "comment": "<b>"},
            400,
            [("PARAMETER_MISSING", "tracking_number"), ("PARAMETER_INVALID", "comment"), NOT_FOUND],
        ),
    ],
    "sales/create_comment": [
        (
            {"sale_id": "999", "cc_vendor": "2"},
            400,
            [("PARAMETER_MISSING", "sale_comment"), ("PARAMETER_INVALID", "cc_vendor"), NOT_FOUND],
        ),
    ],
    "sales/detail_sale": [
        ({"sale_id": "999", "invoice_id": "x"}, 400, [("PARAMETER_INVALID", "invoice_id"), NOT_FOUND])
    ],
    "sales/stop_lineitem_recurring": [({"lineitem_id": "999"}, 400, [NOT_FOUND])],  # it takes nothing else
    "sales/reauth": [({"sale_id": "999"}, 400, [NOT_FOUND])],  # it takes nothing else
}
"""Every sales method acting on a sale: requests with problems of the request itself (a missing or invalid
parameter, category 7, an unknown record, a sale with several invoices and no invoice_id), all reported."""


def test_every_sales_method_acting_on_a_sale_is_in_the_table() -> None:
    assert set(WITH_OTHER_PROBLEMS) == {m for m in {**READS, **WRITES} if m.startswith("sales/")} - {
        "sales/list_sales"
    }


@pytest.mark.parametrize(
    ("method", "params", "status", "expected"),
    [(method, *case) for method, cases in WITH_OTHER_PROBLEMS.items() for case in cases],
)
def test_every_problem_of_a_sales_request_is_reported_together(
    api: Api, method: str, params: dict[str, str], status: int, expected: list[tuple[str, str | None]]
) -> None:
    """Category 7's FORBIDDEN (403) was dropped beside any other problem, and AMBIGUOUS came only once every
    parameter was right (§8.3)."""
    two_invoices = sale(api, "Sam Weekly")["sale_id"]
    sent = {name: two_invoices if value == TWO_INVOICES else value for name, value in params.items()}
    assert sorted(api.errors(method, status, **sent), key=str) == sorted(expected, key=str)
