"""Transport (§8.1, §8.2): auth, verbs, body encodings, list parameters, unknown paths, keep-alive."""

from __future__ import annotations

import base64
import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from catalogsync.sandbox import Sandbox
from catalogsync.sandbox.handler import MAX_BODY
from tests.sandbox.sandbox_support import Api

UNAUTHORIZED = {"errors": [{"code": "UNAUTHORIZED", "message": "Authentication failed"}]}


@pytest.mark.parametrize("auth", [None, ("sandbox", "wrong"), ("other", "sandbox")])
def test_bad_or_missing_credentials_get_401_with_challenge(
    sandbox: Sandbox, auth: tuple[str, str] | None
) -> None:
    response = requests.get(f"{sandbox.url}/acct/detail_company_info", auth=auth, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="2CO API"'
    assert response.json() == UNAUTHORIZED


def test_garbled_authorization_header_is_refused(sandbox: Sandbox) -> None:
    headers = {"Authorization": "Basic %%%not-base64"}
    response = requests.get(f"{sandbox.url}/acct/detail_company_info", headers=headers, timeout=10)
    assert response.status_code == 401


def test_custom_credentials(make_sandbox) -> None:
    sandbox = make_sandbox(username="api-user", password="s3cret:with:colons")
    api = Api(sandbox.url, auth=("api-user", "s3cret:with:colons"))
    try:
        assert api.ok("acct/detail_company_info")["response_message"] == "company info retrieved"
    finally:
        api.close()


def test_unknown_path_is_404_with_errors_body(api: Api) -> None:
    for path in ("products/list_option", "products/list_products/", "nothing"):
        response = api.call(path)
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "NOT_FOUND"
    response = api.session.get(api.url.removesuffix("/api") + "/products/list_products", timeout=10)
    assert response.status_code == 404


def test_auth_is_checked_before_the_path(sandbox: Sandbox) -> None:
    assert requests.get(f"{sandbox.url}/nothing", timeout=10).status_code == 401


@pytest.mark.parametrize("verb", ["GET", "POST"])
def test_every_method_answers_get_and_post(api: Api, verb: str) -> None:
    assert api.call("products/detail_option", verb, option_id="4688355343").status_code == 200
    created = api.call(
        "products/create_option", verb, option_name="V", option_value_name="a", option_value_surcharge="1"
    )
    assert created.status_code == 200, created.text


def test_query_and_body_parameters_are_merged(api: Api) -> None:
    response = api.session.post(
        f"{api.url}/products/create_product?name=From+query", data={"price": "3.00"}, timeout=10
    )
    product_id = response.json()["product_id"]
    assert api.ok("products/detail_product", product_id=product_id)["product"]["name"] == "From query"


def test_multipart_bodies_are_read(api: Api) -> None:
    files = {
        "option_name": (None, "Multipart"),
        "option_value_name": (None, "Größe"),
        "option_value_surcharge": (None, "1.50"),
    }
    response = api.session.post(f"{api.url}/products/create_option", files=files, timeout=10)
    assert response.status_code == 200, response.text
    [option] = api.ok("products/detail_option", option_id=response.json()["option_id"])["option"]
    assert option["option_values"][0]["option_value_name"] == "Größe"


def test_multipart_repeated_keys_become_lists(api: Api) -> None:
    files = [
        ("option_name", (None, "Multi")),
        ("option_value_name", (None, "a")),
        ("option_value_surcharge", (None, "1")),
        ("option_value_name", (None, "b")),
        ("option_value_surcharge", (None, "2")),
    ]
    response = api.session.post(f"{api.url}/products/create_option", files=files, timeout=10)
    [option] = api.ok("products/detail_option", option_id=response.json()["option_id"])["option"]
    assert [v["option_value_name"] for v in option["option_values"]] == ["a", "b"]


@pytest.mark.parametrize("form", ["repeated", "empty-brackets", "indexed-brackets"])
def test_list_parameter_forms(api: Api, form: str) -> None:
    key = {"repeated": "{}", "empty-brackets": "{}[]", "indexed-brackets": "{}[{}]"}[form]
    pairs = [("name", "Linked"), ("price", "1.00")]
    for index, option_id in enumerate(["4688355343", "4688550010"]):
        pairs.append((key.format("option_id", index), option_id))
    response = api.session.post(f"{api.url}/products/create_product", data=pairs, timeout=10)
    product = api.ok("products/detail_product", product_id=response.json()["product_id"])["product"]
    assert [o["option_id"] for o in product["options"]] == ["4688355343", "4688550010"]


def test_unknown_parameters_are_ignored(api: Api) -> None:
    body = api.ok("products/detail_coupon", coupon_code="COUPON", vendor_id="42", name="ignored")
    assert body["coupon"]["coupon_code"] == "COUPON"


def test_answers_are_json_whatever_the_accept_header(sandbox: Sandbox) -> None:
    response = requests.get(
        f"{sandbox.url}/acct/detail_company_info",
        auth=("sandbox", "sandbox"),
        headers={"Accept": "text/html"},
        timeout=10,
    )
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["response_code"] == "OK"


def test_keep_alive_serves_several_requests_on_one_connection(sandbox: Sandbox) -> None:
    url = urlsplit(sandbox.url)
    token = base64.b64encode(b"sandbox:sandbox").decode()
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        for _ in range(3):
            connection.request(
                "GET", f"{url.path}/acct/detail_contact_info", headers={"Authorization": f"Basic {token}"}
            )
            response = connection.getresponse()
            body = response.read()
            assert response.status == 200
            assert int(response.headers["Content-Length"]) == len(body)
            assert json.loads(body)["response_message"] == "contact info retrieved"
            assert not response.will_close
    finally:
        connection.close()


def test_chunked_request_bodies_are_read(api: Api) -> None:
    def chunks():
        yield b"option_name=Chunked&option_value_name=x"
        yield b"&option_value_surcharge=2"

    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    response = api.session.post(
        f"{api.url}/products/create_option", data=chunks(), headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text
    assert (
        api.ok("products/list_options", option_name="Chunked")["options"][0]["option_values"][0][
            "option_value_surcharge"
        ]
        == "2.00"
    )


def test_other_verbs_and_bad_requests_get_json_errors(sandbox: Sandbox) -> None:
    response = requests.put(f"{sandbox.url}/products/list_products", auth=("sandbox", "sandbox"), timeout=10)
    assert response.status_code == 501
    assert response.json()["errors"][0]["code"] == "NOT_IMPLEMENTED"
    url = urlsplit(sandbox.url)
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=10) as raw:
        raw.sendall(b"NOT A REQUEST LINE AT ALL\r\n\r\n")
        answer = raw.makefile("rb").read().decode()
    assert json.loads(answer)["errors"][0]["code"] == "BAD_REQUEST"  # no status line: not even HTTP/1.0


FRAMINGS = [
    ("Content-Length: lots", 400),
    ("Content-Length: -5", 400),
    ("Content-Length: +5", 400),
    ("Content-Length: 0x10", 400),
    (f"Content-Length: {MAX_BODY + 1}", 413),
    ("Content-Length: 1000000000000", 413),
    ("Transfer-Encoding: chunked\r\n\r\nzz", 400),
    ("Transfer-Encoding: chunked\r\n\r\n-5", 400),
    ("Transfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFF", 413),
]
"""Request framings a hostile or broken client sends; the body announced is never sent."""


@pytest.mark.parametrize(("framing", "status"), FRAMINGS)
def test_a_body_that_cannot_or_must_not_be_read_is_a_json_error_and_a_closed_connection(
    sandbox: Sandbox, framing: str, status: int
) -> None:
    """A negative length was taken as no body (the request served, the stream out of step); a length of a
    terabyte was waited for, and would have been held in memory."""
    url = urlsplit(sandbox.url)
    request = f"POST /api/acct/detail_company_info HTTP/1.1\r\nHost: x\r\n{framing}\r\n"
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=10) as raw:
        raw.sendall(request.encode() + (b"" if "chunked" in framing else b"\r\n"))
        if "chunked" in framing:
            raw.sendall(b"\r\n")
        answer = raw.makefile("rb").read().decode()  # ends: the server closes the connection
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status}")
    assert json.loads(body)["errors"][0]["code"] == (
        "BAD_REQUEST" if status == 400 else "REQUEST_ENTITY_TOO_LARGE"
    )
