"""Valid catalogs: exact decimals, declared fields, keys, booleans, YAML conveniences."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalogsync.catalog import Catalog, Settings
from catalogsync.catalogfile.loader import loads
from catalogsync.errors import CatalogError
from catalogsync.kinds import Product
from catalogsync.kinds.base import to_decimal
from tests.catalog.helpers import problems, valid


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("19.99", "19.99"),
        ("0.1", "0.10"),
        ("0.50", "0.50"),
        ("20", "20.00"),
        ("1_000.5", "1000.50"),
        ("'12.34'", "12.34"),
        ("99999999.99", "99999999.99"),
        ("1.5e+1", "15.00"),
        ("0", "0.00"),
    ],
)
def test_amounts_are_exact_decimals(written: str, expected: str) -> None:
    price = valid(f"products:\n  X: {{name: A, price: {written}}}\n").products["X"].price
    assert isinstance(price, Decimal)
    assert str(price) == expected


def test_float_text_never_goes_through_binary_floats() -> None:
    values = valid("options:\n  O: {values: [{name: a, surcharge: 0.29}, {name: b, surcharge: 1.15}]}\n")
    assert [str(v.surcharge) for v in values.options["O"].values] == ["0.29", "1.15"]


def test_declared_fields_are_exactly_those_written() -> None:
    text = (
        "products:\n"
        "  X:\n"
        "    name: A\n"
        "    price: 1\n"
        "    description: null\n"
        "    recurring: {recurrence: 1 Month}\n"
        "coupons:\n"
        "  C: {type: shipping, expires: 2027-01-01}\n"
    )
    catalog = valid(text)
    product = catalog.products["X"]
    assert product.declared() == {"name", "price", "description", "recurring"}
    assert product.recurring is not None and product.recurring.declared() == {"recurrence"}
    assert product.recurring.duration == "Forever"
    assert catalog.coupons["C"].declared() == {"type", "expires"}
    assert catalog.coupons["C"].expires == dt.date(2027, 1, 1)


def test_models_that_declare_the_same_fields_share_their_set_and_stay_apart() -> None:
    catalog = valid(
        "products:\n  A: {name: A, price: 1}\n  B: {name: B, price: 2}\n  C: {name: C, price: 3}\n"
    )
    a, b, c = catalog.products.values()
    assert a.model_fields_set is b.model_fields_set  # one set for the three
    changed = a.model_copy(update={"description": "new"})
    assert changed.declared() == {"name", "price", "description"}
    assert a.declared() == b.declared() == c.declared() == {"name", "price"}
    handled = Product.live({"name": "D", "price": "4.00", "handling": "1.00"})
    assert handled.declared() == {"name", "price", "handling"}
    assert (a.declared(), Product.live({"name": "E", "price": "5.00"}).declared()) == ({"name", "price"},) * 2


def test_numeric_and_date_keys_are_kept_as_written() -> None:
    text = (
        "products:\n  123456789: {name: A, price: 1}\n  007: {name: B, price: 1}\n  1.50: {name: C, price: 1}"
    )
    assert sorted(valid(text).products) == ["007", "1.50", "123456789"]
    assert list(valid("coupons:\n  2027-01-01: {type: shipping, expires: 2027-01-01}\n").coupons) == [
        "2027-01-01"
    ]


def test_only_true_and_false_are_booleans() -> None:
    text = (
        "options:\n"
        "  Gift wrap:\n"
        "    values: [{name: Yes, surcharge: 1}, {name: No, surcharge: 0}, {name: on, surcharge: 0}]\n"
        "products:\n"
        "  NO: {name: Off, price: 1, tangible: True, weight: 1, handling: 0}\n"
        "  Y: {name: y, price: 1, tangible: FALSE}\n"
    )
    catalog = valid(text)
    assert [v.name for v in catalog.options["Gift wrap"].values] == ["Yes", "No", "on"]
    assert (catalog.products["NO"].name, catalog.products["NO"].tangible) == ("Off", True)
    assert catalog.products["Y"].tangible is False


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n", "---\n", "~\n", "options:\nproducts:\ncoupons:\nsettings:\n"]
)
def test_empty_files_and_sections_are_an_empty_catalog(text: str) -> None:
    assert loads(text) == Catalog()


def test_settings_are_read_and_default_when_left_out() -> None:
    text = "settings:\n  prune: {products: true}\n  protected: {coupons: [OLD]}\n  safety: {max_deletes: 0}\n"
    settings = valid(text).settings
    assert (settings.prune.products, settings.prune.options) == (True, False)
    assert settings.protected.coupons == ["OLD"]
    assert (settings.safety.max_deletes, settings.safety.max_changes) == (0, 1000)
    assert valid("settings: {}\n").settings == Settings()


def test_anchors_aliases_and_merge_keys() -> None:
    merged = loads(
        "options:\n  Size: &sizes {values: [{name: S, surcharge: 0}]}\n  Fit: *sizes\n"
        "products:\n"
        "  RED: &tee {name: Red, price: 19.99, tangible: true, weight: 0.50, handling: 0}\n"
        "  BLUE: {<<: *tee, name: Blue, price: 21.00}\n"
    )
    assert merged.options["Fit"] == merged.options["Size"]
    blue = merged.products["BLUE"]
    assert (blue.name, str(blue.price), blue.tangible, str(blue.weight)) == ("Blue", "21.00", True, "0.50")
    assert blue.declared() == {"name", "price", "tangible", "weight", "handling"}


def test_merge_of_a_list_of_mappings_earlier_wins() -> None:
    catalog = loads(
        "products:\n"
        "  A: &a {name: A, price: 1}\n"
        "  B: &b {name: B, price: 2, description: b}\n"
        "  C: {<<: [*a, *b], handling: 3}\n"
    )
    c = catalog.products["C"]
    assert (c.name, str(c.price), c.description, str(c.handling)) == ("A", "1.00", "b", "3.00")


def test_merge_of_a_scalar_is_a_problem() -> None:
    assert problems("products:\n  A: {<<: 5, name: A, price: 1}\n") == [
        (2, 11, "products.A", "'<<' merges a mapping or a list of mappings")
    ]


def test_unicode_keys_and_text() -> None:
    catalog = valid('products:\n  CAFÉ-☕: {name: Café crème 😀, price: 3.20, description: "naïve\\ttab"}\n')
    product = catalog.products["CAFÉ-☕"]
    assert (product.name, product.description) == ("Café crème 😀", "naïve\ttab")


def test_byte_order_mark_in_text() -> None:
    assert set(loads("\ufeffproducts:\n  X: {name: A, price: 1}\n").products) == {"X"}


def test_lists_are_normalised_by_the_models() -> None:
    text = "options:\n  A: {values: [{name: a, surcharge: 0}]}\n  B: {values: [{name: b, surcharge: 0}]}\n"
    text += "products:\n  X: {name: A, price: 1, options: [B, A, B], categories: [17, 2, 17]}\n"
    product = valid(text).products["X"]
    assert (product.options, product.categories) == (["A", "B"], [2, 17])


def test_numbers_follow_yaml_1_2() -> None:
    catalog = valid(
        "products:\n"
        "  X: {name: =, price: 1e1, categories: [0o17, 0x1F, +3, 017]}\n"
        "  1:30: {name: '1', price: .5}\n"
    )
    x = catalog.products["X"]
    assert (x.name, str(x.price), x.categories) == ("=", "10.00", [3, 15, 17, 31])
    assert str(catalog.products["1:30"].price) == "0.50"
    assert problems("coupons:\n  C: {type: sale, percent_off: 1:30, expires: 2027-01-01}\n") == [
        (2, 32, "coupons.C.percent_off", "'1:30' is not a number")
    ]


def test_long_source_text_is_shortened_in_messages() -> None:
    ((_, _, path, message),) = problems(
        "products:\n  X: {name: A, price: 1, categories: [" + "9" * 5000 + "]}\n"
    )
    assert path == "products.X.categories[0]"
    assert message == f"'{'9' * 37}...' is not a valid !!int value"


ASCII_NUMBER = re.compile(r"[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?", re.ASCII)
"""The same grammar as catalogsync's, written independently (``\\d`` under re.ASCII)."""


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=12),
        st.from_regex(r"\s?[+-]?[0-9_\u0661\uff11\u0663.]{1,8}([eE][+-]?[0-9]{1,3})?\s?", fullmatch=True),
    )
)
def test_text_is_a_number_only_when_written_as_one(text: str) -> None:
    """Whatever ``Decimal`` would make of it (other scripts' digits, "Infinity", "NaN"), a text is an amount
    exactly when it is written in ASCII digits, and then it is that number."""
    try:
        number = to_decimal(text)
    except ValueError as error:
        assert not ASCII_NUMBER.fullmatch(text.strip()) and str(error) == f"{text!r} is not a number"
    else:
        assert ASCII_NUMBER.fullmatch(text.strip()) and number == Decimal(text.strip())


@pytest.mark.parametrize(
    "written", ['"\u0661\u0660"', '"\uff11\uff10"', '"1__0"', '"NaN"', '"Infinity"', '" \uff15 "']
)
def test_an_amount_in_other_digits_is_a_located_problem(written: str) -> None:
    text = f"products:\n  X: {{name: A, price: {written}}}\n"
    assert problems(text) == [(2, 23, "products.X.price", f"{written.strip(chr(34))!r} is not a number")]


@settings(max_examples=300, deadline=None)
@example("<<")
@given(st.text(st.sampled_from("<=&*%@`:-?#|>'\" ab1.~"), min_size=1, max_size=6))
def test_a_value_written_without_a_tag_is_never_refused_for_a_tag(scalar: str) -> None:
    """A scalar without a tag is text, a number, a boolean, null or a date, or a problem about what it is,
    never about a tag: ``name: <<`` is the text ``<<`` (YAML 1.1's merge type is for keys; 1.2 has none)."""
    try:
        catalog = loads(f"products:\n  X:\n    name: {scalar}\n    price: 1\n")
    except CatalogError as error:
        assert not any("tag" in problem.message for problem in error.problems), error
    else:
        assert scalar != "<<" or catalog.products["X"].name == "<<"
