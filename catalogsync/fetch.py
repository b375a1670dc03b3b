"""Read the live account into a LiveState: list calls at pagesize 100, detail calls only where needed.

Every item is checked here, at the boundary: an answer that cannot be read (a wrong type, a missing member,
an item listed twice) raises :class:`TransportError` naming the method, the item and the member, before
anything is planned or written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from catalogsync.errors import ApiError, TransportError
from catalogsync.kinds import KINDS, AnyKind, WireObject
from catalogsync.kinds.base import KeyIndex
from catalogsync.kinds.decode import explain
from catalogsync.live import LiveState, Stray

T = TypeVar("T")
Item = Mapping[str, Any]
Sourced = tuple[str, Any]
"""A wire item and the method that answered it (an item is only known to be an object once checked)."""


def fetch(client: Any, *, base_url: str) -> LiveState:
    """Read every kind concurrently; coupon links are resolved to product codes once products are known."""
    workers = max(1, int(getattr(client, "parallelism", 8)))
    with (
        ThreadPoolExecutor(max_workers=len(KINDS) + 1, thread_name_prefix="fetch") as readers,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="detail") as details,
    ):
        vendor = readers.submit(lambda: str(client.vendor_id))
        items = {kind.name: readers.submit(_read_kind, client, kind, details) for kind in KINDS}
        raw = {name: future.result() for name, future in items.items()}
    resources: dict[str, dict[str, WireObject[Any]]] = {}
    strays: list[Stray] = []
    keys: dict[tuple[str, str], str] = {}
    for kind in KINDS:  # in rank order: what a resource links to is decoded before it
        objs, unkeyed = decode_all(kind, raw[kind.name], keys)
        resources[kind.name], duplicates = by_key(kind, objs)
        strays += unkeyed + duplicates
        keys.update({(kind.name, obj.id): obj.key for obj in objs})
    return LiveState(vendor_id=vendor.result(), base_url=base_url, resources=resources, strays=tuple(strays))


def _read_kind(client: Any, kind: AnyKind, pool: ThreadPoolExecutor) -> list[Sourced]:
    resource = kind.resource(client)
    listed = [(method_of(kind, "list"), item) for item in resource.list_all()]
    return complete(resource, kind, listed, pool.submit, getattr(client, "expect", lambda requests: None))


def method_of(kind: AnyKind, verb: str) -> str:
    """The API method of a verb: ``list`` reads ``list_<section>``, ``detail`` reads ``detail_<name>``."""
    return f"products/list_{kind.section}" if verb == "list" else f"products/detail_{kind.name}"


def complete(
    resource: Any,
    kind: AnyKind,
    listed: Iterable[Sourced],
    submit: Callable[..., Future[Any]],
    expect: Callable[[int], None] = lambda requests: None,
) -> list[Sourced]:
    """Replace list items that lack data by their detail, fetched concurrently; keep the list order.

    ``expect`` hears how many detail reads are coming, before they start (for the progress count)."""
    detail_method = method_of(kind, "detail")

    def detail(params: dict[str, str]) -> Sourced | None:
        try:
            answer = resource.details(**params)
        except ApiError as error:
            if kind.gone & set(error.codes):  # deleted between the list and the detail call
                return None
            raise
        return detail_method, _detail_item(kind, answer, detail_method)

    def start(method: str, item: Any, needed: bool) -> Future[Any] | Sourced:
        return submit(detail, checked(kind, method, item, kind.detail_params)) if needed else (method, item)

    needs = [(method, item, checked(kind, method, item, kind.list_needs_detail)) for method, item in listed]
    expect(sum(needed for _, _, needed in needs))
    futures = [start(*need) for need in needs]
    sourced = [f.result() if isinstance(f, Future) else f for f in futures]
    return [s for s in sourced if s is not None]


def _detail_item(kind: AnyKind, answer: Any, method: str) -> Any:
    """The resource of a detail answer (``detail_option`` wraps it in a one-element list)."""
    body = answer.get(kind.name) if isinstance(answer, dict) else None
    if isinstance(body, list) and len(body) == 1:
        body = body[0]
    if not isinstance(body, dict):
        raise TransportError(f"the answer has no {kind.name} object", method=method, status=200)
    return body


def checked(kind: AnyKind, method: str, item: Any, read: Callable[[Item], T]) -> T:
    """``read(item)``; an item that is not an object or cannot be read is the answer's fault, named."""
    if not isinstance(item, Mapping):
        raise TransportError(
            f"unusable {kind.name} in the answer: expected an object, got {type(item).__name__}",
            method=method,
            status=200,
        )
    try:
        return read(item)
    except (ValueError, TypeError, LookupError) as error:  # WireError and ValidationError are ValueErrors
        path, problem = explain(error)
        ident = item.get(kind.id_param)
        where = f"{kind.id_param} {ident!r}" + (f", member {path}" if path else "")
        message = f"unusable {kind.name} in the answer ({where}): {problem}"
        raise TransportError(message, method=method, status=200) from None


def decode_all(
    kind: AnyKind, items: Iterable[Sourced], keys: KeyIndex
) -> tuple[list[WireObject[Any]], list[Stray]]:
    """Decode checked items; those without a key become strays."""
    objs: list[WireObject[Any]] = []
    strays: list[Stray] = []
    for method, item in items:
        obj = checked(kind, method, item, lambda i: kind.from_wire(i, keys))
        if obj is not None:
            objs.append(obj)
            continue
        label = str(item.get("name") or item.get("option_name") or "")
        strays.append(
            Stray(kind.name, str(item.get(kind.id_param)), label, "no key", _links(kind, item, keys))
        )
    return objs, strays


def _links(kind: AnyKind, item: Item, keys: KeyIndex) -> tuple[str, ...]:
    """What a resource without a key links to, read as if it had one; nothing if it cannot be read."""
    try:
        obj = kind.from_wire({**item, kind.key_param: "(no key)"}, keys)
    except (ValueError, TypeError, LookupError):
        return ()
    return () if obj is None else refs(kind, obj)


def refs(kind: AnyKind, obj: WireObject[Any]) -> tuple[str, ...]:
    return tuple(f"{ref.kind}:{ref.key}" for ref in kind.references(obj.model))


def by_key(kind: AnyKind, objs: list[WireObject[Any]]) -> tuple[dict[str, WireObject[Any]], list[Stray]]:
    """Key the objects; every object of a shared key becomes a stray. The same id twice is an error."""
    by_id: dict[str, WireObject[Any]] = {}
    grouped: dict[str, list[WireObject[Any]]] = {}
    for obj in objs:
        if obj.id in by_id:
            raise TransportError(
                f"{kind.name} {obj.id} was listed twice: the pages overlap (the account changed while it was"
                " read, or the answer's page_info is wrong); read it again",
                method=method_of(kind, "list"),
                status=200,
            )
        by_id[obj.id] = obj
        grouped.setdefault(obj.key, []).append(obj)
    keyed = {key: group[0] for key, group in grouped.items() if len(group) == 1}
    strays = [
        Stray(kind.name, o.id, key, "duplicate", refs(kind, o))
        for key, g in grouped.items()
        if len(g) > 1
        for o in g
    ]
    return keyed, strays


def read_one(client: Any, kind: AnyKind, key: str, keys: KeyIndex) -> list[WireObject[Any]]:
    """Every live resource of a kind with this key (normally zero or one), read directly by key."""
    resource = kind.resource(client)
    listed = [(method_of(kind, kind.lookup_verb), item) for item in kind.lookup(resource, key)]
    objs, _ = decode_all(kind, complete(resource, kind, listed, _run_now), keys)
    return [obj for obj in objs if obj.key == key]


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(fn(*args))
    return future


def read_by_id(client: Any, kind: AnyKind, vendor_id: str, keys: KeyIndex) -> WireObject[Any] | None:
    """The live resource with this vendor id, from its ``detail_*`` call (None: deleted, or without a key)."""
    method = method_of(kind, "detail")
    try:
        answer = kind.resource(client).details(**kind.detail_params({kind.id_param: vendor_id}))
    except ApiError as failure:
        if kind.gone & set(failure.codes):
            return None
        raise
    found, _ = decode_all(kind, [(method, _detail_item(kind, answer, method))], keys)
    return found[0] if found else None
