"""Every method's success answer has the recorded keys and JSON types; the demo seed equals the recordings."""

from __future__ import annotations

import pytest

from tests.sandbox.sandbox_support import Api, recorded, shape_errors

API_PRODUCT = "4635212971"
OPTION_TEST = "4274737762"
DECIBELS = "4688355343"
ONE_OFF_SALE = "4700000000"


def test_shape_helper_reports_key_and_type_differences() -> None:
    assert shape_errors({"a": "1", "b": None}, {"a": "x", "b": None}) == []
    assert shape_errors({"a": 1}, {"a": "x"}) == ["$.a: 1 is int, recorded str"]
    assert shape_errors({"a": "1"}, {"a": "1", "b": None}) != []
    assert shape_errors([{"a": 1}], [{"a": 2}]) == []
    assert shape_errors([{"a": "1"}], [{"a": 2}]) != []


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("acct/detail_company_info", "acct.detail_company_info"),
        ("acct/detail_contact_info", "acct.detail_contact_info"),
        ("acct/detail_pending_payment", "acct.detail_pending_payment"),
        ("products/list_options", "products.list_options"),
        ("products/list_products", "products.list_products"),
    ],
)
def test_reads_match_recorded_shapes(api: Api, method: str, name: str) -> None:
    assert shape_errors(api.ok(method), recorded(name)) == []


def test_list_coupons_matches_recorded_shape_plus_page_info(api: Api) -> None:
    body = api.ok("products/list_coupons")
    assert shape_errors(body, recorded("products.list_coupons") | {"page_info": body["page_info"]}) == []
    assert shape_errors(body["page_info"], recorded("products.list_products")["page_info"]) == []


def test_company_info_is_the_recorded_one_with_our_vendor_id(api: Api) -> None:
    info = api.ok("acct/detail_company_info")["vendor_company_info"]
    expected = recorded("acct.detail_company_info")["vendor_company_info"]
    assert info["vendor_id"] == "1311348"
    assert {k: v for k, v in info.items() if k not in ("vendor_id", "secret_word")} == {
        k: v for k, v in expected.items() if k not in ("vendor_id", "secret_word")
    }


def test_list_payments_items_are_strings_or_null(api: Api) -> None:
    body = api.ok("acct/list_payments")
    assert body["response_message"] == "payment info retrieved"
    assert len(body["payments"]) == 3
    for payment in body["payments"]:
        assert {"amount", "date_paid", "payment_id", "payment_type", "total_sales", "void"} <= set(payment)
        assert all(value is None or isinstance(value, str) for value in payment.values())


def test_demo_products_are_the_recorded_list_plus_the_api_product(api: Api) -> None:
    body = api.ok("products/list_products")
    assert body["products"][1:] == recorded("products.list_products")["products"]
    newest = body["products"][0]
    assert (newest["product_id"], newest["name"], newest["vendor_product_id"]) == (
        API_PRODUCT,
        "API product",
        "",
    )
    assert body["page_info"]["total_entries"] == "16"


@pytest.mark.parametrize("name", ["products.detail_product", "products.detail_product.2"])
def test_detail_product_matches_recorded_shape(api: Api, name: str) -> None:
    body = api.ok("products/detail_product", product_id=API_PRODUCT)
    assert shape_errors(body, recorded(name)) == []
    assert body["product"]["commission"] == 0


def test_api_product_detail_equals_the_recording_but_for_ids_of_our_account(api: Api) -> None:
    product = api.ok("products/detail_product", product_id=API_PRODUCT)["product"]
    expected = recorded("products.detail_product.2")["product"]
    values = product["options"][0]["option_values"]
    assert values[:2] == expected["options"][0]["option_values"]
    assert len(values) == 3
    ours = {"assigned_product_id", "vendor_id", "options"}
    assert {k: v for k, v in product.items() if k not in ours} == {
        k: v for k, v in expected.items() if k not in ours
    }


def test_list_item_matches_recorded_item(api: Api) -> None:
    [item] = api.ok("products/list_products", vendor_product_id="OP-T")["products"]
    assert item == recorded("products.list_products.item") | {"options": item["options"]}
    assert shape_errors(item, recorded("products.list_products.item")) == []


def test_commission_is_null_or_one_in_lists_and_a_number_in_detail(api: Api) -> None:
    created = api.ok(
        "products/create_product",
        name="Affiliate",
        price="5.00",
        commission="1",
        commission_type="percentage",
        commission_amount="10",
    )
    [item] = api.ok("products/list_products", assigned_product_id=created["assigned_product_id"])["products"]
    detail = api.ok("products/detail_product", product_id=created["product_id"])["product"]
    assert (item["commission"], item["commission_type"], detail["commission"]) == ("1", "percentage", 1)
    assert detail["commission_amount"] == "10.00"
    assert "commission_amount" not in item and "recurring" not in item and "recurrence_p" not in item


def test_option_detail_equals_recording(api: Api) -> None:
    assert api.ok("products/detail_option", option_id=DECIBELS) == recorded("products.detail_option")


def test_list_options_holds_the_recorded_option(api: Api) -> None:
    body = api.ok("products/list_options", option_name="Volume")
    expected = recorded("products.list_options")
    assert body["options"] == expected["options"]
    assert {k: v for k, v in body["page_info"].items() if not k.endswith("_url")} == {
        k: v for k, v in expected["page_info"].items() if not k.endswith("_url")
    }


def test_coupons_equal_recordings(api: Api, sandbox) -> None:
    listed = {c["coupon_code"]: c for c in api.ok("products/list_coupons")["coupon"]}
    for coupon in recorded("products.list_coupons")["coupon"]:
        assert listed[coupon["coupon_code"]] == coupon
    detail = api.ok("products/detail_coupon", coupon_code="APITEST002")
    expected = recorded("products.detail_coupon")
    expected["coupon"]["product"][0]["product_url"] = f"{sandbox.url}/products/detail_product?product_id=0"
    assert detail == expected


@pytest.mark.parametrize(
    ("method", "params", "name"),
    [
        ("products/create_product", {"name": "N", "price": "1"}, "products.create_product"),
        ("products/update_product", {"product_id": OPTION_TEST, "price": "2"}, "products.update_product"),
        ("products/delete_product", {"product_id": "4257794737"}, "products.delete_product"),
        (
            "products/create_option",
            {"option_name": "Size", "option_value_name": "S", "option_value_surcharge": "0"},
            "products.create_option",
        ),
        (
            "products/create_coupon",
            {"type": "shipping", "date_expire": "2031-01-01"},
            "products.create_coupon",
        ),
        (
            "products/update_coupon",
            {"coupon_code": "FREESHIP", "date_expire": "2032-01-01"},
            "products.update_coupon",
        ),
        ("sales/create_comment", {"sale_id": ONE_OFF_SALE, "sale_comment": "hello"}, "sales.create_comment"),
    ],
)
def test_writes_answer_the_recorded_shape_and_message(api: Api, method: str, params: dict, name: str) -> None:
    body = api.ok(method, **params)
    expected = recorded(name)
    assert shape_errors(body, expected) == []
    assert body["response_message"] == expected["response_message"]


def test_created_ids_are_ten_digit_strings_from_one_sequence(api: Api) -> None:
    first = api.ok("products/create_product", name="A", price="1")
    option = api.ok(
        "products/create_option", option_name="O", option_value_name="v", option_value_surcharge="1"
    )
    second = api.ok("products/create_product", name="B", price="1")
    ids = [first["product_id"], option["option_id"], second["product_id"]]
    assert all(len(i) == 10 and i.isdigit() for i in ids)
    assert ids == sorted(ids, key=int)
    assert int(second["assigned_product_id"]) == int(first["assigned_product_id"]) + 1 == 26


def test_sale_detail_matches_recorded_shape(api: Api) -> None:
    body = api.ok("sales/detail_sale", sale_id=ONE_OFF_SALE)
    assert shape_errors(body, recorded("sales.detail_sale")) == []
    assert body["sale"]["detail_ip"]["area_code"] == 614


def test_every_demo_sale_has_the_recorded_keys(api: Api) -> None:
    items = api.ok("sales/list_sales")["sale_summary"]
    expected = recorded("sales.detail_sale")
    shipping_keys = {
        "address_1", "address_2", "city", "country_code", "country_name", "date_shipped", "invoice_id",
        "postal_code", "shipping_address_id", "shipping_id", "shipping_method_id", "shipping_method_name",
        "shipping_name", "state", "tracking_number", "tracking_url",
    }  # fmt: skip
    for item in items:
        assert shape_errors(item, recorded("sales.list_sales.item")) == []
        sale = api.ok("sales/detail_sale", sale_id=item["sale_id"])
        for invoice in sale["sale"]["invoices"]:
            shipping = invoice.pop("shipping")
            assert shipping is None or set(shipping) == shipping_keys
            invoice["shipping"] = None
        assert shape_errors(sale, expected) == []
