"""The settings a transport refuses before any request: malformed or unsafe base URLs, unsendable credentials.

Each refusal is one :class:`SettingsError` line. A URL with an ``@`` anywhere is refused without being shown
(its userinfo would be a password, whether or not the rest of it parses), and the part of a URL after ``?``
or ``#`` is never shown either; any other malformed URL is shown as written, so that a person sees the typo.
Credentials go as UTF-8 (RFC 7617, ``charset="UTF-8"``): any text is fine except control characters, bytes
that are not UTF-8 (lone surrogates, as the environment gives them), and a ``:`` in the username, which Basic
auth could not tell from the one it puts before the password.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import SplitResult, urlsplit, urlunsplit

from catalogsync.errors import SettingsError
from catalogsync.shown import has_surrogate

EXAMPLE = "https://www.2checkout.com/api"


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; plain http only to a loopback host (Basic auth is cleartext)."""
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
