"""Coupons: keyed by ``code``; sale, product or shipping; percent off xor value off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from catalogsync.errors import ApiError, TransportError
from catalogsync.kinds.base import (
    CENT,
    KeyIndex,
    Keys,
    Kind,
    Money,
    Reference,
    Resolver,
    Resource,
    WireObject,
    blank,
    format_amount,
)
from catalogsync.kinds.decode import (
    amount_or_none,
    date,
    exact_percent,
    identifier,
    listed,
    member,
    percent_of_fraction,
    text,
    text_or_none,
)

ALL_PRODUCTS_ID = "0"
"""``detail_coupon`` lists product id ``"0"`` for a coupon that applies to every product."""


def format_percent(value: Decimal) -> str:
    """Whole percent as the API takes it: ``10``, ``12.5``."""
    text = f"{value.quantize(CENT):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(value: Decimal | None) -> Decimal | None:
    if value is not None and not 0 < value <= 100:
        raise ValueError("percent_off must be more than 0 and at most 100")
    return value


class Coupon(Resource):
    """A coupon; ``percent_off`` is a whole percent (10 means 10%)."""

    type: Literal["sale", "product", "shipping"]
    expires: dt.date
    percent_off: Annotated[Money | None, AfterValidator(_percent)] = None
    value_off: Money | None = None
    minimum_purchase: Money | None = None
    products: Keys = Field(default_factory=list)
    all_products: bool = False


class CouponKind(Kind[Coupon]):
    name = "coupon"
    section = "coupons"
    model = Coupon
    rank = 2
    id_param = "coupon_code"
    key_label = "code"
    key_param = "coupon_code"
    lookup_verb = "detail"
    gone = frozenset({"RECORD_NOT_FOUND", "FORBIDDEN"})
    """An unknown code answers RECORD_NOT_FOUND, or FORBIDDEN as on the real API (reference §3.25)."""
    links_to = frozenset({"product"})
    links_in_list = False

    def resource(self, client: Any) -> Any:
        return client.products.coupons

    def list_needs_detail(self, item: Mapping[str, Any]) -> bool:
        """List items have no product links, and give the percentage as a fraction (reference §8.7): read the
        detail of product coupons, and of coupons whose fraction is not exactly a catalog percent."""
        if "product" in item:
            return False
        linked = member(item, "type", text) == "product"
        return linked or not exact_percent(member(item, "percentage_off", percent_of_fraction))

    def detail_params(self, item: Mapping[str, Any]) -> dict[str, str]:
        return {"coupon_code": member(item, "coupon_code", text)}

    def lookup(self, resource: Any, key: str) -> list[Mapping[str, Any]]:
        """The coupon's detail, or nothing for an unknown code (any of :attr:`gone`)."""
        try:
            answer = resource.details(coupon_code=key)
        except ApiError as error:
            if self.gone & set(error.codes):
                return []
            raise
        coupon = answer.get("coupon")
        if not isinstance(coupon, dict):
            raise TransportError(
                "the answer has no coupon object", method="products/detail_coupon", status=200
            )
        return [coupon]

    def from_wire(self, item: Mapping[str, Any], keys: KeyIndex) -> WireObject[Coupon] | None:
        key = member(item, self.key_param, text_or_none)
        if key is None:
            return None
        ids = listed(item, "product", lambda p: member(p, "product_id", identifier))
        percent = amount_or_none if "product" in item else percent_of_fraction  # a detail, or a list item
        kind = member(item, "type", text)
        linked = kind == "product" and ids != [ALL_PRODUCTS_ID]
        model = Coupon.live(
            {
                "type": kind,
                "expires": member(item, "date_expire", date),
                "percent_off": member(item, "percentage_off", percent),
                "value_off": member(item, "value_off", amount_or_none),
                "minimum_purchase": member(item, "minimum_purchase", amount_or_none),
                "products": [keys.get(("product", i), f"id:{i}") for i in ids if i != ALL_PRODUCTS_ID]
                if linked
                else [],
                "all_products": kind == "product" and ids == [ALL_PRODUCTS_ID],
            }
        )
        return WireObject(key=key, id=key, model=model)

    def references(self, model: Coupon) -> list[Reference]:
        if model.type != "product" or model.all_products:
            return []
        return [Reference("product", code) for code in model.products]

    def excluded(self, model: Coupon) -> dict[str, Any]:
        """Product links on a sale or shipping coupon, an amount on a shipping one, and the second amount or
        kind of link of the others: the account keeps none of them (reference §3.22, §3.25)."""
        excluded: dict[str, Any] = {}
        if model.type != "product" or (model.products and model.all_products):
            excluded.update(products=[], all_products=False)
        if model.type == "shipping" or None not in (model.percent_off, model.value_off):
            excluded.update(percent_off=None, value_off=None)
        return excluded

    def refusal(self, op: str, model: Coupon) -> str | None:
        discounted = model.percent_off is not None or model.value_off is not None
        if op == "update" and discounted and model.minimum_purchase is None:
            return (
                "the API requires minimum_purchase to update a coupon with a discount:"
                " declare minimum_purchase (0.00 for none)"
            )
        return None

    def create_params(self, key: str, model: Coupon, resolve: Resolver) -> dict[str, Any]:
        params: dict[str, Any] = {
            "coupon_code": key,
            "type": model.type,
            "date_expire": model.expires.isoformat(),
            "percentage_off": blank(model.percent_off, format_percent),
            "value_off": blank(model.value_off, format_amount),
            "minimum_purchase": blank(model.minimum_purchase, format_amount),
        }
        if model.type == "product" and model.all_products:
            params["select_all"] = "1"
        elif model.type == "product":
            params["product_id"] = [resolve("product", code) for code in model.products]
        return params

    def update_requests(
        self, key: str, desired: Coupon, live: WireObject[Coupon], resolve: Resolver
    ) -> list[dict[str, Any]]:
        """The whole coupon; a renamed one is addressed by its old code, with ``new_code`` the new one."""
        params = self.create_params(key, desired, resolve)
        if "select_all" not in params and "product_id" not in params:
            params["select_all"] = "0"
        if live.id != key:
            params.update(coupon_code=live.id, new_code=key)
        return [params]
