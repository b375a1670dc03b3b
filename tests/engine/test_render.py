"""The three renderings, pinned by golden files (regenerate with UPDATE_GOLDEN=1 and review the diff)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.kinds import Product, WireObject
from catalogsync.live import Stray
from catalogsync.plan import make_plan
from catalogsync.render import MARKDOWN_LIMIT, render, render_markdown
from tests.engine.helpers import catalog, live

GOLDEN = Path(__file__).parent / "golden"
SIZE = {"values": [{"name": "S", "surcharge": "0.00"}, {"name": "L", "surcharge": "2.50"}]}


def sample_plan():
    current = catalog(
        options={"Size": SIZE, "Colour": {"values": [{"name": "Red", "surcharge": 0}]}},
        products={
            "TEE": {"name": "Tee", "price": "19.99", "options": ["Size"], "categories": [17]},
            "MUG": {"name": "Mug", "price": "9.00"},
            "OLD": {"name": "Old", "price": "1.00"},
            "HAT": {"name": "Hat", "price": "5.00"},
        },
        coupons={
            "SALE10": {"type": "sale", "percent_off": 10, "minimum_purchase": "0.00", "expires": "2027-08-31"}
        },
    )
    desired = catalog(
        settings={"prune": {"products": True}},
        adopt={"products": {"API-PRODUCT": "4635212971"}},
        options={
            "Size": {"values": [{"name": "S", "surcharge": "0.00"}, {"name": "XL", "surcharge": "3.00"}]}
        },
        products={
            "TEE": {"name": "Tee", "price": "24.00", "options": ["Size"], "categories": [17, 21]},
            "MUG": {"name": "Mug", "price": "9.00", "description": "Ceramic \u2615"},
            "CAP": {"name": "Cap", "price": "12.50", "tangible": True, "weight": "0.20", "handling": "0.00"},
            "HAT-2027": {"previous_keys": ["HAT"], "name": "Hat", "price": "6.00"},
            "API-PRODUCT": {"name": "API product", "price": "10.00"},
        },
        coupons={
            "SALE10": {"type": "sale", "percent_off": 15, "expires": "2027-08-31"},
            "CAPS": {"type": "product", "value_off": "2.00", "products": ["CAP"], "expires": "2027-12-31"},
        },
    )
    keyless = WireObject("", "4635212971", Product.live({"name": "API product", "price": "10.00"}))
    strays = (
        Stray("product", "4635212971", "API product", "no key", obj=keyless),
        Stray("product", "4635212999", "Draft", "no key"),
    )
    return make_plan(
        desired, live(current, strays=strays), catalog_sha256="0" * 64, catalog_path="catalog.yaml"
    )


@pytest.mark.parametrize(
    ("fmt", "name"), [("text", "plan.txt"), ("markdown", "plan.md"), ("json", "plan.json")]
)
def test_golden(fmt, name):
    text = render(sample_plan(), fmt)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_json_is_valid_and_versioned():
    data = json.loads(render(sample_plan(), "json"))
    assert data["format_version"] == 1
    assert data["summary"] == {
        "create": 2,
        "update": 4,
        "delete": 1,
        "rename": 1,
        "adopt": 1,
        "unmanaged": 1,
        "strays": 1,
    }
    moves = {c["op"]: (c["key"], c["from"]) for c in data["changes"] if "from" in c}
    assert moves == {"rename": ("HAT-2027", "HAT"), "adopt": ("API-PRODUCT", "4635212971")}


def test_markdown_is_cut_with_a_pointer_to_the_artifact():
    text = render_markdown(sample_plan(), limit=800, artifact="the plan.json artifact")
    assert len(text) <= 800
    assert text.startswith("## catalogsync plan")
    assert "the full plan is in the plan.json artifact" in text
    assert text.count("```") % 2 == 0


def test_empty_plan_says_so():
    plan = make_plan(catalog(), live(), catalog_sha256="", catalog_path="c.yaml")
    assert render(plan, "text").strip() == "No changes. The account matches the catalog."


def test_the_left_alone_summary_cuts_long_keys_and_names_the_full_list_keeps_them() -> None:
    """The summary names a few by their first 57 characters; ``--show-unmanaged`` names all of them whole."""
    option, label = "O" * 5000, "N" * 3000
    current = live(
        catalog(options={option: {"values": [{"name": "V", "surcharge": "0.00"}]}}),
        strays=(Stray("product", "4635212999", label, "no key"),),
    )
    plan = make_plan(catalog(), current, catalog_sha256="", catalog_path="c.yaml")
    summary = render(plan, "text")
    assert option not in summary and label not in summary
    assert f"{'O' * 57}..." in summary and f"'{'N' * 57}...'" in summary
    assert max(len(line) for line in summary.splitlines()) < 200
    full = render(plan, "text", show_unmanaged=True)
    assert option in full


GITHUB_COMMENT_LIMIT = 65_536
"""GitHub refuses a comment body over this many characters: a Markdown plan must always fit."""


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    deletes=st.integers(0, 60),
    price_drops=st.integers(0, 60),
    strays=st.integers(0, 60),
    key_length=st.integers(1, 4000),
    limit=st.integers(4_000, MARKDOWN_LIMIT),
    artifact=st.text(max_size=200),
)
def test_a_markdown_plan_never_passes_its_limit(deletes, price_drops, strays, key_length, limit, artifact):
    """However many risky changes and resources left alone, and however long their keys (up to the 4,000
    a URL takes), the comment fits its limit, so GitHub never refuses it; the risky changes it does not
    name are counted. (A first prune of 3,000 products once put all of them in the summary: 77,191
    characters.)"""
    long, risky = "K" * key_length, deletes + price_drops
    current = catalog(
        settings={"prune": {"products": True}},
        products={f"{long}{i}": {"name": "x", "price": "10.00"} for i in range(risky)},
    )
    desired = catalog(
        settings={"prune": {"products": True}},
        products={
            f"{long}{i}": {"name": "x", "price": "1.00"} for i in range(deletes, deletes + price_drops)
        },
    )
    left = tuple(Stray("product", str(4_000_000_000 + i), long, "no key") for i in range(strays))
    plan = make_plan(desired, live(current, strays=left), catalog_sha256="x", catalog_path="c.yaml")
    text = render_markdown(plan, limit=limit, artifact=artifact)
    assert len(text) <= limit <= GITHUB_COMMENT_LIMIT
    if risky:
        assert f"{risky:,} change(s) to review closely" in text
        named = text.count("\n- deletes product `") + text.count("` changes its price (")
        assert named == risky or f"- and {risky - named:,} more (the full plan is in {artifact})" in text
