"""No key can fake a plan: whatever a key holds (line breaks, terminal escapes, a Markdown fence), a rendered
plan and an apply report have exactly the lines they have for a plain key, and no character a reviewer would
not see (property over hostile keys, for every operation and every format a person reads)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.loader import loads
from catalogsync.errors import CatalogError, PlanError
from catalogsync.execute import ApplyReport, Outcome
from catalogsync.export import exported
from catalogsync.kinds import Product, WireObject
from catalogsync.live import Stray
from catalogsync.plan import make_plan
from catalogsync.render import render_markdown, render_text
from catalogsync.report import format_report
from catalogsync.saved import stale_reasons
from catalogsync.shown import shown
from tests.engine.helpers import catalog, live
from tests.github_markdown import links_or_html, shape

TEE = {"name": "Tee", "price": "19.99"}


def plans_for(key: str):
    """A create, an update and a delete of products keyed ``key``."""
    create = catalog(products={key: TEE})
    update = (catalog(products={key: {**TEE, "price": "5.00"}}), catalog(products={key: TEE}))
    delete = (catalog(settings={"prune": {"products": True}}), catalog(products={key: TEE}))
    return [
        make_plan(desired, live(current), catalog_sha256="x", catalog_path="c.yaml")
        for desired, current in [(create, None), update, delete]
    ]


def readable(text: str) -> bool:
    return all(char == "\n" or char.isprintable() for char in text)


def renderings(key: str) -> list[str]:
    texts = []
    for plan in plans_for(key):
        texts += [render_text(plan, show_unmanaged=True), render_markdown(plan)]
        report = ApplyReport([Outcome(change, "applied") for change in plan.changes])
        texts.append(format_report(report, full=True))
    return texts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=12))
def test_a_key_never_adds_a_line_or_hides_a_character(key):
    plain = renderings("K")
    for text, expected in zip(renderings(key), plain, strict=True):
        assert readable(text), repr(text)
        assert text.count("\n") == expected.count("\n"), repr(text)


def test_plain_keys_are_shown_as_written_and_others_quoted():
    assert [shown(k) for k in ("TSHIRT-RED", "Größe", "a b")] == ["TSHIRT-RED", "Größe", "a b"]
    assert shown("NEW\nNo changes") == '"NEW\\nNo changes"'
    assert shown("A\x1b[31m") == '"A\\u001b[31m"'
    assert shown(" padded ") == '" padded "'


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar of ``text``: what is not printable written as ``\\UXXXXXXXX``."""
    body = "".join(c if c.isprintable() and c not in '"\\' else f"\\U{ord(c):08x}" for c in text)
    return f'"{body}"'


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12).filter(str.strip))
def test_a_key_never_splits_or_colours_a_catalog_problem(key):
    """Each problem is one line whatever its key holds."""
    text = f"products:\n  {yaml_quoted(key)}: {{name: x, price: -1}}\n"
    with pytest.raises(CatalogError) as raised:
        loads(text, "c.yaml")
    lines = str(raised.value).split("\n")
    assert len(lines) == 2 and lines[1].endswith(".price: must not be negative"), lines
    assert readable(str(raised.value))


def messages_for(key: str) -> list[str]:
    """Every message that names a key outside a rendered plan: a plan refused for a missing link, for the
    API's own rule, for a rename it cannot make, for a shared key; a stale saved plan; the export's header."""
    texts = []
    sale = {"type": "sale", "percent_off": 5, "expires": "2030-01-01"}
    shared = tuple(
        Stray("product", i, key, "duplicate", obj=WireObject(key, i, Product.live(TEE))) for i in "12"
    )
    refused = [
        (catalog(products={"P": {**TEE, "options": [key]}}), live()),
        (catalog(products={key: {**TEE, "tangible": True}}), live()),
        (catalog(products={"NEW": {**TEE, "previous_keys": [key]}}), live(strays=shared)),
    ]
    for desired, current in refused:
        with pytest.raises(PlanError) as raised:
            make_plan(desired, current, catalog_sha256="x", catalog_path="c.yaml")
        texts.append(str(raised.value))
    (plan,) = plans_for(key)[:1]
    texts += stale_reasons(replace(plan, fingerprints={f"product:{key}": "0" * 16}), live())
    linked = catalog(products={key: TEE}, coupons={"C": {**sale, "type": "product", "products": [key]}})
    state = live(linked)
    keyless = replace(state, resources={**state.resources, "product": {}}, strays=shared)
    texts += exported(keyless)[1]
    return texts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=12))
def test_a_key_never_adds_a_line_or_hides_a_character_in_a_message(key):
    for text in messages_for(key):
        assert readable(text) and "\n" not in text, repr(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=12).filter(str.strip))
def test_a_value_never_adds_a_line_or_hides_a_character(name):
    """A field's text (a product's name from the account or the catalog) as a plan shows it."""
    plain = [render_text(p, show_unmanaged=True) for p in plans_for_name("N")]
    for text, expected in zip(
        [render_text(p, show_unmanaged=True) for p in plans_for_name(name)], plain, strict=True
    ):
        assert readable(text) and text.count("\n") == expected.count("\n"), repr(text)


def plans_for_name(name: str):
    create = catalog(products={"K": {**TEE, "name": name}})
    update = (catalog(products={"K": {**TEE, "name": name}}), catalog(products={"K": TEE}))
    return [
        make_plan(desired, live(current), catalog_sha256="x", catalog_path="c.yaml")
        for desired, current in [(create, None), update]
    ]


def left_alone_for(text: str):
    """A plan with ``text`` everywhere else a Markdown plan shows it: a coupon keyed ``text`` that now also
    applies to product ``text`` and still links a product it keeps, an option left alone, a stray named so."""
    coupon = {"type": "product", "percent_off": 5, "minimum_purchase": "0.00", "expires": "2030-01-01"}
    current = catalog(
        options={text: {"values": [{"name": "S", "surcharge": 0}]}},
        products={text: TEE, "GONE": TEE},
        coupons={text: {**coupon, "products": ["GONE"]}},
    )
    desired = catalog(
        settings={"prune": {"products": True}},
        products={text: TEE},
        coupons={text: {**coupon, "products": ["GONE", text]}},
    )
    strays = (Stray("product", "4635212999", text, "no key"),)
    return make_plan(desired, live(current, strays=strays), catalog_sha256="x", catalog_path="c.yaml")


HOSTILE = [
    *("https://evil.example/login", "http://e", "www.evil.example", "user@evil.example", "@octocat", "#1"),
    *("[c](http://e)", "![x](https://e.x/p.png)", "<https://e.x>", "<b>", "<!-- x -->", "</details>"),
    *("```", "`", "``a``", " `x` ", "&amp;", "&#64;", "a|b", "*a*", "_a_", ":warning:", "\\", "- [ ] a"),
]
"""Keys and names that GitHub would make a link, an image, a mention, HTML or markup of."""


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=12) | st.sampled_from(HOSTILE))
def test_a_key_never_changes_what_a_markdown_plan_is_made_of(key):
    """As GitHub renders it (cmark-gfm, autolinks on), a key or a name is code wherever it appears: the
    comment has the tags and the text outside code it has for a plain key, so no link, image, mention or
    HTML of its own; a cut comment has none either, and still ends with its note outside any code block."""
    plain_plans, plans = ([*plans_for(k), left_alone_for(k)] for k in ("K", key))
    for plain, plan in zip(plain_plans, plans, strict=True):
        full = render_markdown(plan)
        assert shape(full) == shape(render_markdown(plain)), full
        cut = render_markdown(plan, limit=len(full) - 1)
        tags = [(what, attrs) for what, attrs in shape(cut) if what != "text"]
        assert cut.rstrip().endswith("._") and tags[-len(NOTE) :] == NOTE, cut
        assert not links_or_html(cut), cut


NOTE = [("p", "[]"), ("em", "[]"), ("/em", ""), ("/p", "")]
"""The cut note, _in emphasis_, as the last paragraph: not swallowed by a code block left open."""
