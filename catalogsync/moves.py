"""Renames (``previous_keys``) and adoptions by id (``adopt:``): which live resource takes which key; pure.

:func:`find_moves` reads them from the catalog and the account, with the reasons it refuses some.
:func:`rekeyed` is the account as it will be once they are made: each moved resource under its new key (same
vendor id; a coupon's id stays its old code, which the update call addresses), the links of every other
resource rewritten to the new keys, an adopted resource no longer a stray. Diffing the catalog against that
view gives what else changes about a moved resource, and nothing once the moves are made: the plan converges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal, cast

from catalogsync.catalog import Catalog
from catalogsync.diff import MOVES, Change
from catalogsync.kinds import KINDS, AnyKind, Model, Reference, WireObject
from catalogsync.live import ADOPTABLE, Listed, LiveState, Stray, settle_shared
from catalogsync.shown import shown

MoveOp = Literal["rename", "adopt"]
"""Kinds whose resources may have no key (an option always has a name, a coupon a code)."""


@dataclass(frozen=True)
class Move:
    """A live resource given the key ``key``: from its previous key (rename) or its vendor id (adopt)."""

    op: MoveOp
    kind: str
    key: str
    source: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.key}"


@dataclass(frozen=True)
class Refusal:
    kind: str
    key: str
    reason: str


@dataclass(frozen=True)
class Moves:
    moves: tuple[Move, ...] = ()
    refusals: tuple[Refusal, ...] = ()


def find_moves(desired: Catalog, live: LiveState) -> Moves:
    """The renames and adoptions the catalog asks for that are not made yet, and those it cannot have."""
    found: list[Move | Refusal] = []
    for kind in KINDS:
        section = desired.section(kind.section)
        for key, model in sorted(section.items()):
            found += _rename(kind, key, model.previous_keys, live)
        renamed = {m.key for m in found if isinstance(m, Move) and m.kind == kind.name}
        adopted = {
            key: vendor_id
            for key, vendor_id in desired.adopt.for_section(kind.section).items()
            if key in section
        }
        for key, vendor_id in sorted(adopted.items()):
            if key in renamed:
                reason = f"both renamed (previous_keys) and adopted (id {vendor_id}): keep one of them"
                found.append(Refusal(kind.name, key, reason))
            else:
                others = {v for k, v in adopted.items() if k != key}
                found += _adoption(kind, key, vendor_id, live, others)
    return Moves(
        tuple(m for m in found if isinstance(m, Move)), tuple(r for r in found if isinstance(r, Refusal))
    )


def _rename(kind: AnyKind, key: str, previous: list[str], live: LiveState) -> list[Move | Refusal]:
    ambiguous = live.ambiguous(kind.name)

    def held(name: str) -> bool:
        return live.get(kind.name, name) is not None or name in ambiguous

    old = [name for name in previous if held(name)]
    if not old:
        return []
    what = f"{kind.name} {shown(key)}"
    if held(key):
        olds = " and ".join(map(shown, old))
        label = f"{kind.key_label}s" if len(old) > 1 else kind.key_label
        reason = (
            f"both {what} and its previous {label} {olds} are live: delete or rename one of them"
            f" in the account, or take {olds} out of previous_keys"
        )
        return [Refusal(kind.name, key, reason)]
    if len(old) > 1:
        several = ", ".join(map(shown, old))
        reason = f"several of its previous {kind.key_label}s are live ({several}): keep one of them"
        return [Refusal(kind.name, key, reason)]
    if old[0] in ambiguous:
        settle = "adopt by id" if kind.name in ADOPTABLE else settle_shared(kind.name)
        reason = (
            f"its previous {kind.key_label} {shown(old[0])} is held by several live {kind.section}: {settle}"
        )
        return [Refusal(kind.name, key, reason)]
    return [Move("rename", kind.name, key, old[0])]


def _adoption(
    kind: AnyKind, key: str, vendor_id: str, live: LiveState, others: set[str]
) -> list[Move | Refusal]:
    """Adopting ``vendor_id`` as ``key``: nothing when done, the move, or why not (``others``: ids adopted
    under other keys in the same catalog, which leave the key they share)."""
    obj = live.by_id(kind.name, vendor_id)
    holder = live.get(kind.name, key)
    sharing = sorted(
        s.id
        for s in live.strays
        if (s.kind, s.label, s.reason) == (kind.name, key, "duplicate") and s.id not in {vendor_id, *others}
    )

    def refused(reason: str) -> list[Move | Refusal]:
        return [Refusal(kind.name, key, f"cannot adopt {kind.name} {vendor_id} as {shown(key)}: {reason}")]

    if obj is None:
        return refused(f"no {kind.name} of the account has the id {vendor_id}")
    if holder is not None and holder.id == vendor_id:
        return []
    if obj.key and obj.key not in live.ambiguous(kind.name):
        return refused(f"it has the {kind.key_label} {shown(obj.key)} (rename it with previous_keys instead)")
    if holder is not None:
        return refused(f"the {kind.key_label} {shown(key)} is taken by {kind.name} {holder.id}")
    if sharing:
        ids = ", ".join(sharing)
        return refused(
            f"the {kind.key_label} {shown(key)} is held by {kind.name} {ids}: adopt it under a new key"
        )
    return [] if obj.key == key else [Move("adopt", kind.name, key, vendor_id)]


def rekeyed(live: LiveState, moves: Iterable[Move]) -> LiveState:
    """The account once ``moves`` are made (see the module docstring)."""
    moves = list(moves)
    if not moves:
        return live
    resources = {kind.name: dict(live.resources.get(kind.name, {})) for kind in KINDS}
    strays = list(live.strays)
    renamed: dict[tuple[str, str], str] = {}
    for move in moves:
        objs = resources[move.kind]
        if move.op == "rename":
            obj = objs.pop(move.source)
            renamed[(move.kind, move.source)] = move.key
        else:
            adopted = live.by_id(move.kind, move.source)
            assert adopted is not None  # find_moves made sure of it
            obj = adopted
            strays = [s for s in strays if (s.kind, s.id) != (move.kind, move.source)]
            renamed[(move.kind, f"id:{move.source}")] = (
                move.key
            )  # how a link to it reads (CouponKind.from_wire)
        objs[move.key] = replace(obj, key=move.key)
    strays = _settled_duplicates(resources, strays)
    for kind in KINDS:
        objs = resources[kind.name]
        for key, obj in objs.items():
            objs[key] = _relinked_object(kind, obj, renamed)
    strays = [replace(s, links=tuple(_new_ref(link, renamed) for link in s.links)) for s in strays]
    return replace(live, resources=resources, strays=tuple(strays))


def _settled_duplicates(resources: dict[str, dict[str, WireObject[Any]]], strays: list[Stray]) -> list[Stray]:
    """A shared key that one resource is left holding (the others adopted away) is that resource's key."""
    holders: dict[tuple[str, str], list[Stray]] = {}
    for stray in strays:
        if stray.reason == "duplicate":
            holders.setdefault((stray.kind, stray.label), []).append(stray)
    alone = {id(group[0]) for group in holders.values() if len(group) == 1 and group[0].obj is not None}
    for stray in strays:
        if id(stray) in alone and stray.obj is not None:
            resources[stray.kind][stray.label] = stray.obj
    return [s for s in strays if id(s) not in alone]


def _relinked_object(kind: AnyKind, obj: WireObject[Any], renamed: Mapping[tuple[str, str], str]) -> Any:
    if not renamed:
        return obj
    if isinstance(obj, Listed):  # its model was not read, only its links (if those)
        if obj.links is None:
            return obj
        links = tuple(Reference(r.kind, renamed.get((r.kind, r.key), r.key)) for r in obj.links)
        return obj if links == obj.links else Listed(obj.key, obj.id, links)
    return replace(obj, model=relinked(kind, obj.model, renamed))


def relinked(kind: AnyKind, model: Model, renamed: Mapping[tuple[str, str], str]) -> Model:
    """``model`` with its links to renamed resources under their new keys.

    Links are lists of keys (a product's ``options``, a coupon's ``products``), and each kind links to one
    other kind, so the renamed keys it links to are replaced in its lists of keys.
    """
    new = {r.key: renamed[(r.kind, r.key)] for r in kind.references(model) if (r.kind, r.key) in renamed}
    if not new:
        return model
    data = model.model_dump(mode="json")
    for name, value in data.items():
        if isinstance(value, list) and any(isinstance(item, str) and item in new for item in value):
            data[name] = [new.get(item, item) if isinstance(item, str) else item for item in value]
    return type(model).live(data)


def _new_ref(ref: str, renamed: Mapping[tuple[str, str], str]) -> str:
    kind, _, key = ref.partition(":")
    return f"{kind}:{renamed.get((kind, key), key)}"


def as_changes(changes: Iterable[Change], moves: Iterable[Move], view: LiveState) -> list[Change]:
    """The diff against the rekeyed ``view`` with each moved resource's update (or no change) as its move."""
    by_ref = {change.ref: change for change in changes}
    for move in moves:
        change = by_ref.get(move.ref)
        if change is None:
            obj = view.get(move.kind, move.key)
            assert obj is not None  # rekeyed put it there
            state = obj.model.model_dump(mode="json")
            change = Change(move.op, move.kind, move.key, before=state, after=state)
        by_ref[move.ref] = replace(change, op=move.op, source=move.source)
    return list(by_ref.values())


def moves_of(changes: Iterable[Change]) -> list[Move]:
    """The moves a plan's changes make (to rebuild its view of the account from the account as read)."""
    return [Move(cast(MoveOp, c.op), c.kind, c.key, c.source) for c in changes if c.op in MOVES and c.source]


def origin(live: LiveState, move: Move) -> WireObject[Any] | None:
    """The moved resource as read: under its previous key, or found by its vendor id."""
    if move.op == "rename":
        return live.get(move.kind, move.source)
    return live.by_id(move.kind, move.source)


def claimed(desired: Catalog) -> set[str]:
    """Every previous key the catalog names (``product:OLD``): never deleted, whatever is selected."""
    return {
        f"{kind.name}:{old}"
        for kind in KINDS
        for model in desired.section(kind.section).values()
        for old in model.previous_keys
    }
