"""Carry out a plan: the only stage that writes.

Changes run level by level (creates and updates by rank, then deletes in reverse rank), concurrently
within a level. A change whose prerequisite failed is skipped. A write is never retried blindly: after an
ambiguous failure (no usable answer, 5xx or 429) the resource is re-read by key to learn whether the write
happened, and only when it did not is the write sent again, recomputed from what was read. Once ``stop`` is
set no change starts and no failed write is sent again; a change under way completes the calls it makes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any, Literal

from catalogsync.diff import Change
from catalogsync.errors import ApiError, ClientError, TransportError
from catalogsync.fetch import read_one
from catalogsync.kinds import BY_NAME, AnyKind, WireObject
from catalogsync.live import LiveState
from catalogsync.plan import Plan, execution_order

Status = Literal["applied", "failed", "skipped"]
STATUSES: tuple[Status, ...] = ("applied", "failed", "skipped")
MAX_ATTEMPTS = 5
"""Writes of one change, each sent only after a re-read showed that the one before did not take effect."""
REREADS = 3
"""Tries of the re-read that follows an ambiguous failure (each is a client read, itself retried)."""


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: Status
    detail: str = ""
    vendor_id: str | None = None
    """The id of the resource the change created or touched, where known."""


@dataclass
class ApplyReport:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False

    def with_status(self, status: Status) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(o.status == "applied" for o in self.outcomes)


class Ids:
    """Vendor ids by (kind, key): those read live plus those created during this run."""

    def __init__(self, live: LiveState) -> None:
        self._lock = threading.Lock()
        self._ids = {
            (kind, key): obj.id for kind, objs in live.resources.items() for key, obj in objs.items()
        }
        self._keys = {(kind, vendor_id): key for (kind, key), vendor_id in self._ids.items()}

    def resolve(self, kind: str, key: str) -> str:
        with self._lock:
            return self._ids[(kind, key)]

    def find(self, kind: str, key: str) -> str | None:
        with self._lock:
            return self._ids.get((kind, key))

    def record(self, kind: str, key: str, vendor_id: str) -> None:
        with self._lock:
            self._ids[(kind, key)] = vendor_id
            self._keys[(kind, vendor_id)] = key

    def keys(self) -> dict[tuple[str, str], str]:
        """Keys by (kind, vendor id), for decoding what a re-read returns."""
        with self._lock:
            return dict(self._keys)


def execute(
    plan: Plan,
    live: LiveState,
    client: Any,
    *,
    parallelism: int = 8,
    stop: threading.Event | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> ApplyReport:
    """Apply ``plan`` to the account that ``live`` was read from; never raises for a failed change."""
    stop = stop or threading.Event()
    runner = _Runner(live, client, Ids(live), stop)
    report = ApplyReport()
    done: dict[str, Outcome] = {}
    needs = _prerequisites(plan)
    for _, group in groupby(plan.changes, key=lambda c: execution_order(c)[0]):
        level = list(group)
        with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
            futures = [pool.submit(_guarded, runner, c, _blocker(needs[c.ref], done), stop) for c in level]
            for future in futures:
                outcome = future.result()
                change = outcome.change
                outcome = replace(outcome, vendor_id=runner.ids.find(change.kind, change.key))
                done[change.ref] = outcome
                report.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
    report.interrupted = stop.is_set()
    return report


def _guarded(runner: _Runner, change: Change, blocker: str | None, stop: threading.Event) -> Outcome:
    if stop.is_set():
        return Outcome(change, "skipped", "interrupted before it started")
    if blocker:
        return Outcome(change, "skipped", blocker)
    return runner.run(change)


def _blocker(prerequisites: list[str], done: dict[str, Outcome]) -> str | None:
    """Why a change cannot run: a prerequisite earlier in the plan did not apply."""
    for ref in prerequisites:
        outcome = done.get(ref)
        if outcome is not None and outcome.status != "applied":
            return f"depends on {ref}, which {outcome.status}"
    return None


def _prerequisites(plan: Plan) -> dict[str, list[str]]:
    """The changes each change needs, in plan order, from one pass over the plan.

    A create or update needs the creates of what it links to; a delete needs the updates that drop the links
    to it.
    """
    position = {c.ref: index for index, c in enumerate(plan.changes)}
    creates = {c.ref for c in plan.changes if c.op == "create"}
    deletes = {c.ref for c in plan.changes if c.op == "delete"}
    needs: dict[str, set[str]] = {c.ref: set() for c in plan.changes}
    for change in plan.changes:
        if change.op != "delete":
            needs[change.ref] |= _links(change.kind, change.after) & creates
        if change.op == "update":
            for ref in _links(change.kind, change.before) & deletes:
                needs[ref].add(change.ref)
    return {ref: sorted(refs, key=position.__getitem__) for ref, refs in needs.items()}


def _links(kind: str, data: dict[str, Any] | None) -> set[str]:
    if data is None:
        return set()
    spec = BY_NAME[kind]
    return {f"{r.kind}:{r.key}" for r in spec.references(_model(spec, data))}


def _model(kind: AnyKind, data: dict[str, Any] | None) -> Any:
    return kind.model.live(data or {})


class _Runner:
    """Performs one change with verification after ambiguous failures; once stopped, sends no write again."""

    def __init__(self, live: LiveState, client: Any, ids: Ids, stop: threading.Event) -> None:
        self.live, self.client, self.ids, self.stop = live, client, ids, stop

    def run(self, change: Change) -> Outcome:
        kind = BY_NAME[change.kind]
        current = self.live.get(change.kind, change.key)
        error: ClientError | None = None
        for _ in range(MAX_ATTEMPTS):
            try:
                self._perform(kind, change, current)
                return Outcome(change, "applied")
            except ClientError as failure:
                if not _ambiguous(failure):
                    return Outcome(change, "failed", str(failure))
                error = failure
            try:
                found = self._reread(kind, change.key)
            except ClientError as failure:
                return Outcome(change, "failed", f"{error}; then could not re-read it: {failure}")
            verdict = self._settled(kind, change, found)
            if verdict is not None:
                return verdict
            if self.stop.is_set():
                detail = f"{error}; a re-read shows it did not happen; not sent again: apply was stopped"
                return Outcome(change, "failed", detail)
            current = found[0] if found else None
        return Outcome(change, "failed", f"{error} (gave up after {MAX_ATTEMPTS} attempts)")

    def _reread(self, kind: AnyKind, key: str) -> list[WireObject[Any]]:
        """The live resources with this key; a read without a usable answer is tried again."""
        attempt = 1
        while True:
            try:
                return read_one(self.client, kind, key, self.ids.keys())
            except ClientError as failure:
                if attempt >= REREADS or not _ambiguous(failure):
                    raise
            attempt += 1

    def _perform(self, kind: AnyKind, change: Change, current: WireObject[Any] | None) -> None:
        resource = kind.resource(self.client)
        if change.op == "delete":
            if current is not None:
                resource.delete(**kind.delete_params(current))
            return
        model = _model(kind, change.after)
        if current is None:
            answer = resource.create(**kind.create_params(change.key, model, self.ids.resolve))
            self.ids.record(change.kind, change.key, _new_id(kind, answer))
            return
        for params in kind.update_requests(change.key, model, current, self.ids.resolve):
            resource.update(**params)

    def _settled(self, kind: AnyKind, change: Change, found: list[WireObject[Any]]) -> Outcome | None:
        """The outcome when the re-read shows the change took effect (or cannot be retried); else None."""
        if len(found) > 1:
            ids = ", ".join(obj.id for obj in found)
            return Outcome(change, "failed", f"several live resources now have this key (ids {ids})")
        if change.op == "delete":
            return Outcome(change, "applied", "confirmed by re-reading") if not found else None
        if not found:
            if change.op == "update":
                return Outcome(change, "failed", "the resource disappeared from the account during apply")
            return None
        obj = found[0]
        if change.op == "create":
            self.ids.record(change.kind, change.key, obj.id)
        if kind.merge(_model(kind, change.after), obj.model) == obj.model:
            return Outcome(change, "applied", "confirmed by re-reading")
        return None


def _new_id(kind: AnyKind, answer: Any) -> str:
    """The id a create answered; without one it is unknown whether the create happened (ambiguous)."""
    value = answer.get(kind.id_param) if isinstance(answer, dict) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        problem = f"the answer has no usable {kind.id_param} ({value!r})"
        raise TransportError(problem, method=f"products/create_{kind.name}", status=200)
    return str(value)


def _ambiguous(error: ClientError) -> bool:
    """No usable answer, a server error or rate limiting: the write may or may not have happened."""
    if isinstance(error, ApiError):
        return error.status >= 500 or error.status == 429
    return True
