"""What the catalog's YAML means, whichever reader reads it: tags, scalar values, keys and limits.

- Booleans and numbers follow YAML 1.2, tagged or not (only ``true`` / ``false`` are booleans; ``1:30`` is
  text), dates and merge keys (``<<``) YAML 1.1.
- ``int`` scalars become ``int`` and ``float`` scalars become exact :class:`~decimal.Decimal` from their text.
- A key written as a number or a date is kept as written (``123456789:`` is the string ``"123456789"``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode

MAX_DEPTH = 64
"""Deepest nesting accepted; a catalog needs six levels."""

TAG = "tag:yaml.org,2002:"
STR, NULL, BOOL, INT, FLOAT = (TAG + name for name in ("str", "null", "bool", "int", "float"))
TIMESTAMP, MERGE = TAG + "timestamp", TAG + "merge"
TEXT_KEY_TAGS = frozenset({STR, INT, FLOAT, TIMESTAMP})
"""Tags of keys kept as written; a null or boolean key is refused."""

DECIMAL_INT = re.compile(r"^[-+]?[0-9]+$")

CORE_SCALARS = (
    (BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (FLOAT, r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$", "-+.0123456789"),
    (FLOAT, r"^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$", "-+."),
)
"""YAML 1.2 core booleans and numbers: no ``yes``/``no``, no ``1:30`` (90 in YAML 1.1), no ``1_000``."""
CORE_FORMS = {
    tag: re.compile("|".join(pattern for other, pattern, _ in CORE_SCALARS if other == tag))
    for tag in (BOOL, INT, FLOAT)
}
"""What each of those tags reads, written as a tag (``!!int 1:30`` is no more 90 than ``1:30`` is)."""

SURROGATE = (
    "the text holds half of a UTF-16 pair (an escape such as \\ud83d, as JSON writes characters beyond"
    " U+FFFF), which is no character: write the character itself, or \\U0001F600"
)


class RefusedTag(Exception):
    """A scalar tag that no catalog value has (``!custom``, ``!!binary``, ``!!merge`` as a value)."""


def add_core_resolvers(cls: type[yaml.resolver.BaseResolver]) -> None:
    """Make ``cls`` also read YAML 1.2 core booleans and numbers (after its own resolvers)."""
    for tag, pattern, first in CORE_SCALARS:
        cls.add_implicit_resolver(tag, re.compile(pattern), list(first))


class _Resolvers(yaml.resolver.Resolver):
    """The safe loader's null, date and merge resolvers, then YAML 1.2's booleans and numbers."""


_Resolvers.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in (NULL, TIMESTAMP, MERGE)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
add_core_resolvers(_Resolvers)
IMPLICIT_RESOLVERS: dict[Any, list[tuple[str, re.Pattern[str]]]] = _Resolvers.yaml_implicit_resolvers
"""By first character (``""``: the empty scalar), the tags a plain scalar may resolve to, tried in turn."""


def resolve_plain(text: str) -> str:
    """The tag of a plain (unquoted, untagged) scalar, as PyYAML's resolver finds it with these resolvers."""
    for tag, regexp in IMPLICIT_RESOLVERS.get(text[:1], ()):
        if regexp.match(text):
            return tag
    return STR


_CONSTRUCT = SafeConstructor()


def scalar_value(tag: str, text: str) -> Any:
    """The value of a scalar of ``tag``: text, None, a boolean, an int, an exact Decimal (``.inf`` and
    ``.nan`` stay floats, refused later) or a date; raises ValueError for text its tag cannot read,
    :class:`RefusedTag` for any other tag (``!!merge`` but on ``<<``)."""
    if tag == STR:
        return text
    if tag == NULL:
        return None
    if tag == MERGE and text == "<<":  # a merge key is a key: as a value, ``<<`` is text (as in YAML 1.2)
        return text
    if tag == INT and DECIMAL_INT.match(text):
        return int(text, 10)
    if tag in CORE_FORMS and not CORE_FORMS[tag].fullmatch(text):
        raise ValueError(f"not a YAML 1.2 {short(tag)}")
    if tag == FLOAT:
        return _decimal(text, lambda: _construct(tag, text))
    return _construct(tag, text)


_CONSTRUCTORS: dict[str, Callable[[SafeConstructor, ScalarNode], Any]] = {
    BOOL: SafeConstructor.construct_yaml_bool,
    INT: SafeConstructor.construct_yaml_int,
    FLOAT: SafeConstructor.construct_yaml_float,
    TIMESTAMP: SafeConstructor.construct_yaml_timestamp,
}


def _construct(tag: str, text: str) -> Any:
    """PyYAML's value of a scalar of ``tag``. Its constructors fail on text they cannot read with whatever
    their code trips over (AttributeError on a date of another form, IndexError on an empty number, KeyError
    on ``maybe``): every failure is a ValueError here, one naming the form of a date."""
    construct = _CONSTRUCTORS.get(tag)
    if construct is None:
        raise RefusedTag(tag)
    if tag == TIMESTAMP and not SafeConstructor.timestamp_regexp.match(text):
        raise ValueError("expected YYYY-MM-DD")
    try:
        return construct(_CONSTRUCT, ScalarNode(tag, text))
    except ValueError:
        raise
    except Exception as error:
        raise ValueError(str(error)) from error


def _decimal(text: str, fallback: Callable[[], Any]) -> Any:
    """A YAML float as an exact Decimal from its text; ``.inf`` / ``.nan`` stay floats (refused later)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is not None and number.is_finite():
        return number
    value = fallback()
    return Decimal(repr(value)) if math.isfinite(value) else value


def short(tag: str) -> str:
    return "!!" + tag[len(TAG) :] if tag.startswith(TAG) else tag
