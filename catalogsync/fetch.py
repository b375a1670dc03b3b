"""Read the live account into a LiveState: list calls at pagesize 100, detail calls only where needed.

What is needed is :mod:`catalogsync.reading`'s answer. A resource it wants is read in full: from its list
item, or from its detail where the list lacks data. Any other is decoded from its list item: whole when the
item is complete, else as a :class:`Listed` key and id (with the links the list gives). List items are decoded
as they arrive, in the reader threads, while the details are still in flight; details are decoded once the
keys of what they link to are known. The result does not depend on the order in which answers arrive.

Every item is checked here, at the boundary: an answer that cannot be read (a wrong type, a missing member,
an item listed twice) raises :class:`TransportError` naming the method, the item and the member, before
anything is planned or written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any, TypeVar

from catalogsync.errors import ApiError, TransportError
from catalogsync.kinds import KINDS, AnyKind, WireObject
from catalogsync.kinds.base import KeyIndex
from catalogsync.kinds.decode import explain, member, text, text_or_none
from catalogsync.live import Listed, LiveState, Stray, links
from catalogsync.reading import EVERYTHING, Reading

T = TypeVar("T")
Item = Mapping[str, Any]
Sourced = tuple[str, Any]
"""A wire item and the method that answered it (an item is only known to be an object once checked)."""
Decoded = WireObject[Any] | Stray
Entry = Decoded | Future[Sourced | None]
"""A list item decoded as it arrived, or its detail (to come; None: deleted since it was listed)."""
Wants = Callable[[AnyKind, Item], bool]
"""Whether the resource of a list item is read in full."""


class _KeysNeeded(Exception):
    """An item links to other resources by vendor id: it is decoded once their keys are known."""


class _NoKeys(Mapping[tuple[str, str], str]):
    """The key index of list items decoded as they arrive, before the keys of other kinds are known: list
    items link by key (a product's options by name) or not at all; one that links by vendor id (as
    ``detail_coupon`` does) raises :class:`_KeysNeeded` and waits for the keys."""

    def __getitem__(self, ref: tuple[str, str]) -> str:
        raise _KeysNeeded

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(())

    def __len__(self) -> int:
        return 0


NO_KEYS = _NoKeys()


def fetch(client: Any, *, base_url: str, reading: Reading = EVERYTHING) -> LiveState:
    """Read every kind concurrently, in full what ``reading`` wants (by default everything); coupon links are
    resolved to product codes once products are known."""
    workers = max(1, int(getattr(client, "parallelism", 8)))
    expect = getattr(client, "expect", lambda requests: None)
    wants = _wants(reading)
    with (
        ThreadPoolExecutor(max_workers=len(KINDS) + 1, thread_name_prefix="fetch") as readers,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="detail") as details,
    ):
        vendor = readers.submit(lambda: str(client.vendor_id))
        read = {
            kind.name: readers.submit(_read_kind, client, kind, details.submit, expect, wants)
            for kind in KINDS
        }
        entries = {name: future.result() for name, future in read.items()}
    resources: dict[str, dict[str, WireObject[Any]]] = {}
    strays: list[Stray] = []
    keys: dict[tuple[str, str], str] = {}
    for kind in KINDS:  # in rank order: what a resource links to is decoded before it
        objs, unkeyed = settle(kind, entries[kind.name], keys)
        resources[kind.name], duplicates = by_key(kind, objs)
        strays += unkeyed + duplicates
        keys.update({(kind.name, obj.id): obj.key for obj in objs})
    return LiveState(vendor_id=vendor.result(), base_url=base_url, resources=resources, strays=tuple(strays))


def _wants(reading: Reading) -> Wants:
    """``reading`` asked of a list item, by the key and the id it gives (an id is checked when decoded)."""

    def wants(kind: AnyKind, item: Item) -> bool:
        vendor_id = item.get(kind.id_param)
        key = member(item, kind.key_param, text_or_none)
        return reading.wants(kind, key, None if vendor_id is None else str(vendor_id))

    return wants


def _read_kind(
    client: Any,
    kind: AnyKind,
    submit: Callable[..., Future[Any]],
    expect: Callable[[int], None],
    wants: Wants,
) -> list[Entry]:
    resource = kind.resource(client)
    listed = [(method_of(kind, "list"), item) for item in resource.list_all()]
    return complete(resource, kind, listed, submit, expect, wants)


def method_of(kind: AnyKind, verb: str) -> str:
    """The API method of a verb: ``list`` reads ``list_<section>``, ``detail`` reads ``detail_<name>``."""
    return f"products/list_{kind.section}" if verb == "list" else f"products/detail_{kind.name}"


def complete(
    resource: Any,
    kind: AnyKind,
    listed: Iterable[Sourced],
    submit: Callable[..., Future[Any]],
    expect: Callable[[int], None] = lambda requests: None,
    wants: Wants = lambda kind, item: True,
    keys: KeyIndex = NO_KEYS,
) -> list[Entry]:
    """Start the detail reads of wanted items that lack data, then decode the other items (with ``keys``)
    while those are in flight; the entries keep the list order.

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

    def needs(method: str, item: Any) -> tuple[str, Any, bool, bool]:
        """The item, whether its detail is read (it lacks data and is wanted), and whether it lacks data."""
        lacking = checked(kind, method, item, kind.list_needs_detail)
        return method, item, lacking and checked(kind, method, item, lambda i: wants(kind, i)), lacking

    plans = [needs(method, item) for method, item in listed]
    expect(sum(detailed for _, _, detailed, _ in plans))
    started = [
        submit(detail, checked(kind, method, item, kind.detail_params)) if detailed else None
        for method, item, detailed, _ in plans
    ]

    def now(method: str, item: Any, lacking: bool) -> Entry:
        if lacking:
            return _listed(kind, method, item)
        try:
            return decode(kind, method, item, keys)
        except _KeysNeeded:  # decoded with the keys of what it links to, once those are known
            return _run_now(lambda: (method, item))

    return [
        future or now(method, item, lacking)
        for future, (method, item, _, lacking) in zip(started, plans, strict=True)
    ]


def settle(
    kind: AnyKind, entries: Iterable[Entry], keys: KeyIndex
) -> tuple[list[WireObject[Any]], list[Stray]]:
    """The objects and strays of a kind's entries, in order; details are decoded now, with ``keys``."""
    objs: list[WireObject[Any]] = []
    strays: list[Stray] = []
    for entry in entries:
        if isinstance(entry, Future):
            sourced = entry.result()
            if sourced is None:
                continue
            entry = decode(kind, *sourced, keys)
        if isinstance(entry, Stray):
            strays.append(entry)
        else:
            objs.append(entry)
    return objs, strays


def _listed(kind: AnyKind, method: str, item: Item) -> Decoded:
    """A resource not read in full, from a list item that lacks data: its key, id and the links the list has.

    Where the list carries links, the whole item is decoded (and so checked) for them."""
    if not kind.links_in_list:
        key = checked(kind, method, item, lambda i: member(i, kind.key_param, text_or_none))
        if key is not None:
            return Listed(key, checked(kind, method, item, lambda i: member(i, kind.id_param, text)), None)
    found = decode(kind, method, item, NO_KEYS)
    if isinstance(found, Stray):
        return found if found.obj is None else replace(found, obj=_bare(kind, found.obj))
    return _bare(kind, found)


def _bare(kind: AnyKind, obj: WireObject[Any]) -> Listed:
    return Listed(obj.key, obj.id, links(kind, obj) if kind.links_in_list else None)


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


def decode(kind: AnyKind, method: str, item: Any, keys: KeyIndex) -> Decoded:
    """A checked item decoded; one without a key becomes a stray."""
    obj = checked(kind, method, item, lambda i: kind.from_wire(i, keys))
    if obj is not None:
        return obj
    label = str(item.get("name") or item.get("option_name") or "")
    obj = _keyless(kind, item, keys)
    links = refs(kind, obj) if obj else ()
    return Stray(kind.name, str(item.get(kind.id_param)), label, "no key", links, obj)


def _keyless(kind: AnyKind, item: Item, keys: KeyIndex) -> WireObject[Any] | None:
    """A resource without a key read as if it had one, under the key ``""``; None if it cannot be read."""
    try:
        obj = kind.from_wire({**item, kind.key_param: "(no key)"}, keys)
    except (ValueError, TypeError, LookupError):
        return None
    return None if obj is None else replace(obj, key="")


def refs(kind: AnyKind, obj: WireObject[Any]) -> tuple[str, ...]:
    return tuple(f"{ref.kind}:{ref.key}" for ref in links(kind, obj))


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
        Stray(kind.name, o.id, key, "duplicate", refs(kind, o), o)
        for key, g in grouped.items()
        if len(g) > 1
        for o in g
    ]
    return keyed, strays


def read_one(client: Any, kind: AnyKind, key: str, keys: KeyIndex) -> list[WireObject[Any]]:
    """Every live resource of a kind with this key (normally zero or one), read directly by key."""
    resource = kind.resource(client)
    listed = [(method_of(kind, kind.lookup_verb), item) for item in kind.lookup(resource, key)]
    objs, _ = settle(kind, complete(resource, kind, listed, _run_now, keys=keys), keys)
    return [obj for obj in objs if obj.key == key]


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(fn(*args))
    return future


def read_by_id(client: Any, kind: AnyKind, vendor_id: str, keys: KeyIndex) -> WireObject[Any] | None:
    """The live resource with this vendor id, from its ``detail_*`` call (None: deleted; keyless: key "")."""
    method = method_of(kind, "detail")
    try:
        answer = kind.resource(client).details(**kind.detail_params({kind.id_param: vendor_id}))
    except ApiError as failure:
        if kind.gone & set(failure.codes):
            return None
        raise
    found = decode(kind, method, _detail_item(kind, answer, method), keys)
    return found.obj if isinstance(found, Stray) else found
