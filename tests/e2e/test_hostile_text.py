"""Hostile text, end to end: whatever text an account holds comes back exactly, through every stage.

Text that looks like something else (``null``, ``~``, ``true``, ``0``, ``1.10``, padded, multi-line, markup,
emoji, right-to-left, 3,000 characters) is created through the client in every text field of every kind and
in keys, with amounts as a script sends them (``0``, ``1.5``, the largest) and a coupon of every type; then
``export`` -> ``validate`` -> ``plan`` (empty) -> ``apply`` to an empty account, and the two accounts must
hold the same text. Unit tests of one decoder cannot find what this round trip finds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.api import Client
from catalogsync.catalogfile.rules import MAX_KEY_IN_URL
from catalogsync.sandbox import Sandbox

LOOKALIKES = [
    *("null", "NULL", "Null", "None", "nil", "~", "true", "True", "false", "yes", "no", "on", "off", "y"),
    *("0", "1", "-1", "1.10", "0.50", "1e3", "0x1F", "0o17", ".inf", "-.nan", "1:30", "2027-12-31"),
    *(" padded ", "  leading", "trailing  ", " ", "\ttab\tinside", "line one\nline two", "ends with\n"),
    *("\nstarts with a newline", "a\r\nb", "a\rb", "x\u2028y\u0085z", "\ufeffbom"),
    *("<b>bold</b> &amp; \"quoted\" 'single'", "#not a comment", "key: value", "- item", "[a, b]"),
    *("{a: 1}", "*alias", "&anchor", "!tag", "%YAML", "@at", "`tick`", "? q", "| pipe", "> fold"),
    *("naïve café", "😀 emoji 🎉", "עברית מימין לשמאל", "مرحبا بالعالم", "中文名称", "\u202eRLO"),
    "x" * 3000,
    "long " * 600,
]
"""Text that a parser, a form encoder or a decoder may take for something else."""

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
TEXT = st.sampled_from(LOOKALIKES) | ANY_TEXT
KEY = TEXT.filter(lambda key: len(quote(key, safe="")) <= MAX_KEY_IN_URL)

AMOUNT = st.sampled_from(["0", "0.00", "0.01", "1.5", "7", "12.30", "99999999.99"])
"""Amounts as a script sends them: no decimals, one, two, nothing at all, the largest."""
PERCENT = st.sampled_from(["0.01", "1", "12.5", "33.33", "99.99", "100"])
"""Whole percents with fractions: list_coupons gives them as fractions of 1 (``0.0001``)."""

EXAMPLES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(params=["lenient", "strict"])
def dialect(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@st.composite
def accounts(draw: st.DrawFn) -> dict[str, Any]:
    """One option, one product linking it, one coupon linking the product: text everywhere."""
    value_names = draw(st.lists(TEXT, min_size=1, max_size=3, unique=True))
    kind = draw(st.sampled_from(["product", "sale", "shipping"]))
    discount = (
        {}
        if kind == "shipping"
        else draw(st.sampled_from([{"value_off": AMOUNT}, {"percentage_off": PERCENT}]))
    )
    return {
        "option": draw(KEY),
        "values": value_names,
        "surcharges": [draw(AMOUNT) for _ in value_names],
        "code": draw(KEY),
        "product": {
            field: draw(TEXT) for field in ("name", "description", "long_description", "approved_url")
        }
        | {"pending_url": draw(st.none() | TEXT), "price": draw(AMOUNT)},
        "coupon": draw(KEY),
        "coupon_fields": {"type": kind, "minimum_purchase": draw(st.none() | AMOUNT)}
        | {name: draw(amounts) for name, amounts in discount.items()},
    }


def create(client: Client, account: dict[str, Any]) -> None:
    """Create the account's resources through the client, as any program could."""
    products = client.products
    option_id = products.options.create(
        option_name=account["option"],
        option_value_name=account["values"],
        option_value_surcharge=account["surcharges"],
    )["option_id"]
    fields = {name: value for name, value in account["product"].items() if value is not None}
    product_id = products.create(vendor_product_id=account["code"], option_id=[option_id], **fields)[
        "product_id"
    ]
    coupon = account["coupon_fields"]
    products.coupons.create(
        coupon_code=account["coupon"],
        date_expire="2030-01-01",
        product_id=[product_id] if coupon["type"] == "product" else None,
        **coupon,
    )


def contents(client: Client) -> dict[str, Any]:
    """Everything the account holds but its vendor ids, links named by key."""
    products = client.products.list_all()
    code_of = {p["product_id"]: p["vendor_product_id"] for p in products}
    coupons = [
        client.products.coupons.details(coupon_code=c["coupon_code"])["coupon"]
        for c in client.products.coupons.list_all()
    ]
    return {
        "options": sorted(_without_ids(o) for o in client.products.options.list_all()),
        "products": sorted(_without_ids(p) for p in products),
        "coupons": sorted(
            _without_ids(
                {**c, "product": sorted(code_of.get(p["product_id"], p["product_id"]) for p in c["product"])}
            )
            for c in coupons
        ),
    }


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return repr(
            {
                key: _without_ids(item)
                for key, item in sorted(value.items())
                if not (key.endswith("_id") and key != "vendor_product_id") and key != "product_url"
            }
        )
    if isinstance(value, list):
        return [_without_ids(item) for item in value]
    return value


@EXAMPLES
@given(account=accounts())
def test_hostile_text_round_trips(account, dialect, cli, tmp_path):
    with (
        Sandbox(seed="empty", dialect=dialect) as source,
        Sandbox(seed="empty", dialect=dialect) as target,
        Client(source.url, "sandbox", "sandbox") as source_client,
        Client(target.url, "sandbox", "sandbox") as target_client,
    ):
        create(source_client, account)
        path = str(tmp_path / "exported.yaml")
        exported = cli(source, "export", "-o", path)
        assert exported.code == 0, exported.err
        assert "Not exported" not in Path(path).read_text(encoding="utf-8")
        validated = cli(None, "validate", path)
        assert validated.code == 0, validated.err
        planned = cli(source, "plan", path, "--detailed-exitcode")
        assert planned.code == 0, planned.out + planned.err
        applied = cli(target, "apply", path, "--yes")
        assert applied.code == 0, applied.out + applied.err
        assert contents(target_client) == contents(source_client)
        again = cli(target, "plan", path, "--detailed-exitcode")
        assert again.code == 0, again.out + again.err
