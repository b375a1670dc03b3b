"""The wire format of one call, without I/O: which calls are reads, form parameters, and response bodies.

Reads (``detail_*``, ``list_*``, every ``acct/*`` method) go as GET with a query string and may be retried;
everything else is a write, sent as an urlencoded POST and never retried. A response is an error when its
HTTP status is not 2xx *or* its JSON body carries an ``errors`` member that holds errors (reference §1.4):
both are checked; ``"errors": null`` and ``"errors": []`` hold none, any other value (an object, a text)
is one.
Every text of the vendor's errors (a code, a message, a parameter, a nested object) is masked before it
enters an exception.
An error whose status points at the settings rather than the call carries a hint: a 404 for an unknown method
or a redirect (the base URL) and a 401 or ``UNAUTHORIZED`` (the credentials and the API user's access rights,
§1.2).
JSON nested deeper than :data:`~catalogsync.api.limits.MAX_DEPTH` is refused before it is parsed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from catalogsync.api.limits import MAX_DEPTH, nested_too_deep
from catalogsync.api.redact import Redactor
from catalogsync.errors import ApiError, TransportError, VendorError
from catalogsync.shown import cut, shown

Pairs = list[tuple[str, str]]
Body = dict[str, Any]

BASE_URL_HINT = "is the base URL right? it ends in /api, e.g. https://www.2checkout.com/api"
CREDENTIALS_HINT = (
    "check the API username and password, and that this API user has the access rights"
    ' "API Access" and "API Updating"'
)

REDIRECT_HINT = f"catalogsync follows no redirect; {BASE_URL_HINT}"

XML = "an XML document instead of JSON (the API's answer to a request without Accept: application/json)"

TOO_DEEP = f"a JSON body nested deeper than {MAX_DEPTH} levels (a real answer needs about 6)"


@dataclass(frozen=True)
class Received:
    """An answer read in full: its status, headers (case-insensitive) and body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


def is_read(group: str, method: str) -> bool:
    """Whether the API documents this call as a side-effect-free GET."""
    return group == "acct" or method.startswith(("detail_", "list_"))


def encode_params(params: Mapping[str, Any] | None) -> Pairs:
    """Form pairs: lists and tuples become repeated keys, None is dropped, bools become "1"/"0"."""
    pairs: Pairs = []
    for name, value in (params or {}).items():
        values: Iterable[Any] = value if isinstance(value, list | tuple) else (value,)
        pairs.extend((name, _scalar(item)) for item in values if item is not None)
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def decode_response(
    method: str, status: int, headers: Mapping[str, str], content: bytes, redactor: Redactor
) -> Body:
    """The body of a successful response; otherwise :class:`ApiError` or :class:`TransportError`.

    ``redactor`` masks credentials in what the vendor sent before it enters an exception. A redirect
    is not followed (the credentials go only to the base URL given): it is an error naming where it points,
    not worth retrying.
    """
    if 300 <= status < 400:
        where = redirect(headers.get("Location"), redactor.url)
        raise TransportError(
            f"HTTP {status}: {where} instead of an answer ({REDIRECT_HINT})",
            method=method,
            status=status,
            transient=False,
        )
    body = _parse(headers.get("Content-Type", ""), content)
    if isinstance(body, str):
        advice = hint(status, [])
        suffix = f" ({advice})" if advice else ""
        raise TransportError(
            f"HTTP {status}: {body}{suffix}", method=method, status=status, transient=body != TOO_DEEP
        )
    if holds_errors(body.get("errors")) or not 200 <= status < 300:
        errors = _vendor_errors(body.get("errors"), redactor)
        advice = hint(status, [e.code for e in errors])
        raise ApiError(method=method, status=status, errors=errors, hint=advice)
    return body


def holds_errors(raw: Any) -> bool:
    """Whether an ``errors`` member reports an error: anything but none, null and an empty list."""
    return raw is not None and raw != []


def hint(status: int, codes: list[str]) -> str | None:
    """What to check when an error points at the settings: the credentials, or the base URL."""
    if status == 401 or "UNAUTHORIZED" in codes:
        return CREDENTIALS_HINT
    if status == 404 and set(codes) <= {"NOT_FOUND", "UNKNOWN"}:  # not a RECORD_NOT_FOUND: no such method
        return BASE_URL_HINT
    return None


def redirect(location: str | None, clean: Callable[[str], str]) -> str:
    """``a redirect to <where>``: the ``Location`` redacted, quoted when not plain text, and cut short."""
    if not location or not location.strip():
        return "a redirect"
    return f"a redirect to {cut(shown(clean(location.strip())), 200)}"


def _parse(content_type: str, content: bytes) -> Body | str:
    """The JSON object of a body, or a description of why there is none."""
    kind, start = content_type.lower(), content.lstrip()[:5]
    if "html" not in kind and ("xml" in kind or start == b"<?xml"):
        return XML
    if "html" in kind or start[:1] == b"<":
        return "an HTML page instead of JSON"
    if not content.strip():
        return "an empty body instead of JSON"
    if nested_too_deep(content):  # before json and every walker of its result can run out of stack
        return TOO_DEEP
    try:
        body = json.loads(content.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError is a ValueError too
        return "a body that is not valid JSON (truncated or malformed)"
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__} instead of an object"
    return body


def _vendor_errors(raw: Any, redactor: Redactor) -> list[VendorError]:
    """Every vendor error, masked member by member first (a code or a nested object is text in the error),
    then each text once more (a nested object's text joins several members)."""
    masked = redactor.data(raw)
    items = masked if isinstance(masked, list) else [] if masked is None else [masked]
    errors = [VendorError.from_wire(item) for item in items]
    clean = redactor.text
    return [
        VendorError(clean(e.code), clean(e.message), None if e.parameter is None else clean(e.parameter))
        for e in errors
    ]
