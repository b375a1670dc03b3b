"""Compare desired and live state by key: pure, no I/O.

``diff`` yields the operations as values (:class:`Change`) plus what it deliberately leaves
alone (:class:`Unmanaged`). Updates compare the *merged* resource (desired values for declared
fields, live values for the rest) with the live one, so a field the catalog does not mention
never shows up as a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from catalogsync.catalog import Catalog
from catalogsync.kinds import KINDS, AnyKind
from catalogsync.live import LiveState, links
from catalogsync.shown import KEY_LENGTH, cut, shown

Op = Literal["create", "update", "delete", "rename", "adopt"]
MOVES = ("rename", "adopt")
"""Operations that give a live resource a new key in place (an update that also sets the key)."""
LINKED = "not deleted: still linked from "
"""Why a delete is kept, followed by what still links to the resource."""


@dataclass(frozen=True)
class FieldChange:
    """One field of an update: a dotted path with its old and new JSON values."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    """One operation on one resource; ``before``/``after`` are the models as JSON (None where absent)."""

    op: Op
    kind: str
    key: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    fields: tuple[FieldChange, ...] = field(default=())
    source: str | None = None
    """What a move starts from: the previous key of a rename, the vendor id of an adoption."""

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.key}"

    @property
    def label(self) -> str:
        """``update product TEE``, ``rename product OLD -> NEW``, ``adopt product 4635212971 as NEW``."""
        if self.op == "rename":
            return f"rename {self.kind} {shown(self.source or '')} -> {shown(self.key)}"
        if self.op == "adopt":
            return f"adopt {self.kind} {self.source} as {shown(self.key)}"
        return f"{self.op} {self.kind} {shown(self.key)}"

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.op, self.kind, self.key)


@dataclass(frozen=True)
class Unmanaged:
    """A live resource the plan leaves alone, and why."""

    kind: str
    key: str
    reason: str


@dataclass(frozen=True)
class Diff:
    changes: tuple[Change, ...]
    unmanaged: tuple[Unmanaged, ...]
    conflicts: tuple[str, ...]
    """Declared keys that several live resources share: nothing can safely be done to them."""


def diff(desired: Catalog, live: LiveState, *, account: LiveState | None = None) -> Diff:
    """``account``: the whole account when ``live`` is a selection of it; what is outside the selection stays,
    so it may still hold what the selection deletes."""
    changes: list[Change] = []
    unmanaged: list[Unmanaged] = []
    conflicts: list[str] = []
    for kind in KINDS:
        wanted = desired.section(kind.section)
        ambiguous = live.ambiguous(kind.name)
        conflicts += [f"{kind.name}:{k}" for k in sorted(ambiguous & wanted.keys())]
        changes += [
            c for k, m in sorted(wanted.items()) if k not in ambiguous for c in _compare(kind, k, m, live)
        ]
        for key, obj in sorted(live.resources.get(kind.name, {}).items()):
            if key in wanted:
                continue
            reason = _keep_reason(desired, kind, key)
            if reason:
                unmanaged.append(Unmanaged(kind.name, key, reason))
            else:
                before = obj.model.model_dump(mode="json")
                changes.append(Change("delete", kind.name, key, before=before))
    changes, blocked = _unblocked(changes, live if account is None else account)
    return Diff(tuple(changes), tuple(unmanaged + blocked), tuple(conflicts))


def _unblocked(changes: list[Change], live: LiveState) -> tuple[list[Change], list[Unmanaged]]:
    """Deletes of resources that something staying in the account still links to become kept ones, and so,
    in turn, do the deletes of what those kept resources link to (a coupon keeps a product, which keeps its
    options).

    The API refuses such deletes (reference §8.6); the plan says so up front instead of failing at apply.
    """
    blocked: dict[str, list[str]] = {}
    while True:
        holders = _holders([c for c in changes if c.ref not in blocked], live)
        newly = {c.ref for c in changes if c.op == "delete" and c.ref in holders} - set(blocked)
        if not newly:
            break
        blocked.update((ref, holders[ref]) for ref in newly)
    kept = [c for c in changes if c.op != "delete" or c.ref not in blocked]
    unmanaged = [
        Unmanaged(c.kind, c.key, LINKED + ", ".join(sorted(blocked[c.ref])))
        for c in changes
        if c.op == "delete" and c.ref in blocked
    ]
    return kept, unmanaged


def _holders(changes: list[Change], live: LiveState) -> dict[str, list[str]]:
    """What links to each resource, among the resources that stay in the account after ``changes``."""
    touched = {c.ref: c for c in changes}
    holders: dict[str, list[str]] = {}
    deleted = {c.kind for c in changes if c.op == "delete"}
    for kind in (k for k in KINDS if k.links_to & deleted):  # only these can hold what is deleted
        for key, obj in live.resources.get(kind.name, {}).items():
            change = touched.get(f"{kind.name}:{key}")
            if change is not None and change.op == "delete":
                continue
            after = change.after if change else None
            for ref in kind.references(kind.model.live(after)) if after else links(kind, obj):
                holders.setdefault(f"{ref.kind}:{ref.key}", []).append(f"{kind.name} {shown(key)}")
    for stray in live.strays:  # resources without a usable key stay, and so does what they link to
        for link in stray.links:
            holders.setdefault(link, []).append(f"{stray.kind} id {stray.id}")
    return holders


def _compare(kind: AnyKind, key: str, desired: Any, live: LiveState) -> list[Change]:
    obj = live.get(kind.name, key)
    if obj is None:
        return [Change("create", kind.name, key, after=desired.model_dump(mode="json", exclude_unset=True))]
    if kind.matches(desired, obj.model):
        return []
    before, after = obj.model.model_dump(mode="json"), kind.merge(desired, obj.model).model_dump(mode="json")
    return [Change("update", kind.name, key, before=before, after=after, fields=field_changes(before, after))]


def _keep_reason(desired: Catalog, kind: AnyKind, key: str) -> str | None:
    settings = desired.settings
    if key in settings.protected.for_section(kind.section):
        return "protected"
    if not settings.prune.for_section(kind.section):
        return "not in the catalog (pruning off)"
    return None


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    """Per-field differences in the order of their paths (``values[2]`` before ``values[10]``); lists of
    plain values are shown whole, nested objects per leaf."""
    found: dict[tuple[tuple[int, int | str], ...], FieldChange] = {}
    from deepdiff import DeepDiff  # only a plan with updates needs it (a quarter of start-up otherwise)

    tree = DeepDiff(before, after, view="tree", verbose_level=2)
    for level in (level for group in tree.values() for level in group):
        path = level.path(output_format="list")
        top = str(path[0])
        if _is_plain_list(before.get(top)) or _is_plain_list(after.get(top)):
            found[_order([top])] = FieldChange(top, before.get(top), after.get(top))
        else:
            found[_order(path)] = FieldChange(_dotted(path), _present(level.t1), _present(level.t2))
    return tuple(found[place] for place in sorted(found))


def _order(path: list[Any]) -> tuple[tuple[int, int | str], ...]:
    """A path's place among the others: list indexes by number, field names by name."""
    return tuple((0, part) if isinstance(part, int) else (1, str(part)) for part in path)


def fields_text(fields: tuple[FieldChange, ...]) -> str:
    """Changed fields in a message, ``price: 10.00 -> 13.00, description: null -> Mine``, values cut short."""
    return ", ".join(f"{f.path}: {_value_text(f.old)} -> {_value_text(f.new)}" for f in fields)


def _value_text(value: Any) -> str:
    return cut("null" if value is None else str(value), KEY_LENGTH)


def _is_plain_list(value: Any) -> bool:
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def _present(value: Any) -> Any:
    return None if type(value).__name__ == "NotPresent" else value


def _dotted(path: list[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
