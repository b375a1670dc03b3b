"""What an error answer holds never leaks a secret, wherever it stands; and only an ``errors`` member that
holds errors is one. A table of every position of a vendor error answer (each member of an error item, an
unknown member, nested objects, ``errors`` as an object or a text, a non-JSON body, a redirect's ``Location``)
x every form of every secret x a 2xx and an error status, against a real server; and a table of ``errors``
values of every JSON type, for a read and a write."""

from __future__ import annotations

import dataclasses
import json
import pickle
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from catalogsync.api import Client
from catalogsync.api.redact import basic_credentials
from catalogsync.errors import ApiError, ClientError, VendorError
from tests.hostile_server import Answer, Hostile, Stream, head

USER, PASSWORD, SECRET = "ci-user", "Zq8%kV#2 pw/&x=1", "tango"
FORMS = {
    "password": PASSWORD,
    "password URL-encoded": quote(PASSWORD, safe=""),
    "password form-encoded": quote_plus(PASSWORD),
    "password JSON-escaped": json.dumps(PASSWORD)[1:-1],
    "Basic token": basic_credentials(USER, PASSWORD),
    "secret word": SECRET,
}
"""Every form of every secret the client knows."""
MEMBERS = [*(field.name for field in dataclasses.fields(VendorError)), "detail"]
"""Every member of an error item the client reads, and one it does not (a new VendorError field gets rows)."""
PLACINGS: dict[str, Callable[[str], Any]] = {
    "whole": lambda secret: secret,
    "a word": lambda secret: f"wrong value: {secret}.",
    "nested": lambda secret: {"x": [secret, {"y": secret}]},
}
"""How a secret stands in a member."""
Respond = Callable[[str, int], Answer | Stream]


def _item(member: str, placed: Any) -> dict[str, Any]:
    return {"code": "X", "message": "m", member: placed}


POSITIONS: dict[str, Respond] = {
    **{
        f"{member}, {how}": (
            lambda s, status, m=member, p=place: Answer({"errors": [_item(m, p(s))]}, status)
        )
        for member in MEMBERS
        for how, place in PLACINGS.items()
    },
    "errors as an object": lambda s, status: Answer(
        {"errors": {"code": s, "message": s, "parameter": s}}, status
    ),
    "errors as a text": lambda s, status: Answer({"errors": f"failed: {s}"}, status),
    "errors as a list of texts": lambda s, status: Answer({"errors": [s, {"code": [s]}]}, status),
    "errors nested in errors": lambda s, status: Answer({"errors": [{"errors": [{"code": s}]}]}, status),
    "a member beside errors": lambda s, status: Answer(
        {"response_message": s, "errors": [{"code": "X"}]}, status
    ),
    "a text body": lambda s, status: Answer(f"failed: {s}".encode(), status, "text/plain"),
    "an HTML body": lambda s, status: Answer(f"<html>{s}</html>".encode(), status, "text/html"),
    "truncated JSON": lambda s, status: Answer(json.dumps({"errors": [{"code": s}]}).encode()[:-3], status),
    "a redirect's Location": lambda s, _: Stream(
        lambda: [head("302 Found", Location=f"https://elsewhere.example/{s}?pw={s}", Content_Length="0")]
    ),
}


def texts(error: BaseException) -> Iterator[str]:
    """What an exception shows: str, repr, args, attributes and pickled form, of it and its chain."""
    pickled = pickle.dumps(error).decode("utf-8", "replace")
    yield from (pickled, str(pickle.loads(pickle.dumps(error))))
    current: BaseException | None = error
    while current is not None:
        yield from (str(current), repr(current), repr(current.args), repr(vars(current)))
        current = current.__cause__ or current.__context__


@pytest.mark.parametrize("status", [200, 400, 500])
@pytest.mark.parametrize("position", sorted(POSITIONS))
@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_secret_in_an_error_answer_reaches_an_exception(
    hostile: Hostile, form: str, position: str, status: int
) -> None:
    hostile.answers["products/detail_product"] = POSITIONS[position](FORMS[form], status)
    client = Client(hostile.url, USER, PASSWORD, secret=SECRET, max_retries=0)
    with client, pytest.raises(ClientError) as caught:
        client.call("products", "detail_product", {"product_id": "1"})
    shown = list(texts(caught.value))
    assert [(name, text) for text in shown for name, secret in FORMS.items() if secret in text] == []
    assert str(caught.value).startswith("products/detail_product")


def test_every_member_of_a_vendor_error_has_rows() -> None:
    assert {field.name for field in dataclasses.fields(VendorError)} < set(MEMBERS)
    assert all(f"{member}, {how}" in POSITIONS for member in MEMBERS for how in PLACINGS)


NO_ERRORS: dict[str, Any] = {"null": None, "an empty list": []}
ERRORS: dict[str, tuple[Any, str]] = {
    "a list of errors": ([{"code": "INVALID", "message": "bad name"}], "INVALID: bad name"),
    "an error object": ({"code": "INVALID", "message": "bad name"}, "INVALID: bad name"),
    "an empty object": ({}, "UNKNOWN"),
    "a text": ("refused", "UNKNOWN: refused"),
    "a number": (5, "UNKNOWN: 5"),
    "a fraction": (2.5, "UNKNOWN: 2.5"),
    "a flag": (False, "UNKNOWN: False"),
}
"""``errors`` values that report an error, and what the error says."""
CALLS = {
    "a read": ("products", "detail_product", False),
    "a write": ("products", "update_product", True),
}


def test_every_json_type_of_errors_has_a_row() -> None:
    kinds = {type(value) for value in [*NO_ERRORS.values(), *(value for value, _ in ERRORS.values())]}
    assert kinds == {type(None), list, dict, str, int, float, bool}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("errors", sorted(NO_ERRORS))
def test_errors_that_hold_none_are_a_success(hostile: Hostile, call: str, errors: str) -> None:
    group, method, write = CALLS[call]
    body = {
        "response_code": "OK",
        "response_message": "Product successfully updated",
        "errors": NO_ERRORS[errors],
    }
    hostile.answers[f"{group}/{method}"] = Answer(body)
    with Client(hostile.url, USER, PASSWORD, max_retries=0) as client:
        assert client.call(group, method, {"product_id": "1"}, write=write) == body


@pytest.mark.parametrize("status", [200, 400])
@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("errors", sorted(ERRORS))
def test_errors_that_hold_anything_else_are_an_api_error(
    hostile: Hostile, call: str, errors: str, status: int
) -> None:
    group, method, write = CALLS[call]
    value, detail = ERRORS[errors]
    hostile.answers[f"{group}/{method}"] = Answer({"response_code": "OK", "errors": value}, status)
    client = Client(hostile.url, USER, PASSWORD, max_retries=0)
    with client, pytest.raises(ApiError) as caught:
        client.call(group, method, {"product_id": "1"}, write=write)
    assert str(caught.value).startswith(f"{group}/{method} failed with HTTP {status}: {detail}")
