"""Read the live account into a LiveState: list calls at pagesize 100, detail calls only where needed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from catalogsync.errors import ApiError
from catalogsync.kinds import KINDS, AnyKind, WireObject
from catalogsync.live import LiveState, Stray

Item = Mapping[str, Any]


def fetch(client: Any, *, base_url: str, on_item: Callable[[], None] | None = None) -> LiveState:
    """Read every kind concurrently; coupon links are resolved to product codes once products are known."""
    workers = max(1, int(getattr(client, "parallelism", 8)))
    with (
        ThreadPoolExecutor(max_workers=len(KINDS) + 1, thread_name_prefix="fetch") as readers,
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="detail") as details,
    ):
        vendor = readers.submit(lambda: str(client.vendor_id))
        items = {kind.name: readers.submit(_read_kind, client, kind, details, on_item) for kind in KINDS}
        raw = {name: future.result() for name, future in items.items()}
    names = {
        str(item["product_id"]): str(item.get("vendor_product_id") or "")
        for item in raw["product"]
        if item.get("vendor_product_id")
    }
    resources: dict[str, dict[str, WireObject[Any]]] = {}
    strays: list[Stray] = []
    for kind in KINDS:
        resources[kind.name], found = decode(kind, raw[kind.name], names)
        strays.extend(found)
    return LiveState(vendor_id=vendor.result(), base_url=base_url, resources=resources, strays=tuple(strays))


def _read_kind(
    client: Any, kind: AnyKind, pool: ThreadPoolExecutor, on_item: Callable[[], None] | None
) -> list[Item]:
    resource = kind.resource(client)
    listed: list[Item] = resource.list_all()
    return complete(resource, kind, listed, pool.submit, on_item)


def complete(
    resource: Any,
    kind: AnyKind,
    listed: Iterable[Item],
    submit: Callable[..., Future[Any]],
    on_item: Callable[[], None] | None = None,
) -> list[Item]:
    """Replace list items that lack data by their detail, fetched concurrently; keep the list order."""

    def detail(item: Item) -> Item:
        try:
            answer = resource.details(**kind.detail_params(item))
        except ApiError as error:
            if "RECORD_NOT_FOUND" in error.codes:  # deleted between the list and the detail call
                return {}
            raise
        if on_item:
            on_item()
        body = answer.get(kind.name)
        return dict(body[0] if isinstance(body, list) else body)

    futures = [submit(detail, item) if kind.list_needs_detail(item) else item for item in listed]
    items = [f.result() if isinstance(f, Future) else f for f in futures]
    return [item for item in items if item]


def decode(
    kind: AnyKind, items: Iterable[Item], names: Mapping[str, str]
) -> tuple[dict[str, WireObject[Any]], list[Stray]]:
    """Key the wire items; items without a key, and every item of a duplicated key, become strays."""
    by_key: dict[str, list[WireObject[Any]]] = {}
    strays: list[Stray] = []
    for item in items:
        obj = kind.from_wire(item, names)
        if obj is None:
            label = str(item.get("name") or item.get("option_name") or "")
            strays.append(Stray(kind.name, str(item.get(kind.id_param)), label, "no key"))
        else:
            by_key.setdefault(obj.key, []).append(obj)
    keyed: dict[str, WireObject[Any]] = {}
    for key, objs in by_key.items():
        if len(objs) == 1:
            keyed[key] = objs[0]
        else:
            strays.extend(Stray(kind.name, obj.id, key, "duplicate") for obj in objs)
    return keyed, strays


def read_one(client: Any, kind: AnyKind, key: str, names: Mapping[str, str]) -> list[WireObject[Any]]:
    """Every live resource of a kind with this key (normally zero or one), read directly by key."""
    resource = kind.resource(client)
    listed = kind.lookup(resource, key)
    items = complete(resource, kind, listed, _run_now)
    objs = [kind.from_wire(item, names) for item in items]
    return [obj for obj in objs if obj is not None and obj.key == key]


def _run_now(fn: Callable[..., Any], *args: Any) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_result(fn(*args))
    return future
