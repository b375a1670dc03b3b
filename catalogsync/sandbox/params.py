"""Request parameters as the vendor read them: query string plus body, urlencoded or multipart, any verb.

Repeated keys and the bracket forms ``x[]`` / ``x[0]`` all become one list under ``x`` (reference §8.1): in
arrival order for ``x`` and ``x[]``, in index order for ``x[N]``. A list whose indexes are not exactly 0 to
n-1 (a gap, a repeat, ``x[01]``) or that mixes ``x[N]`` with ``x`` or ``x[]`` is :attr:`Params.malformed`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

_BRACKET = re.compile(r"^(?P<name>.+?)\[(?P<index>\d*)\]$")


class Params:
    """Every value of every parameter, in list order, under its bare name; ``malformed``: the names sent as
    ``x[N]`` with bad indexes or beside ``x`` / ``x[]`` (their values stay in arrival order)."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        indexes: dict[str, list[str]] = {}
        for key, value in pairs:
            match = _BRACKET.match(key)
            name = match["name"] if match else key
            self._values.setdefault(name, []).append(value)
            indexes.setdefault(name, []).append(match["index"] if match else "")
        malformed = set()
        for name, given in indexes.items():
            ordered = _in_index_order(self._values[name], given)
            if ordered is None:
                malformed.add(name)
            else:
                self._values[name] = ordered
        self.malformed = frozenset(malformed)

    def has(self, name: str) -> bool:
        return name in self._values

    def first(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return list(self._values.get(name, ()))


def _in_index_order(values: list[str], indexes: list[str]) -> list[str] | None:
    """``values`` by their ``x[N]`` index ("" for ``x`` / ``x[]``: arrival order); None unless the indexes are
    all "" or exactly "0" to "n-1" once each."""
    if not any(indexes):
        return values
    positions = [str(i) for i in range(len(indexes))]
    if sorted(indexes) != sorted(positions):
        return None
    return [values[indexes.index(position)] for position in positions]


def parse_query(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=True)


def parse_body(content_type: str, body: bytes) -> list[tuple[str, str]]:
    """Form pairs of a request body; bodies of other types carry no parameters."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return []
    if kind == "multipart/form-data":
        return _multipart(content_type, body)
    if kind in ("application/x-www-form-urlencoded", ""):
        return parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return []


def _multipart(content_type: str, body: bytes) -> list[tuple[str, str]]:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    pairs: list[tuple[str, str]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            pairs.append((name, payload.decode(part.get_content_charset() or "utf-8", "replace")))
    return pairs
