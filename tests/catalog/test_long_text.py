"""No problem message repeats a long key or value whole: a key is named by its first 57 characters and
``...`` (docs/catalog.md), a value's text by its first 37; the line and column tell them apart."""

from __future__ import annotations

import pytest

from tests.catalog.helpers import problems

K = "K" * 100
"""A key longer than any message names whole (``KEY_LENGTH``, 60)."""
V = "V" * 100
"""A value's text longer than any message quotes whole (``VALUE_LENGTH``, 40)."""
PRODUCT = "{name: A, price: 1}"

CASES = {
    "a link to an undeclared option": f"products:\n  A: {{name: A, price: 1, options: [{K}]}}\n",
    "a link to an undeclared product": (
        f"coupons:\n  C: {{type: product, percent_off: 10, expires: 2030-01-01, products: [{K}]}}\n"
    ),
    "a duplicate key": f"products:\n  {K}: {PRODUCT}\n  {K}: {PRODUCT}\n",
    "a previous key that is a key": (
        f"products:\n  {K}: {PRODUCT}\n  B: {{name: B, price: 1, previous_keys: [{K}]}}\n"
    ),
    "a previous key claimed twice": (
        f"products:\n  A: {{name: A, price: 1, previous_keys: [{K}]}}\n"
        f"  {K[:-1]}: {{name: B, price: 1, previous_keys: [{K}]}}\n"
    ),
    "a protected key renamed": (
        f"settings: {{protected: {{products: [{K}]}}}}\n"
        f"products:\n  {K[:-1]}: {{name: A, price: 1, previous_keys: [{K}]}}\n"
    ),
    "an adopted key not declared": f"adopt: {{products: {{{K}: '1'}}}}\n",
    "an id adopted twice": (
        f"adopt: {{products: {{{K}: '1', A: '1'}}}}\nproducts:\n  A: {PRODUCT}\n  {K}: {PRODUCT}\n"
    ),
    "an option value name twice": (
        f"options:\n  O:\n    values: [{{name: {V}, surcharge: 0}}, {{name: {V}, surcharge: 1}}]\n"
    ),
    "a price that is no number": f"products:\n  A: {{name: A, price: {V}}}\n",
    "a recurrence that is none": f"products:\n  A: {{name: A, price: 1, recurring: {{recurrence: {V}}}}}\n",
    "a duration that is none": (
        f"products:\n  A: {{name: A, price: 1, recurring: {{recurrence: 1 Month, duration: {V}}}}}\n"
    ),
    "an account that is no vendor id": f"settings: {{account: '{V}'}}\n",
    "a value of the wrong type": f"products:\n  A: {{name: A, price: 1, tangible: {V}}}\n",
}


@pytest.mark.parametrize("case", CASES)
def test_a_message_names_a_long_key_or_value_by_its_beginning(case: str) -> None:
    found = problems(CASES[case])
    assert found, case
    for *_, message in found:
        assert K not in message and V not in message, message
        assert len(message) < 240, message
    messages = " ".join(message for *_, message in found)
    assert any(f"'{text}...'" in messages for text in (K[:57], V[:57], V[:37])), messages
