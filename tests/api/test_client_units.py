"""The client's pure parts: parameters, responses, redaction, paging arithmetic, back-off, the gate."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogsync.api.codec import BASE_URL_HINT, decode_response, encode_params, is_read
from catalogsync.api.paging import page_count
from catalogsync.api.redact import DISTINCTIVE, MASK, Redactor, basic_credentials
from catalogsync.api.retry import Backoff, Gate, is_transient, retry_after
from catalogsync.api.transport import Policy, check_base_url
from catalogsync.errors import ApiError, SettingsError, TransportError
from tests.api.conftest import FakeTime


def decode(status: int, body: object, content_type: str = "application/json") -> dict[str, object]:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return decode_response(
        "products/update_product", status, {"Content-Type": content_type}, content, Redactor([])
    )


# -- parameters -------------------------------------------------------------------------------------------


def test_lists_become_repeated_keys_none_is_dropped_bools_are_flags() -> None:
    params = {
        "option_id": ["1", 2],
        "category_id": (17,),
        "name": "Lamp",
        "price": Decimal("10.00"),
        "tangible": True,
        "recurring": False,
        "description": None,
        "option_value_name": ["a", None, "b"],
    }
    assert encode_params(params) == [
        ("option_id", "1"),
        ("option_id", "2"),
        ("category_id", "17"),
        ("name", "Lamp"),
        ("price", "10.00"),
        ("tangible", "1"),
        ("recurring", "0"),
        ("option_value_name", "a"),
        ("option_value_name", "b"),
    ]
    assert encode_params(None) == []


@pytest.mark.parametrize(
    ("group", "method", "read"),
    [
        ("acct", "detail_company_info", True),
        ("acct", "list_payments", True),
        ("products", "list_coupons", True),
        ("sales", "detail_sale", True),
        ("products", "create_product", False),
        ("sales", "refund_invoice", False),
        ("sales", "reauth", False),
    ],
)
def test_reads_are_detail_list_and_account_methods(group: str, method: str, read: bool) -> None:
    assert is_read(group, method) is read


# -- responses --------------------------------------------------------------------------------------------


def test_a_success_body_is_returned() -> None:
    body = {"response_code": "OK", "response_message": "Product successfully updated", "product_id": "1"}
    assert decode(200, body) == body


def test_errors_in_a_2xx_body_are_an_api_error_keeping_every_error() -> None:
    body = {
        "errors": [
            {"code": "PARAMETER_MISSING", "message": "Required parameter missing: name", "parameter": "name"},
            {"code": "PARAMETER_INVALID", "message": "Invalid value for parameter: price"},
        ]
    }
    with pytest.raises(ApiError) as caught:
        decode(200, body)
    assert caught.value.status == 200
    assert caught.value.codes == ["PARAMETER_MISSING", "PARAMETER_INVALID"]
    assert caught.value.errors[0].parameter == "name"
    assert caught.value.method == "products/update_product"


def test_an_error_status_is_an_api_error_even_without_an_errors_member() -> None:
    with pytest.raises(ApiError) as caught:
        decode(404, {"response_code": "OK"})
    assert (caught.value.status, caught.value.errors) == (404, [])


@pytest.mark.parametrize(
    ("status", "content", "content_type", "why"),
    [
        (502, b"<html><body>Bad Gateway</body></html>", "text/html", "HTML"),
        (200, b'{"response_code":"OK","prod', "application/json", "not valid JSON"),
        (200, b"", "application/json", "empty"),
        (200, b"[1, 2]", "application/json", "JSON list"),
        (200, b"\xff\xfe", "application/json", "not valid JSON"),
        (500, b"<!DOCTYPE html><p>oops</p>", "application/json", "HTML"),
    ],
)
def test_bodies_without_a_json_object_are_transport_errors(
    status: int, content: bytes, content_type: str, why: str
) -> None:
    with pytest.raises(TransportError) as caught:
        decode(status, content, content_type)
    assert caught.value.status == status
    assert why in str(caught.value)


def test_vendor_messages_are_cleaned_before_they_enter_the_error() -> None:
    body = {"errors": [{"code": "X", "message": "bad hunter2", "parameter": "hunter2"}]}
    content = json.dumps(body).encode()
    with pytest.raises(ApiError) as caught:
        decode_response("m", 400, {"Content-Type": "application/json"}, content, Redactor(["hunter2"]))
    assert "hunter2" not in str(caught.value)
    assert "hunter2" not in repr(caught.value.errors)


REDIRECT = "instead of an answer (catalogsync follows no redirect; " + BASE_URL_HINT + ")"


@pytest.mark.parametrize("status", [300, 301, 302, 303, 304, 307, 308, 399])
@pytest.mark.parametrize(
    ("location", "where"),
    [
        ("https://www.2checkout.com/api/x", "a redirect to https://www.2checkout.com/api/x"),
        (None, "a redirect"),
        ("  ", "a redirect"),
        ("https://evil.example/?p=hunter2", "a redirect to https://evil.example/?p=***"),
        ("/x\x1b[2J\nNo changes", 'a redirect to "/x\\u001b[2J\\nNo changes"'),
        ("https://a.example/" + "x" * 300, "a redirect to https://a.example/" + "x" * 179 + "..."),
    ],
)
def test_a_redirect_is_an_error_naming_where_it_points_and_is_not_retried(
    status: int, location: str | None, where: str
) -> None:
    """Whatever its body: following it would send the credentials elsewhere, asking again gets it again."""
    headers = {"Content-Type": "application/json"} | ({} if location is None else {"Location": location})
    with pytest.raises(TransportError) as caught:
        decode_response("m", status, headers, b'{"response_code": "OK"}', Redactor(["hunter2"]))
    assert str(caught.value) == f"m: HTTP {status}: {where} {REDIRECT}"
    assert (caught.value.status, is_transient(caught.value)) == (status, False)


# -- redaction --------------------------------------------------------------------------------------------


def test_sensitive_keys_are_masked_in_bodies_and_params_even_when_the_secret_is_unknown() -> None:
    redactor = Redactor(["pw"])
    body = {"vendor_company_info": {"secret_word": "tango", "vendor_id": "1"}, "note": "has pw inside"}
    logged = redactor.body(json.dumps(body).encode())
    assert "tango" not in logged
    assert "pw" not in logged
    assert json.loads(logged)["vendor_company_info"] == {"secret_word": MASK, "vendor_id": "1"}
    assert redactor.pairs([("password", "x"), ("comment", "a pw b")]) == [
        ("password", MASK),
        ("comment", f"a {MASK} b"),
    ]


def test_a_secret_that_json_would_escape_is_still_masked() -> None:
    secret = 'qu"ote\\slash'
    logged = Redactor([secret]).body(json.dumps({"message": f"x{secret}y"}).encode())
    assert json.dumps(secret)[1:-1] not in logged
    assert secret not in logged


def test_secrets_are_masked_in_their_url_encoded_and_json_escaped_forms() -> None:
    redactor = Redactor(['p@ss w"rd'])
    for form in ("p%40ss+w%22rd", "p%40ss%20w%22rd", 'p@ss w\\"rd'):
        assert redactor.text(f"x={form}&y=1") == f"x={MASK}&y=1"


def test_basic_credentials_are_what_a_basic_header_carries() -> None:
    assert basic_credentials("sandbox", "sandbox") == "c2FuZGJveDpzYW5kYm94"


@given(secret=st.text(min_size=1, max_size=12), text=st.text(max_size=60))
def test_no_secret_survives_redaction_as_a_token(secret: str, text: str) -> None:
    """Nowhere does a secret stand alone after redaction; a distinctive one is not left anywhere at all."""
    redactor = Redactor([secret])
    for sample in (text, f"{secret} {text} {secret}", text.replace("a", f" {secret} ")):
        cleaned = f" {redactor.text(sample)} "
        assert f" {secret} " not in cleaned
        if len(secret) >= DISTINCTIVE:
            assert secret not in cleaned


# -- paging -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "pages"),
    [
        ({"coupon": []}, None),  # list_coupons without page_info: the pages tell
        ({"page_info": {"last_page": 3, "total_entries": "250"}}, 3),
        ({"page_info": {"last_page": "4"}}, 4),
        ({"page_info": {"total_entries": "201"}}, 3),
        ({"page_info": {"total_entries": 200}}, 2),
        ({"page_info": {"last_page": None, "total_entries": None}}, None),
        ({"page_info": {"last_page": "x"}}, None),
        ({"page_info": "garbage"}, None),
    ],
)
def test_page_count_copes_with_mixed_and_missing_page_info(
    body: dict[str, object], pages: int | None
) -> None:
    assert page_count(body, 100, "m") == pages


@pytest.mark.parametrize(
    ("info", "message"),
    [
        (
            {"last_page": 1, "total_entries": "200"},
            "page_info contradicts itself: last_page 1, total_entries 200",
        ),
        ({"last_page": 4, "total_entries": "200", "pagesize": "50"}, None),
        ({"last_page": 10**9}, "page_info promises 1000000000 pages"),
    ],
)
def test_page_count_refuses_page_info_that_lies(info: dict[str, object], message: str | None) -> None:
    if message is None:
        assert page_count({"page_info": info}, 100, "m") == 4
        return
    with pytest.raises(TransportError, match=re.escape(message)):
        page_count({"page_info": info}, 100, "m")


# -- retries ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (TransportError("refused", method="m"), True),
        (TransportError("truncated", method="m", status=200), True),
        (TransportError("html", method="m", status=502), True),
        (TransportError("truncated error body", method="m", status=404), True),
        (ApiError(method="m", status=429, errors=[]), True),
        (ApiError(method="m", status=503, errors=[]), True),
        (ApiError(method="m", status=400, errors=[]), False),
        (ApiError(method="m", status=200, errors=[]), False),
    ],
)
def test_transient_failures(error: ApiError | TransportError, transient: bool) -> None:
    assert is_transient(error) is transient


def test_retry_after_is_seconds() -> None:
    assert retry_after("3") == 3.0
    assert retry_after(" 1.5 ") == 1.5
    assert retry_after(None) is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") is None
    assert retry_after("-1") is None


def test_backoff_is_full_jitter_under_a_doubling_capped_ceiling() -> None:
    ceilings: list[float] = []
    backoff = Backoff(0.5, 3.0, draw=lambda low, high: ceilings.append(high) or high)
    for attempt in range(5):
        backoff.delay(attempt)
    assert ceilings == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert backoff.hold_for(10.0, 0) == 3.0
    assert backoff.hold_for(1.0, 0) == 1.0
    assert backoff.hold_for(None, 1) == 1.0


def test_the_gate_holds_every_caller_until_its_time_and_never_moves_back() -> None:
    fake = FakeTime()
    gate = Gate(fake.clock, fake.sleep)
    gate.wait()
    assert fake.sleeps == []
    gate.hold(2.0)
    gate.hold(1.0)  # a shorter hold does not shorten the longer one
    assert gate.remaining() == 2.0
    gate.wait()
    gate.wait()
    assert fake.sleeps == [2.0]


# -- settings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/api",
        "http://127.8.9.10/api",
        "http://localhost:1/api/",
        "http://[::1]:9/api",
        "https://www.2checkout.com/api",
    ],
)
def test_urls_allowed(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://www.2checkout.com/api",
        "http://10.0.0.1/api",
        "http://localhost.example.com/api",
        "ftp://127.0.0.1/api",
        "www.2checkout.com/api",
        "https://user:hunter2@www.2checkout.com/api",
    ],
)
def test_urls_refused(url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        check_base_url(url)
    assert "hunter2" not in str(caught.value)


def test_negative_retry_settings_are_refused() -> None:
    with pytest.raises(SettingsError):
        Policy(timeout=0)
    with pytest.raises(SettingsError):
        Policy(max_retries=-1)
