"""Keys, text and counts as a reviewer reads them in a plan, a report or a message.

A key is written as it is when every character is printable and it has no surrounding space; otherwise it is
quoted, with escapes (``"NEW\\nNo changes"``), so that no key read from a catalog or an account can add a line
to a plan, move the terminal's cursor, colour it or hide itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

SURROGATES = re.compile("[\ud800-\udfff]")


KEY_LENGTH = 60
"""Longest key a message names whole; a longer one is cut to that (its line and column, or its id, tell it
apart).
"""
VALUE_LENGTH = 40
"""Longest text of a value a message quotes whole."""
AMOUNT = re.compile(r"^\d+\.\d\d$")
"""Amounts travel as strings with two decimals; they are shown as numbers."""

Mark = Callable[[str], str]
"""How a rendering sets apart the text of a catalog or an account in its own (a Markdown code span)."""


def as_is(text: str) -> str:
    """The :data:`Mark` of plain text: none."""
    return text


def shown(key: str) -> str:
    """``key`` as written, or quoted with escapes when it holds anything a reader would not see as text."""
    if key and key.isprintable() and key.strip() == key:
        return key
    return f'"{escaped(key)}"'


def escaped(text: str) -> str:
    """``text`` for inside double quotes: quotes, backslashes and what is not printable as JSON escapes."""
    return printable(text, also='"\\')


def printable(text: str, also: str = "") -> str:
    """``text`` on one line: what is not printable (and the characters ``also``) as JSON escapes."""
    return "".join(
        char if char.isprintable() and char not in also else json.dumps(char)[1:-1] for char in text
    )


def named(text: str, length: int = KEY_LENGTH) -> str:
    """``text`` quoted for a message (``repr``), cut to ``length`` characters when it is longer."""
    return repr(cut(text, length))


def cut(text: str, length: int) -> str:
    """``text``, or its first ``length - 3`` characters and ``...`` when it is longer than ``length``."""
    return text if len(text) <= length else text[: length - 3] + "..."


def has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate: what a ``\\udXXX`` escape, or the environment's reading of
    bytes that are not UTF-8, makes; no file or request can hold it."""
    return SURROGATES.search(text) is not None


def quoted(text: str) -> str:
    """Text in double quotes, with escapes for whatever a reader would not see (C1 controls, DEL, bidi
    overrides and line separators too, which JSON would leave as they are)."""
    return f'"{escaped(text)}"'


def shown_ref(ref: str) -> str:
    """``kind:key`` (or ``kind@id``) with the key shown as :func:`shown` shows it."""
    kind, sep, key = ref.partition(":") if ":" in ref else ref.partition("@")
    return f"{kind}{sep}{shown(key)}" if sep else shown(ref)


def counted(count: int, kind: str, what: str = "") -> str:
    """``1 product``, ``2,100 products not in the catalog``."""
    return f"{count:,} {kind}{'' if count == 1 else 's'}" + (f" {what}" if what else "")


def shown_value(value: Any) -> str:
    """A field's JSON value as a plan shows it: amounts as numbers, text quoted, lists and objects inline."""
    if isinstance(value, list):
        return "[" + ", ".join(shown_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {shown_value(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and not AMOUNT.match(value):
        return quoted(value)
    return str(value)
