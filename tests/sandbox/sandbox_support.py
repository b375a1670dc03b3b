"""Helpers of the sandbox tests: plain ``requests`` calls and the recorded-shape comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import requests

RECORDED = Path(__file__).parent / "recorded"
"""Copies of ``reference/recorded/*.json``: bodies the real API returned."""


def recorded(name: str) -> Any:
    return json.loads((RECORDED / f"{name}.json").read_text(encoding="utf-8"))


def shape_errors(actual: Any, expected: Any, path: str = "$") -> list[str]:
    """Where ``actual`` differs from ``expected`` in keys or JSON types, recursively.

    ``null`` and strings stand for each other (the vendor sends absent values as null, present ones as
    strings); list items are each compared with the first recorded item.
    """
    if expected is None or (isinstance(expected, str) and actual is None):
        return [] if actual is None or isinstance(actual, str) else [f"{path}: {actual!r} is not null/string"]
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        extra, missing = set(actual) - set(expected), set(expected) - set(actual)
        if extra or missing:
            return [f"{path}: keys differ: extra {extra}, missing {missing}"]
        return [e for key in expected for e in shape_errors(actual[key], expected[key], f"{path}.{key}")]
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: expected an array, got {actual!r}"]
        if not expected:
            return []
        return [e for i, item in enumerate(actual) for e in shape_errors(item, expected[0], f"{path}[{i}]")]
    if type(actual) is not type(expected):
        return [f"{path}: {actual!r} is {type(actual).__name__}, recorded {type(expected).__name__}"]
    return []


class Api:
    """Calls one sandbox over a keep-alive session."""

    def __init__(self, url: str, auth: tuple[str, str] = ("sandbox", "sandbox")) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers["Accept"] = "application/json"

    def call(self, method: str, verb: str = "POST", **params: Any) -> requests.Response:
        if verb == "GET":
            return self.session.get(f"{self.url}/{method}", params=params, timeout=10)
        return self.session.post(f"{self.url}/{method}", data=params, timeout=10)

    def ok(self, method: str, **params: Any) -> Any:
        """The body of a successful call (asserts status 200 and ``response_code`` OK)."""
        response = self.call(method, **params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["response_code"] == "OK", body
        return body

    def errors(self, method: str, status: int = 400, **params: Any) -> list[tuple[str, str | None]]:
        """``(code, parameter)`` of every error of a failing call (asserts the status)."""
        response = self.call(method, **params)
        assert response.status_code == status, response.text
        body = response.json()
        assert set(body) == {"errors"}, body
        return [(e["code"], e.get("parameter")) for e in body["errors"]]

    def error_messages(self, method: str, status: int = 400, **params: Any) -> list[str]:
        response = self.call(method, **params)
        assert response.status_code == status, response.text
        return [e["message"] for e in response.json()["errors"]]

    def close(self) -> None:
        self.session.close()
