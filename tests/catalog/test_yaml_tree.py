"""The tree reader (libyaml's events straight to data) reads exactly what the careful read reads, or declines.

It is the read of nearly every catalog, so two things must hold over hostile texts: data it returns is the
careful read's data, with the same types (``1`` is not ``Decimal("1")``, ``"null"`` is not None); and a text
the careful read has any problem with is never returned as data. A plain tree must not be declined, or the
fast read would silently be the slow one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.loader import loads
from catalogsync.catalogfile.yamlread import fast_reads, parse
from catalogsync.catalogfile.yamltree import DECLINED, read_tree
from catalogsync.errors import CatalogError
from tests.catalog.strategies import EXAMPLE, STRUCTURES, YAMLISH, mutations, plain

pytestmark = pytest.mark.skipif(not fast_reads(""), reason="libyaml is not installed: there is no tree read")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HOSTILE_SCALARS = st.sampled_from(
    ["null", "~", "Null", "NULL", "", "true", "yes", "no", "on", "1:30", "1_000", "0x1F", "0o17", "017",
     "1e3", "-.5", ".inf", "-.Inf", ".nan", "2030-01-31", "2030-02-30", "2030-01-31T10:00:00Z", "<<", "=",
     "!", "&a", "*a", "é", "😀", "a" * 300, "\\ud83d", "\\U0001F600", "\\x85", "#", "- x", "? x", "%TAG"]
)  # fmt: skip


def typed(value: Any) -> Any:
    """``value`` with the type of every scalar beside it (``==`` alone takes ``1`` for ``Decimal("1")``)."""
    if isinstance(value, dict):
        return ("dict", [(key, typed(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [typed(item) for item in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


@st.composite
def written(draw: st.DrawFn) -> str:
    """A hostile scalar written into a catalog-shaped document: plain, single- or double-quoted, as a key
    or as a value, in block or flow style."""
    scalar = draw(HOSTILE_SCALARS | st.text(max_size=12))
    quote = draw(st.sampled_from(["", "'", '"']))
    shown = f"{quote}{scalar}{quote}"
    return draw(
        st.sampled_from(
            [
                f"products:\n  X: {{name: {shown}, price: 1}}\n",
                f"products:\n  X:\n    name: {shown}\n    price: 1\n",
                f"products:\n  {shown}: {{name: A}}\n",
                f"options:\n  O: {{values: [{shown}, {shown}]}}\n",
                f"{shown}\n",
                f"a: {shown}\n---\nb: 1\n",
            ]
        )
    )


DUMPED = STRUCTURES.map(lambda s: yaml.safe_dump(plain(s), allow_unicode=True))
TEXTS = YAMLISH | mutations() | written() | DUMPED


@SETTINGS
@given(TEXTS)
def test_the_tree_read_is_the_careful_read_or_declines(text: str) -> None:
    if not fast_reads(text):
        return  # tabs and byte order marks are read carefully, never by the tree reader
    try:
        tree = read_tree(text)
    except yaml.YAMLError:
        return  # read carefully, whose error is the one reported
    careful = parse(text, "c.yaml", careful=True)
    if tree is DECLINED:
        return
    assert careful.problems == [] and careful.broken == set()
    assert typed(tree) == typed(careful.data)


QUESTION_MARKS = {
    "a: {name: M?edium}\n": {"a": {"name": "M?edium"}},
    "a: {name: Why?, b: 1}\n": {"a": {"name": "Why?", "b": 1}},
    "a: [foo?bar, foo ? bar, x?]\n": {"a": ["foo?bar", "foo ? bar", "x?"]},
}


@pytest.mark.parametrize("text", QUESTION_MARKS)
def test_every_reader_keeps_a_question_mark_inside_a_flow_plain_scalar(text: str) -> None:
    """YAML 1.1 ends a plain scalar in a flow collection only at ``,[]{}``; libyaml reads it so, PyYAML's own
    scanner ended it at ``?`` (a syntax error) until :mod:`~catalogsync.catalogfile.yamlscan`."""
    expected = QUESTION_MARKS[text]
    assert read_tree(text) == expected
    for careful in (False, True):
        document = parse(text, "c.yaml", careful=careful)
        assert (document.data, document.problems) == (expected, [])


def test_a_question_mark_in_a_flow_name_does_not_hide_the_real_problem() -> None:
    """The careful re-read of a catalog with a problem reported a syntax error at the ``?`` instead."""
    with pytest.raises(CatalogError) as raised:
        loads("products:\n  A: {name: Why?, price: -1}\n", "c.yaml")
    assert [str(p) for p in raised.value.problems] == ["c.yaml:2:26: products.A.price: must not be negative"]


@SETTINGS
@given(STRUCTURES.map(plain) | st.dictionaries(st.text(max_size=8), STRUCTURES.map(plain), max_size=6))
def test_a_plain_tree_is_never_declined(document: Any) -> None:
    for flow in (False, True, None):
        text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow)
        tree = read_tree(text)
        assert tree is not DECLINED
        assert typed(tree) == typed(parse(text, "c.yaml", careful=True).data)


def test_the_example_catalog_is_a_plain_tree() -> None:
    tree = read_tree(EXAMPLE)
    assert tree is not DECLINED and typed(tree) == typed(parse(EXAMPLE, "c.yaml", careful=True).data)


READ = [
    ("", None),
    ("# only a comment\n", None),
    ("---\n", None),
    ("x\n", "x"),
    ("a: null\nb: ~\nc: 'null'\nd: '~'\ne:\n", {"a": None, "b": None, "c": "null", "d": "~", "e": None}),
    ("a: 1\nb: 1.50\nc: '1'\nd: 0x1F\n", {"a": 1, "b": Decimal("1.50"), "c": "1", "d": 31}),
    ("a: yes\nb: true\nc: 1:30\nd: 1_000\n", {"a": "yes", "b": True, "c": "1:30", "d": "1_000"}),
    ("a: 2030-01-31\n", {"a": dt.date(2030, 1, 31)}),
    ("123: x\n2030-01-31: y\n1.5: z\n", {"123": "x", "2030-01-31": "y", "1.5": "z"}),
    ("a: [1, {b: [c]}]\n", {"a": [1, {"b": ["c"]}]}),
    ('a: "\\U0001F600"\n', {"a": "😀"}),
    ("a: <<\n", {"a": "<<"}),  # a merge key only as a key
]


@pytest.mark.parametrize(("text", "data"), READ)
def test_what_the_tree_read_reads(text: str, data: Any) -> None:
    assert typed(read_tree(text)) == typed(data) == typed(parse(text, "c.yaml", careful=True).data)


DECLINES = {
    "an anchor": "a: &x 1\nb: 2\n",
    "an alias": "a: &x 1\nb: *x\n",
    "a tag on a scalar": "a: !!str 1\n",
    "a tag on a mapping": "a: !!map {b: 1}\n",
    "a custom tag": "a: !custom 1\n",
    "a merge key": "a: {b: 1}\nc: {<<: {d: 2}}\n",
    "a null key": "~: 1\n",
    "a boolean key": "true: 1\n",
    "a mapping as a key": "? {a: 1}\n: 2\n",
    "a list as a key": "? [a]\n: 2\n",
    "a key written twice": "a: 1\na: 2\n",
    "a date that is none": "a: 2030-02-30\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "too deep": "a: " + "[" * 65 + "]" * 65 + "\n",
}


@pytest.mark.parametrize("text", DECLINES.values(), ids=DECLINES.keys())
def test_the_tree_read_declines_what_it_does_not_handle(text: str) -> None:
    assert read_tree(text) is DECLINED
    fast, careful = parse(text, "c.yaml"), parse(text, "c.yaml", careful=True)
    assert typed(fast.data) == typed(careful.data)
    assert [(p.line, p.column, p.message) for p in fast.problems] == [
        (p.line, p.column, p.message) for p in careful.problems
    ]


REFUSED = {
    "a syntax error": ("a: [1, 2\n", yaml.YAMLError),
    "a surrogate escape in a value": ('a: "\\ud83d"\n', yaml.YAMLError),
    "a surrogate escape in a key": ('"\\ud83d": 1\n', yaml.YAMLError),
    "a lone surrogate in the text": ("a: \ud83d\n", UnicodeEncodeError),
}


@pytest.mark.parametrize(("text", "error"), REFUSED.values(), ids=REFUSED.keys())
def test_what_libyaml_refuses_is_read_carefully(text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        read_tree(text)
    fast, careful = parse(text, "c.yaml"), parse(text, "c.yaml", careful=True)
    assert careful.problems and fast.problems == careful.problems


@pytest.mark.parametrize("escape", ["\\U00110000", "\\UFFFFFFFF"])
def test_an_escape_beyond_unicode_is_a_located_problem(escape: str) -> None:
    """PyYAML's scanner raised ValueError from chr(): a traceback instead of a problem (libyaml refuses the
    text, so every reader ends at the careful one)."""
    with pytest.raises(CatalogError) as raised:
        loads(f'products:\n  A: {{name: "{escape}", price: 1}}\n', "c.yaml")
    assert [str(p) for p in raised.value.problems] == [
        "c.yaml:2:16: YAML syntax error: while scanning a quoted scalar, an escape beyond U+10FFFF"
    ]


def test_the_last_code_point_is_read() -> None:
    assert loads('products:\n  A: {name: "\\U0010FFFF", price: 1}\n').products["A"].name == "\U0010ffff"
