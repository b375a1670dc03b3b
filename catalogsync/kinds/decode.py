"""Reading the vendor's wire items: tolerant of its conventions, strict about everything else.

The vendor sends ids, amounts and flags as strings, ``null`` or ``""`` for "no value", and a few numbers
(reference §1.5). Anything else (a price of ``"abc"``, a list where an object belongs, a missing id) raises
:class:`WireError` naming the member at fault, so that a broken or hostile answer is never read as a
plausible value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import ValidationError

from catalogsync.kinds.base import CENT, to_decimal
from catalogsync.shown import named

T = TypeVar("T")
Item = Mapping[str, Any]

TRUE, FALSE = frozenset({"1", "Y", "TRUE"}), frozenset({"0", "N", "FALSE", ""})


class WireError(ValueError):
    """A wire item that cannot be read: the member at fault (a dotted path) and what is wrong with it."""

    def __init__(self, member: str, problem: str) -> None:
        self.member, self.problem = member, problem
        super().__init__(f"{member}: {problem}" if member else problem)


def member(item: Item, name: str, read: Callable[[Any], T]) -> T:
    """``read(item[name])``, with ``None`` for an absent member; any problem names the member."""
    try:
        return read(item.get(name))
    except (ValueError, TypeError) as error:
        inner, problem = explain(error)
        raise WireError(_join(name, inner), problem) from None


def listed(item: Item, name: str, read: Callable[[Item], T]) -> list[T]:
    """``read`` of each object of the list member ``name``; any problem names the object's index."""

    def each(value: Any) -> list[T]:
        results = []
        for index, obj in enumerate(objects(value)):
            try:
                results.append(read(obj))
            except (ValueError, TypeError) as error:
                inner, problem = explain(error)
                raise WireError(_join(f"[{index}]", inner), problem) from None
        return results

    return member(item, name, each)


def explain(error: Exception) -> tuple[str, str]:
    """The member path (possibly empty) and the problem that an error of reading or validating describes."""
    if isinstance(error, WireError):
        return error.member, error.problem
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        return path, f"{message} (got {_shown(first.get('input'))})"
    return "", str(error)


def _join(outer: str, inner: str) -> str:
    if not inner:
        return outer
    return f"{outer}{inner}" if inner.startswith("[") else f"{outer}.{inner}"


def _shown(value: Any) -> str:
    text = str(value) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def objects(value: Any) -> list[Item]:
    """A list of JSON objects; ``null`` is an empty list."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(f"expected a list of objects, got {_shown(value)}")
    return value


def text_or_none(value: Any) -> str | None:
    """Text exactly as stored; only JSON ``null`` and ``""`` mean no value (reference §1.5: the API does not
    tell them apart). Text such as ``"null"`` or ``"~"`` is text. A number is taken as its digits."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected text, got {_shown(value)}")
    text = str(value)
    return text or None


def required(read: Callable[[Any], T | None]) -> Callable[[Any], T]:
    """The reader of a value that must be there, from the reader of an optional one."""

    def read_required(value: Any) -> T:
        found = read(value)
        if found is None:
            raise ValueError("missing")
        return found

    return read_required


text = required(text_or_none)
"""Text that must be there."""


def identifier(value: Any) -> str:
    """A vendor id: digits, sent as a string (or a number)."""
    found = text(value)
    if not found.isdigit():
        raise ValueError(f"{named(found)} is not an id")
    return found


def amount_or_none(value: Any) -> Decimal | None:
    """An amount (``"10.00"``; a JSON number is accepted too); the model checks its range and decimals."""
    if value is None or (isinstance(value, str) and text_or_none(value) is None):
        return None
    return to_decimal(value)


amount = required(amount_or_none)
"""An amount that must be there."""


def percent_of_fraction(value: Any) -> Decimal | None:
    """A percentage that ``list_coupons`` gives as a fraction (``"0.125"``: 12.5%), exactly, in percent."""
    fraction = amount_or_none(value)
    if fraction is None:
        return None
    sign, digits, exponent = fraction.as_tuple()
    return Decimal((sign, digits, int(exponent) + 2))  # exact: no rounding to the context's precision


def exact_percent(value: Decimal | None) -> bool:
    """Whether a percentage is one a catalog can hold (more than 0, at most 100, two decimals at most).

    The list's fraction is the percentage exactly (reference §8.7; two decimals, more only when needed, as the
    sandbox writes it); one whose percent is no catalog percent is left to the detail, whose whole percent
    decides (or is a broken answer, named).
    """
    return value is None or (0 < value <= 100 and value == value.quantize(CENT))


def flag(value: Any) -> bool:
    """A boolean: ``"1"``/``"0"``, ``"Y"``/``"N"``, a number or JSON boolean; ``null`` is false."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str | int):
        word = str(value).strip().upper()
        if word in TRUE | FALSE:
            return word in TRUE
    raise ValueError(f'{_shown(value)} is not a flag ("1" or "0")')


def date(value: Any) -> dt.date:
    """A ``YYYY-MM-DD`` date that must be there."""
    found = text(value)
    try:
        return dt.date.fromisoformat(found)
    except ValueError:
        raise ValueError(f"{named(found)} is not a date (YYYY-MM-DD)") from None
