"""Routing: an authenticated request for ``/api/<group>/<method>`` to its handler, inside one transaction."""

from __future__ import annotations

import base64
import hmac
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from catalogsync.sandbox import account, coupons, options, products, sale_actions, sales, wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.forms import Form
from catalogsync.sandbox.params import Params
from catalogsync.sandbox.state import Store, StoreClosed

log = logging.getLogger(__name__)

Handler = Callable[[Call], wire.JSON]
READS: dict[str, Handler] = {
    "acct/detail_company_info": account.detail_company_info,
    "acct/detail_contact_info": account.detail_contact_info,
    "acct/detail_pending_payment": account.detail_pending_payment,
    "acct/list_payments": account.list_payments,
    "sales/detail_sale": sales.detail_sale,
    "sales/list_sales": sales.list_sales,
    "products/detail_product": products.detail_product,
    "products/list_products": products.list_products,
    "products/detail_option": options.detail_option,
    "products/list_options": options.list_options,
    "products/detail_coupon": coupons.detail_coupon,
    "products/list_coupons": coupons.list_coupons,
}
WRITES: dict[str, Handler] = {
    "sales/refund_invoice": sale_actions.refund_invoice,
    "sales/refund_lineitem": sale_actions.refund_lineitem,
    "sales/stop_lineitem_recurring": sale_actions.stop_lineitem_recurring,
    "sales/mark_shipped": sale_actions.mark_shipped,
    "sales/reauth": sale_actions.reauth,
    "sales/create_comment": sales.create_comment,
    "products/create_product": products.create_product,
    "products/update_product": products.update_product,
    "products/delete_product": products.delete_product,
    "products/create_option": options.create_option,
    "products/update_option": options.update_option,
    "products/delete_option": options.delete_option,
    "products/create_coupon": coupons.create_coupon,
    "products/update_coupon": coupons.update_coupon,
    "products/delete_coupon": coupons.delete_coupon,
}
METHODS = frozenset(READS) | frozenset(WRITES)
PREFIX = "/api/"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="2CO API"'}


def method_of(path: str) -> str | None:
    """``"/api/products/list_products"`` -> ``"products/list_products"``; None for any other path."""
    name = path[len(PREFIX) :] if path.startswith(PREFIX) else ""
    return name if name in METHODS else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: wire.JSON
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class App:
    """Answers API calls against one store; ``dialect`` may be switched while serving."""

    store: Store
    username: str
    password: str
    base_url: str
    vendor_id: str
    dialect: str = "lenient"
    coupon_page_info: bool = True

    def handle(self, method: str | None, params: Params, authorization: str | None, client_ip: str) -> Reply:
        if not self._authorized(authorization):
            return Reply(
                401, {"errors": [wire.error("UNAUTHORIZED", "Authentication failed")]}, dict(CHALLENGE)
            )
        if method is None:
            return Reply(404, {"errors": [wire.error("NOT_FOUND", "Unknown API method.")]})
        handler, writes = (WRITES[method], True) if method in WRITES else (READS[method], False)
        try:
            with self.store.write() if writes else self.store.read() as db:
                call = Call(
                    db,
                    Form(params),
                    method,
                    self.dialect,
                    self.base_url,
                    self.username,
                    client_ip,
                    self.vendor_id,
                    self.coupon_page_info,
                )
                return Reply(200, handler(call))
        except wire.ApiFailure as failure:
            return Reply(failure.status, failure.body())
        except StoreClosed:  # the sandbox stopped meanwhile: no answer, as from a server that went away
            raise
        except Exception:
            log.exception("sandbox bug answering %s", method)
            return Reply(500, {"errors": [wire.error("INTERNAL_ERROR", "Internal error.")]})

    def _authorized(self, header: str | None) -> bool:
        """Basic credentials as RFC 7617 has them (``charset="UTF-8"``): UTF-8 text, compared in NFC."""
        scheme, _, encoded = (header or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = (
                base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
            )
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8 (UnicodeDecodeError)
            return False
        same_user = hmac.compare_digest(_nfc(user), _nfc(self.username))
        return hmac.compare_digest(_nfc(password), _nfc(self.password)) and same_user


def _nfc(text: str) -> bytes:
    """``text`` in Unicode Normalization Form C, as UTF-8: "ä" typed as a + U+0308 is still "ä"."""
    return unicodedata.normalize("NFC", text).encode()
