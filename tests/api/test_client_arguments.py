"""Whatever a caller passes, the client answers with one of its own errors, before any request, and never
shows a credential in it: a table of wrong types for every parameter of ``Client`` and of ``Client.call``
(a parameter without a row fails; a duration without the values no one can sleep fails), and properties over
any text, lone surrogates included, as the secret word, a method name, a parameter and an answer (with the
request log on)."""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from catalogsync.api import Client
from catalogsync.api.checks import METHOD_NAME, check_arguments
from catalogsync.api.codec import encode_params
from catalogsync.api.hashes import ins_hash, return_key, validate_ins_hash, validate_return_key
from catalogsync.errors import ApiError, ClientError, SettingsError
from catalogsync.sandbox import Sandbox
from catalogsync.shown import has_surrogate
from tests.hostile_server import Answer, Hostile

NOWHERE = "http://127.0.0.1:9/api"
"""No request is made by any test that uses it."""
MARK = "Zq8kV2"
"""Part of every secret below: it must not be seen in any error."""
GOOD: dict[str, Any] = {"base_url": NOWHERE, "username": "u", "password": f"{MARK}pw"}
SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
ANY_TEXT = st.lists(st.characters() | SURROGATE, max_size=12).map("".join)
"""Any text, lone surrogates included (``st.text()`` leaves them out)."""

UNSLEEPABLE: list[Any] = [float("inf"), 1e300, 86_401, float("nan"), -1.0, float("-inf")]
"""Numbers of seconds no pause or attempt may last (time.sleep(1e300) is an OverflowError)."""
WRONG: dict[str, list[Any]] = {
    "base_url": [None, 8080, b"http://127.0.0.1/api"],
    "username": [None, 7, b"u"],
    "password": [None, 12345678, b"Zq8kV2pw", ["Zq8kV2pw"]],
    "secret": [123, b"Zq8kV2", ["Zq8kV2"], f"{MARK}\udc80"],
    "demo": ["no", 1, None],
    "timeout": [None, True, "30", *UNSLEEPABLE],
    "log_file": [3, True, "", "/", "/nonexistent-folder/requests.log"],
    "session": ["session", object()],
    "max_retries": [None, 1.5, True, "4"],
    "backoff": [None, "0.5", True, *UNSLEEPABLE],
    "max_backoff": [None, "30", False, *UNSLEEPABLE],
    "parallelism": [None, 2.0, True],
    "max_body_bytes": [None, 1.5, True],
}
"""Values of the wrong type (or unusable) for each parameter of ``Client``."""


def chain(error: BaseException | None) -> Iterator[str]:
    """str and repr of an exception and of everything chained to it."""
    while error is not None:
        yield from (str(error), repr(error), repr(vars(error)))
        error = error.__cause__ or error.__context__


def test_every_parameter_of_the_client_has_wrong_values_in_the_table():
    assert set(WRONG) == set(inspect.signature(Client).parameters)


def test_every_duration_setting_has_the_values_no_one_can_sleep():
    durations = [name for name, p in inspect.signature(Client).parameters.items() if p.annotation == "float"]
    assert durations and all(set(map(repr, UNSLEEPABLE)) <= set(map(repr, WRONG[name])) for name in durations)


UNSENDABLE: list[Any] = [
    b"4635212971",
    bytearray(b"1"),
    {"id": "1"},
    {"1", "2"},
    frozenset({"1"}),
    [["1"]],
    [b"1"],
    (None, {"1": 2}),
    float("nan"),
    float("inf"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    1 + 2j,
    range(2),
    object(),
]
"""Parameter values whose ``str()`` is not what was meant (a repr, a set in any order, ``nan``)."""

CALL_WRONG: dict[str, list[Any]] = {
    "group": [None, 5, b"products"],
    "method": [None, 5, b"detail_product"],
    "params": [
        {1: "x"},
        {None: "x"},
        {("product_id",): "x"},
        {b"product_id": "x"},
        [("product_id", "1")],
        "product_id=1",
        b"product_id=1",
        5,
        object(),
        *({"product_id": value} for value in UNSENDABLE),
    ],
    "write": ["no", 1, None],
}
"""Arguments of the wrong type for each parameter of ``Client.call``."""


def test_every_parameter_of_call_has_wrong_values_in_the_table():
    assert set(CALL_WRONG) == set(inspect.signature(Client.call).parameters) - {"self"}


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in CALL_WRONG.items() for value in values], ids=repr
)
def test_a_wrong_argument_of_a_call_is_a_client_error_and_nothing_is_sent(name: str, value: Any) -> None:
    arguments = {
        "group": "products",
        "method": "detail_product",
        "params": {"product_id": "1"},
        "write": False,
    }
    with Client(**GOOD, max_retries=0) as client, pytest.raises(ClientError) as refused:
        client.call(**{**arguments, name: value})
    assert client.requests_made == 0 and "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in WRONG.items() for value in values], ids=repr
)
def test_a_wrong_value_is_refused_in_one_line_that_shows_no_credential(name: str, value: Any) -> None:
    with pytest.raises(SettingsError) as refused:
        Client(**{**GOOD, name: value})
    message = str(refused.value)
    assert "\n" not in message and message
    assert all(MARK not in text and "12345678" not in text for text in chain(refused.value))


@settings(max_examples=60, deadline=None)
@given(before=ANY_TEXT, surrogate=SURROGATE, after=ANY_TEXT)
def test_a_secret_word_that_is_not_utf8_is_refused_unseen(before: str, surrogate: str, after: str) -> None:
    """By the client and by the pure hash functions (encoding it would raise an error quoting it)."""
    secret = f"{MARK}{before}{surrogate}{after}"
    passback = {"sid": "1", "order_number": "2", "total": "3.00", "key": "X"}
    ins = {"sale_id": "1", "vendor_id": "2", "invoice_id": "3", "md5_hash": "X"}
    checks = [
        lambda: Client(**GOOD, secret=secret),
        lambda: validate_return_key(passback, secret),
        lambda: validate_ins_hash(ins, secret),
        lambda: return_key(secret, "1", "2", "3.00"),
        lambda: ins_hash("1", "2", "3", secret),
    ]
    for check in checks:
        with pytest.raises(SettingsError) as refused:
            check()
        assert all(MARK not in text for text in chain(refused.value))


# -- calls against a real sandbox ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    server = Sandbox(seed="demo").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def logged(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Client]:
    log = tmp_path_factory.mktemp("log") / "requests.log"
    with Client(sandbox.url, "sandbox", "sandbox", secret="tango", log_file=log, max_retries=0) as client:
        yield client
        assert client.log_failure is None


def is_api_name(group: str, method: str) -> bool:
    return bool(METHOD_NAME.fullmatch(group) and METHOD_NAME.fullmatch(method))


NAMES = ANY_TEXT | st.sampled_from(["products", "acct", "..", "detail_product", "Products", "list_products/"])


@settings(max_examples=100, deadline=None)
@given(group=NAMES, method=NAMES)
@example(group="..", method="products/create_product")
@example(group="products", method="detail_product/../create_product")
@example(group="products", method="list_products?x=1")
@example(group="products", method="detail_product")
def test_a_call_reaches_only_the_method_it_names(logged: Client, group: str, method: str) -> None:
    """A name that could reach another method is refused unsent; an API name is asked for (the sandbox
    answers 404 for one it does not know)."""
    before = logged.requests_made
    try:
        logged.call(group, method, {"product_id": "0"})
    except ApiError:
        assert is_api_name(group, method)
    except ClientError as error:
        assert not is_api_name(group, method)
        assert logged.requests_made == before
        assert str(error).startswith("not an API method: ") and "\n" not in str(error)
    else:
        assert is_api_name(group, method)


def test_a_write_named_as_a_path_is_never_sent(sandbox: Sandbox, logged: Client) -> None:
    """``..`` once made a create look like a read (``detail_``): it was sent as a GET and retried."""
    created = sandbox.stats()["by_method"].get("products/create_product", 0)
    with pytest.raises(ClientError, match="not an API method"):
        logged.call("products", "detail_product/../create_product", {"name": "Twice", "price": "1.00"})
    assert sandbox.stats()["by_method"].get("products/create_product", 0) == created


@settings(max_examples=100, deadline=None)
@given(params=st.dictionaries(ANY_TEXT, ANY_TEXT.map(lambda text: MARK + text), max_size=3))
def test_any_parameter_is_sent_or_refused_unsent_without_its_value(
    logged: Client, params: dict[str, str]
) -> None:
    before = logged.requests_made
    try:
        logged.call("acct", "detail_company_info", params)
    except ClientError as error:
        if any(map(has_surrogate, [*params, *params.values()])):
            assert logged.requests_made == before and "nothing was sent" in str(error)
            assert all(MARK not in text for text in chain(error))
        else:
            assert isinstance(error, ApiError)
    else:
        assert not any(map(has_surrogate, [*params, *params.values()]))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # the server and log are shared on purpose
)
@given(text=ANY_TEXT)
@example(text="\ud800")
def test_any_text_in_an_answer_is_returned_and_logged(hostile: Hostile, tmp_path: Path, text: str) -> None:
    """JSON escapes (``"\\ud800"``) make any text, lone surrogates too: it comes back as sent, in the body
    or in the error, and the request log still records the call."""
    log, sent = tmp_path / "requests.log", json.loads(json.dumps(text))  # a surrogate pair is one character
    hostile.answers["acct/detail_company_info"] = Answer({"vendor_company_info": {"vendor_name": text}})
    hostile.answers["products/detail_product"] = Answer({"errors": [{"code": "X", "message": text}]}, 400)
    with Client(hostile.url, "u", "pw", log_file=log, max_retries=0) as client:
        assert client.account.company_info()["vendor_company_info"]["vendor_name"] == sent
        with pytest.raises(ApiError) as refused:
            client.products.details(product_id="1")
        assert refused.value.errors[0].message == sent
        assert client.log_failure is None
    assert log.read_text(encoding="utf-8").count("(attempt 1)") >= 2


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.decimals()
    | st.text(max_size=4)
    | st.binary(max_size=4)
    | st.dates()
    | st.datetimes()
    | st.complex_numbers()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner)
        | st.sets(st.integers(), max_size=2)
        | st.dictionaries(st.text(max_size=2), inner, max_size=2)
    ),
    max_leaves=4,
)


def _means(item: Any, sent: str) -> bool:
    """Whether the text sent for ``item`` reads back as ``item`` (a bool is a flag)."""
    if isinstance(item, bool):
        return sent == ("1" if item else "0")
    readers = [str, int, float, Decimal, dt.datetime, dt.date]
    reader = next(r for r in readers if isinstance(item, r))
    parse = getattr(reader, "fromisoformat", reader)
    return bool(parse(sent) == item)


@settings(max_examples=300)
@given(value=VALUES)
def test_a_parameter_value_is_sent_as_what_it_means_or_refused(value: Any) -> None:
    """``str()`` sent ``b'...'`` for bytes, a dict's or an object's repr, a set in any order and ``nan``."""
    try:
        check_arguments("sales/create_comment", {"sale_comment": value}, True)
    except ClientError as refused:
        assert '"sale_comment" cannot be sent' in str(refused)
        return
    items = [i for i in (value if isinstance(value, list | tuple) else [value]) if i is not None]
    sent = [text for _, text in encode_params({"sale_comment": value})]
    assert len(sent) == len(items) and all(map(_means, items, sent)), (value, sent)
