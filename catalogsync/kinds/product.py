"""Products: keyed by ``code`` (the vendor_product_id)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from catalogsync.kinds.base import (
    CategoryIds,
    KeyIndex,
    Keys,
    Kind,
    Model,
    Money,
    OptionalText,
    Reference,
    Resolver,
    Resource,
    WireObject,
    blank,
    format_amount,
)
from catalogsync.kinds.decode import (
    WireError,
    amount,
    amount_or_none,
    flag,
    identifier,
    listed,
    member,
    text,
    text_or_none,
)
from catalogsync.shown import named

PERIOD = re.compile(r"^[1-9][0-9]{0,2} (Week|Month|Year)$")
PERIODS = "'N Week', 'N Month' or 'N Year' (N from 1 to 999)"
URL_FIELDS = ("approved_url", "pending_url")
TEXT_FIELDS = ("description", "long_description", *URL_FIELDS)


def _period(value: str) -> str:
    if not PERIOD.match(value):
        raise ValueError(f"{named(value)} is not {PERIODS}")
    return value


def _duration(value: str) -> str:
    if value != "Forever" and not PERIOD.match(value):
        raise ValueError(f"{named(value)} is not 'Forever' or {PERIODS}")
    return value


class Recurring(Model):
    recurrence: Annotated[str, AfterValidator(_period)]
    duration: Annotated[str, AfterValidator(_duration)] = "Forever"
    startup_fee: Money | None = None


class Commission(Model):
    type: Literal["amount", "percentage"]
    amount: Money


class Product(Resource):
    """A product as the catalog declares it; every field but ``name`` and ``price`` may be left out."""

    name: str = Field(min_length=1)
    price: Money
    description: OptionalText = None
    long_description: OptionalText = None
    tangible: bool = False
    weight: Money | None = None
    handling: Money | None = None
    recurring: Recurring | None = None
    commission: Commission | None = None
    approved_url: OptionalText = None
    pending_url: OptionalText = None
    options: Keys = Field(default_factory=list)
    categories: CategoryIds = Field(default_factory=list)


class ProductKind(Kind[Product]):
    name = "product"
    section = "products"
    model = Product
    rank = 1
    id_param = "product_id"
    key_label = "code"
    key_param = "vendor_product_id"
    links_to = frozenset({"option"})

    def resource(self, client: Any) -> Any:
        return client.products

    def list_needs_detail(self, item: Mapping[str, Any]) -> bool:
        """List items lack ``commission_amount``: read the detail of products that pay commission."""
        return "commission_amount" not in item and member(item, "commission_type", text_or_none) is not None

    def detail_params(self, item: Mapping[str, Any]) -> dict[str, str]:
        return {"product_id": member(item, "product_id", identifier)}

    def lookup(self, resource: Any, key: str) -> list[Mapping[str, Any]]:
        items: list[Mapping[str, Any]] = resource.list_all(vendor_product_id=key)
        return items

    def from_wire(self, item: Mapping[str, Any], keys: KeyIndex) -> WireObject[Product] | None:
        key = member(item, self.key_param, text_or_none)
        if key is None:
            return None
        model = Product.live(
            {
                "name": member(item, "name", text),
                "price": member(item, "price", amount),
                "tangible": member(item, "tangible", flag),
                "weight": member(item, "weight", amount_or_none),
                "handling": member(item, "handling", amount_or_none),
                "recurring": _recurring_from_wire(item),
                "commission": _commission_from_wire(item),
                "options": listed(item, "options", lambda o: member(o, "option_name", text)),
                "categories": listed(item, "categories", lambda c: int(member(c, "category_id", identifier))),
                **{name: member(item, name, text_or_none) for name in TEXT_FIELDS},
            }
        )
        return WireObject(key=key, id=member(item, "product_id", identifier), model=model)

    def references(self, model: Product) -> list[Reference]:
        return [Reference("option", name) for name in model.options]

    def refusal(self, op: str, model: Product) -> str | None:
        missing = [name for name in ("weight", "handling") if getattr(model, name) is None]
        if model.tangible and missing:
            return f"a tangible product needs weight and handling: declare {' and '.join(missing)}"
        return None

    def create_params(self, key: str, model: Product, resolve: Resolver) -> dict[str, Any]:
        recurring, commission = model.recurring, model.commission
        params: dict[str, Any] = {
            "vendor_product_id": key,
            "name": model.name,
            "price": format_amount(model.price),
            "tangible": "1" if model.tangible else "0",
            "weight": blank(model.weight, format_amount),
            "handling": blank(model.handling, format_amount),
            "recurring": "1" if recurring else "0",
            "recurrence": blank(recurring and recurring.recurrence),
            "duration": blank(recurring and recurring.duration),
            "startup_fee": blank(recurring and recurring.startup_fee, format_amount),
            "commission": "1" if commission else "0",
            "commission_type": blank(commission and commission.type),
            "commission_amount": blank(commission and commission.amount, format_amount),
            "option_id": [resolve("option", name) for name in model.options] or [""],
            "category_id": [str(c) for c in model.categories] or [""],
            **{name: blank(getattr(model, name)) for name in TEXT_FIELDS},
        }
        return params

    def update_requests(
        self, key: str, desired: Product, live: WireObject[Product], resolve: Resolver
    ) -> list[dict[str, Any]]:
        return [{"product_id": live.id, **self.create_params(key, desired, resolve)}]


def _recurring_from_wire(item: Mapping[str, Any]) -> Recurring | None:
    recurrence = member(item, "recurrence", text_or_none)
    if recurrence is None or ("recurring" in item and not member(item, "recurring", flag)):
        return None
    duration = member(item, "duration", text_or_none)
    return Recurring.live(
        {
            "recurrence": recurrence,
            "duration": "Forever" if duration is None else duration,
            "startup_fee": member(item, "startup_fee", amount_or_none),
        }
    )


def _commission_from_wire(item: Mapping[str, Any]) -> Commission | None:
    kind = member(item, "commission_type", text_or_none)
    value = member(item, "commission_amount", amount_or_none)
    if kind is None or value is None:
        return None
    if kind not in ("amount", "percentage"):
        raise WireError("commission_type", f"{named(kind)} is not 'amount' or 'percentage'")
    return Commission.live({"type": kind, "amount": value})
