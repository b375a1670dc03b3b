"""Hypothesis strategies of the catalog tests: YAML-ish text, edits of the example, random documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from catalogsync.catalog import Catalog, Settings
from catalogsync.kinds import Coupon, Option, Product

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "catalog.yaml").read_text(encoding="utf-8")

YAMLISH = st.text(
    alphabet=st.sampled_from(
        [*":-[]{},#&*!|>'\"%@`?<= \t\n.0123456789eE+_~yesnoTrueFalse", "é", "😀", "\x00", "\ufeff", "\x85"]
    )
)


@st.composite
def mutations(draw: st.DrawFn, text: str = EXAMPLE) -> str:
    """``text`` after a few random insertions, deletions and repeated lines."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["insert", "delete", "duplicate-line"]))
        if edit == "insert":
            text = text[:at] + draw(YAMLISH.filter(bool)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        else:
            lines = text.splitlines(keepends=True)
            index = draw(st.integers(0, len(lines) - 1))
            text = "".join([*lines[: index + 1], lines[index], *lines[index + 1 :]])
    return text


FIELD_NAMES = [
    *Catalog.model_fields, *Product.model_fields, *Coupon.model_fields, *Option.model_fields,
    *Settings.model_fields, "name", "surcharge", "recurrence", "duration", "startup_fee", "type", "amount",
    "max_deletes", "TSHIRT", "123",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.decimals(allow_nan=True),
    st.text(max_size=10),
    st.dates(),
    st.sampled_from(
        ["yes", "1 Month", "Forever", "sale", "product", "shipping", "percentage", "-1", "1e999"]
    ),
)
STRUCTURES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=30,
)


def plain(value: Any) -> Any:
    """Decimals as their text so PyYAML can write them; everything else as is."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
