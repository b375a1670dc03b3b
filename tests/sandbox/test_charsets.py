"""Parameter values in every charset a request may declare, on every way a value travels (§8.1): read as the
text they are in that charset, or PARAMETER_INVALID naming the parameter; never replacement characters in
a stored value, never a connection dropped without an answer."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogsync.sandbox import Sandbox
from catalogsync.sandbox.params import read_request
from tests.sandbox.sandbox_support import Api
from tests.sandbox.test_transport import GOOD, raw_exchange

Request = tuple[bytes, str, bytes]
"""Query string (the bytes of the request line), Content-Type, body."""

CHARSETS = [None, "utf-8", "ISO-8859-1", "windows-1252", "utf-16", "bogus", "rot13", "hex"]
"""Declared charsets: none (UTF-8), text encodings, an unknown name, codecs that are not text encodings."""


def _declared(kind: str, charset: str | None) -> str:
    return kind if charset is None else f"{kind}; charset={charset}"


def _query(name: str, raw: bytes, charset: str | None) -> Request:
    return f"{name}={quote_from_bytes(raw)}".encode(), "", b""


def _raw_query(name: str, raw: bytes, charset: str | None) -> Request:
    """Bytes over 0x7F as they are in the request line (as a browser's form sends them), the rest escaped."""
    escaped = b"".join(bytes([b]) if b > 0x7F else quote_from_bytes(bytes([b])).encode() for b in raw)
    return name.encode() + b"=" + escaped, "", b""


def _urlencoded(name: str, raw: bytes, charset: str | None) -> Request:
    body = f"{name}={quote_from_bytes(raw)}".encode()
    return b"", _declared("application/x-www-form-urlencoded", charset), body


def _multipart(name: str, raw: bytes, charset: str | None) -> Request:
    part = (
        f'--XX\r\nContent-Disposition: form-data; name="{name}"\r\n'
        f"Content-Type: {_declared('text/plain', charset)}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    body = part.encode() + base64.b64encode(raw) + b"\r\n--XX--\r\n"
    return b"", "multipart/form-data; boundary=XX", body


CARRIERS: dict[str, Callable[[str, bytes, str | None], Request]] = {
    "query": _query,  # declares no charset: UTF-8
    "raw query": _raw_query,
    "urlencoded": _urlencoded,
    "multipart": _multipart,
}


def _text(carrier: str, raw: bytes, charset: str | None) -> str | None:
    """What the value says in the charset its carrier declares; None when it is not text in it."""
    declared = None if "query" in carrier else charset
    try:
        return raw.decode(declared or "utf-8")
    except (LookupError, ValueError):
        return None


@settings(max_examples=300)
@given(
    carrier=st.sampled_from(sorted(CARRIERS)),
    raw=st.binary(max_size=12) | st.text(max_size=6).map(str.encode),
    charset=st.sampled_from([*CHARSETS, "utf\x00"]),
)
def test_a_value_is_its_text_in_the_declared_charset_or_undecodable(
    carrier: str, raw: bytes, charset: str | None
) -> None:
    """Bytes that were not UTF-8 became U+FFFD silently; an unknown charset dropped the connection."""
    query, content_type, body = CARRIERS[carrier]("x", raw, charset)
    params = read_request(query.decode("latin-1"), content_type, body)  # http.server's reading of the line
    text = _text(carrier, raw, charset)
    if text is None:
        assert params.undecodable == {"x"}
    else:
        assert (params.undecodable, params.all("x")) == (frozenset(), [text])


def _post(sandbox: Sandbox, target: bytes, content_type: str, body: bytes) -> tuple[int, Any]:
    """Status and JSON of a POST sent byte for byte (``requests`` would re-encode a raw query)."""
    head = b"POST " + target + b" HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + GOOD + b"\r\n"
    if content_type:
        head += f"Content-Type: {content_type}\r\n".encode()
    response = raw_exchange(sandbox, head + b"Content-Length: %d\r\n\r\n" % len(body) + body, "POST")
    return response.status, json.loads(response.read())


@pytest.mark.parametrize("charset", CHARSETS)
@pytest.mark.parametrize("carrier", sorted(CARRIERS))
def test_a_comment_is_kept_as_sent_or_refused_naming_it(
    sandbox: Sandbox, api: Api, carrier: str, charset: str | None
) -> None:
    """``café`` in Latin-1 (a ``sales/create_comment`` as a Latin-1 client sends it) on every carrier."""
    raw = "café".encode("latin-1")
    query, content_type, body = CARRIERS[carrier]("sale_comment", raw, charset)
    sale_id = "4700000000"
    before = api.ok("sales/detail_sale", sale_id=sale_id)["sale"]["comments"]
    target = b"/api/sales/create_comment?sale_id=" + sale_id.encode() + b"&" + query
    status, answer = _post(sandbox, target, content_type, body)
    after = api.ok("sales/detail_sale", sale_id=sale_id)["sale"]["comments"]
    text = _text(carrier, raw, charset)
    if text is None:
        assert status == 400, answer
        assert [(e["code"], e["parameter"]) for e in answer["errors"]] == [
            ("PARAMETER_INVALID", "sale_comment")
        ]
        assert after == before
    else:
        assert status == 200, answer
        assert [c["comment"] for c in after] == [*(c["comment"] for c in before), text]


def test_utf8_bytes_in_the_request_line_are_that_text(sandbox: Sandbox, api: Api) -> None:
    """Raw UTF-8 in the query string was read as Latin-1: ``café`` was stored as ``cafÃ©``."""
    query, _, _ = _raw_query("sale_comment", "café".encode(), None)
    status, answer = _post(sandbox, b"/api/sales/create_comment?sale_id=4700000000&" + query, "", b"")
    assert status == 200, answer
    comments = api.ok("sales/detail_sale", sale_id="4700000000")["sale"]["comments"]
    assert comments[-1]["comment"] == "café"
