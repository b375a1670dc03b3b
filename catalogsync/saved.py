"""Saved plans (``plan --out``): written whole, read strictly, and verified, never trusted.

A saved plan is what a reviewer approved; the file travels between CI jobs and people and may have been
edited. ``apply PLAN`` therefore re-reads the account, makes the plan again from the catalog (whose bytes
must hash to the recorded value) with the recorded selection, and applies only when the fresh plan is the
saved one: same account, same fingerprints of what it read, the same changes in the same order with the same
before- and after-states and the same displayed fields. A file that is not exactly the format ``save_plan``
writes (:class:`SavedPlan`: every member present, of its type, and nothing else), or whose changes are not of
known kinds and operations, is refused in one line before anything is read.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated, Any, cast

from pydantic import BaseModel, ConfigDict, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError

from catalogsync.catalogfile.sources import is_saved_plan
from catalogsync.diff import MOVES, Change, FieldChange, Op, Unmanaged, field_changes, fields_text
from catalogsync.errors import PlanError
from catalogsync.kinds import BY_NAME, WireObject
from catalogsync.live import Listed, LiveState, Stray, fingerprint
from catalogsync.moves import moves_of, rekeyed
from catalogsync.outputs import write_whole, written_at
from catalogsync.plan import Account, Plan
from catalogsync.shown import cut, printable, shown, shown_ref

SAVED_FORMAT = 4
"""Version 2 records the catalog's path relative to the plan's folder, and the selection; version 3 renames
and adoptions (a change's ``source``); version 4 fingerprints digest each model's JSON in field order."""
OPS = ("create", "update", "delete", *MOVES)
STATES = {"create": (False, True), "update": (True, True), "delete": (True, False)} | {
    op: (True, True) for op in MOVES
}
"""Whether each operation has a before- and an after-state."""
SHOWN_INPUT = 60
"""How much of a wrong value a message quotes."""


class Saved(BaseModel):
    """A part of the saved format: each member of exactly its JSON type, required unless noted, no other."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SavedAccount(Saved):
    vendor_id: str
    base_url: str


class SavedFieldChange(Saved):
    path: str
    old: Any
    new: Any


class SavedChange(Saved):
    """A change as written; its operation, kind, key, states and source are checked by :func:`_change`. What
    a change may lack, it may lack in the file too (a delete written by hand has no after-state)."""

    op: str
    kind: str
    key: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    fields: list[SavedFieldChange] = []
    source: str | None = None


class SavedUnmanaged(Saved):
    kind: str
    key: str
    reason: str


class SavedStray(Saved):
    kind: str
    id: str
    label: str
    reason: str
    links: list[str] = []


def _two_lists(value: Any, handler: ValidatorFunctionWrapHandler) -> list[list[str]]:
    """The selection: its ``--only`` and its ``--exclude`` patterns."""
    try:
        lists: list[list[str]] = handler(value)
    except ValidationError:
        lists = []
    if len(lists) != 2:
        raise PydanticCustomError("selection", "expected two lists of text")
    return lists


class SavedPlan(Saved):
    """The whole file, as :func:`save_plan` writes it."""

    format_version: int
    """Checked first, with a message of its own (see :func:`saved_plan`)."""
    account: SavedAccount
    catalog_path: str
    catalog_sha256: str
    changes: list[SavedChange]
    fingerprints: dict[str, str]
    selection: Annotated[list[list[str]], WrapValidator(_two_lists)]
    strays: list[SavedStray]
    unmanaged: list[SavedUnmanaged]


def save_plan(plan: Plan, path: str | Path) -> None:
    """Write the plan; its catalog path is recorded relative to the plan's folder."""
    folder = Path(path).resolve().parent
    relative = os.path.relpath(Path(plan.catalog_path).resolve(), folder)
    strays = [{name: value for name, value in asdict(s).items() if name != "obj"} for s in plan.strays]
    body = {**asdict(replace(plan, strays=())), "strays": strays, "catalog_path": relative}
    data = {"format_version": SAVED_FORMAT, **dict(sorted(body.items()))}  # the version first: see saved_plan
    write_whole(str(path), json.dumps(data, indent=2) + "\n")


def saved_plan(path: str | Path) -> Plan | None:
    """The plan saved in ``path``, or None when the file is not a saved plan (a catalog is YAML).

    A JSON object with a ``format_version`` that is not a well-formed plan is refused with one line naming
    what is wrong, and so is a ``.json`` file that is no plan at all (an empty or cut-short artifact must not
    apply as an empty catalog); the catalog path it holds is resolved against the plan's folder.
    """
    if not os.path.isfile(path):  # a folder is a catalog; a pipe would block: the catalog reader says so
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    data = _parsed(path, text)
    if not isinstance(data, dict) or "format_version" not in data:
        if Path(path).suffix.lower() == ".json":
            raise PlanError(
                f"{path}: a damaged plan file (empty, cut short, or not a saved plan): plan again"
            )
        return None
    if "summary" in data and "fingerprints" not in data:  # what plan --format json or apply --report write
        made_by = "apply --report" if "outcomes" in data else "plan --format json"
        raise PlanError(
            f"{path}: the output of '{made_by}', for programs, not a saved plan: save one with 'plan --out'"
        )
    version = data["format_version"]
    if type(version) is not int or version != SAVED_FORMAT:  # 4.0 == 4, and True is an int
        raise PlanError(f"{path}: a plan of format_version {_short(version)}, not {SAVED_FORMAT}: plan again")
    try:
        plan = _plan(SavedPlan.model_validate(data))
    except ValidationError as error:
        reason = _problem(error)
    except ValueError as error:
        reason = str(error)
    else:
        return replace(plan, catalog_path=str(written_at(path).parent / plan.catalog_path))
    raise PlanError(f"{path}: not a readable catalogsync plan: {printable(reason)}")


def _parsed(path: str | Path, text: str) -> Any:
    """The JSON of a file, or None when it is not JSON (a catalog); a plan cut short or garbled is refused
    (Python's own advice on an int of more than 4300 digits is not shown)."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        if is_saved_plan(text.encode()) or Path(path).suffix.lower() == ".json":
            located = isinstance(error, json.JSONDecodeError)
            why = error if located else "nested too deeply, or a number too long"
            raise PlanError(f"{path}: a damaged plan file, not valid JSON ({why}): plan again") from None
        return None


def _plan(saved: SavedPlan) -> Plan:
    only, exclude = saved.selection
    return Plan(
        changes=tuple(_change(index, c) for index, c in enumerate(saved.changes, 1)),
        unmanaged=tuple(Unmanaged(**dict(u)) for u in saved.unmanaged),
        strays=tuple(Stray(**{**dict(s), "links": tuple(s.links)}) for s in saved.strays),
        account=Account(**dict(saved.account)),
        catalog_sha256=saved.catalog_sha256,
        catalog_path=saved.catalog_path,
        fingerprints=dict(saved.fingerprints),
        selection=(tuple(only), tuple(exclude)),
    )


def _change(index: int, saved: SavedChange) -> Change:
    """One change, checked: a known operation and kind, and states that are states of that kind."""
    where, op, kind, key = f"change {index}", saved.op, saved.kind, saved.key
    if op not in OPS:
        raise ValueError(f"{where} has the unknown op {op!r} (one of {', '.join(OPS)})")
    if kind not in BY_NAME:
        raise ValueError(f"{where} has the unknown kind {kind!r} (one of {', '.join(BY_NAME)})")
    if not key:
        raise ValueError(f"{where} has no key")
    what = f"{where} ({op} {kind} {shown(key)})"
    for name, state, wanted in (
        ("before", saved.before, STATES[op][0]),
        ("after", saved.after, STATES[op][1]),
    ):
        if wanted != (state is not None):
            raise ValueError(f"{what} {'needs' if wanted else 'takes no'} {name}")
        if state is not None:
            try:
                model = BY_NAME[kind].model.live(state)
            except ValidationError as error:
                raise ValueError(f"{what} {_problem(error, name)}") from None
            _as_written(what, name, state, model.model_dump(mode="json", exclude_unset=True))
    if (op in MOVES) != (saved.source is not None) or saved.source == "":
        raise ValueError(f"{what} {'needs' if op in MOVES else 'takes no'} source")
    fields = tuple(FieldChange(**dict(f)) for f in saved.fields)
    return Change(cast(Op, op), kind, key, saved.before, saved.after, fields, saved.source)


def _as_written(what: str, name: str, state: dict[str, Any], written: dict[str, Any]) -> None:
    """A state is refused unless it is exactly what :func:`save_plan` writes for it: pydantic takes ``2.0``
    for the whole number ``2`` and ``1`` for ``true``, which no saved plan holds."""
    for field in sorted(set(state) | set(written)):
        mine, theirs = state.get(field), written.get(field)
        if json.dumps(mine, sort_keys=True) != json.dumps(theirs, sort_keys=True):
            raise ValueError(f"{what} {name}.{field}: not as a saved plan writes it (got {_short(mine)})")


def _problem(error: ValidationError, *within: str) -> str:
    """The first problem pydantic found: where (dotted, below ``within``), what, and the value found there."""
    problem = error.errors(include_url=False)[0]
    at = ".".join([*within, *(str(part) for part in problem["loc"])])
    what = "Input should be a valid dictionary" if problem["type"] == "model_type" else problem["msg"]
    what = cut(printable(what), 2 * SHOWN_INPUT)  # a kind's own message may quote the value whole
    found = "" if problem["type"] == "missing" else f" (got {_short(problem['input'])})"
    return f"{at}: {what}{found}" if at else f"{what}{found}"


def _short(value: Any) -> str:
    """A value read from the file, as JSON on one line, cut short."""
    try:
        text = printable(json.dumps(value, ensure_ascii=False, default=repr))
    except (ValueError, RecursionError):  # too deep, or an int of more digits than Python converts
        text = "..."
    return cut(text, SHOWN_INPUT)


def stale_reasons(plan: Plan, live: LiveState) -> list[str]:
    """Why a saved plan no longer applies to the account read now: another account, or changed objects.

    That the catalog is the one the plan was made from is checked before the catalog is read at all."""
    reasons = []
    here = Account(live.vendor_id, live.base_url)
    if plan.account != here:
        reasons.append(
            f"the plan is for vendor {plan.account.vendor_id} at {plan.account.base_url},"
            f" not vendor {here.vendor_id} at {here.base_url}"
        )
    view = rekeyed(live, moves_of(plan.changes))  # as the plan's before-states see the account
    before = {c.ref: c.before for c in plan.changes if c.op in ("update", "delete") and c.before is not None}
    changed = [
        shown_ref(ref) + _how(fp, live.by_ref(ref), before.get(ref), view.by_ref(ref))
        for ref, fp in plan.fingerprints.items()
        if fingerprint(live.by_ref(ref)) != fp
    ]
    if changed:
        shown = ", ".join(changed[:20]) + (f" and {len(changed) - 20} more" if len(changed) > 20 else "")
        reasons.append(f"changed in the account since the plan was made: {shown}")
    return reasons


def _how(
    planned: str, now: WireObject[Any] | None, before: dict[str, Any] | None, seen: WireObject[Any] | None
) -> str:
    """How a fingerprinted object changed, as far as the plan can tell: it came or went, or the fields that
    differ from the before-state of its update or delete (of the others the plan holds only a digest; one
    read from its list item only has no fields to compare)."""
    if planned == "absent":
        return " (created since)"
    if now is None:
        return " (deleted since, or given another key)"
    now_state = None if seen is None or isinstance(seen, Listed) else seen.model.model_dump(mode="json")
    if before is None or now_state is None or set(before) != set(now_state):  # a plan file cut by hand
        return ""
    fields = field_changes(before, now_state)
    return f" ({fields_text(fields)})" if fields else ""


def first_difference(saved: Plan, fresh: Plan) -> str | None:
    """What the saved plan claims that a fresh plan of the same catalog and account does not, or None."""
    if saved.selection != fresh.selection:
        return "its selection is not the one recorded"
    if saved.fingerprints != fresh.fingerprints:
        missing = sorted(set(fresh.fingerprints) - set(saved.fingerprints))
        extra = sorted(set(saved.fingerprints) - set(fresh.fingerprints))
        if missing:
            shown = ", ".join(missing[:5])
            return f"it does not fingerprint {shown}, which a fresh plan of its catalog and selection does"
        if extra:
            shown = ", ".join(extra[:5])
            return f"it fingerprints {shown}, which a fresh plan of its catalog and selection does not"
        return "its fingerprints are not those of the account as read now"
    for index, (claimed, planned) in enumerate(zip(saved.changes, fresh.changes, strict=False), 1):
        if claimed != planned:
            planned_text = planned.label + _detail(claimed, planned)
            return f"change {index} ({claimed.label}) is not what the catalog plans ({planned_text})"
    if len(saved.changes) != len(fresh.changes):
        added = saved.changes[len(fresh.changes) :]
        if added:
            return f"change {len(fresh.changes) + 1} ({added[0].label}) is not in a fresh plan of the catalog"
        return f"it lacks change {len(saved.changes) + 1} ({fresh.changes[len(saved.changes)].label})"
    return None


def _detail(claimed: Change, planned: Change) -> str:
    """Which part of a change differs: its after-state (the first field), its before-state, or its display."""
    if claimed.as_tuple() != planned.as_tuple():
        return ""
    if claimed.source != planned.source:
        return f"; it moves {planned.source}, not {claimed.source}"
    for name in ("after", "before"):
        mine, theirs = getattr(claimed, name) or {}, getattr(planned, name) or {}
        for field in sorted(set(mine) | set(theirs)):
            if mine.get(field) != theirs.get(field):
                return f"; {name}.{field} differs"
    return "; its displayed fields differ"
