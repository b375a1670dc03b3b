"""Keeping credentials out of logs and exception messages.

Two rules: every occurrence of a known secret (API password, secret word, the Basic credentials) is masked in
any text, and the values of sensitive keys (``secret_word``, ``password`` ...) are masked wherever they occur
in parameters or JSON bodies, even when the client was never told that secret.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
SENSITIVE_KEYS = frozenset({"secret_word", "secret", "password", "api_password", "authorization"})
SENSITIVE_MEMBER = re.compile(
    r'("(?:{})"\s*:\s*")(?:[^"\\]|\\.)*("?)'.format("|".join(sorted(SENSITIVE_KEYS))), re.IGNORECASE
)
"""A sensitive member of a JSON text that may be cut anywhere, even inside the value."""


def basic_credentials(username: str, password: str) -> str:
    """The token of an ``Authorization: Basic`` header (what requests sends for this pair)."""
    return base64.b64encode(f"{username}:{password}".encode("latin-1", "replace")).decode("ascii")


class Redactor:
    """Masks a fixed set of secrets, in every form they take on the wire, in text, params and bodies."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms = {form for secret in secrets if secret for form in _wire_forms(secret)}
        self._secrets = sorted(forms, key=len, reverse=True)  # longest first: no partial leftovers

    def text(self, text: str) -> str:
        """``text`` with every secret masked; no secret survives, even one adjacent to a mask."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        while any(secret in text for secret in self._secrets):  # a secret made of mask characters
            for secret in self._secrets:
                text = text.replace(secret, "")
        return text

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, MASK if name.lower() in SENSITIVE_KEYS else self.text(value)) for name, value in pairs]

    def body(self, content: bytes) -> str:
        """A response body for the log: JSON with sensitive keys masked, then every secret masked."""
        text = content.decode("utf-8", "replace")
        try:
            data = json.loads(text)
        except ValueError:  # truncated or not JSON: mask what looks like a sensitive member
            return self.text(SENSITIVE_MEMBER.sub(rf"\1{MASK}\2", text))
        return self.text(json.dumps(_mask_keys(data), ensure_ascii=False, separators=(",", ":")))


def _wire_forms(secret: str) -> set[str]:
    """The secret as written, URL-encoded (query strings, error messages) and JSON-escaped."""
    return {secret, quote(secret, safe=""), quote_plus(secret), json.dumps(secret, ensure_ascii=False)[1:-1]}


def _mask_keys(data: Any) -> Any:
    """``data`` with the non-empty values of sensitive keys replaced by the mask, at any depth."""
    if isinstance(data, dict):
        return {
            key: MASK if key.lower() in SENSITIVE_KEYS and value else _mask_keys(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_mask_keys(item) for item in data]
    return data
