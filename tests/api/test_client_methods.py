"""Every client method against the demo sandbox: successes and the documented error paths."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from catalogsync.api import ApiError, Client
from catalogsync.sandbox import Sandbox
from tests.api.conftest import MakeClient


def codes(call: Any, **params: Any) -> tuple[int, list[str]]:
    """HTTP status and vendor codes of a call that must fail."""
    with pytest.raises(ApiError) as caught:
        call(**params)
    return caught.value.status, caught.value.codes


def sale_of(client: Client, customer: str) -> dict[str, Any]:
    (summary,) = client.sales.list_all(customer_name=customer)
    sale: dict[str, Any] = client.sales.details(sale_id=summary["sale_id"])["sale"]
    return sale


def lines(sale: dict[str, Any]) -> list[dict[str, Any]]:
    return [line for invoice in sale["invoices"] for line in invoice["lineitems"] if line["type"] != "refund"]


# -- account ----------------------------------------------------------------------------------------------


def test_account_methods(client: Client) -> None:
    assert client.account.company_info()["vendor_company_info"]["vendor_name"] == "Fake Company"
    assert client.account.contact_info()["vendor_contact_info"]["mailing_city"] == "Columbus"
    assert client.account.pending_payment()["payment"]["amount"] == "999.99"
    assert client.account.list_payments()["payments"]


def test_an_account_without_payments_lists_none(empty_client: Client) -> None:
    assert empty_client.account.list_payments() == {"payments": []}


def test_vendor_id_is_read_once(client: Client) -> None:
    assert client.vendor_id == "1311348"
    assert client.vendor_id == "1311348"
    assert client.requests_made == 1


def test_call_is_the_raw_choke_point(client: Client) -> None:
    body = client.call("acct", "detail_company_info")
    assert body["response_code"] == "OK"
    created = client.call(
        "products",
        "create_option",
        {"option_name": "Size", "option_value_name": ["S"], "option_value_surcharge": ["0.00"]},
        write=True,
    )
    assert (
        client.products.options.details(option_id=created["option_id"])["option"][0]["option_name"] == "Size"
    )


# -- sales ------------------------------------------------------------------------------------------------


def test_sales_list_and_details(client: Client) -> None:
    summaries = client.sales.list_all()
    assert len(summaries) == 6
    page = client.sales.list(pagesize=2, sort_col="sale_id", sort_dir="ASC")
    assert [s["sale_id"] for s in page["sale_summary"]] == sorted(s["sale_id"] for s in summaries)[:2]
    sale = client.sales.details(sale_id=summaries[0]["sale_id"])["sale"]
    assert sale["sale_id"] == summaries[0]["sale_id"]
    assert codes(client.sales.details) == (400, ["PARAMETER_MISSING"])
    assert codes(client.sales.details, sale_id="4799999999") == (400, ["RECORD_NOT_FOUND"])


def test_refunding_an_invoice_twice_has_nothing_to_do(client: Client) -> None:
    sale = sale_of(client, "Joe Flagster")
    refund = {"sale_id": sale["sale_id"], "category": 5, "comment": "test refund"}
    assert client.sales.refund_invoice(**refund)["response_message"] == "refund added to invoice"
    assert codes(client.sales.refund_invoice, **refund) == (400, ["NOTHING_TO_DO"])
    assert "Refund Issued On Invoice: test refund" in [
        c["comment"] for c in sale_of(client, "Joe")["comments"]
    ]


def test_refund_errors_ambiguous_too_late_forbidden_and_all_missing(client: Client) -> None:
    reason = {"category": 5, "comment": "x"}
    two_invoices = sale_of(client, "Sam Weekly")["sale_id"]
    assert codes(client.sales.refund_invoice, sale_id=two_invoices, **reason) == (400, ["AMBIGUOUS"])
    too_old = sale_of(client, "Ada Oldsale")["sale_id"]
    assert codes(client.sales.refund_invoice, sale_id=too_old, **reason) == (400, ["TOO_LATE"])
    internal = {"category": 7, "comment": "x"}
    assert codes(client.sales.refund_invoice, sale_id=too_old, **internal) == (403, ["FORBIDDEN"])
    both = (403, ["FORBIDDEN", "AMBIGUOUS"])  # every problem together (§8.3)
    assert codes(client.sales.refund_invoice, sale_id=two_invoices, **internal) == both
    assert codes(client.sales.refund_invoice) == (400, ["PARAMETER_MISSING"] * 3)


def test_refunding_a_lineitem_twice_has_nothing_to_do(client: Client) -> None:
    (line,) = lines(sale_of(client, "Craig"))
    refund = {"lineitem_id": line["lineitem_id"], "category": 2, "comment": "did not like it"}
    assert client.sales.refund_lineitem(**refund)["response_message"] == "lineitem refunded"
    assert codes(client.sales.refund_lineitem, **refund) == (400, ["NOTHING_TO_DO"])


def test_stopping_recurring_billing_twice_has_nothing_to_do(client: Client) -> None:
    line = lines(sale_of(client, "Sam Weekly"))[-1]
    answer = client.sales.stop_lineitem_recurring(lineitem_id=line["lineitem_id"])
    assert answer["response_message"] == "Recurring billing stopped for lineitem"
    assert codes(client.sales.stop_lineitem_recurring, lineitem_id=line["lineitem_id"]) == (
        400,
        ["NOTHING_TO_DO"],
    )
    assert lines(sale_of(client, "Sam Weekly"))[-1]["billing"]["recurring_status"] == "stopped"


def test_marking_shipped_twice_has_nothing_to_do(client: Client) -> None:
    sale_id = sale_of(client, "Jane Roe")["sale_id"]
    shipped = client.sales.mark_shipped(sale_id=sale_id, tracking_number="1Z999", cc_customer=True)
    assert shipped["response_message"] == "Sale marked shipped."
    assert codes(client.sales.mark_shipped, sale_id=sale_id, tracking_number="1Z999") == (
        400,
        ["NOTHING_TO_DO"],
    )
    assert sale_of(client, "Jane Roe")["invoices"][0]["shipping"]["tracking_number"] == "1Z999"


def test_reauthorising_twice_a_day_is_too_soon(client: Client) -> None:
    sale_id = sale_of(client, "Bob Preauth")["sale_id"]
    assert client.sales.reauth(sale_id=sale_id)["response_message"] == "Payment reauthorized."
    assert codes(client.sales.reauth, sale_id=sale_id) == (400, ["TOO_SOON"])


def test_comments_appear_on_the_sale(client: Client) -> None:
    sale_id = sale_of(client, "Joe Flagster")["sale_id"]
    client.sales.create_comment(sale_id=sale_id, sale_comment="called the buyer", cc_vendor=True)
    comments = [c["comment"] for c in client.sales.details(sale_id=sale_id)["sale"]["comments"]]
    assert "[* Sent: Vendor *] called the buyer" in comments


# -- products, options, coupons ---------------------------------------------------------------------------


def test_option_lifecycle_with_repeated_value_keys(client: Client) -> None:
    options = client.products.options
    created = options.create(
        option_name="Colour", option_value_name=["red", "blue"], option_value_surcharge=["1.00", "2.50"]
    )
    (option,) = options.details(option_id=created["option_id"])["option"]
    assert [(v["option_value_name"], v["option_value_surcharge"]) for v in option["option_values"]] == [
        ("red", "1.00"),
        ("blue", "2.50"),
    ]
    options.update(option_id=created["option_id"], option_name="Color")
    assert [o["option_name"] for o in options.list_all(option_name="Color")] == ["Color"]
    assert options.list(option_name="Color")["options"][0]["option_id"] == created["option_id"]
    options.delete(option_id=created["option_id"])
    assert codes(options.details, option_id=created["option_id"]) == (400, ["RECORD_NOT_FOUND"])


def test_product_lifecycle_with_repeated_option_ids(client: Client) -> None:
    option_ids = [o["option_id"] for o in client.products.options.list_all()]
    assert len(option_ids) == 2
    created = client.products.create(
        name="Lamp", price="12.50", vendor_product_id="LAMP-1", option_id=option_ids
    )
    product = client.products.details(product_id=created["product_id"])["product"]
    assert sorted(o["option_id"] for o in product["options"]) == sorted(option_ids)
    client.products.update(product_id=created["product_id"], name="Desk lamp", price="13.00", tangible=False)
    (listed,) = client.products.list_all(vendor_product_id="LAMP-1")
    assert (listed["name"], listed["price"], listed["tangible"]) == ("Desk lamp", "13.00", "0")
    assert (
        client.products.list(vendor_product_id="LAMP-1")["products"][0]["product_id"] == created["product_id"]
    )
    client.products.delete(product_id=created["product_id"])
    assert client.products.list_all(vendor_product_id="LAMP-1") == []
    assert codes(client.products.create, price="x") == (400, ["PARAMETER_MISSING", "PARAMETER_INVALID"])


def test_coupon_lifecycle_with_repeated_product_ids(client: Client) -> None:
    coupons = client.products.coupons
    product_ids = [p["product_id"] for p in client.products.list_all()[:2]]
    coupons.create(
        coupon_code="SPRING",
        date_expire="2030-03-31",
        type="product",
        percentage_off=10,
        minimum_purchase="1.00",
        product_id=product_ids,
    )
    coupon = coupons.details(coupon_code="SPRING")["coupon"]
    assert sorted(p["product_id"] for p in coupon["product"]) == sorted(product_ids)
    assert coupon["percentage_off"] == "10"
    coupons.update(coupon_code="SPRING", new_code="SUMMER", date_expire="2030-06-30")
    codes_listed = [c["coupon_code"] for c in coupons.list_all()]
    assert "SUMMER" in codes_listed
    assert "SPRING" not in codes_listed
    assert coupons.list()["coupon"]
    coupons.delete(coupon_code="SUMMER")
    assert "SUMMER" not in [c["coupon_code"] for c in coupons.list_all()]


def test_wrong_credentials_are_401_unauthorized(sandbox: Sandbox, make_client: MakeClient) -> None:
    client = make_client(sandbox, password="wrong-password")
    with pytest.raises(ApiError) as caught:
        client.account.company_info()
    assert (caught.value.status, caught.value.codes) == (401, ["UNAUTHORIZED"])
    assert client.requests_made == 1  # a 401 is not retried


class CountingAdapter(HTTPAdapter):
    """A real adapter that counts what it sends and remembers being closed."""

    def __init__(self) -> None:
        super().__init__()
        self.sent, self.closed = 0, False

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent += 1
        return super().send(request, **kwargs)

    def close(self) -> None:
        self.closed = True
        super().close()


def test_an_injected_session_carries_every_request_and_stays_open(sandbox: Sandbox) -> None:
    adapter = CountingAdapter()
    with requests.Session() as session:
        session.mount("http://", adapter)
        with Client(sandbox.url, "sandbox", "sandbox", session=session) as client:
            client.products.list_all()
            client.products.options.create(
                option_name="Size", option_value_name="S", option_value_surcharge=0
            )
        assert adapter.sent == client.requests_made == 2
        assert not adapter.closed
    assert adapter.closed
