"""Product options: keyed by name, with ordered values (name, surcharge)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field

from catalogsync.kinds.base import (
    KeyIndex,
    Kind,
    Model,
    Money,
    Reference,
    Resolver,
    Resource,
    WireObject,
    catalog_rule,
    format_amount,
)
from catalogsync.kinds.decode import amount_or_none, identifier, listed, member, text, text_or_none
from catalogsync.shown import named


class OptionValue(Model):
    name: str = Field(min_length=1)
    surcharge: Money


def _values(values: list[OptionValue]) -> list[OptionValue]:
    """At least one value, no name twice."""
    if not values:
        raise ValueError("an option needs at least one value")
    seen: set[str] = set()
    for value in values:
        if value.name in seen:
            raise ValueError(f"value name {named(value.name)} appears more than once")
        seen.add(value.name)
    return values


class Option(Resource):
    """An option and its values, in the order buyers see them."""

    values: Annotated[list[OptionValue], Field(json_schema_extra={"minItems": 1}), catalog_rule(_values)]


class OptionKind(Kind[Option]):
    name = "option"
    section = "options"
    model = Option
    rank = 0
    id_param = "option_id"
    key_label = "name"
    key_param = "option_name"

    def resource(self, client: Any) -> Any:
        return client.products.options

    def list_needs_detail(self, item: Mapping[str, Any]) -> bool:
        return False

    def detail_params(self, item: Mapping[str, Any]) -> dict[str, str]:
        return {"option_id": member(item, "option_id", identifier)}

    def lookup(self, resource: Any, key: str) -> list[Mapping[str, Any]]:
        items: list[Mapping[str, Any]] = resource.list_all(option_name=key)
        return items

    def from_wire(self, item: Mapping[str, Any], keys: KeyIndex) -> WireObject[Option] | None:
        key = member(item, self.key_param, text_or_none)
        if key is None:
            return None
        values = listed(item, "option_values", _value_from_wire)
        return WireObject(
            key=key,
            id=member(item, "option_id", identifier),
            model=Option.live({"values": [v for _, v in values]}),
            part_ids=tuple(value_id for value_id, _ in values),
        )

    def references(self, model: Option) -> list[Reference]:
        return []

    def create_params(self, key: str, model: Option, resolve: Resolver) -> dict[str, Any]:
        return {
            "option_name": key,
            "option_value_name": [v.name for v in model.values],
            "option_value_surcharge": [format_amount(v.surcharge) for v in model.values],
        }

    def update_requests(
        self, key: str, desired: Option, live: WireObject[Option], resolve: Resolver
    ) -> list[dict[str, Any]]:
        """One call per value that differs, matched by position so the order is kept; each sends the name, so
        a renamed option with equal values is one call of its own.

        ``update_option`` changes, deletes or adds one value at a time (reference §8.8); comparing by position
        turns a rename or a reorder into in-place changes and keeps value ids stable where nothing changed.
        """
        base = {"option_id": live.id, "option_name": key}
        requests: list[dict[str, Any]] = []
        old, new = live.model.values, desired.values
        for index, value_id in enumerate(live.part_ids):
            if index >= len(new):
                requests.append({**base, "option_value_id": value_id})
            elif old[index] != new[index]:
                requests.append({**base, "option_value_id": value_id, **_value_params(new[index])})
        for value in new[len(old) :]:
            requests.append({**base, **_value_params(value)})
        return requests or ([base] if key != live.key else [])


def _value_from_wire(item: Mapping[str, Any]) -> tuple[str, OptionValue]:
    """A value's id and the value; a value without a surcharge costs nothing extra."""
    value = OptionValue.live(
        {
            "name": member(item, "option_value_name", text),
            "surcharge": member(item, "option_value_surcharge", amount_or_none) or 0,
        }
    )
    return member(item, "option_value_id", identifier), value


def _value_params(value: OptionValue) -> dict[str, str]:
    return {
        "option_value_name": value.name,
        "option_value_surcharge": format_amount(value.surcharge),
    }
