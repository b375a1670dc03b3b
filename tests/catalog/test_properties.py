"""Property tests: the loader never fails with anything but a located CatalogError; dump/load round trips."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.dumper import dump_catalog
from catalogsync.catalogfile.loader import assemble, loads
from catalogsync.catalogfile.yamlmarks import Unplaced
from catalogsync.catalogfile.yamlread import fast_reads
from catalogsync.errors import CatalogError
from catalogsync.kinds import Model
from tests.catalog.strategies import STRUCTURES, YAMLISH, catalogs, mutations, plain

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(text: str) -> Catalog | CatalogError:
    """Load ``text``; anything other than a Catalog or a CatalogError fails the test."""
    try:
        return loads(text, "p.yaml")
    except CatalogError as error:
        assert error.problems
        lines = len(re.split(r"\r\n|[\r\n\x85\u2028\u2029]", text))  # YAML's line breaks
        for problem in error.problems:
            assert problem.file == "p.yaml"
            assert 1 <= problem.line <= lines + 1 and problem.column >= 1, problem
            assert problem.message
        return error


# Robustness


@SETTINGS
@given(st.text())
def test_any_text(text: str) -> None:
    outcome(text)


@SETTINGS
@given(YAMLISH)
def test_yaml_punctuation(text: str) -> None:
    outcome(text)


@SETTINGS
@given(mutations())
def test_mutations_of_the_example(text: str) -> None:
    outcome(text)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["settings", "options", "products", "coupons", "extra"]), STRUCTURES))
def test_random_structures(document: dict[str, Any]) -> None:
    outcome(yaml.safe_dump(plain(document), allow_unicode=True))


@SETTINGS
@given(st.text(alphabet="0123456789.-+_eE:xoabinf ", min_size=1, max_size=16))
def test_odd_numbers(number: str) -> None:
    result = outcome(f"products:\n  X: {{name: A, price: {number}}}\n")
    if isinstance(result, Catalog):
        price = result.products["X"].price
        assert price == price.quantize(Decimal("0.01")) and 0 <= price <= Decimal("99999999.99")
    else:
        assert {(p.line, p.path) for p in result.problems} <= {(2, "products.X.price"), (2, ""), (3, "")}


@SETTINGS
@given(st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2))
def test_two_decimal_amounts_are_exact(amount: Decimal) -> None:
    written = f"{amount:f}"
    catalog = outcome(f"products:\n  X: {{name: A, price: {written}}}\n")
    assert isinstance(catalog, Catalog) and catalog.products["X"].price == amount


@SETTINGS
@given(st.integers(1, 3000), st.sampled_from(["[", "{a: ", "- "]))
def test_deep_nesting(depth: int, opener: str) -> None:
    nested = "".join(" " * (2 * i) + "-\n" for i in range(depth)) if opener == "- " else opener * depth
    outcome(nested)


@SETTINGS
@given(st.lists(st.sampled_from(["name", "price", "a", "b"]), min_size=1, max_size=8))
def test_duplicate_keys_are_reported_at_the_repeat(keys: list[str]) -> None:
    lines = [f"    {key}: 1" for key in keys]
    result = outcome("products:\n  X:\n" + "\n".join(lines) + "\n")
    duplicates = {index + 3 for index, key in enumerate(keys) if key in keys[:index]}
    reported = (
        set()
        if isinstance(result, Catalog)
        else {p.line for p in result.problems if "duplicate" in p.message}
    )
    assert reported == duplicates


# Round trip


def declared(value: Any) -> Any:
    """The declared fields of every model inside ``value``, to compare beyond plain equality."""
    if isinstance(value, Model):
        return {name: declared(getattr(value, name)) for name in sorted(value.declared())}
    if isinstance(value, dict):
        return {key: declared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [declared(item) for item in value]
    return None


@SETTINGS
@given(catalogs())
def test_dump_then_load_is_the_same_catalog(catalog: Catalog) -> None:
    text = dump_catalog(catalog, header=["round trip"])
    again = loads(text)
    assert again == catalog
    for section in ("options", "products", "coupons"):
        assert declared(again.section(section)) == declared(catalog.section(section))
    assert dump_catalog(again, header=["round trip"]) == text


# The fast read (libyaml, no positions) and the careful one


def read(text: str, *, careful: bool) -> Catalog | None:
    """The catalog one reader makes of ``text``, or None when it refuses it."""
    try:
        return assemble([("p.yaml", text)], careful=careful)
    except (CatalogError, Unplaced):
        return None


@pytest.mark.skipif(not fast_reads(""), reason="libyaml is not installed: both reads are the careful one")
@SETTINGS
@given(
    mutations()
    | catalogs().map(dump_catalog)
    | catalogs().flatmap(lambda catalog: mutations(dump_catalog(catalog)))
)
def test_the_fast_read_accepts_what_the_careful_read_accepts(text: str) -> None:
    careful, fast = read(text, careful=True), read(text, careful=False)
    assert (fast, declared(fast)) == (careful, declared(careful))
