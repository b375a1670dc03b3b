"""Saved plans (``plan --out``): written whole, read strictly, and verified, never trusted.

A saved plan is what a reviewer approved; the file travels between CI jobs and people and may have been
edited. ``apply PLAN`` therefore re-reads the account, makes the plan again from the catalog (whose bytes
must hash to the recorded value) with the recorded selection, and applies only when the fresh plan is the
saved one: same account, same fingerprints of what it read, the same changes in the same order with the same
before- and after-states and the same displayed fields. A file that does not parse into known kinds and
operations is refused before anything is read.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalogsync.catalogfile.sources import is_saved_plan
from catalogsync.diff import MOVES, Change, FieldChange, Unmanaged
from catalogsync.errors import PlanError
from catalogsync.kinds import BY_NAME
from catalogsync.live import LiveState, Stray, fingerprint
from catalogsync.outputs import write_whole
from catalogsync.plan import Account, Plan

SAVED_FORMAT = 4
"""Version 2 records the catalog's path relative to the plan's folder, and the selection; version 3 renames
and adoptions (a change's ``source``); version 4 fingerprints digest each model's JSON in field order."""
OPS = ("create", "update", "delete", *MOVES)
STATES = {"create": (False, True), "update": (True, True), "delete": (True, False)} | {
    op: (True, True) for op in MOVES
}
"""Whether each operation has a before- and an after-state."""


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
    if data["format_version"] != SAVED_FORMAT:
        raise PlanError(
            f"{path}: a plan of format_version {data['format_version']!r}, not {SAVED_FORMAT}: plan again"
        )
    try:
        plan = _plan(data)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise PlanError(f"{path}: not a readable catalogsync plan: {_reason(error)}") from None
    return replace(plan, catalog_path=str(Path(path).parent / plan.catalog_path))


def _parsed(path: str | Path, text: str) -> Any:
    """The JSON of a file, or None when it is not JSON (a catalog); a plan cut short or garbled is refused."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        if is_saved_plan(text.encode()) or Path(path).suffix.lower() == ".json":
            where = f" ({error})" if isinstance(error, ValueError) else ""
            raise PlanError(f"{path}: a damaged plan file, not valid JSON{where}: plan again") from None
        return None


def _plan(data: dict[str, Any]) -> Plan:
    changes = data["changes"]
    if not isinstance(changes, list):
        raise ValueError("changes is not a list")
    selection = data["selection"]
    return Plan(
        changes=tuple(_change(index, c) for index, c in enumerate(changes, 1)),
        unmanaged=tuple(Unmanaged(**u) for u in data["unmanaged"]),
        strays=tuple(Stray(**{**s, "links": tuple(s.get("links", ()))}) for s in data["strays"]),
        account=Account(**data["account"]),
        catalog_sha256=_text(data["catalog_sha256"], "catalog_sha256"),
        catalog_path=_text(data["catalog_path"], "catalog_path"),
        fingerprints={
            _text(k, "fingerprints"): _text(v, "fingerprints") for k, v in data["fingerprints"].items()
        },
        selection=(tuple(map(str, selection[0])), tuple(map(str, selection[1]))),
    )


def _change(index: int, data: Any) -> Change:
    """One change, checked: a known operation and kind, and states that are states of that kind."""
    where = f"change {index}"
    if not isinstance(data, dict):
        raise ValueError(f"{where} is not an object")
    op, kind, key = data.get("op"), data.get("kind"), data.get("key")
    if op not in OPS:
        raise ValueError(f"{where} has the unknown op {op!r} (one of {', '.join(OPS)})")
    if kind not in BY_NAME:
        raise ValueError(f"{where} has the unknown kind {kind!r} (one of {', '.join(BY_NAME)})")
    if not isinstance(key, str) or not key:
        raise ValueError(f"{where} has no key")
    before, after = data.get("before"), data.get("after")
    for name, state, wanted in (("before", before, STATES[op][0]), ("after", after, STATES[op][1])):
        if wanted != (state is not None):
            raise ValueError(f"{where} ({op} {kind} {key}) {'needs' if wanted else 'takes no'} {name}")
        if state is not None:
            try:
                BY_NAME[kind].model.live(state)
            except ValidationError as error:
                problem = error.errors()[0]
                at = ".".join(str(part) for part in problem["loc"])
                raise ValueError(f"{where} ({op} {kind} {key}) {name}.{at}: {problem['msg']}") from None
    source = data.get("source")
    if (op in MOVES) != (isinstance(source, str) and bool(source)):
        raise ValueError(f"{where} ({op} {kind} {key}) {'needs' if op in MOVES else 'takes no'} source")
    fields = tuple(FieldChange(**f) for f in data.get("fields", ()))
    return Change(op, kind, key, before, after, fields, source)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} holds {type(value).__name__}, not text")
    return value


def _reason(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"{error.args[0]} is missing"
    return str(error)


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
    changed = [ref for ref, fp in plan.fingerprints.items() if fingerprint(live.by_ref(ref)) != fp]
    if changed:
        shown = ", ".join(changed[:20]) + (f" and {len(changed) - 20} more" if len(changed) > 20 else "")
        reasons.append(f"changed in the account since the plan was made: {shown}")
    return reasons


def first_difference(saved: Plan, fresh: Plan) -> str | None:
    """What the saved plan claims that a fresh plan of the same catalog and account does not, or None."""
    if saved.selection != fresh.selection:
        return "its selection is not the one recorded"
    if saved.fingerprints != fresh.fingerprints:
        missing = sorted(set(fresh.fingerprints) - set(saved.fingerprints))
        extra = sorted(set(saved.fingerprints) - set(fresh.fingerprints))
        if missing:
            return f"it does not fingerprint {', '.join(missing[:5])}, which the catalog declares"
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
