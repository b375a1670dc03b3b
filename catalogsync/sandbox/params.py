"""Request parameters as the vendor read them: query string plus body, urlencoded or multipart, any verb.

Repeated keys and the bracket forms ``x[]`` / ``x[0]`` all become one list under ``x`` (reference §8.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qsl

_BRACKET = re.compile(r"^(?P<name>.+?)\[\d*\]$")


class Params:
    """Every value of every parameter, in arrival order, under its bare name."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for key, value in pairs:
            match = _BRACKET.match(key)
            self._values.setdefault(match["name"] if match else key, []).append(value)

    def has(self, name: str) -> bool:
        return name in self._values

    def first(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return list(self._values.get(name, ()))


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
