"""Keeping credentials out of logs and exception messages.

Two rules: every occurrence of a known secret (API password, secret word, the Basic credentials) is masked in
any text, and the values of sensitive keys (``secret_word``, ``password`` ...) are masked wherever they occur
in parameters or JSON bodies, even when the client was never told that secret.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from typing import Any

MASK = "***"
SENSITIVE_KEYS = frozenset({"secret_word", "secret", "password", "api_password", "authorization"})


def basic_credentials(username: str, password: str) -> str:
    """The token of an ``Authorization: Basic`` header (what requests sends for this pair)."""
    return base64.b64encode(f"{username}:{password}".encode("latin-1", "replace")).decode("ascii")


class Redactor:
    """Masks a fixed set of secrets in text, parameters and JSON bodies."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        found = {secret for secret in secrets if secret}
        self._secrets = sorted(found, key=len, reverse=True)  # longest first: no partial leftovers

    def text(self, text: str) -> str:
        """``text`` with every secret masked; no secret survives, even one adjacent to a mask."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        while any(secret in text for secret in self._secrets):  # a secret made of mask characters
            for secret in self._secrets:
                text = text.replace(secret, "")
        return text

    def pairs(self, pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self._value(name, value)) for name, value in pairs]

    def body(self, content: bytes) -> str:
        """A response body for the log: JSON with sensitive keys masked, or the redacted text."""
        text = content.decode("utf-8", "replace")
        try:
            data = json.loads(text)
        except ValueError:
            return self.text(text)
        return json.dumps(self._json(data), ensure_ascii=False, separators=(",", ":"))

    def _value(self, name: str, value: str) -> str:
        return MASK if name.lower() in SENSITIVE_KEYS else self.text(value)

    def _json(self, data: Any) -> Any:
        """Strings are redacted before encoding: a secret with quotes or backslashes changes once escaped."""
        if isinstance(data, dict):
            return {
                self.text(key): MASK if key.lower() in SENSITIVE_KEYS and data[key] else self._json(data[key])
                for key in data
            }
        if isinstance(data, list):
            return [self._json(item) for item in data]
        return self.text(data) if isinstance(data, str) else data
