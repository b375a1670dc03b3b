"""Cross-field and cross-resource rules, reported in the same pass and located."""

from __future__ import annotations

import pytest

from tests.catalog.helpers import problems, valid

SIZE = "options:\n  Size: {values: [{name: S, surcharge: 0}]}\n"
TEE = "products:\n  TEE: {name: Tee, price: 1}\n"


def test_product_options_must_be_declared() -> None:
    text = SIZE + "products:\n  X:\n    name: A\n    price: 1\n    options: [Size, Color, Shape]\n"
    assert problems(text) == [
        (7, 21, "products.X.options[1]", "option 'Color' is not declared under options"),
        (7, 28, "products.X.options[2]", "option 'Shape' is not declared under options"),
    ]


def test_coupon_products_must_be_declared() -> None:
    text = (
        TEE + "coupons:\n  C: {type: product, percent_off: 5, products: [TEE, GONE], expires: 2027-01-01}\n"
    )
    assert problems(text) == [
        (4, 54, "coupons.C.products[1]", "product 'GONE' is not declared under products")
    ]


def test_a_reference_to_an_invalid_resource_is_not_dangling() -> None:
    text = "options:\n  Size: {values: []}\nproducts:\n  X: {name: A, price: 1, options: [Size]}\n"
    assert problems(text) == [(2, 18, "options.Size.values", "an option needs at least one value")]


@pytest.mark.parametrize(
    ("coupon", "expected"),
    [
        (
            "{type: sale, expires: 2027-01-01}",
            [(4, 6, "coupons.C", "a sale coupon needs percent_off or value_off")],
        ),
        (
            "{type: sale, percent_off: 5, value_off: 1, expires: 2027-01-01}",
            [(4, 46, "coupons.C.value_off", "a sale coupon takes percent_off or value_off, not both")],
        ),
        (
            "{type: product, all_products: true, expires: 2027-01-01}",
            [(4, 6, "coupons.C", "a product coupon needs percent_off or value_off")],
        ),
        (
            "{type: shipping, percent_off: 5, value_off: 1, expires: 2027-01-01}",
            [
                (4, 36, "coupons.C.percent_off", "a shipping coupon takes no percent_off"),
                (4, 50, "coupons.C.value_off", "a shipping coupon takes no value_off"),
            ],
        ),
        (
            "{type: product, value_off: 1, expires: 2027-01-01}",
            [(4, 6, "coupons.C", "a product coupon needs products (a non-empty list) or all_products: true")],
        ),
        (
            "{type: product, value_off: 1, products: [], expires: 2027-01-01}",
            [(4, 6, "coupons.C", "a product coupon needs products (a non-empty list) or all_products: true")],
        ),
        (
            "{type: product, value_off: 1, products: [TEE], all_products: true, expires: 2027-01-01}",
            [
                (
                    4,
                    67,
                    "coupons.C.all_products",
                    "a product coupon lists products or has all_products: true, not both",
                )
            ],
        ),
        (
            "{type: sale, value_off: 1, products: [TEE], all_products: true, expires: 2027-01-01}",
            [
                (4, 43, "coupons.C.products", "only product coupons list products (this is a sale coupon)"),
                (
                    4,
                    64,
                    "coupons.C.all_products",
                    "only product coupons take all_products (this is a sale coupon)",
                ),
            ],
        ),
        (
            "{type: shipping, all_products: true, expires: 2027-01-01}",
            [
                (
                    4,
                    37,
                    "coupons.C.all_products",
                    "only product coupons take all_products (this is a shipping coupon)",
                )
            ],
        ),
    ],
    ids=[
        "sale-no-discount",
        "sale-both",
        "product-no-discount",
        "shipping-discounts",
        "product-no-products",
        "product-empty-products",
        "product-both-targets",
        "sale-targets",
        "shipping-all-products",
    ],
)
def test_coupon_rules(coupon: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert problems(TEE + f"coupons:\n  C: {coupon}\n") == expected


@pytest.mark.parametrize(
    "coupon",
    [
        "{type: sale, percent_off: 10, expires: 2027-01-01, products: [], all_products: false}",
        "{type: sale, value_off: 10, minimum_purchase: 20, expires: 2027-01-01}",
        "{type: product, percent_off: 15, all_products: true, expires: 2027-01-01}",
        "{type: product, value_off: 5, products: [TEE], expires: 2027-01-01}",
        "{type: shipping, expires: 2027-01-01}",
    ],
)
def test_valid_coupons(coupon: str) -> None:
    assert "C" in valid(TEE + f"coupons:\n  C: {coupon}\n").coupons


def test_tangible_product_needs_a_weight_and_handling() -> None:
    text = (
        "products:\n"
        "  A: {name: A, price: 1, tangible: true, handling: 1}\n"
        "  B: {name: B, price: 1, tangible: true, weight: null, handling: 1}\n"
        "  C: {name: C, price: 1, tangible: true, weight: 1}\n"
    )
    weight, handling = (
        f"a tangible product needs a {name} value (the API requires weight and handling)"
        for name in ("weight", "handling")
    )
    assert problems(text) == [
        (2, 36, "products.A.tangible", weight),
        (3, 36, "products.B.tangible", weight),
        (4, 36, "products.C.tangible", handling),
    ]


def test_weight_rule_only_applies_when_tangible_is_declared_true() -> None:
    text = (
        "products:\n"
        "  A: {name: A, price: 1}\n"
        "  B: {name: B, price: 1, tangible: false}\n"
        "  C: {name: C, price: 1, tangible: true, weight: 0.50, handling: 0.00}\n"
    )
    assert set(valid(text).products) == {"A", "B", "C"}


def test_protected_keys_may_name_undeclared_resources() -> None:
    text = "settings:\n  protected: {options: [Gone], products: [LTP-003], coupons: [OLD]}\n"
    assert valid(text).settings.protected.products == ["LTP-003"]


def test_empty_keys_are_refused() -> None:
    text = (
        "settings:\n  protected: {products: [A, '']}\n"
        "options:\n  '': {values: [{name: S, surcharge: 0}]}\n"
        'coupons:\n  "": {type: shipping, expires: 2027-01-01}\n'
    )
    assert problems(text) == [
        (2, 29, "settings.protected.products[1]", "a key must not be empty"),
        (4, 3, 'options[""]', "a key must not be empty"),
        (6, 3, 'coupons[""]', "a key must not be empty"),
    ]


def test_rules_and_model_errors_in_one_pass() -> None:
    text = (
        "products:\n"
        "  A: {name: A, price: 1.001}\n"
        "  B: {name: B, price: 1, options: [Nope]}\n"
        "coupons:\n"
        "  C: {type: shipping, value_off: 1, expires: 2027-01-01}\n"
    )
    assert [path for _, _, path, _ in problems(text)] == [
        "products.A.price",
        "products.B.options[0]",
        "coupons.C.value_off",
    ]
