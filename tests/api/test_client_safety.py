"""Credentials stay secret: refused cleartext URLs, clean exceptions, a redacted and complete request log."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

from catalogsync.api import ApiError, Client, TransportError
from catalogsync.api.redact import basic_credentials
from catalogsync.errors import ClientError, SettingsError
from catalogsync.sandbox import Faults, Sandbox
from tests.api.conftest import MakeClient
from tests.conftest import MakeSandbox

PASSWORD = "Pw-s3cr3t!"
SECRET = "Sw-t4ng0"
SECRETS = (PASSWORD, SECRET, basic_credentials("sandbox", PASSWORD))
BLOCK_HEAD = re.compile(r"^\S+ (GET|POST) http://127\.0\.0\.1:\d+/api/\w+/\w+ \(attempt \d+\)$")


@pytest.fixture
def guarded(make_sandbox: MakeSandbox) -> Sandbox:
    """A demo sandbox whose API password is :data:`PASSWORD`."""
    return make_sandbox(seed="demo", password=PASSWORD)


def texts(error: BaseException | None) -> list[str]:
    """str and repr of an exception and of everything chained to it."""
    found: list[str] = []
    while error is not None:
        found += [str(error), repr(error), repr(error.args), repr(vars(error))]
        error = error.__cause__ or error.__context__
    return found


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
        assert quote(secret, safe="") not in text  # as a query string carries it


@pytest.mark.parametrize(
    "url", ["http://www.2checkout.com/api", "http://192.168.1.10:8080/api", "http://[2001:db8::1]/api"]
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(SettingsError):
        Client(url, "user", PASSWORD)


def test_https_and_loopback_http_are_accepted() -> None:
    for url in ("https://www.2checkout.com/api/", "http://localhost:8080/api"):
        with Client(url, "user", PASSWORD) as client:
            assert client.base_url == url.rstrip("/")
            assert PASSWORD not in repr(client)


def test_missing_credentials_are_a_settings_error() -> None:
    with pytest.raises(SettingsError):
        Client("https://www.2checkout.com/api", "user", "")


def test_no_exception_carries_a_credential(guarded: Sandbox, make_client: MakeClient) -> None:
    client = make_client(guarded, password=PASSWORD, secret=SECRET, max_retries=0, timeout=0.3)
    failures: list[ClientError] = []

    def fail(faults: Faults | None, call: object) -> None:
        guarded.faults = faults
        with pytest.raises(ClientError) as caught:
            call()  # type: ignore[operator]
        failures.append(caught.value)

    fail(None, lambda: client.sales.create_comment(sale_id=PASSWORD, sale_comment=SECRET))
    fail(None, lambda: client.products.details(product_id=SECRET))
    for kind in ("500", "reset_before", "truncated", "html", "slow"):
        fail(Faults(fault_rate=1.0, kinds=(kind,)), lambda: client.account.company_info())
    wrong = make_client(guarded, password=SECRET + "x", secret=PASSWORD, max_retries=0)
    fail(None, wrong.account.company_info)
    stopped = Sandbox(seed="empty").start()
    stopped.stop()
    gone = make_client(stopped, password=PASSWORD, secret=SECRET, max_retries=0)
    fail(None, gone.account.company_info)
    fail(None, lambda: gone.products.details(product_id=PASSWORD, note=SECRET))  # in the failed URL

    kinds = [(type(e).__name__, getattr(e, "status", None)) for e in failures]
    assert kinds == [
        ("ApiError", 400),
        ("ApiError", 400),
        ("ApiError", 500),
        ("TransportError", None),
        ("TransportError", 200),
        ("TransportError", 502),
        ("TransportError", None),
        ("ApiError", 401),
        ("TransportError", None),
        ("TransportError", None),
    ]
    for failure in failures:
        for text in texts(failure):
            assert_clean(text)
            assert SECRET + "x" not in text


def test_the_log_has_one_redacted_block_per_attempt(
    guarded: Sandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    log = tmp_path / "requests.log"
    client = make_client(guarded, password=PASSWORD, secret=SECRET, log_file=log)
    guarded.faults = Faults(fault_rate=1.0, kinds=("reset_before",), methods=("acct/detail_pending_payment",))
    info = client.account.company_info()
    assert info["vendor_company_info"]["secret_word"] == "tango"  # the caller gets the real data
    sale_id = client.sales.list_all()[0]["sale_id"]
    client.sales.create_comment(sale_id=sale_id, sale_comment=f"pw {PASSWORD} and {SECRET}")
    client.sales.details(sale_id=sale_id)  # the comment comes back in the body
    with pytest.raises(ApiError):
        client.products.details(product_id="1")
    with pytest.raises(TransportError):
        client.account.pending_payment()

    text = log.read_text(encoding="utf-8")
    assert_clean(text)
    assert "tango" not in text  # the secret word the client was never told, masked by its key
    assert f"Basic {basic_credentials('sandbox', PASSWORD)}" not in text
    blocks = text.strip().split("\n\n")
    assert len(blocks) == client.requests_made
    heads = [block.splitlines()[0] for block in blocks]
    assert all(BLOCK_HEAD.match(head) for head in heads), heads
    assert "Authorization: Basic ***" in blocks[0]
    assert '"secret_word":"***"' in blocks[0]
    comment = next(b for b in blocks if "create_comment" in b.splitlines()[0])
    assert f"params: sale_id={sale_id}&sale_comment=pw+***+and+***" in comment
    assert "status: 200" in comment
    assert re.search(r"status: 400 in [\d.]+ ms\nbody: .*RECORD_NOT_FOUND", text)
    assert re.search(r"failed: connection failed: .* in [\d.]+ ms", text)


def test_concurrent_requests_append_whole_blocks(
    sandbox: Sandbox, make_client: MakeClient, tmp_path: Path
) -> None:
    log = tmp_path / "requests.log"
    client = make_client(sandbox, log_file=log)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: client.account.contact_info(), range(40)))
    blocks = log.read_text(encoding="utf-8").strip().split("\n\n")
    assert len(blocks) == 40
    assert all(len(block.splitlines()) == 5 and BLOCK_HEAD.match(block.splitlines()[0]) for block in blocks)
