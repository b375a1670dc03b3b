"""Base URLs and credentials: every malformed URL is one SettingsError line that never shows its userinfo;
credentials go as UTF-8 (RFC 7617) and any text works end to end against a sandbox with that password."""

from __future__ import annotations

import base64
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from catalogsync.api import ApiError, Client
from catalogsync.api.redact import basic_credentials
from catalogsync.api.transport import check_base_url
from catalogsync.errors import SettingsError
from catalogsync.sandbox import Sandbox
from tests.api.conftest import MakeClient
from tests.conftest import MakeSandbox, Run

CATALOG = "products:\n  MUG: {name: Mug, price: 9.99}\n"
CREDENTIALS = "the API URL must not carry credentials; pass username and password instead"
IPV6 = "the API URL has an invalid [IPv6] host (such as http://[::1]:8080/api): "
MALFORMED = [
    ("http://[::1/api", IPV6 + "'http://[::1/api'"),
    ("https//user:PW@host/api", CREDENTIALS),
    ("ftp://x/api", "the API URL must look like https://www.2checkout.com/api, not 'ftp://x/api'"),
    ("http://host:99999/api", "the API URL has no valid port: 'http://host:99999/api'"),
    ("http://user:PW@[bad/api", CREDENTIALS),
    ("https://[bad]/api", IPV6 + "'https://[bad]/api'"),
    ("https://user:PW@www.2checkout.com:99999/api", CREDENTIALS),
    ("https://user:P/W@www.2checkout.com/api", CREDENTIALS),  # "/" in the password: parsed as the path
    ("https://www.2checkout.com:0/api", "the API URL has no valid port: 'https://www.2checkout.com:0/api'"),
    ("https://www.2checkout.com:x/api", "the API URL has no valid port: 'https://www.2checkout.com:x/api'"),
    ("https://www.2check out.com/api", "the API URL must not contain spaces or control characters:"),
    (
        "https://www.2checkout.com/api?password=PW",
        "the API URL must not have a ?query or #fragment (after 'https://www.2checkout.com/api')",
    ),
    ("https://www.2checkout.com/api#PW", "the API URL must not have a ?query or #fragment"),
]
PASSWORDS = ["pässwörd", "пароль", "密码", "Zq8€kV2 ü:x"]


def texts(error: BaseException) -> str:
    return " ".join([str(error), repr(error), repr(error.args), repr(vars(error))])


@pytest.mark.parametrize(("url", "message"), MALFORMED)
def test_a_malformed_url_is_one_line_without_its_userinfo(url: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Client(url, "user", "secret-pw")
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert "PW" not in texts(caught.value) and "P/W" not in texts(caught.value)
    assert caught.value.__context__ is None and caught.value.__cause__ is None


@pytest.mark.parametrize(("url", "message"), MALFORMED[:5])
def test_the_cli_says_it_in_one_line(url: str, message: str, cli: Run, write: Callable[..., str]) -> None:
    result = cli(url, "plan", write(CATALOG))
    assert (result.code, result.out, result.err) == (1, "", f"Error: {message}\n")


def test_the_cli_reads_a_malformed_url_from_the_environment_too(
    cli: Run, write: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWOCHECKOUT_API_URL", "http://user:PW@[bad/api")
    result = cli(None, "plan", write(CATALOG))
    assert (result.code, result.err) == (1, f"Error: {CREDENTIALS}\n")


@pytest.mark.parametrize("url", ["http://[::1]/api", "http://[::1]:8080/api/", "https://[2001:db8::1]/api"])
def test_ipv6_hosts_in_brackets_are_accepted(url: str) -> None:
    assert check_base_url(url) == url.rstrip("/")


# -- credentials --------------------------------------------------------------------------------------------


@pytest.fixture(params=PASSWORDS)
def password(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_a_password_of_any_script_works_end_to_end(
    password: str, make_sandbox: MakeSandbox, make_client: MakeClient
) -> None:
    sandbox = make_sandbox(seed="demo", password=password)
    client = make_client(sandbox, password=password)
    assert client.vendor_id
    assert client.products.list_all()
    with pytest.raises(ApiError) as caught:
        make_client(sandbox, password=password + "x", max_retries=0).account.company_info()
    assert caught.value.status == 401


def test_the_credentials_go_as_utf8_in_nfc(make_sandbox: MakeSandbox, make_client: MakeClient) -> None:
    """RFC 7617 (charset="UTF-8"): "ö" typed as o + U+0308 is sent, and matched, as the one character."""
    composed = "pässwörd"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    sandbox = make_sandbox(seed="empty", password=composed)
    assert make_client(sandbox, password=decomposed).account.company_info()
    assert (
        basic_credentials("sandbox", decomposed)
        == base64.b64encode(b"sandbox:p\xc3\xa4ssw\xc3\xb6rd").decode()
    )


@pytest.mark.parametrize(("encoding", "status"), [("utf-8", 200), ("latin-1", 401)])
def test_the_sandbox_decodes_basic_credentials_as_utf8(
    make_sandbox: MakeSandbox, encoding: str, status: int
) -> None:
    sandbox = make_sandbox(seed="empty", password="pässwörd")
    token = base64.b64encode("sandbox:pässwörd".encode(encoding)).decode()
    response = requests.get(
        f"{sandbox.url}/acct/detail_company_info", headers={"Authorization": f"Basic {token}"}, timeout=10
    )
    assert response.status_code == status


def test_the_cli_works_with_a_non_ascii_password(
    make_sandbox: MakeSandbox, cli: Run, write: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox = make_sandbox(seed="demo", password="пароль")
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", "пароль")
    result = cli(sandbox, "plan", write(CATALOG))
    assert result.code == 0, result.err
    assert "MUG" in result.out


def test_a_non_ascii_password_stays_out_of_the_log_and_errors(
    make_sandbox: MakeSandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    password, log = "密码-пароль-pässwörd", tmp_path / "requests.log"
    sandbox = make_sandbox(seed="demo", password=password)
    client = make_client(sandbox, password=password, log_file=log)
    with pytest.raises(ApiError) as caught:
        client.products.details(product_id=password)
    text = log.read_text(encoding="utf-8") + texts(caught.value)
    for form in (password, quote(password, safe=""), basic_credentials("sandbox", password)):
        assert form not in text
    assert "product_id=***" in text


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "pw", "the API username and password are required"),
        ("user", "", "the API username and password are required"),
        ("us:er", "pw", "the API username must not contain ':' (Basic auth puts one between username and"),
        ("user", "pw\n", "the API username and password must not contain control characters"),
        ("us\ter", "pw", "the API username and password must not contain control characters"),
        ("user", "p\x00w", "the API username and password must not contain control characters"),
        ("user", "Sec\udcffret", "the API username and password must be UTF-8 text: one holds bytes that"),
        ("u\udcff", "pw", "the API username and password must be UTF-8 text: one holds bytes that"),
    ],
)
def test_credentials_basic_auth_cannot_carry_are_refused(username: str, password: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Client("https://www.2checkout.com/api", username, password)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(username=st.text(max_size=8), password=st.text(max_size=8))
def test_any_credentials_make_a_client_or_one_settings_error(username: str, password: str) -> None:
    """Whatever text the environment or the flags hold (surrogates included): never another exception."""
    try:
        Client("https://www.2checkout.com/api", username, password).close()
    except SettingsError as error:
        assert str(error).startswith("the API username") and "\n" not in str(error)  # names no value


def test_the_cli_refuses_a_password_of_bytes_that_are_not_utf8(
    cli: Run, write: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", b"Sec\xffret12345".decode("utf-8", "surrogateescape"))
    run = cli("http://127.0.0.1:9/api", "plan", write("products: {}\n"))
    assert (run.code, run.out) == (1, "")
    assert run.err.startswith("Error: the API username and password must be UTF-8 text")


def test_a_colon_in_the_password_is_fine(sandbox: Sandbox, make_sandbox: MakeSandbox) -> None:
    guarded = make_sandbox(seed="empty", password="a:b:c")
    with Client(guarded.url, "sandbox", "a:b:c") as client:
        assert client.account.company_info()
