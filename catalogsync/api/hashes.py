"""The two MD5 checks of the legacy API (reference §5), as pure functions.

* Return / passback ``key`` = UPPER(MD5(secret_word + sid + order_number + total)); for demo sales the vendor
  computes it with order number ``"1"`` (when the client is in demo mode or the passback says ``demo=Y``).
* INS ``md5_hash`` = UPPER(MD5(sale_id + vendor_id + invoice_id + secret_word)).

Untrusted input never raises: a message that is not a mapping (None, bytes, a list), or a field that is
missing, empty or not text, makes the check fail. The caller's own settings are checked: a missing secret
word is a configuration mistake and raises :class:`SettingsError` (a check that cannot be made never
"passes"), and so do a secret word that is not UTF-8 text, a ``demo`` other than True or False and a
``vendor_id`` other than text or a whole number (whose digits are hashed).
Comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from catalogsync.api.checks import check_flag, check_secret
from catalogsync.errors import SettingsError
from catalogsync.shown import has_surrogate

DEMO_ORDER_NUMBER = "1"


def return_key(secret: str, sid: str, order_number: str, total: str) -> str:
    """The ``key`` the vendor sends back to the approved URL after checkout."""
    return _md5_upper(secret + sid + order_number + total)


def ins_hash(sale_id: str, vendor_id: str, invoice_id: str, secret: str) -> str:
    """The ``md5_hash`` of an INS message."""
    return _md5_upper(sale_id + vendor_id + invoice_id + secret)


def validate_return_key(params: Mapping[str, str], secret: str | None, *, demo: bool = False) -> bool:
    """Whether a passback's ``key`` is genuine; ``demo`` (or ``demo=Y`` in it) uses order number "1"."""
    secret = _require(secret)
    check_flag("demo", demo)
    fields = _fields(params, "sid", "order_number", "total", "key")
    if fields is None:
        return False
    sid, order_number, total, key = fields
    if demo or params.get("demo") == "Y":
        order_number = DEMO_ORDER_NUMBER
    return _same(return_key(secret, sid, order_number, total), key)


def validate_ins_hash(
    params: Mapping[str, str], secret: str | None, *, vendor_id: str | int | None = None
) -> bool:
    """Whether an INS message's ``md5_hash`` is genuine.

    ``vendor_id`` (text, or a whole number: its digits) replaces the message's own ``vendor_id`` (some
    libraries hash with the configured seller id); by default the message's is used.
    """
    secret = _require(secret)
    vendor_id = _seller_id(vendor_id)
    fields = _fields(params, "sale_id", "vendor_id", "invoice_id", "md5_hash")
    if fields is None:
        return False
    sale_id, message_vendor_id, invoice_id, given = fields
    return _same(ins_hash(sale_id, vendor_id or message_vendor_id, invoice_id, secret), given)


def _md5_upper(text: str) -> str:
    if has_surrogate(text):  # encoding would raise an error whose text is this one, the secret word in it
        raise SettingsError("a hash of text that is not UTF-8 (a lone surrogate) cannot be made")
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def _require(secret: str | None) -> str:
    if not secret:
        raise SettingsError("no secret word configured: pass secret=... to check vendor hashes")
    check_secret(secret)
    return secret


def _seller_id(vendor_id: object) -> str | None:
    """A configured seller id as text: None, text, or a whole number's digits."""
    if isinstance(vendor_id, int) and not isinstance(vendor_id, bool):
        return str(vendor_id)
    if vendor_id is not None and not isinstance(vendor_id, str):
        raise SettingsError(f"vendor_id must be text or a whole number, not {type(vendor_id).__name__}")
    return vendor_id


def _fields(params: object, *names: str) -> tuple[str, ...] | None:
    """The fields as text, or None when the message is no mapping or a field is missing, empty, not text, or
    not UTF-8 (a lone surrogate, as ``json.loads`` of ``"\\ud800"`` makes: it cannot be hashed, so the
    message is not genuine)."""
    if not isinstance(params, Mapping):
        return None
    values = tuple(params.get(name) for name in names)
    if not all(isinstance(value, str) and value and not has_surrogate(value) for value in values):
        return None
    return tuple(str(value) for value in values)


def _same(expected: str, given: str) -> bool:
    """``given`` is ``expected`` in either ASCII case (``bytes.upper``: "\ufb00".upper() is "FF", a text
    the vendor never sent)."""
    return hmac.compare_digest(expected.encode("ascii"), given.encode("utf-8").upper())
