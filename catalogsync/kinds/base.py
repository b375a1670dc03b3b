"""What every kind shares: exact money values and the :class:`Kind` spec the generic code works from.

A kind (option, product, coupon) is described as data: its model, its YAML section, the client resource that
serves it, its dependency rank, and the functions between the vendor's wire format and the model. Fetch, diff,
plan, render, execute and export never name a kind; they iterate over :data:`catalogsync.kinds.KINDS`.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)

from catalogsync.messages import show
from catalogsync.shown import named

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999.99")

LIVE: dict[str, bool] = {"live": True}
"""Validation context of state read from the account: types are checked, the catalog's rules are not.

What the account holds is read as it is (an option without values, a name of any length); the rules of
:func:`catalog_rule` apply only to what a catalog declares. Rules the API itself enforces on input (amounts,
percentages, periods) hold for both: a live value outside them is a broken answer.
"""


def catalog_rule(check: Callable[[Any], Any]) -> AfterValidator:
    """A validator that holds for declared values and is skipped for live state (context :data:`LIVE`)."""

    def run(value: Any, info: ValidationInfo) -> Any:
        if isinstance(info.context, dict) and info.context.get("live"):
            return value
        return check(value)

    return AfterValidator(run)


_DIGITS = r"[0-9](?:_?[0-9])*"
NUMBER = re.compile(rf"[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?")
"""A number written as text: ASCII digits (``_`` between two of them groups them, ``1_000.50``), a point, an
exponent. ``Decimal`` also reads the digits of other scripts (Arabic-Indic, fullwidth), ``"Infinity"`` and
``"NaN"``: text that is not written as a number is never guessed to be one."""


def to_decimal(value: Any) -> Decimal:
    """Turn a YAML/wire scalar into an exact Decimal; floats go through their shortest repr, text must be a
    number in ASCII (:data:`NUMBER`, surrounding white space allowed)."""
    if isinstance(value, str):
        text = value.strip()
        if not NUMBER.fullmatch(text):
            raise ValueError(f"{named(value)} is not a number")
        return Decimal(text)
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{named(str(value).lower().removesuffix('inity'))} is not a finite number")
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise ValueError(f"expected a number, got {show(value)}")


def _money(value: Any) -> Decimal:
    """An amount as the API takes it (and so as an account can hold it): a rule of the wire, not only of
    catalogs, so a live amount outside it is a broken answer."""
    number = to_decimal(value)
    if number < 0:
        raise ValueError("must not be negative")
    if number > MAX_AMOUNT:
        raise ValueError(f"must be at most {MAX_AMOUNT}")
    if number != number.quantize(CENT):
        raise ValueError(f"{number} has more than two decimal places")
    return number.quantize(CENT)


def format_amount(value: Decimal) -> str:
    """The vendor's amount format: two decimals, no exponent."""
    return f"{value.quantize(CENT):f}"


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    PlainSerializer(format_amount, return_type=str, when_used="json"),
]
"""A non-negative amount with at most two decimal places, held exactly."""


def _sorted_unique(values: list[Any]) -> list[Any]:
    return sorted(set(values))


Keys = Annotated[list[str], AfterValidator(_sorted_unique)]
"""Links by key: a set, kept sorted so that equal sets compare equal."""


def _category_ids(values: list[int]) -> list[int]:
    if any(value <= 0 for value in values):
        raise ValueError("category ids are positive integers")
    return _sorted_unique(values)


CategoryIds = Annotated[list[int], AfterValidator(_category_ids)]


def _not_empty(value: str | None) -> str | None:
    if value == "":
        raise ValueError(
            "empty text: the API does not tell empty text from no text; write null (or leave the field out)"
        )
    return value


OptionalText = Annotated[str | None, Field(json_schema_extra={"minLength": 1}), catalog_rule(_not_empty)]
"""Optional text: ``null`` for none; ``""`` is refused in a catalog, since it would read back as ``null``."""


_FIELD_SETS: dict[frozenset[str], set[str]] = {}
"""One set of field names per distinct combination, shared by the models that set exactly those fields."""


class Model(BaseModel):
    """Base of the catalog models: immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="after")
    def _share_fields_set(self) -> Model:
        """Share the set of fields set with every model that set the same ones (tens of thousands of models
        hold a few dozen distinct sets); it is never changed in place: models are frozen, a copy copies it."""
        names = self.__pydantic_fields_set__
        object.__setattr__(self, "__pydantic_fields_set__", _FIELD_SETS.setdefault(frozenset(names), names))
        return self

    def declared(self) -> frozenset[str]:
        """The fields this object manages: those written in YAML (every field for live objects)."""
        return frozenset(self.model_fields_set)

    @classmethod
    def live(cls: type[M], data: Mapping[str, Any]) -> M:
        """Live state (wire values, or a plan's JSON of them): typed, but not held to the catalog's rules."""
        return cls.model_validate(data, context=LIVE)


class Resource(Model):
    """A top-level resource (option, product, coupon): a model plus the keys it was known by before.

    ``previous_keys`` is an instruction to the plan, not a field of the resource: it is never dumped, compared
    or sent (a rename is planned from it when the new key is not live and one previous key is).
    """

    previous_keys: list[str] = Field(default_factory=list, exclude=True)

    def declared(self) -> frozenset[str]:
        return super().declared() - {"previous_keys"}


M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Reference:
    """A link from one resource to another, by key."""

    kind: str
    key: str


@dataclass(frozen=True)
class WireObject(Generic[M]):
    """A live resource decoded from the wire: its key, vendor id, model, and ids of its parts."""

    key: str
    id: str
    model: M
    part_ids: tuple[str, ...] = field(default=())


KeyIndex = Mapping[tuple[str, str], str]
"""The key of a live resource by (kind, vendor id): how links read from the wire become keys."""

Resolver = Callable[[str, str], str]
"""``resolve(kind, key) -> vendor id`` for references; raises KeyError when unknown."""


class Kind(ABC, Generic[M]):
    """The spec of one kind; subclasses are tiny and hold no state."""

    name: ClassVar[str]
    section: ClassVar[str]
    model: ClassVar[type[Model]]
    rank: ClassVar[int]
    id_param: ClassVar[str]
    key_label: ClassVar[str]
    key_param: ClassVar[str]
    """The wire member that holds the key (``vendor_product_id``, ``option_name``, ``coupon_code``)."""
    lookup_verb: ClassVar[str] = "list"
    """Whether :meth:`lookup` answers from ``list_<section>`` or from ``detail_<name>``."""
    gone: ClassVar[frozenset[str]] = frozenset({"RECORD_NOT_FOUND"})
    """Error codes of a detail call that mean "no such resource" (it was deleted, or never existed)."""
    links_to: ClassVar[frozenset[str]] = frozenset()
    """The kinds it may link to (:meth:`references`): a delete of one of them can be blocked by it."""
    links_in_list: ClassVar[bool] = True
    """Whether its list items carry its links (``list_coupons`` items have no product links)."""

    @abstractmethod
    def resource(self, client: Any) -> Any:
        """The client resource serving this kind (``client.products`` ...)."""

    @abstractmethod
    def list_needs_detail(self, item: Mapping[str, Any]) -> bool:
        """Whether a list item lacks data that only the detail call returns."""

    @abstractmethod
    def detail_params(self, item: Mapping[str, Any]) -> dict[str, str]:
        """Parameters of the detail call for a list item."""

    @abstractmethod
    def lookup(self, resource: Any, key: str) -> list[Mapping[str, Any]]:
        """List or detail items of the live resources with this key, read directly by key."""

    @abstractmethod
    def from_wire(self, item: Mapping[str, Any], keys: KeyIndex) -> WireObject[M] | None:
        """Decode a list or detail item (``keys``: keys of linked resources); None when it has no key."""

    @abstractmethod
    def references(self, model: M) -> list[Reference]:
        """The resources this one links to."""

    @abstractmethod
    def create_params(self, key: str, model: M, resolve: Resolver) -> dict[str, Any]:
        """Form parameters of the create call for a complete model."""

    @abstractmethod
    def update_requests(
        self, key: str, desired: M, live: WireObject[M], resolve: Resolver
    ) -> list[dict[str, Any]]:
        """Form parameters of the update call(s) that make ``live`` equal ``desired`` (complete)."""

    def refusal(self, op: str, model: M) -> str | None:
        """Why the API would refuse to ``create`` or ``update`` to ``model`` (a rule of its own), or None."""
        return None

    def delete_params(self, live: WireObject[M]) -> dict[str, str]:
        return {self.id_param: live.id}

    def excluded(self, model: M) -> dict[str, Any]:
        """The cleared values of the fields the model's other values exclude (none by default): the account
        cannot hold both, so a merge clears those of them that the catalog leaves out."""
        return {}

    def merge(self, desired: M, live: M) -> M:
        """The full intended resource: desired values for declared fields, live values for the rest, except
        the left-out fields the declared values exclude (:meth:`excluded`)."""
        declared = desired.declared()
        merged = live.model_copy(update={name: getattr(desired, name) for name in declared})
        cleared = {name: value for name, value in self.excluded(merged).items() if name not in declared}
        return merged.model_copy(update=cleared) if cleared else merged

    def matches(self, desired: M, live: M) -> bool:
        """Whether ``live`` already holds every declared value of ``desired``: ``merge(desired, live) ==
        live``, without building the merged copy (a plan asks this of every declared resource)."""
        declared = desired.declared()
        if not all(getattr(desired, name) == getattr(live, name) for name in declared):
            return False
        excluded = self.excluded(live).items()
        return all(getattr(live, name) == value for name, value in excluded if name not in declared)


def blank(value: Any, render: Callable[[Any], str] = str) -> str:
    """The wire form of an optional value: ``""`` clears it under both sandbox dialects."""
    return "" if value is None else render(value)
