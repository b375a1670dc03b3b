"""The catalog: desired resources by kind and key, plus the settings that govern plan and apply."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from catalogsync.kinds import Coupon, Model, Option, Product


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
    prune: Prune = Field(default_factory=Prune)
    protected: Protected = Field(default_factory=Protected)
    safety: Safety = Field(default_factory=Safety)


class Catalog(Model):
    """Options, products and coupons keyed by name/code; the same model for desired and live state."""

    settings: Settings = Field(default_factory=Settings)
    options: dict[str, Option] = Field(default_factory=dict)
    products: dict[str, Product] = Field(default_factory=dict)
    coupons: dict[str, Coupon] = Field(default_factory=dict)

    def section(self, section: str) -> dict[str, Any]:
        """The resources of one kind, by key."""
        resources: dict[str, Any] = getattr(self, section)
        return resources
