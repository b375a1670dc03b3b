"""The transport's prepared requests are the ones ``requests`` would have made, for any call."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests
import urllib3
from hypothesis import given
from hypothesis import strategies as st
from requests.auth import HTTPBasicAuth

from catalogsync.api import Client
from catalogsync.api.codec import Pairs
from catalogsync.api.prepared import Preparer
from catalogsync.api.redact import basic_credentials, nfc
from catalogsync.api.transport import HEADERS
from catalogsync.errors import ClientError
from catalogsync.sandbox import Sandbox
from tests.api.conftest import MakeClient
from tests.hostile_server import Answer, Hostile, Stream, head

JSON = {"Content_Type": "application/json", "Connection": "close"}

BASES = ("http://127.0.0.1:8080/api", "https://www.2checkout.com/api", "https://bücher.example/api/ü")
NAMES = ("acct/detail_company_info", "products/list_products", "products/update_product", "x/ä b")
AUTH = HTTPBasicAuth(nfc("user"), nfc("pässword"))
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)


def requests_own(session: requests.Session, verb: str, url: str, pairs: Pairs) -> requests.PreparedRequest:
    """What ``Session.request`` sends for this call."""
    read = verb == "GET"
    request = requests.Request(
        verb,
        url,
        params=pairs if read else None,
        data=None if read else pairs,
        headers=HEADERS,
        auth=AUTH,
    )
    return session.prepare_request(request)


@pytest.fixture(scope="module")
def session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # as the transport leaves its own session once the environment is read
    return session


@given(
    base=st.sampled_from(BASES),
    name=st.sampled_from(NAMES),
    verb=st.sampled_from(("GET", "POST")),
    pairs=st.lists(st.tuples(text, text), max_size=6),
)
def test_a_prepared_request_is_what_requests_prepares(
    session: requests.Session, base: str, name: str, verb: str, pairs: Pairs
) -> None:
    made = Preparer(session, base, HEADERS, AUTH).request(verb, name, pairs)
    expected = requests_own(session, verb, f"{base}/{name}", pairs)
    assert (made.method, made.url, made.body) == (expected.method, expected.url, expected.body)
    assert dict(made.headers.lower_items()) == dict(expected.headers.lower_items())


def test_templates_are_not_changed_by_the_requests_made_from_them(session: requests.Session) -> None:
    preparer = Preparer(session, BASES[0], HEADERS, AUTH)
    first = preparer.request("POST", NAMES[2], [("name", "Lamp")])
    second = preparer.request("POST", NAMES[2], [])
    assert first.headers["Content-Length"] == str(len("name=Lamp"))
    assert (second.headers["Content-Length"], second.body) == ("0", None)
    assert "Content-Type" not in second.headers


def test_the_per_call_work_of_requests_is_done_once_per_method(
    sandbox: Sandbox, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Preparing (merging settings, quoting the URL, encoding the credentials) and reading the environment
    happen once per method for the transport's own session, not once per call, the connection pool is
    looked up once, and no call goes through ``Session.send`` (its cookie and redirect bookkeeping): a
    count, not a time."""
    calls = count_calls(monkeypatch)
    client = make_client(sandbox)
    for _ in range(5):
        client.account.company_info()
        client.products.list(pagesize=1)
    assert calls == {"merge_environment_settings": 1, "prepare_request": 2, "connection_from_host": 1}
    assert client.requests_made == 10


def test_closing_the_client_closes_its_connections(hostile: Hostile) -> None:
    """No connection outlives :meth:`Client.close`, though urllib3 2 drops pools without closing them."""
    hostile.answers["acct/detail_company_info"] = Answer({"vendor_company_info": {"vendor_id": "1"}})
    client = Client(hostile.url, "user", "secret")
    client.account.company_info()
    assert not hostile.hung_up.wait(0.2)  # kept alive
    client.close()
    assert hostile.hung_up.wait(5)


def count_calls(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts of the session's preparing, environment and sending calls, and of pool lookups."""
    calls: Counter[str] = Counter()
    for owner, name in (
        (requests.Session, "prepare_request"),
        (requests.Session, "merge_environment_settings"),
        (requests.Session, "send"),
        (urllib3.PoolManager, "connection_from_host"),
    ):
        monkeypatch.setattr(owner, name, counting(calls, name, getattr(owner, name)))
    return calls


def counting(calls: Counter[str], name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    return counted


def test_what_a_server_sets_changes_no_later_call(hostile: Hostile) -> None:
    """The transport's own session keeps nothing of an answer: a cookie the server sets is not sent back,
    a redirect is not followed (the call fails, naming its status), and every call sends its credentials."""
    company = json.dumps({"response_code": "OK", "vendor_company_info": {}}).encode()
    hostile.answers["acct/detail_company_info"] = Stream(
        lambda: [head(**JSON, Content_Length=str(len(company)), Set_Cookie="sid=1; Path=/"), company]
    )
    hostile.answers["acct/detail_contact_info"] = Stream(
        lambda: [
            head(
                "302 Found",
                Location=f"{hostile.url}/acct/detail_company_info",
                Content_Length="0",
                Connection="close",
            )
        ]
    )
    with Client(hostile.url, "user", "pässword", max_retries=0) as client:
        client.account.company_info()
        with pytest.raises(ClientError, match="HTTP 302: a redirect to http") as raised:
            client.account.contact_info()
        client.account.company_info()
    assert raised.value.method == "acct/detail_contact_info"
    assert hostile.calls == [
        "acct/detail_company_info",
        "acct/detail_contact_info",
        "acct/detail_company_info",
    ]
    assert [sent.get("Cookie") for sent in hostile.headers] == [None, None, None]
    assert {sent["Authorization"] for sent in hostile.headers} == {
        "Basic " + basic_credentials("user", "pässword")
    }


@pytest.mark.parametrize("own", [True, False], ids=["own session", "injected session"])
def test_a_redirect_fails_at_once_and_is_not_followed(hostile: Hostile, own: bool) -> None:
    """A base URL that redirects (http:// to https://, say) is one error naming the target, asked once."""
    target = "https://www.2checkout.com/api/acct/detail_company_info"
    hostile.answers["acct/detail_company_info"] = Stream(
        lambda: [head("301 Moved Permanently", Location=target, Content_Length="0", Connection="close")]
    )
    session = None if own else requests.Session()
    client = Client(hostile.url, "user", "secret", session=session)
    with client, pytest.raises(ClientError) as raised:
        client.account.company_info()
    assert str(raised.value).startswith(f"acct/detail_company_info: HTTP 301: a redirect to {target} instead")
    assert hostile.calls == ["acct/detail_company_info"]


def test_an_injected_session_without_an_adapter_for_the_url_fails_as_a_client_error(hostile: Hostile) -> None:
    """The transport's own adapter is looked up for its own session only: an injected one is the caller's."""
    session = requests.Session()
    session.adapters.clear()
    client = Client(hostile.url, "user", "secret", session=session, max_retries=0)
    with client, pytest.raises(ClientError, match="acct/detail_company_info"):
        client.account.company_info()
    assert hostile.calls == []
