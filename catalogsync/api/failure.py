"""Why an HTTP attempt got no response, in one line a person can act on.

A request that could not even connect (refused, name not resolved, no connection within the timeout) is
described as ``cannot connect to HOST:PORT (WHY)`` and marked ``unreachable``: it certainly never reached the
API, and a few quick retries are all it is worth. An attempt that ran out of time once connected, while
waiting for the answer or reading it, is ``no complete answer within N s (timeout)``. Anything else (a
connection dropped mid-answer, a TLS failure) keeps the old shape ``connection failed: Kind: detail``,
without the URL ``requests`` puts in its messages (a GET's query string carries the parameters).
"""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.EADDRNOTAVAIL: "address not available",
}


@dataclass(frozen=True)
class Failure:
    """An attempt without a usable response: what to say, whether the request certainly never left, the
    status when one came, and whether asking again could help."""

    text: str
    unreachable: bool = False
    status: int | None = None
    transient: bool = True


def timed_out(timeout: float) -> Failure:
    """The attempt had no complete answer within its time (connecting, waiting and reading together)."""
    return Failure(f"no complete answer within {timeout:g} s (timeout)")


def address(base_url: str) -> str:
    """``host:port`` of a base URL, the port defaulted from the scheme, an IPv6 host in brackets."""
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def describe(error: Exception, where: str, timeout: float, redact: Callable[[str], str]) -> Failure:
    """The failure of an attempt to ``where`` (``host:port``); ``redact`` cleans text taken from ``error``."""
    if isinstance(error, requests.ConnectTimeout):
        return Failure(f"cannot connect to {where} (no connection within {timeout:g} s)", unreachable=True)
    if isinstance(error, requests.Timeout) or _read_timed_out(error):
        return timed_out(timeout)
    reason = _reason(error)
    if not isinstance(error, requests.exceptions.ProxyError):  # a proxy's failure is not the API's address
        if isinstance(reason, urllib3.exceptions.NameResolutionError):
            return Failure(f"cannot connect to {where} (name not resolved)", unreachable=True)
        if isinstance(reason, urllib3.exceptions.NewConnectionError):
            return Failure(f"cannot connect to {where} ({_why(reason)})", unreachable=True)
    refused = _certificate_refused(reason)
    if refused is not None:  # the handshake precedes the request, which was not sent; a retry gets the same
        why = redact(refused.verify_message or str(refused))
        return Failure(
            f"cannot connect to {where} (its TLS certificate is refused: {why})",
            unreachable=True,
            transient=False,
        )
    return Failure(f"connection failed: {type(error).__name__}: {redact(str(reason))}")


def _certificate_refused(error: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed under ``error`` (urllib3 wraps it in its own SSLError), if any."""
    seen: BaseException | None = error
    for _ in range(8):  # a few wrappers deep at most
        if seen is None or isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__ or seen.__context__
    return None


def _reason(error: Exception) -> BaseException:
    """What lies under ``requests``' wrapper: the reason of a ``MaxRetryError`` (its text has no URL)."""
    inner = error.args[0] if error.args and isinstance(error.args[0], BaseException) else None
    if isinstance(inner, urllib3.exceptions.MaxRetryError) and inner.reason is not None:
        return inner.reason
    return error


def _read_timed_out(error: Exception) -> bool:
    """A read timeout that ``requests`` wraps in a plain ``ConnectionError`` (while streaming a body)."""
    inner = error.args[0] if error.args else None
    return isinstance(error, urllib3.exceptions.ReadTimeoutError) or isinstance(
        inner, urllib3.exceptions.ReadTimeoutError
    )


def _why(error: BaseException) -> str:
    """The operating system's reason a connection was not made, e.g. ``connection refused``."""
    cause = error.__cause__ or error.__context__
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, socket.timeout):
        return "timed out"
    if isinstance(cause, OSError):
        known = REASONS.get(cause.errno or 0)
        return known or (cause.strerror or type(cause).__name__).lower()
    return "no connection"
