"""What to read: the live resources a plan needs in full, from the catalog, its settings and the selection.

A plan compares the declared resources (and those it renames or adopts), deletes undeclared ones where
pruning is on, and keeps a delete that a staying resource blocks (reference §8.6). Every other live resource
only needs its key and id, which its list item gives; the rest of it is read only when the list lacks it
(``detail_product`` for commissions, ``detail_coupon`` for product links and inexact percentages).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogsync.catalog import Catalog
from catalogsync.kinds import KINDS, AnyKind
from catalogsync.selection import Selection

Keys = dict[str, frozenset[str]]
"""Keys (or vendor ids) by kind name."""


@dataclass(frozen=True)
class Reading:
    """Which live resources a command reads in full; the default reads every one (``export``)."""

    whole: bool = True
    compared: Keys = field(default_factory=dict)
    """Keys the plan compares: declared and selected ones, and the previous keys of declared ones."""
    adopted: Keys = field(default_factory=dict)
    """Vendor ids the catalog adopts (``adopt``)."""
    kept: Keys = field(default_factory=dict)
    """Keys never deleted: declared (selected or not) and protected ones."""
    pruned: frozenset[str] = frozenset()
    """Kinds whose undeclared resources the plan deletes."""
    selection: Selection = field(default_factory=Selection)

    def wants(self, kind: AnyKind, key: str | None, vendor_id: str | None) -> bool:
        """Whether the live resource with this key and id (from its list item) is read in full."""
        if self.whole or self.linked(kind) or vendor_id in self.adopted.get(kind.name, ()):
            return True
        if key is None:  # no key: a stray, which stays; its links are read from the list (or not at all)
            return False
        return key in self.compared.get(kind.name, ()) or self.deleted(kind, key)

    def deleted(self, kind: AnyKind, key: str) -> bool:
        """Whether the plan deletes (or keeps as blocked) the undeclared live resource with this key."""
        return (
            kind.name in self.pruned
            and key not in self.kept.get(kind.name, ())
            and self.selection.selects(kind.name, key)
        )

    def linked(self, kind: AnyKind) -> bool:
        """Whether every resource of a kind is read for its links, which the list lacks: it may hold a
        resource the plan deletes (a product coupon holds a product when products are pruned)."""
        return not kind.links_in_list and bool(kind.links_to & self.pruned)


def what_to_read(catalog: Catalog, selection: Selection) -> Reading:
    """What a plan of ``catalog`` narrowed to ``selection`` reads in full."""
    settings = catalog.settings
    compared: Keys = {}
    adopted: Keys = {}
    kept: Keys = {}
    for kind in KINDS:
        declared = catalog.section(kind.section)
        compared[kind.name] = frozenset(
            {key for key in declared if selection.selects(kind.name, key)}
            | {
                old
                for key, resource in declared.items()
                for old in resource.previous_keys
                if selection.selects(kind.name, key) or selection.selects(kind.name, old)
            }
        )
        adopted[kind.name] = frozenset(catalog.adopt.for_section(kind.section).values())
        kept[kind.name] = frozenset(declared) | frozenset(settings.protected.for_section(kind.section))
    pruned = frozenset(kind.name for kind in KINDS if settings.prune.for_section(kind.section))
    return Reading(False, compared, adopted, kept, pruned, selection)


EVERYTHING = Reading()
