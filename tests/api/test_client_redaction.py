"""Masking secrets without damaging messages: a credential is masked where it stands as a value (parameter,
JSON member, Basic token, URL userinfo, a token of free text), not inside every word that contains it."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalogsync.api import ApiError, Client, TransportError
from catalogsync.api.codec import CREDENTIALS_HINT
from catalogsync.api.redact import MASK, Redactor, basic_credentials
from catalogsync.sandbox import Sandbox
from tests.hostile_server import Answer, Hostile

USER = "api-user"
MESSAGE = "Error at port 8484: cannot connect"
FAST: dict[str, Any] = {"backoff": 0.001, "max_backoff": 0.01}


def forms(password: str) -> set[str]:
    """The password as written, URL-encoded both ways, JSON-escaped; and the Basic token it is part of."""
    return {password, quote(password, safe=""), quote_plus(password), json.dumps(password)[1:-1]}


def chain(error: BaseException | None) -> list[str]:
    """str and repr of an exception and of everything chained to it."""
    found: list[str] = []
    while error is not None:
        found += [str(error), repr(error), repr(vars(error))]
        error = error.__cause__ or error.__context__
    return found


# -- messages are not damaged -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "text"),
    [
        ("p", MESSAGE),
        ("o", MESSAGE),
        ("or", MESSAGE),
        ("484", MESSAGE),
        ("port 8", MESSAGE),
        ("e", "a hint, e.g. https://www.2checkout.com/api"),
        ("api", "a hint, e.g. https://www.2checkout.com/api"),
        ("1", "cannot connect to 127.0.0.1:9"),
        ("p", "p-value of 0.5p"),
    ],
)
def test_a_password_inside_words_leaves_a_message_alone(password: str, text: str) -> None:
    redactor = Redactor([password, basic_credentials("u", password)])
    assert redactor.text(text) == text
    assert redactor.pairs([("note", text)]) == [("note", text)]
    assert json.loads(redactor.body(json.dumps({"message": text}).encode())) == {"message": text}
    assert redactor.text(f"pw {password} and") == f"pw {MASK} and"  # standing alone, it is masked


@pytest.mark.parametrize("password", ["p", "o"])
def test_a_vendor_message_reaches_the_error_and_the_log_undamaged(
    hostile: Hostile, tmp_path: Path, password: str
) -> None:
    errors = [{"code": "PARAMETER_INVALID", "message": MESSAGE, "parameter": "port"}]
    hostile.answers["acct/detail_company_info"] = Answer({"errors": errors}, 400)
    log = tmp_path / "requests.log"
    with Client(hostile.url, "u", password, log_file=log) as client, pytest.raises(ApiError) as caught:
        client.account.company_info()
    assert str(caught.value) == (
        f"acct/detail_company_info failed with HTTP 400: PARAMETER_INVALID: {MESSAGE} (parameter port)"
    )
    assert f'"message":"{MESSAGE}","parameter":"port"' in log.read_text()


def test_values_are_masked_whole() -> None:
    redactor = Redactor(["p", "9"])
    assert redactor.pairs(
        [("product_id", "p"), ("port", "9"), ("note", "pw p, and 9!"), ("password", "")]
    ) == [
        ("product_id", MASK),
        ("port", MASK),
        ("note", f"pw {MASK}, and {MASK}!"),  # "!" ends a sentence, not the token
        ("password", MASK),
    ]
    body = {"a": "p", "b": "port", "c": ["p", 9, 19], "d": {"note": "see (p)"}, "secret_word": "tango"}
    assert json.loads(redactor.body(json.dumps(body).encode())) == {
        "a": MASK,
        "b": "port",
        "c": [MASK, MASK, 19],
        "d": {"note": f"see ({MASK})"},
        "secret_word": MASK,
    }


def test_credentials_are_masked_by_their_position_even_when_unknown() -> None:
    redactor = Redactor([])
    assert redactor.text("GET https://u:hunter2@host/api") == f"GET https://u:{MASK}@host/api"
    assert redactor.text("{'Authorization': 'Basic dTpw'}") == f"{{'Authorization': 'Basic {MASK}'}}"
    assert redactor.text("url: /api/x?id=1&password=hunter2&y=2") == f"url: /api/x?id=1&password={MASK}&y=2"
    assert redactor.text("Basic plan, password reset") == "Basic plan, password reset"


def test_a_long_secret_is_masked_even_inside_a_word() -> None:
    assert Redactor(["Zq8kV2pw"]).text("xZq8kV2pwy") == f"x{MASK}y"


SHORT = st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=7)
"""Passwords shorter than DISTINCTIVE, without white space: masked only as a token."""


@settings(max_examples=200, deadline=None)
@given(
    password=SHORT,
    punctuation=st.text(st.sampled_from(".!-"), max_size=3),
    after=st.sampled_from(["", " and more", "\n", ")", "; x", '"']),
)
@example(password="hunter2", punctuation=".", after="")
@example(password="p", punctuation="-", after=" and more")
def test_a_short_secret_is_masked_before_sentence_punctuation(
    password: str, punctuation: str, after: str
) -> None:
    """``Invalid password: p.``: a full stop, ``!`` or ``-`` after a token leaves it a token."""
    redactor = Redactor([password])
    masked = redactor.text(f"Invalid password: {password}{punctuation}{after}")
    assert masked.endswith(f" {redactor.mask}{punctuation}{after}")


@pytest.mark.parametrize("password", ["*", "***", "[hidden]"])
def test_the_mask_never_spells_a_secret(password: str) -> None:
    redactor = Redactor([password])
    masked = redactor.text(f"a {password} b")
    assert f" {password} " not in f" {masked} " and masked.startswith("a ")
    assert redactor.pairs([("x", password)])[0][1] != password


# -- never leaked, for any password -----------------------------------------------------------------------

CHARACTERS = [
    "p",
    "o",
    "a",
    "e",
    "s",
    "t",
    "1",
    "0",
    "9",
    ".",
    ":",
    "/",
    "*",
    "-",
    "%",
    "+",
    "=",
    "&",
    '"',
    "'",
]
WORDS = ["at", "in", "or", "api", "port", "sandbox", "failed", "connect", "127.0.0.1", "8484:", "p o", "***"]
TRICKY = st.sampled_from(
    [*CHARACTERS, "\\", *WORDS, "Authentication", "Zq8%kV#2 pw/&x=1", "acct/detail_company_info", "status"]
)
PASSWORDS = TRICKY | st.text(st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=10)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],  # tmp_path: emptied
)
@given(password=PASSWORDS)
@example(password="4297596160")  # a product id of the demo account: the failing call must fail anyway
def test_no_error_or_log_line_carries_the_password_as_a_value(password: str, tmp_path: Path) -> None:
    """A real sandbox whose API password is ``password``; its value goes out as parameters and in a comment,
    comes back in a body, and fails three ways. Nothing shows it as a value, in any form, and the messages
    that do not contain it as a word are exactly as they would be with any other password."""
    sandbox = Sandbox(seed="demo", username=USER, password=password).start()
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    refused = f"127.0.0.1:{holder.getsockname()[1]}"
    log = tmp_path / "requests.log"
    try:
        texts, log_text = _exercise(sandbox, password, refused, log)
    finally:
        holder.close()
        sandbox.stop()
        log.unlink(missing_ok=True)
    token = basic_credentials(USER, password)
    for text in [*texts, log_text]:
        assert token not in text
        for form in forms(password):
            assert f"={form}&" not in text and f"={form}\n" not in text
            assert f"pw {form} end" not in text and f"pw+{form}+end" not in text
            assert f"pw {form}. end" not in text and f"pw+{form}.+end" not in text
            assert text is log_text or f'"{form}"' not in text  # the log's JSON is read as such below
    _check_log(log_text, password)


def _exercise(sandbox: Sandbox, password: str, refused: str, log: Path) -> tuple[list[str], str]:
    texts: list[str] = []
    with Client(sandbox.url, USER, password, secret=password, log_file=log, max_retries=0) as client:
        sale_id = client.sales.list_all()[0]["sale_id"]
        client.sales.create_comment(sale_id=sale_id, sale_comment=f"pw {password} end, pw {password}. end")
        client.sales.details(sale_id=sale_id)  # the comment comes back in the body
        with pytest.raises(ApiError) as invalid:  # no product 1, whatever the password is (a real id too)
            client.products.update(product_id="1", name=password, price="1.00")
        texts += chain(invalid.value)
    wrong = password + "x"
    with Client(sandbox.url, USER, wrong, log_file=log, max_retries=0) as client:
        with pytest.raises(ApiError) as unauthorized:
            client.account.company_info()
        texts += chain(unauthorized.value)
    vendor = "UNAUTHORIZED: Authentication failed"
    if not (
        wrong in vendor.split() or (len(wrong) >= 8 and wrong in vendor)
    ):  # the password is no word of it
        assert str(unauthorized.value) == (
            f"acct/detail_company_info failed with HTTP 401: {vendor} ({CREDENTIALS_HINT})"
        )
    with Client(f"http://{refused}/api", USER, password, log_file=log, **FAST) as client:
        with pytest.raises(TransportError) as gone:
            client.products.details(product_id=password, note=f"pw {password} end")
        texts += chain(gone.value)
    assert str(gone.value) == f"products/detail_product: cannot connect to {refused} (connection refused)"
    return texts, log.read_text(encoding="utf-8")


def _check_log(text: str, password: str) -> None:
    """Parameters and JSON bodies, read as such: no value is the password, no comment shows it as a word."""
    blocks = text.strip().split("\n\n")
    assert len(blocks) == 8  # list, comment, details, detail_product, 401, three refused attempts
    for block in blocks:
        lines = block.splitlines()
        if lines[-2].startswith("status: 401"):  # the client with the wrong password knows no other
            password += "x"
        assert lines[1].removeprefix("Authorization: Basic ") in (MASK, "[hidden]")
        for name, value in parse_qsl(lines[2].removeprefix("params: ")):
            assert value != password, name
            assert f" {password} " not in f" {value} " and f" {password}. " not in f" {value} ", name
        if lines[-1].startswith("body: "):
            for value in _strings(json.loads(lines[-1].removeprefix("body: "))):
                assert value != password
                assert f" {password} " not in f" {value} " and f" {password}. " not in f" {value} "
        else:
            assert lines[-1].startswith("failed: cannot connect to 127.0.0.1:")


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _strings(value)
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item)
    elif isinstance(data, str):
        yield data
