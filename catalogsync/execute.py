"""Carry out a plan: the only stage that writes.

Changes run level by level (creates and updates by rank, then deletes in reverse rank), concurrently
within a level. A change whose prerequisite failed is skipped. An update first reads its resource (one
``detail_*`` call by id) and is refused when the account changed since the plan read it: it never overwrites
another writer's change. A write is never retried blindly: after an ambiguous failure (no usable answer, 5xx
or 429) the resource is re-read by key to learn whether the write happened, once the request can no longer be
in flight (the client's timeout after a failure without an answer), and only when two re-reads in a row
agree that it did not is the write sent again, recomputed from what was read. Once ``stop`` is set no change
starts and no failed write is sent again; a change under way completes the calls it makes. Once
:data:`GIVE_UP_AFTER` changes in a row failed without any answer from the server, it is taken to have stopped
answering: no change starts and none sends anything more.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import groupby
from typing import Any, Literal, TypeVar

from catalogsync.breaker import Breaker, request_deadline, unanswered
from catalogsync.diff import MOVES, Change, field_changes, fields_text
from catalogsync.errors import ApiError, ClientError, TransportError
from catalogsync.fetch import read_by_id, read_one
from catalogsync.kinds import BY_NAME, AnyKind, WireObject
from catalogsync.live import LiveState
from catalogsync.moves import moves_of, origin, rekeyed
from catalogsync.plan import Plan, execution_order

T = TypeVar("T")
Status = Literal["applied", "failed", "skipped"]
STATUSES: tuple[Status, ...] = ("applied", "failed", "skipped")
MAX_ATTEMPTS = 5
"""Writes of one change, each sent only after re-reads showed that the one before did not take effect."""
REREADS = 3
"""Tries of one re-read whose answer was unusable (each is a client read, itself retried); one that got no
answer at all (a timeout, a dropped connection) is not tried again: the client already retried it."""
AGREEING_READS = 2
"""Re-reads in a row that must show the same account before a write is sent again; at most
:data:`MAX_REREADS` are made to find them."""
MAX_REREADS = 4
SETTLE = (
    "delete the extra ones in the admin pages, or give them keys of their own to adopt them; then plan again"
)


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: Status
    detail: str = ""
    vendor_id: str | None = None
    """The id of the resource the change created or touched, where known."""
    cause: ClientError | None = field(default=None, compare=False, repr=False)
    """The client error that decided a failure, where there is one."""


@dataclass
class ApplyReport:
    outcomes: list[Outcome] = field(default_factory=list)
    interrupted: bool = False
    gave_up: str | None = None
    """Why apply stopped starting changes because the server stopped answering (None: it did not)."""
    duplicates: list[str] = field(default_factory=list)
    """Keys found held by several live resources during the apply: the ids, and how to settle it."""

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
    on_write: Callable[[], None] | None = None,
) -> ApplyReport:
    """Apply ``plan`` to the account that ``live`` was read from; never raises for a failed change.

    ``on_write`` is called just before each write is sent (apply journals the writes in flight with it).
    Renames and adoptions run as updates of the account as they leave it (:func:`catalogsync.moves.rekeyed`).
    """
    stop = stop or threading.Event()
    moves = moves_of(plan.changes)
    view = rekeyed(live, moves)
    runner = _Runner(view, client, Ids(view), stop)
    runner.origins = {m.ref: obj for m in moves if (obj := origin(live, m)) is not None}
    runner.on_write = on_write or (lambda: None)
    report = ApplyReport()
    done: dict[str, Outcome] = {}
    needs = _prerequisites(plan)
    for _, group in groupby(plan.changes, key=lambda c: execution_order(c)[0]):
        level = list(group)
        with ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="apply") as pool:
            futures = [pool.submit(_guarded, runner, c, _blocker(needs[c.ref], done)) for c in level]
            for future in futures:
                outcome = future.result()
                change = outcome.change
                outcome = replace(outcome, vendor_id=runner.ids.find(change.kind, change.key))
                done[change.ref] = outcome
                report.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
    report.interrupted = stop.is_set()
    report.gave_up = runner.breaker.reason
    report.duplicates = runner.duplicates()
    return report


def _guarded(runner: _Runner, change: Change, blocker: str | None) -> Outcome:
    if runner.stop.is_set():
        return Outcome(change, "skipped", "interrupted before it started")
    if runner.breaker.reason:
        return Outcome(change, "skipped", runner.breaker.reason)
    if blocker:
        return Outcome(change, "skipped", blocker)
    outcome = runner.run(change)
    runner.breaker.record(outcome.status, outcome.cause)
    return outcome


def _blocker(prerequisites: list[str], done: dict[str, Outcome]) -> str | None:
    """Why a change cannot run: a prerequisite earlier in the plan did not apply."""
    for ref in prerequisites:
        outcome = done.get(ref)
        if outcome is not None and outcome.status != "applied":
            return f"depends on {ref}, which {outcome.status}"
    return None


def _prerequisites(plan: Plan) -> dict[str, list[str]]:
    """The changes each change needs, in plan order, from one pass over the plan.

    A create, update or move needs the creates and moves of what it links to (a link to a renamed resource
    reads its new key only once it is renamed); a delete needs the updates that drop the links to it.
    """
    position = {c.ref: index for index, c in enumerate(plan.changes)}
    creates = {c.ref for c in plan.changes if c.op in ("create", *MOVES)}
    deletes = {c.ref for c in plan.changes if c.op == "delete"}
    needs: dict[str, set[str]] = {c.ref: set() for c in plan.changes}
    for change in plan.changes:
        if change.op != "delete":
            needs[change.ref] |= _links(change.kind, change.after) & creates
        if change.op in ("update", *MOVES):
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
        self.deadline = request_deadline(client)
        self.breaker = Breaker()
        self._lock = threading.Lock()
        self._duplicates: dict[str, str] = {}
        self.on_write: Callable[[], None] = lambda: None
        self.origins: dict[str, WireObject[Any]] = {}
        """Moved resources as read, by their change's ref: what the account holds until the move is made."""

    def duplicates(self) -> list[str]:
        with self._lock:
            return [self._duplicates[ref] for ref in sorted(self._duplicates)]

    def run(self, change: Change) -> Outcome:
        kind = BY_NAME[change.kind]
        current = self.live.get(change.kind, change.key)
        if change.op in ("update", *MOVES) and current is not None:
            fresh = self._unchanged(kind, change, current)
            if isinstance(fresh, Outcome):
                return fresh
            current = fresh
        error: ClientError | None = None
        for _ in range(MAX_ATTEMPTS):
            try:
                self._perform(kind, change, current)
                return Outcome(change, "applied")
            except ClientError as failure:
                if not _ambiguous(failure):
                    return Outcome(change, "failed", str(failure), cause=failure)
                error = failure
            found = self._verify(kind, change, error)
            if isinstance(found, Outcome):
                return found
            current = found[0] if found else None
        return Outcome(change, "failed", f"{error} (gave up after {MAX_ATTEMPTS} attempts)", cause=error)

    def _unchanged(
        self, kind: AnyKind, change: Change, planned: WireObject[Any]
    ) -> WireObject[Any] | Outcome:
        """The resource as it is now (one detail read, by id) when it is still as the plan read it; else the
        outcome: refused when it changed meanwhile, applied when it is already as intended."""
        try:
            found = read_by_id(self.client, kind, planned.id, self.ids.keys())
        except ClientError as failure:
            return Outcome(change, "failed", f"could not read it before updating: {failure}", cause=failure)
        if found is None:
            return Outcome(change, "failed", "deleted from the account since the plan was read; plan again")
        expected = self.origins[change.ref].key if change.ref in self.origins else change.key
        if found.key != expected:
            return _changed(change, f"{kind.key_label}: {expected or '(none)'} -> {found.key or '(none)'}")
        if found.model == _model(kind, change.before):
            return found
        if change.op == "update" and found.model == _model(kind, change.after):
            return Outcome(change, "applied", "already so in the account (changed since the plan was read)")
        return _changed(
            change, fields_text(field_changes(change.before or {}, found.model.model_dump(mode="json")))
        )

    def _verify(self, kind: AnyKind, change: Change, error: ClientError) -> list[WireObject[Any]] | Outcome:
        """After an ambiguous failure: the outcome when re-reads settle it, else what the account holds.

        The first re-read waits until the request can no longer be in flight; a write is sent again only
        when :data:`AGREEING_READS` re-reads in a row show the same account without it.
        """
        in_flight = _maybe_in_flight(error)
        settled = self._pause(self.deadline if in_flight else 0.0)
        previous: list[WireObject[Any]] | None = None
        for _ in range(MAX_REREADS):
            if self.breaker.reason:
                detail = f"{error}; not re-read: {self.breaker.reason.removeprefix('not started: ')}"
                return Outcome(change, "failed", detail, cause=error)
            try:
                found = self._reread(kind, change)
            except ClientError as failure:
                detail = f"{error}; then could not re-read it: {failure}"
                return Outcome(change, "failed", detail, cause=failure)
            verdict = self._settled(kind, change, found)
            if verdict is not None:
                return verdict
            if self.stop.is_set():
                detail = f"{error}; {_not_found(settled)}; not sent again: apply was stopped"
                return Outcome(change, "failed", detail, cause=error)
            if previous == found:
                return found
            previous = found
            self._pause(self.deadline / AGREEING_READS if in_flight else 0.0)
        detail = f"{error}; the account kept changing while it was re-read, so it was not sent again"
        return Outcome(change, "failed", detail, cause=error)

    def _pause(self, seconds: float) -> bool:
        """Wait, cut short once apply is stopped or the server stopped answering; whether it waited it all."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            if self.stop.is_set() or self.breaker.reason:
                return False
            self.stop.wait(min(left, 0.05))
        return True

    def _reread(self, kind: AnyKind, change: Change) -> list[WireObject[Any]]:
        """The live resources with the change's key; a move not made yet is found by id, under its old key."""
        found = self._read(lambda: read_one(self.client, kind, change.key, self.ids.keys()))
        moved = self.origins.get(change.ref)
        if found or moved is None:
            return found
        before = self._read(lambda: read_by_id(self.client, kind, moved.id, self.ids.keys()))
        return [] if before is None else [before]

    def _read(self, read: Callable[[], T]) -> T:
        """``read()``; one whose answer was unusable (a 5xx, a 429, a bad body) is tried again. One without
        any answer is not: asking a server that does not answer again costs the client's timeouts again."""
        attempt = 1
        while True:
            try:
                return read()
            except ClientError as failure:
                unusable = _ambiguous(failure) and not unanswered(failure)
                if attempt >= REREADS or not unusable or not getattr(failure, "transient", True):
                    raise
            attempt += 1

    def _perform(self, kind: AnyKind, change: Change, current: WireObject[Any] | None) -> None:
        resource = kind.resource(self.client)
        if change.op == "delete":
            if current is not None:
                self.on_write()
                resource.delete(**kind.delete_params(current))
            return
        model = _model(kind, change.after)
        if current is None:
            self.on_write()
            answer = resource.create(**kind.create_params(change.key, model, self.ids.resolve))
            self.ids.record(change.kind, change.key, _new_id(kind, answer))
            return
        for params in kind.update_requests(change.key, model, current, self.ids.resolve):
            self.on_write()
            resource.update(**params)
        if change.op == "rename" and kind.id_param == kind.key_param:  # a coupon's id is its code
            self.ids.record(change.kind, change.key, change.key)

    def _settled(self, kind: AnyKind, change: Change, found: list[WireObject[Any]]) -> Outcome | None:
        """The outcome when the re-read shows the change took effect (or cannot be retried); else None."""
        if len(found) > 1:
            ids = ", ".join(obj.id for obj in found)
            with self._lock:
                self._duplicates[change.ref] = f"{change.kind} {change.key} is held by ids {ids}: {SETTLE}"
            return Outcome(
                change, "failed", f"several live resources now have this key (ids {ids}): {SETTLE}"
            )
        if change.op == "delete":
            return Outcome(change, "applied", "confirmed by re-reading") if not found else None
        if not found:
            if change.op != "create":
                return Outcome(change, "failed", "the resource disappeared from the account during apply")
            return None
        obj = found[0]
        if change.op == "create":
            self.ids.record(change.kind, change.key, obj.id)
        if obj.key == change.key and kind.matches(_model(kind, change.after), obj.model):
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
    """No usable answer, a server error or rate limiting: the write may or may not have happened.

    A request that could not even connect (``unreachable``) certainly did not happen: it is not ambiguous.
    """
    if isinstance(error, ApiError):
        return error.status >= 500 or error.status == 429
    return not (isinstance(error, TransportError) and error.unreachable)


def _maybe_in_flight(error: ClientError) -> bool:
    """Whether the server may still be working on the request: no answer at all, or a gateway gave up."""
    status = getattr(error, "status", None)
    return (isinstance(error, TransportError) and status is None) or status in (502, 504)


def _not_found(settled: bool) -> str:
    """What a re-read that found no trace of the write shows: that it did not happen once the request can no
    longer be in flight (``settled``); before then (apply stopped the wait), only that it is not there yet."""
    if settled:
        return "a re-read shows it did not happen"
    return "a re-read found nothing yet, but it may still be under way at the server (plan again to see)"


def _changed(change: Change, shown: str) -> Outcome:
    return Outcome(change, "failed", f"changed in the account since the plan was read ({shown}); plan again")
