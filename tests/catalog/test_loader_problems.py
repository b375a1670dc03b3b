"""Invalid catalogs: each problem is reported with its exact line, column, path and message."""

from __future__ import annotations

import pytest

from tests.catalog.helpers import problems

PRODUCT = "products:\n  X: {{name: A, price: 1{}}}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "products:\n  X:\n    name: A\n    price: 1.999\n",
            [(4, 12, "products.X.price", "1.999 has more than two decimal places")],
        ),
        ("products:\n  X: {name: A, price: -1}\n", [(2, 23, "products.X.price", "must not be negative")]),
        (
            "products:\n  X: {name: A, price: .nan, weight: .inf}\n",
            [
                (2, 23, "products.X.price", "'nan' is not a finite number"),
                (2, 37, "products.X.weight", "'inf' is not a finite number"),
            ],
        ),
        (
            "products:\n  X: {name: A, price: 100000000, handling: 1.0e+400}\n",
            [
                (2, 23, "products.X.price", "must be at most 99999999.99"),
                (2, 44, "products.X.handling", "must be at most 99999999.99"),
            ],
        ),
        (
            "products:\n  X: {name: A, price: true}\n",
            [(2, 23, "products.X.price", "expected a number, got true")],
        ),
        ("products:\n  X: {name: A, price: yes}\n", [(2, 23, "products.X.price", "'yes' is not a number")]),
        (
            PRODUCT.format(", tangible: yes"),
            [(2, 36, "products.X.tangible", "expected true or false, got 'yes'")],
        ),
        (PRODUCT.format(", tangible: 1"), [(2, 36, "products.X.tangible", "expected true or false, got 1")]),
        (
            "products:\n  X: {name: 12, price: 1}\n",
            [(2, 13, "products.X.name", "expected text, got 12 (quote it)")],
        ),
        ("products:\n  X: {name: '', price: 1}\n", [(2, 13, "products.X.name", "must not be empty")]),
        (
            PRODUCT.format(", categories: [a, 2]"),
            [(2, 39, "products.X.categories[0]", "expected a whole number, got 'a'")],
        ),
        (
            PRODUCT.format(", categories: [0]"),
            [(2, 38, "products.X.categories", "category ids are positive integers")],
        ),
        (
            PRODUCT.format(", options: Size"),
            [(2, 35, "products.X.options", "expected a list, got 'Size'")],
        ),
    ],
    ids=[
        "three-decimals",
        "negative",
        "nan-inf",
        "huge",
        "bool-price",
        "yes-price",
        "yes-bool",
        "int-bool",
        "number-name",
        "empty-name",
        "category-text",
        "category-zero",
        "options-not-list",
    ],
)
def test_value_problems(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert problems(text) == expected


def test_missing_fields_point_at_the_parent_mapping() -> None:
    assert problems("products:\n  X:\n    description: d\n") == [
        (3, 5, "products.X.name", "required field is missing"),
        (3, 5, "products.X.price", "required field is missing"),
    ]
    assert problems("options:\n  Size: {}\n") == [(2, 9, "options.Size.values", "required field is missing")]
    assert problems("coupons:\n  C:\n    percent_off: 5\n") == [
        (3, 5, "coupons.C.type", "required field is missing"),
        (3, 5, "coupons.C.expires", "required field is missing"),
    ]


def test_missing_field_of_a_list_item() -> None:
    text = "options:\n  Size:\n    values:\n      - {name: S, surcharge: 0}\n      - {name: L}\n"
    assert problems(text) == [(5, 9, "options.Size.values[1].surcharge", "required field is missing")]


def test_unknown_field_points_at_its_key_and_suggests() -> None:
    text = "products:\n  X:\n    name: A\n    price: 1\n    prise: 2\n    colour: red\n"
    assert problems(text) == [
        (5, 5, "products.X.prise", "unknown field (did you mean 'price'?)"),
        (6, 5, "products.X.colour", "unknown field"),
    ]


def test_unknown_nested_field() -> None:
    text = PRODUCT.format(", recurring: {recurrence: 1 Month, durations: Forever}")
    assert problems(text) == [
        (2, 59, "products.X.recurring.durations", "unknown field (did you mean 'duration'?)")
    ]


def test_option_value_surcharge_path() -> None:
    text = (
        "options:\n  Size:\n    values:\n      - {name: S, surcharge: 0}\n      - {name: L, surcharge: abc}\n"
    )
    assert problems(text) == [(5, 30, "options.Size.values[1].surcharge", "'abc' is not a number")]


def test_option_rules_from_the_model() -> None:
    text = (
        "options:\n"
        "  Size:\n"
        "    values: [{name: S, surcharge: 0}, {name: S, surcharge: 1}]\n"
        "  Empty: {values: []}\n"
    )
    assert problems(text) == [
        (3, 13, "options.Size.values", "value name 'S' appears more than once"),
        (4, 19, "options.Empty.values", "an option needs at least one value"),
    ]


def test_recurrence_and_duration_messages() -> None:
    text = PRODUCT.format(", recurring: {recurrence: 1 Day, duration: Never}")
    assert problems(text) == [
        (
            2,
            50,
            "products.X.recurring.recurrence",
            "'1 Day' is not 'N Week', 'N Month' or 'N Year' (N from 1 to 999)",
        ),
        (
            2,
            67,
            "products.X.recurring.duration",
            "'Never' is not 'Forever' or 'N Week', 'N Month' or 'N Year' (N from 1 to 999)",
        ),
    ]


def test_commission_type_and_amount() -> None:
    text = PRODUCT.format(", commission: {type: percent, amount: 1.005}")
    assert problems(text) == [
        (2, 45, "products.X.commission.type", "expected 'amount' or 'percentage', got 'percent'"),
        (2, 62, "products.X.commission.amount", "1.005 has more than two decimal places"),
    ]


def test_dates() -> None:
    text = (
        "coupons:\n"
        "  A: {type: sale, percent_off: 5, expires: 2027-02-30}\n"
        "  B: {type: sale, percent_off: 5, expires: '2027-01-01'}\n"
        "  C: {type: sale, percent_off: 5, expires: 2027-01-01 10:00:00}\n"
        "  D: {type: sale, percent_off: 101, expires: 2027-01-01}\n"
    )
    assert problems(text) == [
        (2, 44, "coupons.A.expires", "'2027-02-30' is not a valid date: day is out of range for month"),
        (3, 44, "coupons.B.expires", "expected a date written YYYY-MM-DD without quotes, got '2027-01-01'"),
        (
            4,
            44,
            "coupons.C.expires",
            "expected a date written YYYY-MM-DD without quotes, got 2027-01-01T10:00:00",
        ),
        (5, 32, "coupons.D.percent_off", "percent_off must be more than 0 and at most 100"),
    ]


def test_coupon_type_literal() -> None:
    assert problems("coupons:\n  A: {type: discount, expires: 2027-01-01}\n") == [
        (2, 13, "coupons.A.type", "expected 'sale', 'product' or 'shipping', got 'discount'")
    ]


def test_settings_problems() -> None:
    text = (
        "settings:\n"
        "  prune: {options: yes, product: true}\n"
        "  protected: {products: LTP-003, coupons: [1]}\n"
        "  safety: {max_deletes: -1, max_changes: 1.5}\n"
        "  colour: red\n"
    )
    assert problems(text) == [
        (2, 20, "settings.prune.options", "expected true or false, got 'yes'"),
        (2, 25, "settings.prune.product", "unknown field (did you mean 'products'?)"),
        (3, 25, "settings.protected.products", "expected a list, got 'LTP-003'"),
        (3, 44, "settings.protected.coupons[0]", "expected text, got 1 (quote it)"),
        (4, 25, "settings.safety.max_deletes", "must be 0 or more, got -1"),
        (4, 42, "settings.safety.max_changes", "expected a whole number, got 1.5"),
        (5, 3, "settings.colour", "unknown field"),
    ]


def test_settings_must_be_a_mapping() -> None:
    assert problems("settings: [prune]\n") == [(1, 11, "settings", "expected a mapping, got a list")]
