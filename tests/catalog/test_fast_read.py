"""The fast read (libyaml, no positions) accepts exactly the catalogs the careful read accepts, with the same
data; a catalog it refuses is reported as the careful read reports it, never with a guessed position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.loader import assemble, load_parts
from catalogsync.catalogfile.sources import Part
from catalogsync.catalogfile.yamlmarks import Spot, Unplaced
from catalogsync.catalogfile.yamlread import fast_reads, parse
from catalogsync.errors import CatalogError

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "catalog.yaml").read_text(encoding="utf-8")
FAST = pytest.mark.skipif(not fast_reads(""), reason="libyaml is not installed: every read is careful")
PRODUCT = "products:\n  X: {name: A, price: 1}\n"
COUPON = "coupons:\n  C: {type: product, percent_off: 5, expires: 2030-01-31, products: "

BAD: dict[str, tuple[list[str], str]] = {  # a catalog per place a problem is found, and its first problem
    "syntax": (["products:\n  X: [1, 2\n"], "c/0.yaml:3:1: YAML syntax error: while parsing a flow sequence"),
    "duplicate key": (["products:\n  X: {name: A, price: 1, price: 2}\n"], "c/0.yaml:2:26: products.X.price"),
    "refused tag": (["products:\n  X: {name: !custom A, price: 1}\n"], "c/0.yaml:2:13: products.X.name"),
    "bad number": (["products:\n  X: {name: A, price: !!float abc}\n"], "c/0.yaml:2:23: products.X.price"),
    "bad date": (["coupons:\n  C: {type: sale, percent_off: 5, expires: 2030-02-30}\n"], "c/0.yaml:2:44: "),
    "null key": (["products:\n  ~: {name: A, price: 1}\n"], "c/0.yaml:2:3: products: the key '~'"),
    "recursive alias": (["products: &p\n  X: *p\n"], "c/0.yaml:1:11: products.X: an alias"),
    "bad merge": (["products:\n  X: {<<: 5, name: A, price: 1}\n"], "c/0.yaml:2:11: products.X: '<<'"),
    "not a mapping": (["- products\n"], "c/0.yaml:1:1: the catalog must be a mapping"),
    "unknown section": (["settings: {}\nprodut: {}\n"], "c/0.yaml:2:1: produt: unknown section"),
    "section not a mapping": (["products: 5\n"], "c/0.yaml:1:11: products: expected a mapping"),
    "resource not a mapping": (["products:\n  X: 5\n"], "c/0.yaml:2:6: products.X: expected a mapping"),
    "missing field": (["products:\n  X: {name: A}\n"], "c/0.yaml:2:6: products.X.price: required"),
    "unknown field": (
        ["products:\n  X: {name: A, price: 1, colour: red}\n"],
        "c/0.yaml:2:26: products.X.colour",
    ),
    "wrong type": (["products:\n  X: {name: A, price: abc}\n"], "c/0.yaml:2:23: products.X.price"),
    "bad settings": (
        ["settings: {safety: {max_deletes: -1}}\n"],
        "c/0.yaml:1:34: settings.safety.max_deletes",
    ),
    "rule": (
        ["products:\n  X: {name: A, price: 1, options: [Colour]}\n"],
        "c/0.yaml:2:36: products.X.options[0]",
    ),
    "rule on an item": (
        [PRODUCT + COUPON + "[X, Y]}\n"],
        "c/0.yaml:4:73: coupons.C.products[1]: product 'Y'",
    ),
    "through an alias": (["base: &b {name: A}\nproducts:\n  X: *b\n"], "c/0.yaml:1:1: base: unknown section"),
    "key in two parts": (
        [PRODUCT, "\n" + PRODUCT],
        "c/1.yaml:3:3: products.X: declared in two files (also at c/0",
    ),
    "settings in two parts": (
        ["settings: {}\n", "settings: {}\n"],
        "c/1.yaml:1:1: settings: settings may be",
    ),
}


def texts(written: list[str]) -> list[tuple[str, str]]:
    return [(f"c/{index}.yaml", text) for index, text in enumerate(written)]


@FAST
@pytest.mark.parametrize(("written", "first"), BAD.values(), ids=BAD.keys())
def test_the_fast_read_refuses_every_bad_catalog(written: list[str], first: str) -> None:
    with pytest.raises((CatalogError, Unplaced)):
        assemble(texts(written), careful=False)


@pytest.mark.parametrize(("written", "first"), BAD.values(), ids=BAD.keys())
def test_a_bad_catalog_is_reported_as_the_careful_read_reports_it(written: list[str], first: str) -> None:
    with pytest.raises(CatalogError) as careful:
        assemble(texts(written), careful=True)
    with pytest.raises(CatalogError) as reported:
        load_parts([Part(name, text.encode()) for name, text in texts(written)])
    assert str(reported.value) == str(careful.value)
    assert str(reported.value.problems[0]).startswith(first)


@FAST
def test_both_reads_give_the_same_catalog() -> None:
    fast, careful = (assemble([("c.yaml", EXAMPLE)], careful=c) for c in (False, True))
    assert isinstance(fast, Catalog) and fast == careful
    assert str(fast.products["LTP-003"].price) == "12.50"


@FAST
def test_a_fast_read_keeps_no_positions() -> None:
    fast, careful = (parse(EXAMPLE, "c.yaml", careful=careful) for careful in (False, True))
    assert (fast.data, fast.problems, fast.broken) == (careful.data, [], set())
    assert (fast.marks.values, fast.marks.keys) == ({}, {})
    for ask in (fast.marks.value, fast.marks.key):
        with pytest.raises(Unplaced):
            ask(("options", "Volume"))
    assert careful.marks.key(("options", "Volume")) == Spot(18, 3)
    assert careful.marks.value(("options", "Volume", "values", 0, "surcharge")) == Spot(20, 32)


@FAST
def test_a_fast_read_still_locates_its_yaml_problems() -> None:
    text = "products:\n  X: {name: A, price: 1, price: !custom 2}\n"
    read = [[(p.line, p.column, p.path) for p in parse(text, "c.yaml", careful=c).problems] for c in (0, 1)]
    assert read[0] == read[1] == [(2, 26, "products.X.price"), (2, 33, "products.X.price")]


ALIASED: list[tuple[str, Any]] = [
    ("a: &a 1\nb: [*a, *a]\n", {"a": 1, "b": [1, 1]}),
    ("a: &a [x, {y: z}]\nb: [*a, *a]\n", {"a": ["x", {"y": "z"}], "b": [["x", {"y": "z"}]] * 2}),
    (
        "a: {b: &b {c: [d]}}\ne: *b\nf: {<<: *b, g: h}\n",
        {"a": {"b": {"c": ["d"]}}, "e": {"c": ["d"]}, "f": {"c": ["d"], "g": "h"}},
    ),
    ("a: &a {b: 1}\nc: [{<<: [*a, {d: 2}]}, *a]\n", {"a": {"b": 1}, "c": [{"b": 1, "d": 2}, {"b": 1}]}),
    ("a: &unused {b: [1]}\nc: {d: [2]}\n", {"a": {"b": [1]}, "c": {"d": [2]}}),
]


@pytest.mark.parametrize("careful", [False, True])
@pytest.mark.parametrize(("text", "data"), ALIASED)
def test_a_node_that_aliases_share_is_built_whole_every_time(text: str, data: Any, careful: bool) -> None:
    document = parse(text, "c.yaml", careful=careful)
    assert (document.data, document.problems) == (data, [])
