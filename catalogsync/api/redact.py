"""Keeping credentials out of logs and exception messages, without damaging the rest of the text.

A known secret (API password, secret word, the Basic credentials), in each form it takes on the wire (as
written, URL-encoded both ways, JSON-escaped), is masked:

* where it stands as a value: a form or query parameter, or a JSON member, whose whole value it is;
* in free text, where it stands as a whole token: after one of the :data:`DELIMITERS` (white space, quotes,
  brackets, ``, ; : = & ?``) or the start of the text, and before one or the end, sentence punctuation
  (:data:`TRAILING`) in between. A one-letter password ``p`` is masked in ``pw p and``, ``x=p&y``,
  ``wrong: p.`` and ``p!`` but leaves ``port`` and ``p-value`` alone: masking every substring would damage
  every message, and ``***ort`` would spell the password out;
* and, when it is long enough to be distinctive (:data:`DISTINCTIVE` characters), wherever it occurs.

Some values are masked by their position whatever they are, even when the client was never told the secret:
those of sensitive keys (``secret_word``, ``password`` ...) in parameters and JSON, the password of a URL's
userinfo, the token of an ``Authorization: Basic`` header.
"""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from catalogsync.api.limits import nested_too_deep

MASK = "***"
SENSITIVE_KEYS = frozenset({"secret_word", "secret", "password", "api_password", "authorization"})
SENSITIVE_MEMBER = re.compile(
    r'("(?:{})"\s*:\s*")(?:[^"\\]|\\.)*("?)'.format("|".join(sorted(SENSITIVE_KEYS))), re.IGNORECASE
)
"""A sensitive member of a JSON text that may be cut anywhere, even inside the value."""
SENSITIVE_PARAM = re.compile(
    r"(?<![\w.-])((?:{})=)[^&\s#'\"]*".format("|".join(sorted(SENSITIVE_KEYS))), re.IGNORECASE
)
"""A sensitive parameter of a query string or form inside free text."""
USERINFO = re.compile(r"(://[^\s/?#@:]*:)[^\s/?#@]*@")
BASIC_HEADER = re.compile(r"""(authorization['"]?\s*[:=]\s*['"]?basic\s+)[A-Za-z0-9+/=]+""", re.IGNORECASE)
DISTINCTIVE = 8
"""A secret this long is masked wherever it occurs, even inside a word; a shorter one only as a token."""
DELIMITERS = r"\s\"',;:=&?()\[\]{}<>\\"
"""What ends a token of free text (a character class): a short secret counts only between two of them."""
TRAILING = r".!\-"
"""Sentence punctuation between a token and its delimiter (a character class): ``password p.`` is ``p``."""


def basic_credentials(username: str, password: str) -> str:
    """The token of an ``Authorization: Basic`` header (what the transport sends: UTF-8 in NFC, RFC 7617)."""
    return base64.b64encode(nfc(f"{username}:{password}")).decode("ascii")


def nfc(text: str) -> bytes:
    """Credentials as RFC 7617 (``charset="UTF-8"``) sends them: Unicode Normalization Form C, UTF-8."""
    return unicodedata.normalize("NFC", text).encode()


class Redactor:
    """Masks a fixed set of secrets, in every form they take on the wire, in text, params and bodies."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        self._forms = frozenset(form for secret in secrets if secret for form in _wire_forms(secret))
        longest_first = sorted(self._forms, key=lambda form: (-len(form), form))  # no partial leftovers
        self._pattern = re.compile("|".join(map(_token, longest_first))) if self._forms else None
        self.mask = next((mask for mask in (MASK, "[hidden]") if not self._finds(mask)), "")
        """What replaces a secret: ``***``, unless a secret could be read in it."""

    def text(self, text: str) -> str:
        """``text`` with every secret masked where it stands as a value or a token (see the module)."""
        text = USERINFO.sub(rf"\g<1>{self.mask}@", text)
        text = BASIC_HEADER.sub(rf"\g<1>{self.mask}", text)
        text = SENSITIVE_PARAM.sub(rf"\g<1>{self.mask}", text)
        if self._pattern is None:
            return text
        text = self._pattern.sub(self.mask, text)
        while self._pattern.search(text):  # a secret that the masks formed with their neighbours
            text = self._pattern.sub("", text)
        return text

    def url(self, url: str) -> str:
        """A URL as :meth:`text`, each of its ``/``-separated parts then masked as a text of its own (a short
        secret as a path segment of a server's ``Location`` is a token there, not part of a word)."""
        return "/".join(map(self.text, self.text(url).split("/")))

    def value(self, name: str, value: str) -> str:
        """A parameter's value: masked whole when its name is sensitive or it is a secret, else as text."""
        return self.mask if name.lower() in SENSITIVE_KEYS or value in self._forms else self.text(value)

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.value(name, value)) for name, value in pairs]

    def body(self, content: bytes) -> str:
        """A response body for the log: JSON with sensitive members and secrets masked, member by member."""
        text = content.decode("utf-8", "replace")
        if not nested_too_deep(content):  # json and _json recurse: a body nested too deeply is only text
            try:
                data = json.loads(text)
            except ValueError:  # truncated or not JSON
                pass
            else:
                return json.dumps(self.data(data), ensure_ascii=False, separators=(",", ":"))
        return self.text(SENSITIVE_MEMBER.sub(rf"\g<1>{self.mask}\g<2>", text))  # mask sensitive members

    def data(self, data: Any) -> Any:
        """Decoded JSON with sensitive members (non-empty, at any depth) and secrets masked."""
        if isinstance(data, dict):
            return {
                self.text(key): self.mask if key.lower() in SENSITIVE_KEYS and value else self.data(value)
                for key, value in data.items()
            }
        if isinstance(data, list):
            return [self.data(item) for item in data]
        if isinstance(data, str):
            return self.mask if data in self._forms else self.text(data)
        return self.mask if json.dumps(data) in self._forms else data  # a number, true, false or null

    def _finds(self, text: str) -> bool:
        return self._pattern is not None and self._pattern.search(text) is not None


def _wire_forms(secret: str) -> set[str]:
    """The secret as written, URL-encoded (query strings, error messages) and JSON-escaped."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret, ensure_ascii=False)[1:-1]}


def _token(form: str) -> str:
    """A pattern of ``form`` in free text: anywhere when distinctive, else as a whole token."""
    pattern = re.escape(form)
    if len(form) >= DISTINCTIVE:
        return pattern
    return rf"(?<![^{DELIMITERS}]){pattern}(?=[{TRAILING}]*(?:[{DELIMITERS}]|\Z))"
