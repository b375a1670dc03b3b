"""Offline rules of renames (``previous_keys``) and adoptions (``adopt:``), located at file:line:column."""

from __future__ import annotations

import pytest

from tests.catalog.helpers import problems, valid


def test_previous_keys_are_not_empty_not_declared_and_claimed_once() -> None:
    text = """\
        products:
          A: {name: A, price: 1, previous_keys: [OLD, "", B, OLD]}
          B: {name: B, price: 1, previous_keys: [OLD]}
        """
    assert problems(text) == [
        (2, 47, "products.A.previous_keys[1]", "a previous key must not be empty"),
        (
            2,
            51,
            "products.A.previous_keys[2]",
            "'B' is declared under products: a previous key must not be a key too",
        ),
        (2, 54, "products.A.previous_keys[3]", "the previous key 'OLD' is claimed twice"),
        (3, 42, "products.B.previous_keys[0]", "the previous key 'OLD' is claimed by product 'A' too"),
    ]


@pytest.mark.parametrize(
    ("section", "entry"),
    [
        ("options", "Size: {values: [{name: S, surcharge: 0}], previous_keys: [Taille]}"),
        ("products", "TEE: {name: Tee, price: 1, previous_keys: [T-OLD]}"),
        ("coupons", "SALE: {type: sale, percent_off: 5, expires: 2027-01-01, previous_keys: [SALE-OLD]}"),
    ],
)
def test_every_kind_takes_previous_keys_that_are_not_its_fields(section: str, entry: str) -> None:
    catalog = valid(f"{section}:\n  {entry}\n")
    (model,) = catalog.section(section).values()
    assert model.previous_keys and "previous_keys" not in model.declared()
    assert "previous_keys" not in model.model_dump()


def test_a_key_of_another_kind_may_be_a_previous_key() -> None:
    text = "options:\n  TEE: {values: [{name: S, surcharge: 0}]}\n"
    text += "products:\n  T2: {name: T, price: 1, previous_keys: [TEE]}\n"
    assert valid(text).products["T2"].previous_keys == ["TEE"]


def test_an_adopted_key_is_declared_and_an_id_adopted_once() -> None:
    text = """\
        products:
          A: {name: A, price: 1}
        adopt:
          products: {A: "4635212971", C: "4635212971"}
        """
    assert problems(text) == [
        (4, 31, "adopt.products.C", "product 'C' is not declared under products: declare what it adopts"),
        (4, 34, "adopt.products.C", "id 4635212971 is adopted twice (as 'A' too)"),
    ]


@pytest.mark.parametrize(
    ("adopt", "expected"),
    [
        ("products: {A: 4635212971}", "expected text, got 4635212971 (quote it)"),
        ('products: {A: "46-35"}', "'46-35' is not a vendor id"),
        ('options: {Size: "1"}', "options need no adoption"),
        ('coupons: {SALE: "1"}', "coupons need no adoption"),
    ],
)
def test_adopt_entries_are_vendor_ids_of_products(adopt: str, expected: str) -> None:
    text = f"products:\n  A: {{name: A, price: 1}}\nadopt:\n  {adopt}\n"
    ((line, _, path, message),) = problems(text)
    assert line == 4 and path.startswith("adopt.") and expected in message, message


def test_a_protected_key_renamed_keeps_its_protection_only_when_the_new_key_is_protected() -> None:
    text = """\
        settings:
          protected: {products: [LW-500]}
        products:
          LW-NEW: {name: Lead weights, price: 25, previous_keys: [LW-500]}
        """
    assert problems(text) == [
        (
            4,
            59,
            "products.LW-NEW.previous_keys[0]",
            "'LW-500' is protected (settings.protected.products): protect 'LW-NEW' too, or the renamed"
            " product is no longer protected",
        )
    ]
    valid(text.replace("[LW-500]}\n        products", "[LW-500, LW-NEW]}\n        products"))
