"""Reading and validating request parameters while collecting every problem of the request (§8.3).

A field read gives :data:`UNSET` when the parameter was not sent, ``None`` when it was sent empty (which
clears an optional field), the parsed value otherwise. Invalid values are recorded and read as :data:`UNSET`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from typing import Any

from catalogsync.sandbox import wire
from catalogsync.sandbox.params import Params

Parser = Callable[[str], Any]


class Unset(Enum):
    UNSET = "unset"


UNSET = Unset.UNSET

_AMOUNT = re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")
_PERCENT = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")
_PERIOD = re.compile(r"[1-9][0-9]{0,2} (Week|Month|Year)")
_ID = re.compile(r"[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def text(value: str) -> str:
    return value


def amount(value: str) -> int:
    """A non-negative decimal with up to two places, as integer cents."""
    if not _AMOUNT.fullmatch(value):
        raise ValueError(value)
    return int(Decimal(value) * 100)


def percent(value: str) -> int:
    """A whole percent (> 0, <= 100, up to two places) as hundredths of a percent."""
    if not _PERCENT.fullmatch(value) or not 0 < Decimal(value) <= 100:
        raise ValueError(value)
    return int(Decimal(value) * 100)


def flag(value: str) -> int:
    if value not in ("0", "1"):
        raise ValueError(value)
    return int(value)


def ident(value: str) -> int:
    if not _ID.fullmatch(value):
        raise ValueError(value)
    return int(value)


def date(value: str) -> str:
    """``YYYY-MM-DD``."""
    if not _DATE.fullmatch(value):
        raise ValueError(value)
    dt.date.fromisoformat(value)
    return value


def period(value: str) -> str:
    """``N Week|Month|Year``."""
    if not _PERIOD.fullmatch(value):
        raise ValueError(value)
    return value


def duration(value: str) -> str:
    """``Forever`` or a period."""
    return value if value == "Forever" else period(value)


def choice(*allowed: str) -> Parser:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError(value)
        return value

    return parse


class Form:
    """The parameters of one request and the problems found in them so far."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self.errors: list[wire.JSON] = []

    def missing(self, name: str) -> None:
        self.add(wire.missing(name))

    def invalid(self, name: str, message: str | None = None) -> None:
        self.add(wire.invalid(name, message))

    def add(self, error: wire.JSON) -> None:
        """Record a problem: one per parameter (the first found); one of each without a parameter."""
        parameter = error.get("parameter")
        same = [e for e in self.errors if e.get("parameter") == parameter]
        if not same or (parameter is None and error not in same):
            self.errors.append(error)

    def field(self, name: str, parse: Parser = text) -> Any:
        """UNSET (not sent or invalid), None (sent empty) or the parsed value."""
        raw = self.params.first(name)
        if raw is None or not self._well_formed(name) or not self._single(name):
            return UNSET
        if raw == "":
            return None
        try:
            return parse(raw)
        except ValueError:
            self.invalid(name)
            return UNSET

    def required(self, name: str, parse: Parser = text) -> Any:
        """The parsed value, or None after recording it missing (absent or empty) or invalid."""
        if not self.params.first(name) and self._well_formed(name):
            self.missing(name)
            return None
        value = self.field(name, parse)
        return None if value is UNSET else value

    def values(self, name: str, parse: Parser = text) -> list[Any] | None:
        """A list parameter: None when not sent, [] when sent only empty, else every parsed value."""
        if not self.params.has(name):
            return None
        if not self._well_formed(name):
            return []
        parsed: list[Any] = []
        for raw in self.params.all(name):
            if raw == "":
                continue
            try:
                parsed.append(parse(raw))
            except ValueError:
                self.invalid(name)
                return []
        return parsed

    def _well_formed(self, name: str) -> bool:
        """False, after recording it invalid, for a list sent with bad ``x[N]`` indexes (§8.1) or a value that
        is not text in its charset (kept as sent or refused, never stored with replacement characters)."""
        if name in self.params.undecodable:
            why = "not text in the charset it was sent in, UTF-8 unless the request names another"
        elif name in self.params.malformed:
            why = "indexes must be 0 to n-1, each once, alone"
        else:
            return True
        self.invalid(name, f"Invalid value for parameter: {name} ({why})")
        return False

    def _single(self, name: str) -> bool:
        """False, after recording it invalid, for a one-value parameter sent more than once with different
        values: which one the vendor took is unknown (§8's stricter reading)."""
        if len(set(self.params.all(name))) <= 1:
            return True
        self.invalid(
            name, f"Invalid value for parameter: {name} (sent more than once, with different values)"
        )
        return False

    def check(self) -> None:
        """Raise every problem found so far as one answer: 403 when access is denied, else 400 (§8.3)."""
        if self.errors:
            denied = any(e["code"] == "FORBIDDEN" for e in self.errors)
            raise wire.ApiFailure(403 if denied else 400, self.errors)
