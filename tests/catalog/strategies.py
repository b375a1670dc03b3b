"""Hypothesis strategies of the catalog and engine tests: YAML-ish text, edits of the example, random
documents, valid resources and catalogs."""

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
        elif lines := text.splitlines(keepends=True):  # deletions may have left no line to repeat
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


# Valid resources and catalogs

TEXT = st.text(min_size=1, max_size=20)
KEYS = st.text(min_size=1, max_size=12)
MONEY = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)
PERCENT = st.decimals(min_value=Decimal("0.01"), max_value=100, places=2)
PERIOD = st.builds("{} {}".format, st.integers(1, 999), st.sampled_from(["Week", "Month", "Year"]))


OPTIONS = st.lists(
    st.fixed_dictionaries({"name": TEXT, "surcharge": MONEY}),
    min_size=1,
    max_size=4,
    unique_by=lambda v: v["name"],
).map(lambda values: Option.model_validate({"values": values}))


@st.composite
def products(draw: st.DrawFn, options: list[str]) -> Product:
    data: dict[str, Any] = {"name": draw(TEXT), "price": draw(MONEY)}
    optional = {
        "description": st.none() | st.text(min_size=1),
        "long_description": st.none() | st.text(min_size=1),
        "tangible": st.booleans(),
        "weight": st.none() | MONEY,
        "handling": st.none() | MONEY,
        "recurring": st.none()
        | st.fixed_dictionaries({"recurrence": PERIOD}, optional={"duration": PERIOD, "startup_fee": MONEY}),
        "commission": st.none()
        | st.fixed_dictionaries({"type": st.sampled_from(["amount", "percentage"]), "amount": MONEY}),
        "approved_url": st.none() | st.text(min_size=1),
        "pending_url": st.none() | st.text(min_size=1),
        "options": st.lists(st.sampled_from(options)) if options else st.just([]),
        "categories": st.lists(st.integers(1, 10**6)),
    }
    for name in draw(st.sets(st.sampled_from(sorted(optional)))):
        data[name] = draw(optional[name])
    if data.get("tangible"):
        data["weight"], data["handling"] = draw(MONEY), draw(MONEY)
    return Product.model_validate(data)


@st.composite
def coupons(draw: st.DrawFn, products: list[str]) -> Coupon:
    kind = draw(st.sampled_from(["sale", "product", "shipping"] if products else ["sale", "shipping"]))
    data: dict[str, Any] = {"type": kind, "expires": draw(st.dates())}
    if kind != "shipping":
        discount = draw(st.sampled_from(["percent_off", "value_off"]))
        data[discount] = draw(PERCENT if discount == "percent_off" else MONEY)
    if kind == "product" and draw(st.booleans()):
        data["all_products"] = True
    elif kind == "product":
        data["products"] = draw(st.lists(st.sampled_from(products), min_size=1))
    if draw(st.booleans()):
        data["minimum_purchase"] = draw(st.none() | MONEY)
    return Coupon.model_validate(data)


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    options = draw(st.dictionaries(KEYS, OPTIONS, max_size=3))
    product_map = draw(st.dictionaries(KEYS, products(sorted(options)), max_size=4))
    coupon_map = draw(st.dictionaries(KEYS, coupons(sorted(product_map)), max_size=4))
    settings_data = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "prune": st.fixed_dictionaries(
                    {}, optional={k: st.booleans() for k in ("options", "products")}
                ),
                "protected": st.fixed_dictionaries({}, optional={"coupons": st.lists(KEYS, max_size=3)}),
                "safety": st.fixed_dictionaries({}, optional={"max_deletes": st.integers(0, 10**6)}),
            },
        )
    )
    return Catalog(
        settings=Settings.model_validate(settings_data),
        options=options,
        products=product_map,
        coupons=coupon_map,
    )
