"""dump_catalog: stable, readable YAML that loads back to the same catalog."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.dumper import dump_catalog
from catalogsync.catalogfile.loader import loads
from catalogsync.kinds import BY_SECTION, Coupon, Option, Product
from tests.catalog.helpers import valid

RECORDED = Path(__file__).resolve().parents[1] / "sandbox" / "recorded"
"""The recorded vendor bodies, copied into the suite (the reference beside the checkout is not needed)."""

SOURCE = """\
settings:
  protected: {products: [LTP-003]}
  safety: {max_deletes: 3}
options:
  Size:
    values:
      - {name: Small, surcharge: 0}
      - {name: Large, surcharge: 2.5}
products:
  TSHIRT-RED:
    price: 19.99
    name: Red T-shirt
    tangible: true
    weight: 0.5
    handling: 1
    options: [Size]
    recurring: {duration: Forever, recurrence: 1 Month}
  123: {name: '123', price: 1}
coupons:
  TEES5: {type: product, value_off: 5, products: [TSHIRT-RED], expires: 2027-12-31}
"""

EXPECTED = """\
# exported by a test
#
#   indented
settings:
  protected:
    products: [LTP-003]
  safety: {max_deletes: 3}
options:
  Size:
    values:
      - {name: Small, surcharge: 0.00}
      - {name: Large, surcharge: 2.50}
products:
  '123':
    name: '123'
    price: 1.00
  TSHIRT-RED:
    name: Red T-shirt
    price: 19.99
    tangible: true
    weight: 0.50
    handling: 1.00
    recurring: {recurrence: 1 Month, duration: Forever}
    options: [Size]
coupons:
  TEES5:
    type: product
    expires: 2027-12-31
    value_off: 5.00
    products: [TSHIRT-RED]
"""


def test_stable_layout_sorted_keys_model_order_and_header() -> None:
    text = dump_catalog(valid(SOURCE), header=["exported by a test", "", "  indented"])
    assert text == EXPECTED
    assert loads(text) == valid(SOURCE)


def test_empty_catalog_writes_empty_sections_and_no_settings() -> None:
    assert dump_catalog(Catalog()) == "options: {}\nproducts: {}\ncoupons: {}\n"
    assert loads(dump_catalog(Catalog())) == Catalog()


def test_only_declared_fields_are_written() -> None:
    product = Product.model_validate({"name": "A", "price": 1, "description": None})
    text = dump_catalog(Catalog(products={"A": product}))
    assert "    description: null\n" in text
    assert "tangible" not in text and "long_description" not in text
    assert loads(text).products["A"].declared() == {"name", "price", "description"}


@pytest.mark.parametrize(
    "name",
    [
        "yes",
        "No",
        "on",
        "null",
        "~",
        "123",
        "1.50",
        "2027-01-01",
        "true",
        "",
        " lead",
        "trail ",
        "a: b",
        "#x",
        "- x",
        "[x]",
        "{x}",
        "'q'",
        '"d"',
        "x\ty",
        "<<",
        "@at",
        "`tick",
        "%pct",
        "*star",
        "&amp",
        "!bang",
        "|pipe",
        ">gt",
        "0x1F",
        "0o17",
        "1e3",
        ".5",
        "+1",
        "1:30",
        "=",
        "1_000",
        "-.inf",
        ".inf",
        "1e3",
        "multi\nline",
        "multi\nline\n",
        "\nlead newline",
        "trailing spaces  \nx",
        "naïve ☕ 😀",
        "\x00\x07\x1b",
        "\u2028\u0085",
        "\ufeff",
        "a\rb",
        "a\r\nb",
        "tab\tend\t",
    ],
)
def test_awkward_text_round_trips(name: str) -> None:
    option = Option.model_validate({"values": [{"name": name or "x", "surcharge": 0}]})
    catalog = Catalog(
        options={name or "k": option},
        products={
            name or "k": Product.model_validate(
                {"name": name or "x", "price": 1, "description": name or None}
            )
        },
    )
    assert loads(dump_catalog(catalog)) == catalog


@pytest.mark.parametrize("name", ["yes", "null", "123", "2027-01-01", "true", "1.50"])
def test_strings_that_read_as_other_types_are_quoted(name: str) -> None:
    text = dump_catalog(Catalog(products={"P": Product.model_validate({"name": name, "price": 1})}))
    assert f"    name: '{name}'\n" in text


def test_plain_strings_stay_plain() -> None:
    product = Product.model_validate(
        {"name": "Café ☕", "price": 1, "recurring": {"recurrence": "1 Month", "duration": "2 Year"}}
    )
    text = dump_catalog(Catalog(products={"P": product}))
    assert "    name: Café ☕\n" in text
    assert "recurring: {recurrence: 1 Month, duration: 2 Year}" in text


def test_multi_line_text_is_a_literal_block() -> None:
    product = Product.model_validate({"name": "A", "price": 1, "long_description": "first\nsecond\n"})
    text = dump_catalog(Catalog(products={"P": product}))
    assert "    long_description: |\n      first\n      second\n" in text


def test_amounts_and_dates() -> None:
    coupon = Coupon(type="sale", expires=dt.date(2027, 8, 31), percent_off=Decimal("12.5"))
    product = Product.model_validate(
        {"name": "A", "price": "-0.00", "weight": "0.5", "handling": 99999999.99}
    )
    text = dump_catalog(Catalog(coupons={"C": coupon}, products={"P": product}))
    assert "expires: 2027-08-31\n" in text and "percent_off: 12.50\n" in text
    assert "price: 0.00\n" in text and "weight: 0.50\n" in text and "handling: 99999999.99\n" in text
    again = loads(text)
    assert again.products["P"].price == Decimal("0.00") and again.coupons["C"].percent_off == Decimal("12.50")


def test_default_settings_are_omitted_and_others_kept() -> None:
    assert "settings" not in dump_catalog(
        valid("settings: {prune: {options: false}, safety: {max_deletes: 10}}\n")
    )
    text = dump_catalog(valid("settings: {prune: {coupons: true}, safety: {max_changes: 5}}\n"))
    assert text.startswith("settings:\n  prune: {coupons: true}\n  safety: {max_changes: 5}\n")


def _recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


def test_the_recorded_account_exports_and_round_trips() -> None:
    """Live models (every field declared) from the recorded responses: null where the account has nothing."""
    keys = {
        ("product", p["product_id"]): p["vendor_product_id"]
        for p in _recorded("products.list_products.json")["products"]
    }
    sections = {
        "products": _recorded("products.list_products.json")["products"],
        "options": _recorded("products.list_options.json")["options"],
        "coupons": [_recorded("products.detail_coupon.json")["coupon"]],
    }
    live = {
        section: {obj.key: obj.model for item in items if (obj := BY_SECTION[section].from_wire(item, keys))}
        for section, items in sections.items()
    }
    catalog = Catalog.model_validate(live)
    text = dump_catalog(catalog)
    assert "  '123456789':\n    name: Example Product\n" in text
    assert "    pending_url: null\n" in text and "    recurring: null\n" in text
    again = loads(text)
    assert again == catalog
    for section in ("options", "products", "coupons"):
        for key, model in catalog.section(section).items():
            assert again.section(section)[key].declared() == model.declared()
