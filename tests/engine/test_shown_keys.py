"""No key can fake a plan: whatever a key holds (line breaks, terminal escapes, a Markdown fence), a rendered
plan and an apply report have exactly the lines they have for a plain key, and no character a reviewer would
not see (property over hostile keys, for every operation and every format a person reads)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.loader import loads
from catalogsync.errors import CatalogError
from catalogsync.execute import ApplyReport, Outcome
from catalogsync.plan import make_plan
from catalogsync.render import render_markdown, render_text
from catalogsync.report import format_report
from catalogsync.shown import shown
from tests.engine.helpers import catalog, live

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
