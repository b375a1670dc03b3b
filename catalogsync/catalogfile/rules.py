"""Checks across fields and across resources that the models alone cannot make.

They run on the resources that passed model validation; the loader turns each :class:`Finding` into a located
:class:`~catalogsync.errors.Problem`. Protected keys may name resources the file does not declare (protecting
live resources is their point), so they are never checked against the declared keys.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.yamlmarks import Path
from catalogsync.kinds import BY_NAME, BY_SECTION, KINDS, AnyKind, Coupon, Product
from catalogsync.shown import named

MAX_KEY_IN_URL = 4000
"""Longest key, once URL-encoded: keys are read back in the query string of GETs (``detail_coupon``,
``list_products?vendor_product_id=``), and web servers refuse request lines much over 8 KB (HTTP 414)."""


@dataclass(frozen=True)
class Finding:
    """A rule broken at ``path``; ``item`` names the element of the list at ``path`` that is at fault."""

    path: Path
    message: str
    item: str | None = None
    on_key: bool = False


def check(catalog: Catalog, keys: Mapping[str, Collection[str]]) -> list[Finding]:
    """Every rule broken by ``catalog``; ``keys`` holds each section's keys, valid resources or not."""
    return [
        *_empty_keys(catalog, keys),
        *_long_keys(keys),
        *_references(catalog, keys),
        *_previous_keys(catalog, keys),
        *_adoptions(catalog, keys),
        *(
            f
            for kind in KINDS
            for key, m in catalog.section(kind.section).items()
            for f in fields_of(kind, key, m)
        ),
    ]


def fields_of(kind: AnyKind, key: str, model: Any) -> Iterator[Finding]:
    """The rules between the fields of one resource (a tangible product's weight and handling, a coupon's
    type and what it takes) that ``model`` breaks."""
    rule = FIELD_RULES.get(kind.section)
    return rule(key, model) if rule else iter(())


def _empty_keys(catalog: Catalog, keys: Mapping[str, Collection[str]]) -> Iterator[Finding]:
    for section, names in keys.items():
        if "" in names:
            yield Finding((section, ""), "a key must not be empty", on_key=True)
    for kind in KINDS:
        for index, name in enumerate(catalog.settings.protected.for_section(kind.section)):
            if not name:
                yield Finding(("settings", "protected", kind.section, index), "a key must not be empty")


def key_too_long(kind: AnyKind, key: str) -> str | None:
    """Why ``key`` is too long to be read back from a URL, or None when it is not."""
    size = len(quote(key, safe=""))
    if size <= MAX_KEY_IN_URL:
        return None
    return (
        f"this {kind.name} {kind.key_label} is {size} characters once URL-encoded; the API"
        f" reads it from the URL, which takes at most {MAX_KEY_IN_URL}: shorten it"
    )


def _long_keys(keys: Mapping[str, Collection[str]]) -> Iterator[Finding]:
    for section, names in keys.items():
        for name in names:
            message = key_too_long(BY_SECTION[section], name)
            if message:
                yield Finding((section, name), message, on_key=True)


def _references(catalog: Catalog, keys: Mapping[str, Collection[str]]) -> Iterator[Finding]:
    """Links to keys the file does not declare; the linking field is named after the target's section."""
    for kind in KINDS:
        for key, model in catalog.section(kind.section).items():
            for ref in kind.references(model):
                target = BY_NAME[ref.kind].section
                if ref.key not in keys.get(target, ()):
                    message = f"{ref.kind} {named(ref.key)} is not declared under {target}"
                    yield Finding((kind.section, key, target), message, item=ref.key)


def _previous_keys(catalog: Catalog, keys: Mapping[str, Collection[str]]) -> Iterator[Finding]:
    """A previous key is not empty, not a key of the file, and claimed by one resource of its kind only."""
    for kind in KINDS:
        claimed: dict[str, str] = {}
        declared = keys.get(kind.section, ())
        for key, model in catalog.section(kind.section).items():
            for index, old in enumerate(model.previous_keys):
                path = (kind.section, key, "previous_keys", index)
                if not old:
                    yield Finding(path, "a previous key must not be empty")
                elif old in declared:
                    message = (
                        f"{named(old)} is declared under {kind.section}: a previous key must not be a key too"
                    )
                    yield Finding(path, message)
                elif old in claimed:
                    where = "twice" if claimed[old] == key else f"by {kind.name} {named(claimed[old])} too"
                    yield Finding(path, f"the previous key {named(old)} is claimed {where}")
                else:
                    claimed[old] = key
                    yield from _protection_kept(catalog, kind, key, old, path)


def _protection_kept(catalog: Catalog, kind: AnyKind, key: str, old: str, path: Path) -> Iterator[Finding]:
    """A protected key renamed keeps its protection only when the new key is protected too."""
    protected = catalog.settings.protected.for_section(kind.section)
    if old in protected and key not in protected:
        yield Finding(
            path,
            f"{named(old)} is protected (settings.protected.{kind.section}): protect {named(key)} too, or the"
            f" renamed {kind.name} is no longer protected",
        )


def _adoptions(catalog: Catalog, keys: Mapping[str, Collection[str]]) -> Iterator[Finding]:
    """An adopted key is declared in its section, and no id is adopted twice."""
    for kind in KINDS:
        adopted: dict[str, str] = {}
        for key, vendor_id in getattr(catalog.adopt, kind.section).items():
            path = ("adopt", kind.section, key)
            if key not in keys.get(kind.section, ()):
                message = (
                    f"{kind.name} {named(key)} is not declared under {kind.section}: declare what it adopts"
                )
                yield Finding(path, message, on_key=True)
            if vendor_id in adopted:
                message = f"id {vendor_id} is adopted twice (as {named(adopted[vendor_id])} too)"
                yield Finding(path, message)
            adopted.setdefault(vendor_id, key)


def _product(key: str, product: Product) -> Iterator[Finding]:
    if "tangible" in product.declared() and product.tangible:
        for name in ("weight", "handling"):
            if getattr(product, name) is None:
                message = f"a tangible product needs a {name} value (the API requires weight and handling)"
                yield Finding(("products", key, "tangible"), message)


def _coupon(key: str, coupon: Coupon) -> Iterator[Finding]:
    path: Path = ("coupons", key)
    kind = coupon.type
    discounts = [name for name in ("percent_off", "value_off") if getattr(coupon, name) is not None]
    if kind == "shipping":
        for name in discounts:
            yield Finding((*path, name), f"a shipping coupon takes no {name}")
    elif not discounts:
        yield Finding(path, f"a {kind} coupon needs percent_off or value_off")
    elif len(discounts) > 1:
        yield Finding((*path, "value_off"), f"a {kind} coupon takes percent_off or value_off, not both")
    if kind != "product":
        if coupon.products:
            yield Finding(
                (*path, "products"), f"only product coupons list products (this is a {kind} coupon)"
            )
        if coupon.all_products:
            yield Finding(
                (*path, "all_products"), f"only product coupons take all_products (this is a {kind} coupon)"
            )
    elif coupon.products and coupon.all_products:
        yield Finding(
            (*path, "all_products"), "a product coupon lists products or has all_products: true, not both"
        )
    elif not coupon.products and not coupon.all_products:
        yield Finding(path, "a product coupon needs products (a non-empty list) or all_products: true")


FIELD_RULES: dict[str, Callable[[str, Any], Iterator[Finding]]] = {"products": _product, "coupons": _coupon}
