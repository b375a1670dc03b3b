"""The live account as read from the API: resources by kind and key, and what could not be keyed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, NoReturn

from catalogsync.catalog import Catalog
from catalogsync.kinds import KINDS, AnyKind, Reference, WireObject
from catalogsync.shown import Mark, as_is


class NotRead(RuntimeError):
    """A part of a live resource that was not read was asked for: a bug in what the command reads."""


class Listed(WireObject[Any]):
    """A live resource the command does not compare, known from its list item only: its key and id, and its
    links when the list gives them (``None``: not read). Its model was not read: asking for it raises.

    What a command reads in full is decided by :mod:`catalogsync.reading`; everything a plan compares,
    deletes or fingerprints is a full :class:`WireObject`.
    """

    __slots__ = ("links",)
    links: tuple[Reference, ...] | None

    def __init__(self, key: str, id: str, links: tuple[Reference, ...] | None) -> None:
        for name, value in (("key", key), ("id", id), ("part_ids", ()), ("links", links)):
            object.__setattr__(self, name, value)

    @property
    def model(self) -> NoReturn:
        raise NotRead(f"the model of {self.key!r} (id {self.id}) was not read: only its key and id were")

    def _known(self) -> tuple[str, str, tuple[Reference, ...] | None]:
        return self.key, self.id, self.links

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Listed) and self._known() == other._known()

    def __hash__(self) -> int:
        return hash(self._known())

    def __repr__(self) -> str:
        return f"Listed(key={self.key!r}, id={self.id!r}, links={self.links!r})"


def links(kind: AnyKind, obj: WireObject[Any]) -> tuple[Reference, ...]:
    """What a live resource links to; raises :class:`NotRead` for a listed one whose links were not read."""
    if not isinstance(obj, Listed):
        return tuple(kind.references(obj.model))
    if obj.links is None:
        raise NotRead(f"the links of {kind.name} {obj.key!r} were not read")
    return obj.links


ADOPTABLE = ("product",)
"""The kinds a catalog can adopt by vendor id. Options are linked to by name (a product's option links) and
coupon codes are unique, so a live option or coupon that shares its key can only be settled in the admin."""


def settle_shared(kind: str) -> str:
    """What to do about live resources of ``kind`` that share a key."""
    if kind in ADOPTABLE:
        return "adopt it by id under a key of its own"
    return f"rename or delete the others in the 2Checkout admin pages: {kind}s cannot be adopted by id"


@dataclass(frozen=True)
class Stray:
    """A live resource catalogsync cannot manage by key: no key, or a key shared by several resources."""

    kind: str
    id: str
    label: str
    reason: str
    links: tuple[str, ...] = ()
    """What it links to (``option:Size``): a resource it holds cannot be deleted (reference §8.6)."""
    obj: WireObject[Any] | None = field(default=None, compare=False, repr=False)
    """The resource as read, under its shared key or ``""``: what adopting it by id starts from."""

    def __str__(self) -> str:
        return self.described()

    def described(self, mark: Mark = as_is) -> str:
        """``product id 4635212999 'Draft': has no key (adopt it by id)``; ``mark`` sets apart its name."""
        why = (
            f"shares its key with another live resource ({settle_shared(self.kind)})"
            if self.reason == "duplicate"
            else "has no key (adopt it by id)"
        )
        return f"{self.kind} id {self.id} {mark(repr(self.label or 'without a name'))}: {why}"


@dataclass(frozen=True)
class LiveState:
    """What ``fetch`` read: pure data, safe to diff and to fingerprint without further I/O."""

    vendor_id: str
    base_url: str
    resources: dict[str, dict[str, WireObject[Any]]]
    strays: tuple[Stray, ...] = field(default=())

    def get(self, kind: str, key: str) -> WireObject[Any] | None:
        return self.resources.get(kind, {}).get(key)

    def by_id(self, kind: str, vendor_id: str) -> WireObject[Any] | None:
        """The live resource with this vendor id, keyed or stray (a stray's has its shared key, or "")."""
        for obj in self.resources.get(kind, {}).values():
            if obj.id == vendor_id:
                return obj
        return next((s.obj for s in self.strays if s.kind == kind and s.id == vendor_id), None)

    def by_ref(self, ref: str) -> WireObject[Any] | None:
        """The object a fingerprint names: ``product:TSHIRT`` by key, ``product@4635212971`` by vendor id."""
        kind, by_key, key = ref.partition(":")
        if by_key:
            return self.get(kind, key)
        kind, _, vendor_id = ref.partition("@")
        return self.by_id(kind, vendor_id)

    def ambiguous(self, kind: str) -> set[str]:
        """Keys held by more than one live resource of a kind: never touched."""
        return {s.label for s in self.strays if s.kind == kind and s.reason == "duplicate"}

    def as_catalog(self) -> Catalog:
        """The live resources as a catalog (every field declared), for export."""
        sections = {
            kind.section: {key: obj.model for key, obj in sorted(self.resources.get(kind.name, {}).items())}
            for kind in KINDS
        }
        return Catalog.model_validate(sections)


def fingerprint(obj: WireObject[Any] | None) -> str:
    """A short stable digest of a live object as read; ``"absent"`` when there is none, ``"not read"`` for a
    listed one (a plan fingerprints only what it reads in full, so that never matches a plan's digest)."""
    if obj is None:
        return "absent"
    if isinstance(obj, Listed):
        return "not read"
    digest = hashlib.sha256(repr((obj.id, tuple(obj.part_ids))).encode())
    digest.update(obj.model.model_dump_json().encode())  # fields in the model's order: no dict fields
    return digest.hexdigest()[:16]
