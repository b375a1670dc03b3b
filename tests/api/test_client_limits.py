"""The nesting scan without a server: it agrees with the real depth of any JSON text, strings and escapes
included, and takes 200,000 brackets without recursion."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogsync.api.limits import MAX_DEPTH, json_depth, nested_too_deep, size_text
from catalogsync.api.redact import Redactor

TRICKY = st.sampled_from('ab"\\[]{}\n é/')
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(TRICKY),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(TRICKY), inner),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@settings(max_examples=500)
@given(VALUES, st.booleans(), st.integers(min_value=1, max_value=40))
def test_the_scan_agrees_with_the_parsed_depth(value: Any, ascii_only: bool, window: int) -> None:
    """Any window size: a string cut across two windows still counts as a string."""
    text = json.dumps(value, ensure_ascii=ascii_only).encode()
    assert json_depth(text, window=window) == depth(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"123", 0),
        (b"{}", 1),
        (b'"[[[["', 0),
        (b'{"a":"\\"[[[["}', 1),
        (b'{"a":"x\\\\"}', 1),
        (b'{"a":"x\\\\\\"[[["}', 1),
        (b"[[1],[2,[3]]]", 3),
        (b'{"cut": "[[[[', 1),
        (b'{"products":' + b"[" * 200_000, 200_001),
    ],
)
def test_the_scan_of_hand_made_texts(text: bytes, expected: int) -> None:
    assert json_depth(text) == expected


def test_the_bound_is_checked_past_the_quick_count() -> None:
    assert not nested_too_deep(b"[" * MAX_DEPTH)  # few brackets: not even scanned
    assert nested_too_deep(b"[" * (MAX_DEPTH + 1))
    assert not nested_too_deep(b"[" + b"[]," * 10_000 + b"[]]")  # many brackets, shallow


def test_the_request_log_takes_a_body_nested_too_deeply_as_text() -> None:
    deep = b'{"secret_word":"tango","x":' + b"[" * 200_000
    logged = Redactor(["hunter2"]).body(deep)
    assert logged.startswith('{"secret_word":"***","x":[[[') and "tango" not in logged


@pytest.mark.parametrize(
    ("count", "text"),
    [(32 * 1024 * 1024, "32 MiB"), (1024, "1 KiB"), (100_000, "100000 bytes"), (1, "1 byte")],
)
def test_sizes_are_named_in_the_largest_whole_unit(count: int, text: str) -> None:
    assert size_text(count) == text
