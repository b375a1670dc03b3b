"""Every standard YAML tag on hostile scalars and collections, in every kind of field, is a located problem.

PyYAML's constructors fail on text their tag cannot read with whatever their code trips on
(``AttributeError`` for ``!!timestamp "abc"``, ``IndexError`` for an empty ``!!int``): each reader must turn
any such failure into a problem at the node, never a traceback.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.loader import loads
from catalogsync.catalogfile.yamlcore import BOOL, FLOAT, INT, TAG, RefusedTag, resolve_plain, scalar_value
from catalogsync.catalogfile.yamlread import parse
from catalogsync.errors import CatalogError, Problem
from tests.conftest import Run

NAMES = ["null", "bool", "int", "float", "str", "binary", "timestamp", "seq", "map", "set", "omap", "pairs",
         "merge", "value"]  # fmt: skip
TAGS = [*(f"!!{name}" for name in NAMES), "!x", f"!<{TAG}int>"]
"""Every standard tag, a local one and a verbatim one."""
HOSTILE = ["", "abc", "nope", "-", ".", "0x", "1_", "9" * 5000, "2026-13-45", "~", "null"]
NODES = [
    *(f'"{text}"' for text in HOSTILE),
    *HOSTILE,  # plain: an empty one is the tag alone
    "[a]",
    "{a: 1}",
    "[]",
]
FIELDS = {
    "a text": "products:\n  X:\n    name: {}\n    price: 1\n",
    "an amount": "products:\n  X: {{name: X, price: {}}}\n",
    "a date": "coupons:\n  C:\n    type: sale\n    percent_off: 10\n    expires: {}\n",
    "a key": "products:\n  {}: {{name: X, price: 1}}\n",
}
LOCATED = re.compile(r"  .+:\d+:\d+: ")


def catalogs(tag: str, field: str) -> list[str]:
    """The catalog texts with ``tag`` on each hostile node in ``field``."""
    return [FIELDS[field].format(f"{tag} {node}".rstrip()) for node in NODES]


def assert_inside(text: str, found: list[Problem]) -> None:
    """Every problem lies on a line of ``text``, at most one column past its end."""
    lines = text.split("\n")
    for problem in found:
        assert 1 <= problem.line <= len(lines), problem
        assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, problem


def loaded(text: str, filename: str = "c.yaml") -> list[Problem]:
    try:
        loads(text, filename)
    except CatalogError as error:
        return error.problems
    return []


def reader(careful: bool) -> Callable[[str], list[Problem]]:
    return lambda text: parse(text, "c.yaml", careful=careful).problems


READS = {"loads": loaded, "fast read": reader(False), "careful read": reader(True)}


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("tag", TAGS)
def test_every_tag_on_hostile_nodes_is_read_without_an_error(tag: str, field: str) -> None:
    failures = []
    for text in catalogs(tag, field):
        for name, read in READS.items():
            try:
                assert_inside(text, read(text))
            except Exception as error:  # anything but a CatalogError, or a problem outside the text
                failures.append(f"{name}: {text[:80]!r}: {error!r}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("tag", ["!!bool", "!!int", "!!float", "!!timestamp", "!x"])
def test_validate_says_one_located_line_per_problem(
    tag: str, field: str, cli: Run, write: Callable[..., str]
) -> None:
    for text in catalogs(tag, field):
        path = write(text)
        result = cli(None, "validate", path)
        found = loaded(text, path)
        assert_inside(text, found)
        lines = [f"  {problem}" for problem in found]
        assert (result.code, result.err.splitlines()[1:]) == (1 if found else 0, lines), text[:80]
        assert all(LOCATED.match(line) for line in lines)


@pytest.mark.parametrize("command", ["validate", "plan --sandbox", "apply --sandbox"])
def test_each_command_locates_a_folders_unreadable_scalars(command: str, cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "a.yaml").write_text(FIELDS["a date"].format('!!timestamp "nope"'), encoding="utf-8")
    (folder / "b.yaml").write_text(FIELDS["a text"].format("!!float"), encoding="utf-8")
    name, *flags = command.split()
    result = cli(None, name, str(folder), *flags)
    assert (result.code, result.err.splitlines()[1:]) == (
        1,
        [
            f"  {folder / 'a.yaml'}:5:14: coupons.C.expires: 'nope' is not a valid date: expected YYYY-MM-DD",
            f"  {folder / 'b.yaml'}:3:11: products.X.name: '' is not a valid !!float value",
        ],
    )


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([*(TAG + name for name in NAMES), "!x"]),
    st.text(st.sampled_from("0123456789-+:._ TtZxob\n")) | st.text(),
)
def test_scalar_value_raises_only_what_the_readers_report(tag: str, text: str) -> None:
    """Any text of any tag is a value, a ValueError or a RefusedTag: what each reader makes a problem of."""
    with contextlib.suppress(RefusedTag, ValueError):
        scalar_value(tag, text)


READS_AS = {BOOL: {BOOL}, INT: {INT}, FLOAT: {FLOAT, INT}}
"""The tags that YAML 1.2 gives the plain scalars whose text each tag may read (``!!float 17`` is 17)."""


@settings(max_examples=300, deadline=None)
@example(INT, "1:30")  # 90 in YAML 1.1
@example(FLOAT, "1:30.5")
@example(INT, "0b101")
@example(INT, "1_000")
@example(BOOL, "yes")
@example(BOOL, "off")
@given(
    st.sampled_from(sorted(READS_AS)),
    st.text(st.sampled_from("0123456789-+:._eE xob\n"))
    | st.sampled_from(["yes", "No", "on", "OFF", "y", "n"]),
)
def test_a_tag_reads_only_what_yaml_1_2_reads_as_its_type(tag: str, text: str) -> None:
    """A tagged scalar is the value of the same text written plain, or a ValueError: ``!!int 1:30`` is not
    90, and ``!!bool yes`` not true, any more than ``1:30`` and ``yes`` are (docs/catalog.md, 'Values')."""
    try:
        value = scalar_value(tag, text)
    except ValueError:
        return
    plain = resolve_plain(text)
    assert plain in READS_AS[tag]
    if value == value:  # not .nan
        assert value == scalar_value(plain, text)
