"""The live account as read from the API: resources by kind and key, and what could not be keyed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from catalogsync.catalog import Catalog
from catalogsync.kinds import KINDS, WireObject


@dataclass(frozen=True)
class Stray:
    """A live resource catalogsync cannot manage by key: no key, or a key shared by several resources."""

    kind: str
    id: str
    label: str
    reason: str
    links: tuple[str, ...] = ()
    """What it links to (``option:Size``): a resource it holds cannot be deleted (reference §8.6)."""

    def __str__(self) -> str:
        why = (
            "shares its key with another live resource"
            if self.reason == "duplicate"
            else "has no key (set its vendor_product_id in the admin pages or with update_product)"
        )
        return f"{self.kind} id {self.id} {self.label or 'without a name'!r}: {why}"


@dataclass(frozen=True)
class LiveState:
    """What ``fetch`` read: pure data, safe to diff and to fingerprint without further I/O."""

    vendor_id: str
    base_url: str
    resources: dict[str, dict[str, WireObject[Any]]]
    strays: tuple[Stray, ...] = field(default=())

    def get(self, kind: str, key: str) -> WireObject[Any] | None:
        return self.resources.get(kind, {}).get(key)

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
    """A short stable digest of a live object as read; ``"absent"`` when there is none."""
    if obj is None:
        return "absent"
    payload = {"id": obj.id, "parts": list(obj.part_ids), "model": obj.model.model_dump(mode="json")}
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
    return digest[:16]
