"""Answers no client should wait for or hold: a body without end, a body of 1.5 GB, a gzip bomb, JSON nested
200,000 levels deep, headers or a body dripped one byte at a time. Each is one clean ``TransportError``
naming the method, after about the limit (bytes) or the timeout (seconds), served over real HTTP by the
hostile server on 127.0.0.1.
"""

from __future__ import annotations

import itertools
import re
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from catalogsync.api import Client, TransportError
from catalogsync.errors import SettingsError
from tests.conftest import Run
from tests.hostile_server import Answer, Hostile, Stream, chunked, drip, head

MiB = 1024 * 1024
GB_AND_A_HALF = 1536 * MiB
METHOD = "acct/detail_company_info"
OK = {"response_code": "OK", "vendor_company_info": {"vendor_id": "1"}}
BODY = b'{"response_code":"OK","vendor_company_info":{"vendor_id":"1"}}'
JSON = {"Content_Type": "application/json"}
FAST = {"backoff": 0.001, "max_backoff": 0.01}
CATALOG = "products:\n  MUG: {name: Mug, price: 9.99}\n"
DRIP_PAUSE = 0.5
"""Seconds between two dripped bytes: below the timeout of 1 s, so that no single socket read times out."""


def spaces(count: int) -> Iterator[bytes]:
    """``count`` bytes of white space in pieces of 64 KiB, made as they are sent (never held whole)."""
    piece = b" " * (64 * 1024)
    return itertools.repeat(piece, count // len(piece))


def too_large(limit: int, shown: str) -> str:
    return f"{METHOD}: HTTP 200: an answer larger than the limit of {shown} (max_body_bytes={limit})"


def refused(hostile: Hostile, stream: Stream, **options: object) -> TransportError:
    """The error of reading company info from ``stream`` with fast back-off (and default retries)."""
    hostile.answers[METHOD] = stream
    with Client(hostile.url, "u", "p", **FAST, **options) as client:  # type: ignore[arg-type]
        with pytest.raises(TransportError) as caught:
            client.account.company_info()
        assert client.requests_made == len(hostile.calls)
    assert stream.done.wait(30), "the server never saw the client hang up"
    return caught.value


# -- size ---------------------------------------------------------------------------------------------------


def test_an_endless_body_is_refused_after_about_the_limit(hostile: Hostile) -> None:
    """Chunked, no length given, 1.5 GB if read to the end: the client stops after 1 MiB (what the server
    manages to write meanwhile is the limit plus the sockets' buffers), and does not ask again."""
    endless = Stream(
        lambda: itertools.chain(
            [head(**JSON, Transfer_Encoding="chunked")], chunked(b" " * 65536, GB_AND_A_HALF)
        )
    )
    error = refused(hostile, endless, max_body_bytes=MiB)
    assert str(error) == too_large(MiB, "1 MiB")
    assert (error.status, error.transient, error.unreachable) == (200, False, False)
    assert hostile.calls == [METHOD]  # the same request would get the same answer: not retried
    assert MiB < endless.sent < 64 * MiB


def test_a_body_until_the_connection_closes_is_refused_after_about_the_limit(hostile: Hostile) -> None:
    endless = Stream(lambda: itertools.chain([head(**JSON, Connection="close")], spaces(GB_AND_A_HALF)))
    assert str(refused(hostile, endless, max_body_bytes=MiB)) == too_large(MiB, "1 MiB")
    assert MiB < endless.sent < 64 * MiB


def test_a_declared_length_over_the_limit_is_refused_before_reading(hostile: Hostile) -> None:
    declared = head(**JSON, Content_Length=str(GB_AND_A_HALF))
    huge = Stream(lambda: itertools.chain([declared], spaces(GB_AND_A_HALF)))
    assert str(refused(hostile, huge, max_body_bytes=MiB)) == too_large(MiB, "1 MiB")
    assert huge.sent < 64 * MiB
    assert hostile.calls == [METHOD]


def test_the_default_limit_is_32_mib(hostile: Hostile) -> None:
    """40 MiB of white space, then the end: read whole, it would be "an empty body" (and 40 MiB held)."""
    big = Stream(
        lambda: itertools.chain([head(**JSON, Transfer_Encoding="chunked")], chunked(b" " * 65536, 40 * MiB))
    )
    assert str(refused(hostile, big)) == too_large(32 * MiB, "32 MiB")


def test_a_gzip_bomb_counts_what_it_unpacks_to(hostile: Hostile) -> None:
    """64 KiB on the wire, 64 MiB unpacked: the limit applies to the body as the client would hold it."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    bomb = b"".join(packer.compress(piece) for piece in spaces(64 * MiB)) + packer.flush()
    assert len(bomb) < MiB
    gzipped = head(**JSON, Content_Encoding="gzip", Content_Length=str(len(bomb)))
    assert str(refused(hostile, Stream(lambda: [gzipped, bomb]), max_body_bytes=MiB)) == too_large(
        MiB, "1 MiB"
    )


@pytest.mark.parametrize(("padding", "accepted"), [(0, True), (1, False)])
def test_a_body_of_exactly_the_limit_is_read_and_one_byte_more_is_not(
    hostile: Hostile, padding: int, accepted: bool
) -> None:
    limit = 100_000
    body = BODY + b" " * (limit - len(BODY) + padding)
    hostile.answers[METHOD] = Answer(body)
    with Client(hostile.url, "u", "p", max_body_bytes=limit, **FAST) as client:  # type: ignore[arg-type]
        if accepted:
            assert client.account.company_info() == OK
        else:
            with pytest.raises(TransportError) as caught:
                client.account.company_info()
            assert str(caught.value) == too_large(limit, "100000 bytes")
    assert len(hostile.calls) == 1


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "32M"])
def test_a_limit_that_is_no_positive_whole_number_is_refused(value: object) -> None:
    with pytest.raises(SettingsError) as caught:
        Client("https://www.2checkout.com/api", "u", "p", max_body_bytes=value)  # type: ignore[arg-type]
    assert str(caught.value) == f"max_body_bytes must be a whole number of bytes, at least 1, not {value!r}"


# -- nesting ------------------------------------------------------------------------------------------------

DEEP = b'{"products":' + b"[" * 200_000
TOO_DEEP = "a JSON body nested deeper than 64 levels (a real answer needs about 6)"


def nested(depth: int) -> bytes:
    """An object whose ``x`` is a list nested to ``depth`` levels in all (the object counts as one)."""
    return b'{"response_code":"OK","x":' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


@pytest.mark.parametrize("status", [200, 400, 500])
def test_json_nested_200000_deep_is_one_clean_error(hostile: Hostile, tmp_path: Path, status: int) -> None:
    """Whatever the status, and with a request log (whose redaction parses JSON too): no RecursionError."""
    hostile.answers[METHOD] = Answer(DEEP, status)
    log = tmp_path / "requests.log"
    with (
        Client(hostile.url, "u", "p", log_file=log, **FAST) as client,  # type: ignore[arg-type]
        pytest.raises(TransportError) as caught,
    ):
        client.account.company_info()
    assert str(caught.value) == f"{METHOD}: HTTP {status}: {TOO_DEEP}"
    assert (caught.value.status, caught.value.transient) == (status, False)
    assert hostile.calls == [METHOD]  # not retried: it would come back the same
    assert caught.value.__context__ is None and caught.value.__cause__ is None
    assert f"status: {status} in " in log.read_text()


@pytest.mark.parametrize(("depth", "accepted"), [(64, True), (65, False)])
def test_the_depth_bound_is_64(hostile: Hostile, depth: int, accepted: bool) -> None:
    hostile.answers[METHOD] = Answer(nested(depth))
    with Client(hostile.url, "u", "p", **FAST) as client:  # type: ignore[arg-type]
        if accepted:
            assert client.account.company_info()["response_code"] == "OK"
        else:
            with pytest.raises(TransportError, match=re.escape(TOO_DEEP)):
                client.account.company_info()


def test_brackets_inside_strings_do_not_nest(hostile: Hostile) -> None:
    text = '["[{' * 100 + '\\"' + "]" * 7
    hostile.answers[METHOD] = Answer({**OK, "note": text, "keys": {"[" * 70: "{" * 70}})
    with Client(hostile.url, "u", "p") as client:
        assert client.account.company_info()["note"] == text


def test_the_cli_says_it_in_one_line(hostile: Hostile, cli: Run, write: Callable[..., str]) -> None:
    hostile.answers[METHOD] = Answer(DEEP)
    result = cli(hostile.url, "plan", write(CATALOG))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"Error: {METHOD}: HTTP 200: {TOO_DEEP}\n"


# -- time ---------------------------------------------------------------------------------------------------

HEAD = head(**JSON, Content_Length=str(len(BODY)))
STATUS_LINE = b"HTTP/1.1 200 OK\r\n"


def dripped_headers() -> Stream:
    """The status line at once, then the headers and body a byte every 0.5 s (about 40 s in all)."""
    return Stream(lambda: itertools.chain([STATUS_LINE], drip(HEAD[len(STATUS_LINE) :] + BODY)), DRIP_PAUSE)


def dripped_body() -> Stream:
    """The headers at once, then the body a byte every 0.5 s (about 30 s in all)."""
    return Stream(lambda: itertools.chain([HEAD], drip(BODY)), DRIP_PAUSE)


@pytest.mark.parametrize("stream", [dripped_headers, dripped_body])
def test_a_drip_feed_fails_after_the_timeout(hostile: Hostile, stream: Callable[[], Stream]) -> None:
    """No socket read waits as long as the timeout, yet the attempt ends when the timeout has passed."""
    started = time.monotonic()
    error = refused(hostile, stream(), timeout=1, max_retries=0)
    elapsed = time.monotonic() - started
    assert str(error) == f"{METHOD}: no complete answer within 1 s (timeout)"
    assert (error.status, error.transient, error.unreachable) == (None, True, False)
    assert elapsed < 10  # the drip would take 30 s or more


def test_every_attempt_of_a_read_gets_the_timeout(hostile: Hostile) -> None:
    """Retries still apply: three attempts of 1 s each (and back-off), not one of 40 s."""
    started = time.monotonic()
    error = refused(hostile, dripped_headers(), timeout=1, max_retries=2)
    assert str(error) == f"{METHOD}: no complete answer within 1 s (timeout)"
    assert hostile.calls == [METHOD] * 3
    assert time.monotonic() - started < 20


def test_a_dripped_write_is_sent_once(hostile: Hostile) -> None:
    stream = dripped_body()
    hostile.answers["products/create_option"] = stream
    with (
        Client(hostile.url, "u", "p", timeout=1, **FAST) as client,  # type: ignore[arg-type]
        pytest.raises(TransportError, match=r"no complete answer within 1 s \(timeout\)$"),
    ):
        client.products.options.create(option_name="Size")
    assert hostile.calls == ["products/create_option"]


def test_a_complete_answer_within_the_timeout_is_read(hostile: Hostile) -> None:
    """A drip that ends in time is an answer: the deadline is the whole attempt, not a read."""
    hostile.answers[METHOD] = Stream(lambda: itertools.chain([HEAD], drip(BODY)), 0.001)
    with Client(hostile.url, "u", "p", timeout=10) as client:
        assert client.account.company_info() == OK
        assert client.account.company_info() == OK  # a fresh deadline for the next attempt
    assert hostile.calls == [METHOD, METHOD]


def test_the_cli_gives_up_on_a_drip_feed_in_one_line(
    hostile: Hostile, cli: Run, write: Callable[..., str]
) -> None:
    """``--timeout 0.5``, default retries: five attempts of 0.5 s (and back-off), then one line (after the
    progress line that a read this long shows)."""
    hostile.answers[METHOD] = Stream(dripped_headers().pieces, 0.3)  # 0.3 s a byte: 18 s an attempt
    started = time.monotonic()
    result = cli(hostile.url, "plan", write(CATALOG), "--timeout", "0.5")
    assert time.monotonic() - started < 15
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines()[-1] == f"Error: {METHOD}: no complete answer within 0.5 s (timeout)"
    assert "Traceback" not in result.err
    assert hostile.calls.count(METHOD) == 5


def test_a_kept_alive_connection_gets_a_fresh_deadline(hostile: Hostile) -> None:
    """The deadline belongs to one answer: the next one on the same connection, after longer than the
    timeout, has its own."""
    hostile.answers[METHOD] = Answer(OK)
    with Client(hostile.url, "u", "p", timeout=0.5, max_retries=0) as client:
        assert client.account.company_info() == OK
        time.sleep(0.7)
        assert client.account.company_info() == OK
    assert len(set(hostile.ports)) == 1 and len(hostile.ports) == 2


def test_a_refused_body_does_not_leave_its_connection_to_the_next_request(hostile: Hostile) -> None:
    endless = Stream(lambda: itertools.chain([head(**JSON, Connection="keep-alive")], spaces(GB_AND_A_HALF)))
    hostile.answers[METHOD] = endless
    hostile.answers["acct/detail_contact_info"] = Answer(OK)
    with Client(hostile.url, "u", "p", max_body_bytes=MiB) as client:
        with pytest.raises(TransportError):
            client.account.company_info()
        assert client.account.contact_info() == OK
    assert hostile.calls == [METHOD, "acct/detail_contact_info"]
    assert hostile.ports[0] != hostile.ports[1]
