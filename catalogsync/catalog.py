"""The catalog: desired resources by kind and key, plus the settings that govern plan and apply."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from catalogsync.kinds import Coupon, Model, Option, Product
from catalogsync.shown import named

VENDOR_ID = re.compile(r"^[0-9]+$")


def _vendor_id(value: str) -> str:
    if not VENDOR_ID.match(value):
        raise ValueError(f'{named(value)} is not a vendor id (digits, written in quotes: "1311348")')
    return value


VendorId = Annotated[str, Field(json_schema_extra={"pattern": VENDOR_ID.pattern}), AfterValidator(_vendor_id)]
"""A vendor's numeric id, held as text exactly as the API gives it."""


class PerKind(Model):
    """A value for each kind, addressed by section name."""

    def for_section(self, section: str) -> Any:
        return getattr(self, section)


class Prune(PerKind):
    """Whether live resources the catalog does not declare are deleted (off for every kind by default)."""

    options: bool = False
    products: bool = False
    coupons: bool = False


class Protected(PerKind):
    """Keys that are never deleted, even when their entry is removed from the catalog."""

    options: list[str] = Field(default_factory=list)
    products: list[str] = Field(default_factory=list)
    coupons: list[str] = Field(default_factory=list)


class Safety(Model):
    """Thresholds above which a plan is refused unless ``--force`` is given."""

    max_deletes: int = Field(default=10, ge=0)
    max_changes: int = Field(default=1000, ge=0)


class Settings(Model):
    account: VendorId | None = None
    """The vendor id (``detail_company_info``) the catalog is for: plan and apply refuse any other account."""
    prune: Prune = Field(default_factory=Prune)
    protected: Protected = Field(default_factory=Protected)
    safety: Safety = Field(default_factory=Safety)


def _no_adoption(kind: str, label: str) -> AfterValidator:
    def refuse(entries: dict[str, str]) -> dict[str, str]:
        if entries:
            raise ValueError(
                f"{kind}s need no adoption: every {kind} has a {label}, which is its key;"
                f" declare it under {kind}s (or rename it with previous_keys)"
            )
        return entries

    return AfterValidator(refuse)


class Adopt(PerKind):
    """Live resources without a usable key, given one by id: ``products: {NEW-CODE: "4635212971"}``.

    Applied once and then deleted from the file, like Terraform's ``import`` blocks.
    """

    products: dict[str, VendorId] = Field(default_factory=dict)
    options: Annotated[dict[str, str], _no_adoption("option", "name")] = Field(default_factory=dict)
    coupons: Annotated[dict[str, str], _no_adoption("coupon", "code")] = Field(default_factory=dict)


class Catalog(Model):
    """Options, products and coupons keyed by name/code; the same model for desired and live state."""

    settings: Settings = Field(default_factory=Settings)
    adopt: Adopt = Field(default_factory=Adopt)
    options: dict[str, Option] = Field(default_factory=dict)
    products: dict[str, Product] = Field(default_factory=dict)
    coupons: dict[str, Coupon] = Field(default_factory=dict)

    def section(self, section: str) -> dict[str, Any]:
        """The resources of one kind, by key."""
        resources: dict[str, Any] = getattr(self, section)
        return resources
