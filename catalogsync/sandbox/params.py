"""Request parameters as the vendor read them: query string plus body, urlencoded or multipart, any verb.

Repeated keys and the bracket forms ``x[]`` / ``x[0]`` all become one list under ``x`` (reference §8.1): in
arrival order for ``x`` and ``x[]``, in index order for ``x[N]``. A list whose indexes are not exactly 0 to
n-1 (a gap, a repeat, ``x[01]``) or that mixes ``x[N]`` with ``x`` or ``x[]`` is :attr:`Params.malformed`.
Values are text in the charset the request declares (the body's or a multipart part's ``charset``, else
UTF-8), decoded strictly: bytes that are not text in it, or a charset that is no text encoding, make the
parameter :attr:`Params.undecodable` rather than a value with replacement characters in it.
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
    ``x[N]`` with bad indexes or beside ``x`` / ``x[]`` (their values stay in arrival order);
    ``undecodable``: the names with a value that is not text in its charset."""

    def __init__(self, pairs: Iterable[tuple[str, str]], undecodable: Iterable[str] = ()) -> None:
        self.undecodable = frozenset(undecodable)
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


def bare_name(key: str) -> str:
    """``x`` for ``x``, ``x[]`` and ``x[N]``."""
    match = _BRACKET.match(key)
    return match["name"] if match else key


def _in_index_order(values: list[str], indexes: list[str]) -> list[str] | None:
    """``values`` by their ``x[N]`` index ("" for ``x`` / ``x[]``: arrival order); None unless the indexes are
    all "" or exactly "0" to "n-1" once each."""
    if not any(indexes):
        return values
    positions = [str(i) for i in range(len(indexes))]
    if sorted(indexes) != sorted(positions):
        return None
    return [values[indexes.index(position)] for position in positions]


Raw = list[tuple[str, bytes, str]]
"""Form fields as sent: name, value bytes, the charset they are in."""


def read_request(query: str, content_type: str, body: bytes) -> Params:
    """The parameters of the query string (``http.server`` gives it as Latin-1 text of its bytes: UTF-8)
    and of the body."""
    raw = _urlencoded(query.encode("latin-1"), "utf-8") + _body(content_type, body)
    pairs, undecodable = [], set()
    for name, value, charset in raw:
        try:
            pairs.append((name, value.decode(charset)))
        except (LookupError, ValueError):  # no such charset, not a text encoding, or not text in it
            undecodable.add(bare_name(name))
            pairs.append((name, value.decode("utf-8", "replace")))
    return Params(pairs, undecodable)


def _body(content_type: str, body: bytes) -> Raw:
    """Form fields of a request body; bodies of other types carry no parameters."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return []
    if kind == "multipart/form-data":
        return _multipart(content_type, body)
    if kind in ("application/x-www-form-urlencoded", ""):
        return _urlencoded(body, _charset(content_type) or "utf-8")
    return []


def _urlencoded(data: bytes, charset: str) -> Raw:
    """``a=1&b=%C3%A9``: each value's bytes, escapes undone (Latin-1 maps bytes to text one to one)."""
    pairs = parse_qsl(data.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
    return [
        (name.encode("latin-1").decode("utf-8", "replace"), v.encode("latin-1"), charset) for name, v in pairs
    ]


def _charset(content_type: str) -> str | None:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
    charset = BytesParser(policy=HTTP).parsebytes(head).get_content_charset()
    return charset if isinstance(charset, str) else None


def _multipart(content_type: str, body: bytes) -> Raw:
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: Raw = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields.append((name, payload, part.get_content_charset() or "utf-8"))
    return fields
