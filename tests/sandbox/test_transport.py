"""Transport (§8.1, §8.2): auth, verbs, body encodings, list parameters, unknown paths, keep-alive."""

from __future__ import annotations

import ast
import base64
import http.client
import json
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

import catalogsync.sandbox as sandbox_package
from catalogsync.sandbox import Sandbox
from catalogsync.sandbox.app import METHODS
from catalogsync.sandbox.forms import Form
from catalogsync.sandbox.handler import MAX_BODY
from catalogsync.sandbox.params import Params
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


GOOD = base64.b64encode(b"sandbox:sandbox")
HOSTILE_AUTHORIZATIONS = [
    b"Basic \xff\xfe",  # not ASCII
    b"Basic " + GOOD + b"\xe9",  # valid credentials, then a non-ASCII byte
    b"Basic \xe9" + GOOD,
    b"Basic %%%not-base64",
    b"Basic " + GOOD[:-2],  # cut short: bad padding
    b"Basic " + base64.b64encode(b"sandbox"),  # no colon
    b"Basic " + base64.b64encode(b"\xff\xfe:\xe9"),  # not UTF-8
    b"Basic " + base64.b64encode(b":"),
    b"Basic ",
    b"Basic",
    b"",
    b"Bearer " + GOOD,  # another scheme
    b"Digest username=sandbox",
    b"Basic " + b"A" * 60_000,  # huge, still within the header line limit
]
"""Authorization values a broken or hostile client sends."""


@pytest.mark.parametrize("authorization", HOSTILE_AUTHORIZATIONS, ids=lambda v: repr(v[:24]))
def test_hostile_authorization_values_get_the_401_of_bad_credentials(
    sandbox: Sandbox, authorization: bytes
) -> None:
    """A non-ASCII byte dropped the connection with no answer."""
    request = b"GET /api/acct/detail_company_info HTTP/1.1\r\nHost: x\r\nAuthorization: " + authorization
    response = raw_exchange(sandbox, request + b"\r\n\r\n")
    assert response.status == 401
    assert response.getheader("WWW-Authenticate") == 'Basic realm="2CO API"'
    assert json.loads(response.read()) == UNAUTHORIZED


def raw_exchange(sandbox: Sandbox, request: bytes, method: str = "GET") -> http.client.HTTPResponse:
    """The answer to ``request`` sent byte for byte on a new connection (its body left to read)."""
    url = urlsplit(sandbox.url)
    raw = socket.create_connection((url.hostname or "", url.port or 0), timeout=10)
    raw.sendall(request)
    response = http.client.HTTPResponse(raw, method=method)
    response.begin()
    raw.close()  # the response keeps its own file on the socket
    return response


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


INDEXED_FORMS = [
    ([("x", "a"), ("x", "b")], ["a", "b"]),
    ([("x[]", "a"), ("x[]", "b")], ["a", "b"]),
    ([("x", "a"), ("x[]", "b")], ["a", "b"]),
    ([("x[0]", "a"), ("x[1]", "b")], ["a", "b"]),
    ([("x[1]", "b"), ("x[0]", "a")], ["a", "b"]),
    ([("x[2]", "c"), ("x[0]", "a"), ("x[1]", "b")], ["a", "b", "c"]),
    ([(f"x[{i}]", str(i)) for i in reversed(range(12))], [str(i) for i in range(12)]),  # 10 before 2
    ([("x[0]", "a"), ("x[2]", "c")], None),  # a gap
    ([("x[1]", "b")], None),  # not from 0
    ([("x[0]", "a"), ("x[0]", "b")], None),  # a repeat
    ([("x[01]", "a"), ("x[0]", "b")], None),  # not the plain number
    ([("x[0]", "a"), ("x[]", "b")], None),  # mixed with x[]
    ([("x", "a"), ("x[1]", "b")], None),  # mixed with x
]
"""Every way a list may come: its values in list order, or None when malformed (PARAMETER_INVALID)."""


@pytest.mark.parametrize(("pairs", "expected"), INDEXED_FORMS)
def test_indexed_lists_are_in_index_order_and_bad_indexes_are_malformed(
    pairs: list[tuple[str, str]], expected: list[str] | None
) -> None:
    """``x[N]`` were kept in arrival order: names and surcharges paired by arrival, not by index."""
    params = Params([("other", "1"), *pairs])
    assert ("x" in params.malformed, params.malformed - {"x"}) == (expected is None, frozenset())
    if expected is not None:
        assert params.all("x") == expected


def test_indexed_names_and_surcharges_pair_by_index(api: Api) -> None:
    pairs = [
        ("option_name", "PairTest"),
        ("option_value_name[0]", "a"),
        ("option_value_name[1]", "b"),
        ("option_value_surcharge[1]", "2.00"),
        ("option_value_surcharge[0]", "1.00"),
    ]
    option_id = api.session.post(f"{api.url}/products/create_option", data=pairs, timeout=10).json()[
        "option_id"
    ]
    [option] = api.ok("products/detail_option", option_id=option_id)["option"]
    values = [(v["option_value_name"], v["option_value_surcharge"]) for v in option["option_values"]]
    assert values == [("a", "1.00"), ("b", "2.00")]
    ids = [v["option_value_id"] for v in option["option_values"]]
    update = [
        ("option_id", option_id),
        ("option_name", "PairTest"),
        ("option_value_id[1]", ids[1]),
        ("option_value_id[0]", ids[0]),
        ("option_value_name[1]", "B"),
        ("option_value_name[0]", "A"),
        ("option_value_surcharge[0]", "3.00"),
        ("option_value_surcharge[1]", "4.00"),
    ]
    assert api.session.post(f"{api.url}/products/update_option", data=update, timeout=10).status_code == 200
    [option] = api.ok("products/detail_option", option_id=option_id)["option"]
    values = [(v["option_value_name"], v["option_value_surcharge"]) for v in option["option_values"]]
    assert values == [("A", "3.00"), ("B", "4.00")]


LIST_PARAMETERS = {
    ("products/create_product", "option_id"): {"name": "L", "price": "1"},
    ("products/create_product", "category_id"): {"name": "L", "price": "1"},
    ("products/update_product", "option_id"): {"product_id": "4274737762"},
    ("products/update_product", "category_id"): {"product_id": "4274737762"},
    ("products/create_option", "option_value_name"): {
        "option_name": "L",
        "option_value_surcharge": ["1", "2"],
    },
    ("products/create_option", "option_value_surcharge"): {
        "option_name": "L",
        "option_value_name": ["a", "b"],
    },
    ("products/update_option", "option_value_name"): {
        "option_id": "4688550010",
        "option_value_surcharge": "1",
    },
    ("products/update_option", "option_value_surcharge"): {
        "option_id": "4688550010",
        "option_value_name": "a",
    },
    ("products/update_option", "option_value_id"): {"option_id": "4688550010"},
    ("products/create_coupon", "product_id"): {
        "date_expire": "2030-01-01",
        "type": "product",
        "value_off": "1",
    },
    ("products/update_coupon", "product_id"): {"coupon_code": "COUPON"},
}
"""Every list parameter of every method that reads one, with the method's other parameters."""
VALID = {
    "option_id": ["4688550010", "4688355343"],
    "category_id": ["17", "2"],
    "product_id": ["4274737762"] * 2,
}


def test_every_list_parameter_is_in_the_table() -> None:
    """The list parameters are those a handler reads with ``Form.values("name", ...)``."""
    read = {
        node.args[0].value
        for path in Path(sandbox_package.__file__).parent.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "values"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert {param for _, param in LIST_PARAMETERS} == read


@pytest.mark.parametrize(("method", "param"), LIST_PARAMETERS)
@pytest.mark.parametrize("form", [pairs for pairs, expected in INDEXED_FORMS if expected is None])
def test_a_list_with_bad_indexes_is_invalid_in_every_method(
    api: Api, method: str, param: str, form: list[tuple[str, str]]
) -> None:
    """Nothing is stored: a guessed order could pair a name with another value's surcharge."""
    values = VALID.get(param, ["1", "2"])
    pairs = [(key.replace("x", param, 1), values[i % 2]) for i, (key, _) in enumerate(form)]
    data = [*LIST_PARAMETERS[method, param].items(), *pairs]
    response = api.session.post(f"{api.url}/{method}", data=data, timeout=10)
    assert response.status_code == 400, response.text
    errors = [(e["code"], e.get("parameter")) for e in response.json()["errors"]]
    assert ("PARAMETER_INVALID", param) in errors


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


AUTH = b"Authorization: Basic " + GOOD + b"\r\n"
GET = b"GET /api/acct/detail_company_info HTTP/1.1\r\nHost: x\r\n"
ANSWERS = [
    *(
        (f"{verb} /api/acct/detail_company_info HTTP/1.1\r\nHost: x\r\n".encode() + AUTH, True)
        for verb in ("HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT")
    ),
    (GET + AUTH + b"Content-Length: lots\r\n", True),
    (GET + AUTH + b"Content-Length: 1\r\nContent-Length: 2\r\n", True),
    (GET + AUTH + f"Content-Length: {MAX_BODY + 1}\r\n".encode(), True),
    (GET + AUTH + b"Connection: close\r\n", True),
    (GET.replace(b"HTTP/1.1", b"HTTP/1.0") + AUTH, True),
    (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n", True),
    (GET + b"".join(b"X-%d: y\r\n" % i for i in range(101)), True),
    (GET + AUTH, False),
    (GET, False),  # 401
    (GET.replace(b"detail_company_info", b"nothing") + AUTH, False),  # 404
    (GET.replace(b"acct/detail_company_info", b"sales/detail_sale") + AUTH, False),  # 400 PARAMETER_MISSING
]
"""Requests, and whether the server closes the connection after answering them. (A request line it cannot
read at all, or of another HTTP version, is answered as HTTP/0.9: a bare body, no headers, then the close.)"""
FOLLOW_UP = GET + AUTH + b"\r\n"


@pytest.mark.parametrize(
    ("request_head", "closes"), ANSWERS, ids=lambda v: repr(v[:40]) if isinstance(v, bytes) else ""
)
def test_an_answer_says_connection_close_exactly_when_the_server_closes(
    sandbox: Sandbox, request_head: bytes, closes: bool
) -> None:
    """After a 501, 400 or 413 the keep-alive connection was closed unannounced: the client's next request on
    it failed (RemoteDisconnected). The 501 to HEAD had a body, read as the start of the next answer."""
    method = request_head.split(b" ", 1)[0].decode()
    url = urlsplit(sandbox.url)
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=10) as raw:
        raw.sendall(request_head + b"\r\n")
        response = http.client.HTTPResponse(raw, method=method)
        response.begin()
        body = response.read()
        try:
            raw.sendall(FOLLOW_UP)
            closed = raw.recv(1) == b""
        except ConnectionError:
            closed = True
    assert (response.getheader("Connection") == "close", closed) == (closes, closes)
    assert (body == b"") == (method == "HEAD")


FRAMINGS = [
    ("Content-Length: lots", 400),
    ("Content-Length: -5", 400),
    ("Content-Length: +5", 400),
    ("Content-Length: 0x10", 400),
    ("Content-Length: ", 400),
    ("Content-Length: 1\r\nContent-Length: 2", 400),  # which one frames the body? (RFC 9112 §6.3)
    ("Content-Length: 1, 2", 400),
    ("Content-Length: 5\r\nContent-Length: -5", 400),
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
    assert "\r\nConnection: close" in head
    assert json.loads(body)["errors"][0]["code"] == (
        "BAD_REQUEST" if status == 400 else "REQUEST_ENTITY_TOO_LARGE"
    )


BODY = b"vendor_id=42&unread=abc"
SAME_LENGTH = [
    b"Content-Length: 23",
    b"Content-Length:23",
    b"Content-Length:  23",
    b"Content-Length: 23 ",
    b"Content-Length: 23\t",
    b"Content-Length:\t23\t ",
    b"Content-Length: 23\r\nContent-Length: 23",
    b"Content-Length: 23, 23",
    b"Content-Length: 23 ,23",
]
"""Ways to say a length of 23: optional whitespace is not part of the value (RFC 9110 §5.5), and the same
length twice is one length (RFC 9112 §6.3)."""


@pytest.mark.parametrize("framing", SAME_LENGTH)
def test_a_length_with_whitespace_or_repeated_frames_the_body(sandbox: Sandbox, framing: bytes) -> None:
    """A trailing space was a 400 while a leading one was accepted; the connection stays in step."""
    assert len(BODY) == 23
    url = urlsplit(sandbox.url)
    request = GET.replace(b"GET", b"POST") + AUTH + b"Content-Type: application/x-www-form-urlencoded\r\n"
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=10) as raw:
        for message in (request + framing + b"\r\n\r\n" + BODY, FOLLOW_UP):
            raw.sendall(message)
            response = http.client.HTTPResponse(raw, method="POST")
            response.begin()
            assert (response.status, response.getheader("Connection")) == (200, None), response.read()
            assert json.loads(response.read())["response_message"] == "company info retrieved"


def one_value_parameters() -> set[str]:
    """The parameters a handler reads as one value, with ``Form.field`` or ``Form.required``."""
    return {
        node.args[0].value
        for path in Path(sandbox_package.__file__).parent.glob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("field", "required")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_a_one_value_parameter_sent_twice_with_other_values_is_invalid_in_every_method(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which of two values the vendor took is unknown (the sandbox took the first, PHP takes the last): each
    method refuses every one-value parameter it reads (seen by recording the sandbox's reads) sent so."""
    read: list[str] = []
    field = Form.field
    monkeypatch.setattr(
        Form, "field", lambda self, name, *a, **k: read.append(name) or field(self, name, *a, **k)
    )
    names, checked = one_value_parameters(), set()
    for method in sorted(METHODS):
        for name in sorted(names):
            read.clear()
            api.session.post(f"{api.url}/{method}", data=[(name, "a")], timeout=10)
            if name not in read:
                continue
            twice = api.session.post(f"{api.url}/{method}", data=[(name, "a"), (name, "b")], timeout=10)
            errors = [(e["code"], e.get("parameter")) for e in twice.json().get("errors", [])]
            assert ("PARAMETER_INVALID", name) in errors, (method, name, twice.text)
            checked.add(name)
    assert checked == names  # every one-value parameter is read by some method, and was checked there
