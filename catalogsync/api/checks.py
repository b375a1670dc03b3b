"""The settings a transport refuses before any request: malformed or unsafe base URLs, unsendable credentials.

Each refusal is one :class:`SettingsError` line. A URL with an ``@`` anywhere is refused without being shown
(its userinfo would be a password, whether or not the rest of it parses), and the part of a URL after ``?``
or ``#`` is never shown either; any other malformed URL is shown as written, so that a person sees the typo.
Credentials go as UTF-8 (RFC 7617, ``charset="UTF-8"``): any text is fine except control characters, bytes
that are not UTF-8 (lone surrogates, as the environment gives them), and a ``:`` in the username, which Basic
auth could not tell from the one it puts before the password. A value of the wrong type is refused by its
type's name alone (never shown: it may be a credential).

A call names its method as ``<group>/<method>``, both lower-case names (:func:`check_method`), passes its
parameters as a mapping of text names to values the form can carry (text, a finite number, True/False, a
date, None, or a list or tuple of them) and ``write`` as True or False (:func:`check_arguments`), and sends
only UTF-8 text (:func:`check_pairs`): each mistake is refused before any request, with a
:class:`~catalogsync.errors.ClientError` that never shows a parameter's value.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import unicodedata
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from catalogsync.errors import ClientError, SettingsError
from catalogsync.shown import cut, has_surrogate, printable, quoted

EXAMPLE = "https://www.2checkout.com/api"
METHOD_NAME = re.compile(r"[a-z][a-z0-9_]*")
"""A group or method name of the API (``products``, ``detail_product``): nothing that could reach another."""


def check_method(group: object, method: object) -> str:
    """``<group>/<method>``, refused unless both are API names: a ``/``, ``..`` or ``?`` in one would call
    another method than the one named (and take a write for a read, which is retried)."""
    if not all(isinstance(part, str) and METHOD_NAME.fullmatch(part) for part in (group, method)):
        named = quoted(cut(f"{group}/{method}", 80))
        raise ClientError(
            f"not an API method: {named} (group and method are lower-case letters, digits and _)",
            method=named,
        )
    return f"{group}/{method}"


def check_arguments(method: str, params: object, write: object) -> None:
    """Refuse ``params`` other than None or a mapping of text names to values the form carries, and a
    ``write`` other than True or False, by their types alone: each would fail half-way or send another
    request than the one meant."""
    if params is not None and not isinstance(params, Mapping):
        wrong = f"params must be a mapping of parameter names to values, not {type(params).__name__}"
    elif not all(isinstance(name, str) for name in params or ()):
        kinds = sorted({type(name).__name__ for name in params or () if not isinstance(name, str)})
        wrong = f"parameter names must be text, not {', '.join(kinds)}"
    elif not isinstance(write, bool):
        wrong = f"write must be True or False, not {type(write).__name__}"
    elif unsendable := [(name, why) for name, value in (params or {}).items() if (why := _unsendable(value))]:
        name, why = unsendable[0]
        wrong = f"parameter {quoted(cut(name, 80))} cannot be sent ({why}): {SENDABLE}"
    else:
        return
    raise ClientError(f"{method}: {wrong}; nothing was sent", method=method)


SENDABLE = "a value is text, a finite number, True/False, a date, None or a list of them"


def _unsendable(value: object) -> str | None:
    """Why ``str()`` of a parameter's value would not send what was meant (``b'...'``, a dict's repr, a set
    in any order, ``nan``), by its type alone; None for a value the form carries."""
    for item in value if isinstance(value, list | tuple) else (value,):
        if isinstance(item, list | tuple):
            return "a list inside a list"
        if isinstance(item, float | Decimal) and not Decimal(item).is_finite():
            return "a number that is not finite"
        if item is not None and not isinstance(item, str | int | float | Decimal | dt.date):
            return type(item).__name__
    return None


def check_pairs(method: str, pairs: Sequence[tuple[str, str]]) -> None:
    """Refuse a parameter that is not UTF-8 text (a lone surrogate), naming it but not its value."""
    for name, value in pairs:
        if has_surrogate(name) or has_surrogate(value):
            raise ClientError(
                f"{method}: parameter {quoted(cut(name, 80))} holds a lone surrogate, which is not UTF-8 text"
                " (read in another encoding?); nothing was sent",
                method=method,
            )


def check_text(what: str, value: object) -> str:
    """``value`` when it is text; otherwise a refusal naming only its type."""
    if not isinstance(value, str):
        raise SettingsError(f"{what} must be text, not {type(value).__name__}")
    return value


def check_number(what: str, value: Any) -> None:
    """A real number (True and "3" are not numbers of seconds or times); the value is shown."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SettingsError(f"{what} must be a number, not {type(value).__name__} {value!r}")


def check_flag(what: str, value: object) -> None:
    """True or False (1 and "no" are not: "no" would be true); the value is shown."""
    if not isinstance(value, bool):
        raise SettingsError(f"{what} must be True or False, not {type(value).__name__} {value!r}")


def check_secret(secret: object) -> None:
    """The secret word the hashes are made with: text, UTF-8 (hashed as such); None when not used."""
    if secret is None:
        return
    check_text("the secret word", secret)
    if has_surrogate(str(secret)):
        raise SettingsError(
            "the secret word must be UTF-8 text: it holds bytes that are not (set in another encoding?)"
        )


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; plain http only to a loopback host (Basic auth is cleartext)."""
    check_text("the API URL", base_url)
    if "@" in base_url:
        raise SettingsError("the API URL must not carry credentials; pass username and password instead")
    if any(char.isspace() or not char.isprintable() for char in base_url):
        raise SettingsError(f"the API URL must not contain spaces or control characters: {base_url!r}")
    parts = _split(base_url)
    if parts is None:
        raise SettingsError(
            f"the API URL has an invalid [IPv6] host (such as http://[::1]:8080/api): {base_url!r}"
        )
    if parts.query or parts.fragment:
        shown = urlunsplit(parts._replace(query="", fragment=""))
        raise SettingsError(f"the API URL must not have a ?query or #fragment (after {shown!r})")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"the API URL must look like {EXAMPLE}, not {base_url!r}")
    if _port(parts) == 0:
        raise SettingsError(f"the API URL has no valid port: {base_url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise SettingsError(
            f"refusing plain http to {parts.hostname}: Basic auth would travel in clear text (use https)"
        )
    return base_url.rstrip("/")


def check_credentials(username: str, password: str) -> None:
    """Refuse credentials Basic auth cannot carry; never shows them."""
    check_text("the API username", username)
    check_text("the API password", password)
    if not username or not password:
        raise SettingsError("the API username and password are required")
    if ":" in username:
        raise SettingsError(
            "the API username must not contain ':' (Basic auth puts one between username and password)"
        )
    if any(unicodedata.category(char) == "Cc" for char in username + password):
        raise SettingsError(
            "the API username and password must not contain control characters (tabs, line breaks)"
        )
    if has_surrogate(username + password):
        raise SettingsError(
            "the API username and password must be UTF-8 text: one holds bytes that are not"
            " (set in another encoding?)"
        )


def _split(url: str) -> SplitResult | None:
    """The parts of ``url``; None for an unclosed "[" or something in brackets that is no IP address.

    The errors raised later are not raised in here: they would carry urllib's exception as their context.
    """
    try:
        return urlsplit(url)
    except ValueError:
        return None


def _port(parts: SplitResult) -> int | None:
    """The port; 0 for one out of range or not a number."""
    try:
        return parts.port
    except ValueError:
        return 0


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_log_file(log_file: object) -> None:
    """Refuse a request log that could never be written (a folder, a missing folder) before any request;
    one that fails later (a full disk) stops the log, not the calls."""
    if not isinstance(log_file, str | os.PathLike) or not os.fspath(log_file):
        raise SettingsError(f"log_file must be a path (text or os.PathLike), not {log_file!r}")
    path = os.fspath(log_file)
    shown_path = printable(str(path))
    if os.path.isdir(path):
        raise SettingsError(f"log_file {shown_path} is a folder: name a file")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise SettingsError(f"log_file {shown_path}: the folder {printable(folder)} does not exist")
