"""The method groups of the API: ``account``, ``sales``, and one catalog resource class that serves products,
options and coupons alike (they share the verbs ``detail_X``, ``list_Xs``, ``create_X``, ``update_X``,
``delete_X``).

Every method takes the API's own parameter names as keyword arguments and returns the decoded JSON body of
the successful response; ``list_all`` returns the items of every page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from catalogsync.api.codec import Body
from catalogsync.api.paging import Items, is_empty
from catalogsync.errors import ApiError


class Caller(Protocol):
    def __call__(
        self, group: str, method: str, params: Mapping[str, Any] | None = None, *, write: bool = False
    ) -> Body: ...


Lister = Callable[[str, str, str, Mapping[str, Any]], Items]
"""``list_all(group, method, list_key, filters)``."""


class Account:
    """``acct/*``: the account's company and contact info and its payments."""

    def __init__(self, call: Caller) -> None:
        self._call = call

    def company_info(self) -> Body:
        return self._call("acct", "detail_company_info")

    def contact_info(self) -> Body:
        return self._call("acct", "detail_contact_info")

    def pending_payment(self) -> Body:
        return self._call("acct", "detail_pending_payment")

    def list_payments(self) -> Body:
        """Past payments; an account without any gives ``{"payments": []}`` instead of RECORD_NOT_FOUND."""
        try:
            return self._call("acct", "list_payments")
        except ApiError as error:
            if not is_empty(error):
                raise
        return {"payments": []}


class Sales:
    """``sales/*``: reading sales and acting on invoices and line items."""

    def __init__(self, call: Caller, list_all: Lister) -> None:
        self._call, self._list_all = call, list_all

    def details(self, **params: Any) -> Body:
        return self._call("sales", "detail_sale", params)

    def list(self, **params: Any) -> Body:
        return self._call("sales", "list_sales", params)

    def list_all(self, **filters: Any) -> Items:
        return self._list_all("sales", "list_sales", "sale_summary", filters)

    def refund_invoice(self, **params: Any) -> Body:
        return self._call("sales", "refund_invoice", params, write=True)

    def refund_lineitem(self, **params: Any) -> Body:
        return self._call("sales", "refund_lineitem", params, write=True)

    def stop_lineitem_recurring(self, **params: Any) -> Body:
        return self._call("sales", "stop_lineitem_recurring", params, write=True)

    def mark_shipped(self, **params: Any) -> Body:
        return self._call("sales", "mark_shipped", params, write=True)

    def create_comment(self, **params: Any) -> Body:
        return self._call("sales", "create_comment", params, write=True)

    def reauth(self, **params: Any) -> Body:
        return self._call("sales", "reauth", params, write=True)


@dataclass(frozen=True)
class Noun:
    """What tells the catalog resources apart: ``detail_<name>``, ``list_<plural>`` answering ``list_key``."""

    name: str
    plural: str
    list_key: str


PRODUCT = Noun("product", "products", "products")
OPTION = Noun("option", "options", "options")
COUPON = Noun("coupon", "coupons", "coupon")  # list_coupons answers the singular key


class CatalogResource:
    """``products/*`` for one noun: details, list, list_all, create, update, delete."""

    def __init__(self, noun: Noun, call: Caller, list_all: Lister) -> None:
        self.noun = noun
        self._call, self._list_all = call, list_all

    def details(self, **params: Any) -> Body:
        return self._call("products", f"detail_{self.noun.name}", params)

    def list(self, **params: Any) -> Body:
        return self._call("products", f"list_{self.noun.plural}", params)

    def list_all(self, **filters: Any) -> Items:
        return self._list_all("products", f"list_{self.noun.plural}", self.noun.list_key, filters)

    def create(self, **params: Any) -> Body:
        return self._call("products", f"create_{self.noun.name}", params, write=True)

    def update(self, **params: Any) -> Body:
        return self._call("products", f"update_{self.noun.name}", params, write=True)

    def delete(self, **params: Any) -> Body:
        return self._call("products", f"delete_{self.noun.name}", params, write=True)


class Products(CatalogResource):
    """The products resource, with the options and coupons resources under it."""

    def __init__(self, call: Caller, list_all: Lister) -> None:
        super().__init__(PRODUCT, call, list_all)
        self.options = CatalogResource(OPTION, call, list_all)
        self.coupons = CatalogResource(COUPON, call, list_all)
