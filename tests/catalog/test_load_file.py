"""load(path): files that are missing, unreadable, not UTF-8, or fine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalogsync.catalogfile.loader import load, load_parts
from catalogsync.catalogfile.sources import Part
from catalogsync.errors import CatalogError, InputError

LINES = st.lists(st.text(st.sampled_from("a :{}-#é—😀")), min_size=1).flatmap(
    lambda lines: st.tuples(*(st.sampled_from(["\n", "\r\n", "\r", "\x85", "\u2028"]) for _ in lines)).map(
        lambda breaks: "".join(line + end for line, end in zip(lines, breaks, strict=True))
    )
)
"""Lines of ASCII and wider characters, each ended by one of YAML's line breaks."""


def only_problem(path: Path | str) -> tuple[str, int, int, str, str]:
    with pytest.raises(CatalogError) as caught:
        load(path)
    (problem,) = caught.value.problems
    return (problem.file, problem.line, problem.column, problem.path, problem.message)


def test_reads_a_file_by_path_or_string(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("products:\n  X: {name: Ünïcode, price: 1}\n", encoding="utf-8")
    assert load(path) == load(str(path))
    assert load(path).products["X"].name == "Ünïcode"


def test_a_file_that_cannot_be_read_is_an_input_error_naming_it(tmp_path: Path) -> None:
    """Not a problem *in* a catalog (no line, no column): one line naming the path and why."""
    missing = tmp_path / "nope.yaml"
    for path, message in [
        (missing, f"{missing}: no such file or folder"),
        (tmp_path, f"{tmp_path}: cannot read the catalog file: Is a directory"),
    ]:
        with pytest.raises(InputError) as caught:
            load(path)
        assert str(caught.value) == message


def test_not_utf8_is_located(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("products:\n  X: {name: caf\xe9, price: 1}\n".encode("latin-1"))
    assert only_problem(path) == (str(path), 2, 16, "", "the file is not UTF-8 text (byte 0xe9)")


def test_binary_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.yaml"
    path.write_bytes(bytes(range(256)))
    assert only_problem(path) == (str(path), 3, 115, "", "the file is not UTF-8 text (byte 0x80)")  # \n, \r


def test_utf8_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfproducts:\n  X: {name: A, price: 1}\n")
    assert set(load(path).products) == {"X"}


def test_error_message_lists_every_problem_with_file_line_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("products:\n  X: {name: A, price: -1}\n  Y: {price: 1}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load(path)
    assert str(caught.value).splitlines() == [
        "2 problems in the catalog",
        f"  {path}:2:23: products.X.price: must not be negative",
        f"  {path}:3:6: products.Y.name: required field is missing",
    ]


@settings(max_examples=200, deadline=None)
@example("products:\r  A: {name: x}\r", "  B: {name: caf", b"\xe9")  # a lone CR ends a line
@example("products:\n", "  A: {name: Café — 10", b"\x80")  # a column counts characters, not bytes
@example("products:\r", "  B: {name: caf", b"\x07")
@given(LINES, st.text(st.sampled_from("a é")), st.sampled_from([b"\xe9", b"\x80", b"\xff", b"\x07", b"\x00"]))
def test_an_unreadable_byte_is_placed_as_every_problem_is(lines: str, before: str, wrong: bytes) -> None:
    """A byte that is not UTF-8, or a character YAML refuses, is at the line and column an editor shows: lines
    end at YAML's line breaks (a lone CR too, as for every other problem), columns count characters."""
    text = lines + before
    with pytest.raises(CatalogError) as caught:
        load_parts([Part("p.yaml", text.encode() + wrong + b"\n")])
    (problem,) = caught.value.problems
    *earlier, last = re.split(r"\r\n|[\r\n\x85\u2028\u2029]", text)
    assert (problem.line, problem.column) == (len(earlier) + 1, len(last) + 1)
