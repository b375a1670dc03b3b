"""Any status line and any mix of headers a server may answer with, over real HTTP: a call ends in its body or
in a :class:`ClientError` naming the method, never in another exception (a redirect of the transport's own
session once ended in an ``AttributeError`` from inside ``requests``), and a redirect is asked once only."""

from __future__ import annotations

import json

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogsync.api import Client
from catalogsync.errors import ClientError, TransportError
from tests.hostile_server import Hostile, Stream

METHOD = "acct/detail_company_info"
BODIES = [
    json.dumps({"response_code": "OK", "vendor_company_info": {"vendor_id": "1"}}).encode(),
    json.dumps({"errors": [{"code": "FORBIDDEN", "message": "No."}]}).encode(),
    b"",
    b"<html>moved</html>",
    b"[1, 2]",
    b'{"response_code": "OK", "trunc',
]
VALUE = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=40)
HEADERS = st.dictionaries(
    st.sampled_from(
        [
            "Location",
            "Set-Cookie",
            "Content-Type",
            "Content-Encoding",
            "Retry-After",
            "WWW-Authenticate",
            "Vary",
        ]
    ),
    st.one_of(VALUE, st.sampled_from(["application/json", "text/html", "gzip", "deflate", "br", "1"])),
)
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def answer(status: int, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} Whatever", *(f"{name}: {value}" for name, value in headers.items())]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@SETTINGS
@given(
    status=st.integers(200, 599),
    headers=HEADERS,
    body=st.sampled_from(BODIES),
    own=st.booleans(),
)
def test_every_answer_is_a_body_or_a_client_error(
    hostile: Hostile, status: int, headers: dict[str, str], body: bytes, own: bool
) -> None:
    raw = answer(status, headers, body)
    hostile.answers[METHOD] = Stream(lambda: [raw])
    hostile.calls.clear()
    session = None if own else requests.Session()
    with Client(hostile.url, "u", "p", session=session, max_retries=1, backoff=0.001, max_backoff=0.001) as c:
        try:
            result = c.account.company_info()
        except ClientError as error:
            assert error.method == METHOD and str(error).startswith(METHOD)
            if 300 <= status < 400:
                assert isinstance(error, TransportError) and not error.transient
                assert hostile.calls == [METHOD]
        else:
            assert 200 <= status < 300 and isinstance(result, dict)
