"""Turn a diff into an ordered, checkable :class:`Plan` (saved plan files: :mod:`catalogsync.saved`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from catalogsync.catalog import Catalog, Safety
from catalogsync.diff import MOVES, Change, Unmanaged, diff
from catalogsync.errors import PlanError, SafetyError
from catalogsync.kinds import BY_NAME, KINDS
from catalogsync.live import LiveState, Stray, fingerprint
from catalogsync.moves import Moves, as_changes, claimed, find_moves, rekeyed
from catalogsync.selection import Selection
from catalogsync.shown import shown, shown_ref

EVERYTHING = Selection()

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Account:
    vendor_id: str
    base_url: str


@dataclass(frozen=True)
class Plan:
    """Ordered changes plus everything ``apply PLAN`` needs to refuse a stale plan."""

    changes: tuple[Change, ...]
    unmanaged: tuple[Unmanaged, ...]
    strays: tuple[Stray, ...]
    account: Account
    catalog_sha256: str
    catalog_path: str
    fingerprints: dict[str, str] = field(default_factory=dict)
    selection: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """The ``--only`` and ``--exclude`` patterns it was made with, to make it again the same way."""

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, op: str) -> int:
        return sum(1 for c in self.changes if c.op == op)


def make_plan(
    desired: Catalog,
    live: LiveState,
    *,
    catalog_sha256: str,
    catalog_path: str,
    selection: Selection = EVERYTHING,
) -> Plan:
    """Diff the selected resources against the account as its renames and adoptions leave it, order the
    changes (deletes last, in reverse rank) and fingerprint what was read."""
    spared = claimed(desired)
    desired, _ = selection.narrow(desired, live)
    found = find_moves(desired, live)
    _check_moves(found)
    view = rekeyed(live, found.moves)
    desired, seen = selection.narrow(desired, view)
    if not selection.everything and selection.empty(desired, seen):
        raise PlanError(f"the selection ({selection}) matches nothing in the catalog or the account")
    result = diff(desired, seen, account=view)
    changes = tuple(as_changes(result.changes, found.moves, seen))
    changes, kept = _spare(changes, spared)
    _check_references(changes, view)
    _check_refusals(changes)
    if result.conflicts:
        raise PlanError(
            "several live resources share these keys, so none of them can be managed safely: "
            + ", ".join(map(shown_ref, result.conflicts))
            + " (remove or rename the duplicates in the account, then plan again)"
        )
    return Plan(
        changes=tuple(sorted(changes, key=execution_order)),
        unmanaged=result.unmanaged + kept,
        strays=view.strays,
        account=Account(live.vendor_id, live.base_url),
        catalog_sha256=catalog_sha256,
        catalog_path=catalog_path,
        fingerprints=_fingerprints(desired, live, view, changes),
        selection=selection.patterns(),
    )


def _check_moves(found: Moves) -> None:
    if found.refusals:
        raise PlanError(
            "these renames and adoptions cannot be planned: "
            + "; ".join(f"{r.kind} {shown(r.key)}: {r.reason}" for r in found.refusals)
        )


def _spare(changes: tuple[Change, ...], spared: set[str]) -> tuple[tuple[Change, ...], tuple[Unmanaged, ...]]:
    """A previous key is renamed, never deleted (even when a selection leaves its new key out)."""
    kept = tuple(
        Unmanaged(c.kind, c.key, "a previous key in the catalog (renamed when its new key is planned)")
        for c in changes
        if c.op == "delete" and c.ref in spared
    )
    return tuple(c for c in changes if c.op != "delete" or c.ref not in spared), kept


def _check_references(changes: tuple[Change, ...], live: LiveState) -> None:
    """Every key a create or update links to exists in the account or is created by this plan."""
    created = {c.ref for c in changes if c.op == "create"}
    missing = sorted(
        f"{shown_ref(change.ref)} links to {ref.kind}:{shown(ref.key)}"
        for change in changes
        if change.after is not None
        for ref in BY_NAME[change.kind].references(BY_NAME[change.kind].model.live(change.after))
        if live.get(ref.kind, ref.key) is None and f"{ref.kind}:{ref.key}" not in created
    )
    if missing:
        raise PlanError(
            "the plan links to resources that neither exist nor are created (left out by --only/--exclude?): "
            + "; ".join(missing)
        )


def _check_refusals(changes: tuple[Change, ...]) -> None:
    """No change the API is known to refuse is planned: it would fail at apply, or never converge."""
    refused = []
    for change in changes:
        kind = BY_NAME[change.kind]
        op = "update" if change.op in MOVES else change.op  # a move is made by an update call
        reason = None if change.after is None else kind.refusal(op, kind.model.live(change.after))
        if reason:
            refused.append(f"{shown_ref(change.ref)}: {reason}")
    if refused:
        raise PlanError("the API would refuse these changes: " + "; ".join(refused))


def execution_order(change: Change) -> tuple[int, str]:
    rank = BY_NAME[change.kind].rank
    return (len(KINDS) + (len(KINDS) - rank), change.key) if change.op == "delete" else (rank, change.key)


def _fingerprints(
    desired: Catalog, live: LiveState, view: LiveState, changes: tuple[Change, ...]
) -> dict[str, str]:
    """Every live object the plan reads (declared and previous keys, adopted ids) or touches, as read; absent
    ones too. What the moves give a key (``view``) is fingerprinted by id as well."""
    refs = {c.ref for c in changes}
    for change in changes:
        obj = view.get(change.kind, change.key)
        if obj is not None and live.get(change.kind, change.key) is None:
            refs.add(f"{change.kind}@{obj.id}")
    for kind in KINDS:
        section = desired.section(kind.section)
        for key, model in section.items():
            refs |= {f"{kind.name}:{name}" for name in (key, *model.previous_keys)}
        adopted = desired.adopt.for_section(kind.section).items()
        refs |= {f"{kind.name}@{vendor_id}" for key, vendor_id in adopted if key in section}
    return {ref: fingerprint(live.by_ref(ref)) for ref in sorted(refs)}


def check_safety(plan: Plan, safety: Safety, *, force: bool) -> None:
    """Refuse plans above the catalog's thresholds unless forced."""
    deletes, total = plan.count("delete"), len(plan.changes)
    problems = []
    if deletes > safety.max_deletes:
        problems.append(f"{deletes} deletes exceed settings.safety.max_deletes ({safety.max_deletes})")
    if total > safety.max_changes:
        problems.append(f"{total} changes exceed settings.safety.max_changes ({safety.max_changes})")
    if problems and not force:
        raise SafetyError(
            "plan refused: " + "; ".join(problems) + ". Review it, then use --force to proceed."
        )
