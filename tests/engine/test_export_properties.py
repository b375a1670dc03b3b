"""Whatever keys and text an account holds, ``export`` writes a file that ``validate`` accepts: what the
catalog cannot declare is left out with a note, never written for the next command to refuse.

The end-to-end round trip (tests/e2e/test_hostile_text.py) creates resources through the API, so it stays
within what one request can carry; this property is pure and reaches keys no URL can hold.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.dumper import dump_catalog
from catalogsync.catalogfile.loader import loads
from catalogsync.catalogfile.rules import MAX_KEY_IN_URL
from catalogsync.export import exported
from catalogsync.shown import KEY_LENGTH, shown
from tests.engine.helpers import catalog, live

SHORT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)
LONG = st.tuples(SHORT, st.integers(300, 5000)).map(lambda drawn: (drawn[0] * drawn[1])[:20_000])
KEY = SHORT | LONG

EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, Any]:
    """Options, products linking them and a coupon linking the products, under any keys."""
    options = draw(st.lists(KEY, min_size=0, max_size=2, unique=True))
    codes = draw(st.lists(KEY, min_size=1, max_size=3, unique=True))
    return {
        "options": {key: {"values": [{"name": "V", "surcharge": "0.00"}]} for key in options},
        "products": {
            code: {"name": draw(SHORT | LONG), "price": "1.00", "options": options} for code in codes
        },
        "coupons": {
            draw(KEY): {"type": "product", "value_off": "1.00", "expires": "2030-01-01", "products": codes}
        },
    }


def too_long(key: str) -> bool:
    return len(quote(key, safe="")) > MAX_KEY_IN_URL


@EXAMPLES
@given(accounts())
@example({"options": {}, "products": {"A" * 4001: {"name": "P", "price": "1.00"}}, "coupons": {}})
def test_an_export_is_a_catalog_the_tool_accepts(account: dict[str, Any]) -> None:
    written, header = exported(live(catalog(**account)))
    text = dump_catalog(written, header=header)
    reread = loads(text)  # raises CatalogError, naming every problem, when the export is refused
    assert reread == written
    options = {key for key in account["options"] if not too_long(key)}
    products = {
        code
        for code, product in account["products"].items()
        if not too_long(code) and set(product["options"]) <= options
    }
    coupons = {
        code
        for code, coupon in account["coupons"].items()
        if not too_long(code) and set(coupon["products"]) <= products
    }
    assert (set(reread.options), set(reread.products), set(reread.coupons)) == (options, products, coupons)
    notes = "\n".join(header)
    for key in (key for resources in account.values() for key in resources if len(key) > KEY_LENGTH):
        assert all(form not in notes for form in (key, shown(key), repr(key))), "a long key named whole"


AMOUNT = st.none() | st.just("1.00")


@st.composite
def lenient_accounts(draw: st.DrawFn) -> dict[str, Any]:
    """Products and coupons whose fields may break the rules between them, as a lenient account holds them (a
    tangible product without handling, a shipping coupon with an amount, a sale coupon with products)."""
    products = {
        f"P{i}": {
            "name": "P",
            "price": "1.00",
            "tangible": draw(st.booleans()),
            "weight": draw(AMOUNT),
            "handling": draw(AMOUNT),
        }
        for i in range(draw(st.integers(1, 3)))
    }
    coupons = {
        f"C{i}": {
            "type": draw(st.sampled_from(["product", "sale", "shipping"])),
            "expires": "2030-01-01",
            "percent_off": draw(st.none() | st.just("10")),
            "value_off": draw(AMOUNT),
            "products": draw(st.lists(st.sampled_from(sorted(products)), unique=True)),
            "all_products": draw(st.booleans()),
        }
        for i in range(draw(st.integers(0, 3)))
    }
    return {"options": {}, "products": products, "coupons": coupons}


@EXAMPLES
@given(lenient_accounts())
@example(
    {
        "options": {},
        "products": {"BOX": {"name": "B", "price": "1.00", "tangible": True, "weight": "1.00"}},
        "coupons": {},
    }
)
def test_an_export_of_fields_the_rules_refuse_leaves_them_out_by_name(account: dict[str, Any]) -> None:
    """The rules between fields hold for what export writes too: a resource that breaks one is named in the
    header, not written for ``validate`` to refuse the whole file."""
    written, header = exported(live(catalog(**account)))
    reread = loads(dump_catalog(written, header=header))
    notes = "\n".join(header)
    for section in ("products", "coupons"):
        for key in set(account[section]) - set(reread.section(section)):
            assert f"{section[:-1]} {key!r}:" in notes, (key, notes)
