"""Messages a person can act on: nothing listening, a name that does not resolve, no connection in time, a
base URL without ``/api``, bad credentials, a timeout of 0. Real sockets and servers on 127.0.0.1 only."""

from __future__ import annotations

import re
import select
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from catalogsync.api import ApiError, Client, TransportError
from catalogsync.api.codec import BASE_URL_HINT, CREDENTIALS_HINT
from catalogsync.api.transport import Transport
from catalogsync.cli import build_parser, main
from catalogsync.errors import SettingsError
from catalogsync.sandbox import Sandbox
from tests.api.conftest import FakeTime, MakeClient
from tests.conftest import Run
from tests.hostile_server import Answer, Hostile

PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
UNRESOLVED = "-no-such-host.invalid"
"""A name that never resolves (RFC 6761 ``.invalid``) and that glibc refuses before asking any DNS server
(a label may not begin with a hyphen): a plain ``no-such-host.invalid`` is sent to the configured
nameserver, which a test must not depend on."""
CATALOG = "products:\n  MUG: {name: Mug, price: 9.99}\n"


@pytest.fixture
def refusing() -> Iterator[str]:
    """The API URL of a port on 127.0.0.1 that refuses connections (bound, never listening: nobody else can
    take it meanwhile, unlike the port of a stopped server)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{holder.getsockname()[1]}/api"
    holder.close()


@pytest.fixture
def unanswered() -> Iterator[str]:
    """The API URL of a listener whose accept queue is full: Linux drops further SYNs, so connecting waits."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    select.select([], fillers[:1], [], 5)  # the first one is in the queue: the queue is full
    yield f"http://127.0.0.1:{port}/api"
    for filler in fillers:
        filler.close()
    listener.close()


def where(url: str) -> str:
    return url.removeprefix("http://").removesuffix("/api")


# -- nothing listening ------------------------------------------------------------------------------------


def test_a_refused_connection_is_one_line_after_two_quick_retries(refusing: str, tmp_path: Path) -> None:
    """Default settings: three attempts, not the five of the read back-off, and no requests jargon."""
    log = tmp_path / "requests.log"
    with Client(refusing, "u", "p", log_file=log) as client, pytest.raises(TransportError) as caught:
        client.account.company_info()
    message = f"acct/detail_company_info: cannot connect to {where(refusing)} (connection refused)"
    assert str(caught.value) == message
    assert caught.value.unreachable and caught.value.status is None
    assert client.requests_made == 3
    failures = [line for line in log.read_text().splitlines() if line.startswith("failed: ")]
    assert len(failures) == 3
    assert all(line.startswith(f"failed: {message.split(': ', 1)[1]} in ") for line in failures)


def test_the_quick_retries_pause_briefly_whatever_the_back_off(refusing: str) -> None:
    fake = FakeTime()
    transport = Transport(refusing, "u", "p", clock=fake.clock, sleep=fake.sleep)  # default Policy
    with pytest.raises(TransportError):
        transport.call("acct", "detail_company_info", write=False)
    assert transport.requests_made == 3
    assert len(fake.sleeps) == 2
    assert sum(fake.sleeps) <= 2 * transport.policy.connect_pause <= 0.2


def test_the_quick_retries_stay_within_max_retries(refusing: str) -> None:
    with Client(refusing, "u", "p", max_retries=1) as client, pytest.raises(TransportError):
        client.account.company_info()
    assert client.requests_made == 2


def test_a_write_that_cannot_connect_is_tried_once(refusing: str) -> None:
    with Client(refusing, "u", "p") as client, pytest.raises(TransportError) as caught:
        client.products.options.create(option_name="Size", option_value_name="S", option_value_surcharge="0")
    assert str(caught.value).endswith(f": cannot connect to {where(refusing)} (connection refused)")
    assert client.requests_made == 1


def test_a_name_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXIES:  # a proxy would be asked instead (and it would be the one to fail)
        monkeypatch.delenv(name, raising=False)
    url = f"https://{UNRESOLVED}/api"
    with Client(url, "u", "p") as client, pytest.raises(TransportError) as caught:
        client.account.company_info()
    assert str(caught.value) == (
        f"acct/detail_company_info: cannot connect to {UNRESOLVED}:443 (name not resolved)"
    )
    assert caught.value.unreachable
    assert client.requests_made == 3


@pytest.mark.skipif(sys.platform != "linux", reason="relies on Linux dropping SYNs to a full accept queue")
def test_no_connection_within_the_timeout(unanswered: str) -> None:
    with Client(unanswered, "u", "p", timeout=0.2) as client, pytest.raises(TransportError) as caught:
        client.account.company_info()
    assert str(caught.value) == (
        f"acct/detail_company_info: cannot connect to {where(unanswered)} (no connection within 0.2 s)"
    )
    assert caught.value.unreachable
    assert client.requests_made == 3


def test_the_cli_says_it_in_one_line(refusing: str, cli: Run, write: Callable[..., str]) -> None:
    result = cli(refusing, "plan", write(CATALOG))
    assert result.code == 1
    [line] = result.err.strip().splitlines()
    assert re.fullmatch(
        rf"Error: \w+/\w+: cannot connect to {re.escape(where(refusing))} \(connection refused\)", line
    )


# -- hints ------------------------------------------------------------------------------------------------


def test_a_base_url_without_api_gets_a_hint_and_keeps_the_vendor_error(sandbox: Sandbox) -> None:
    url = sandbox.url.removesuffix("/api")
    with Client(url, "sandbox", "sandbox") as client, pytest.raises(ApiError) as caught:
        client.products.list_all()
    assert str(caught.value) == (
        "products/list_products failed with HTTP 404: NOT_FOUND: Unknown API method."
        " (is the base URL right? it ends in /api, e.g. https://www.2checkout.com/api)"
    )
    assert caught.value.hint == BASE_URL_HINT
    assert caught.value.codes == ["NOT_FOUND"] and caught.value.status == 404
    assert client.requests_made == 1  # a 404 is not retried


def test_a_404_page_gets_the_base_url_hint(hostile: Hostile) -> None:
    hostile.answers["acct/detail_company_info"] = Answer(b"<html>Not Found</html>", 404, "text/html")
    fast = {"backoff": 0.001, "max_backoff": 0.01}  # a body that is no JSON is retried, whatever its status
    with Client(hostile.url, "u", "p", **fast) as client, pytest.raises(TransportError) as caught:
        client.account.company_info()
    assert str(caught.value) == (
        f"acct/detail_company_info: HTTP 404: an HTML page instead of JSON ({BASE_URL_HINT})"
    )


def test_a_missing_record_gets_no_hint(hostile: Hostile, make_client: MakeClient, sandbox: Sandbox) -> None:
    not_found = {"errors": [{"code": "RECORD_NOT_FOUND", "message": "Unable to find record."}]}
    hostile.answers["products/detail_product"] = Answer(not_found, 404)
    with Client(hostile.url, "u", "p") as client, pytest.raises(ApiError) as caught:
        client.products.details(product_id="1")
    assert str(caught.value) == (
        "products/detail_product failed with HTTP 404: RECORD_NOT_FOUND: Unable to find record."
    )
    assert caught.value.hint is None
    with pytest.raises(ApiError) as caught:
        make_client(sandbox).products.details(product_id="1")
    assert caught.value.hint is None and str(caught.value).endswith("Unable to find record.")


def test_bad_credentials_get_a_hint_at_the_api_users_rights(sandbox: Sandbox) -> None:
    with Client(sandbox.url, "sandbox", "wrong") as client, pytest.raises(ApiError) as caught:
        client.account.company_info()
    assert str(caught.value) == (
        "acct/detail_company_info failed with HTTP 401: UNAUTHORIZED: Authentication failed"
        ' (check the API username and password, and that this API user has the access rights "API Access"'
        ' and "API Updating")'
    )
    assert caught.value.hint == CREDENTIALS_HINT


def test_the_hint_keeps_every_vendor_error(hostile: Hostile) -> None:
    errors = [
        {"code": "UNAUTHORIZED", "message": "Authentication failed"},
        {"code": "FORBIDDEN", "message": "API access is not enabled", "parameter": "user"},
    ]
    hostile.answers["acct/detail_company_info"] = Answer({"errors": errors}, 403)
    with Client(hostile.url, "u", "p") as client, pytest.raises(ApiError) as caught:
        client.account.company_info()
    assert str(caught.value) == (
        "acct/detail_company_info failed with HTTP 403: UNAUTHORIZED: Authentication failed;"
        f" FORBIDDEN: API access is not enabled (parameter user) ({CREDENTIALS_HINT})"
    )
    assert caught.value.codes == ["UNAUTHORIZED", "FORBIDDEN"]


# -- timeout ----------------------------------------------------------------------------------------------


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["plan", "c.yaml", *argv]) == 1
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.parametrize("value", ["0", "-1", "0.0", "-0"])
def test_a_timeout_of_zero_or_less_is_refused_at_the_flag(
    value: str, refusing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    error = usage_error(capsys, "--timeout", value, "--api-url", refusing)
    assert error == "catalogsync plan: error: argument --timeout: must be more than 0 seconds"


@pytest.mark.parametrize("value", ["nan", "inf", "soon"])
def test_a_timeout_that_is_no_number_of_seconds_is_refused_at_the_flag(
    value: str, refusing: str, capsys: pytest.CaptureFixture[str]
) -> None:
    error = usage_error(capsys, "--timeout", value, "--api-url", refusing)
    assert error == f"catalogsync plan: error: argument --timeout: must be a number of seconds, not {value!r}"


def test_a_parallelism_that_is_no_number_is_refused_without_internal_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    error = usage_error(capsys, "--parallelism", "many")
    assert error == "catalogsync plan: error: argument --parallelism: must be a whole number, not 'many'"


def test_a_fractional_timeout_is_accepted() -> None:
    assert build_parser().parse_args(["plan", "c.yaml", "--timeout", "0.5"]).timeout == 0.5


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timeout": 0}, "timeout must be more than 0 seconds, not 0"),
        ({"timeout": -2.5}, "timeout must be more than 0 seconds, not -2.5"),
        ({"timeout": float("nan")}, "timeout must be a finite number of seconds, not nan"),
        ({"timeout": 86_401}, "timeout must be at most 86400 seconds (a day), not 86401"),
        ({"parallelism": 0}, "parallelism must be a whole number from 1 to 256, not 0"),
        ({"parallelism": 257}, "parallelism must be a whole number from 1 to 256, not 257"),
        ({"parallelism": 2.0}, "parallelism must be a whole number from 1 to 256, not 2.0"),
        ({"log_file": 3}, "log_file must be a path (text or os.PathLike), not 3"),
        ({"log_file": ""}, "log_file must be a path (text or os.PathLike), not ''"),
        ({"max_retries": -1}, "max_retries must not be negative, not -1"),
        ({"backoff": -0.1}, "backoff must not be negative, not -0.1"),
    ],
)
def test_client_settings_are_refused_by_name(options: dict[str, float], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Client("https://www.2checkout.com/api", "u", "p", **options)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_credentials_that_basic_auth_cannot_send_are_refused_without_showing_them() -> None:
    """Any text goes as UTF-8 (RFC 7617; tests/api/test_client_limits.py sends it), control characters not."""
    with pytest.raises(SettingsError) as caught:
        Client("https://www.2checkout.com/api", "u", "Zq8€kV2\n")
    assert str(caught.value) == (
        "the API username and password must not contain control characters (tabs, line breaks)"
    )
    assert "Zq8" not in repr(caught.value.args) and caught.value.__context__ is None
