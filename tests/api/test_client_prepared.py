"""The transport's prepared requests are the ones ``requests`` would have made, for any call."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st
from requests.auth import HTTPBasicAuth

from catalogsync.api.codec import Pairs
from catalogsync.api.prepared import Preparer
from catalogsync.api.redact import nfc
from catalogsync.api.transport import HEADERS
from catalogsync.sandbox import Sandbox
from tests.api.conftest import MakeClient

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
    happen once per method for the transport's own session, not once per call: a count, not a time."""
    calls: Counter[str] = Counter()
    for name in ("prepare_request", "merge_environment_settings"):
        original = getattr(requests.Session, name)
        monkeypatch.setattr(requests.Session, name, counting(calls, name, original))
    client = make_client(sandbox)
    for _ in range(5):
        client.account.company_info()
        client.products.list(pagesize=1)
    assert calls == {"merge_environment_settings": 1, "prepare_request": 2}
    assert client.requests_made == 10


def counting(calls: Counter[str], name: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[name] += 1
        return original(*args, **kwargs)

    return counted
