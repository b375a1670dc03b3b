"""Reading every item of a list method: page 1 first, then pages 2..N concurrently, items in page order.

``page_info`` mixes strings and numbers on the real API and may be missing (``list_coupons``): then the first
response is the only page. The empty-list error (RECORD_NOT_FOUND) is an empty list, also for a page that
vanished because items were deleted meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from catalogsync.api.codec import Body
from catalogsync.errors import ApiError, TransportError

PAGESIZE = 100
"""The largest page the API serves."""

Items = list[dict[str, Any]]
Read = Callable[[Mapping[str, Any]], Body]


def list_all(read: Read, method: str, key: str, filters: Mapping[str, Any], parallelism: int) -> Items:
    """Every item of ``method`` (whose list member is ``key``) matching ``filters``."""

    def fetch(number: int) -> Body | None:
        try:
            return read({**filters, "cur_page": number, "pagesize": PAGESIZE})
        except ApiError as error:
            if is_empty(error):
                return None
            raise

    first = fetch(1)
    if first is None:
        return []
    items = list(items_of(first, key, method))
    last = page_count(first, PAGESIZE)
    if last < 2:
        return items
    pool = ThreadPoolExecutor(max_workers=min(parallelism, last - 1), thread_name_prefix="list_all")
    try:
        for body in pool.map(fetch, range(2, last + 1)):
            items.extend([] if body is None else items_of(body, key, method))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return items


def is_empty(error: ApiError) -> bool:
    """Whether an error is the API's way of saying "no records" (reference §2, §8.4)."""
    return set(error.codes) == {"RECORD_NOT_FOUND"}


def page_count(body: Body, pagesize: int) -> int:
    """How many pages the list has, from ``last_page`` or else ``total_entries``; 1 without ``page_info``."""
    info = body.get("page_info")
    if not isinstance(info, dict):
        return 1
    last = _number(info.get("last_page"))
    if last is None:
        total = _number(info.get("total_entries"))
        last = None if total is None else math.ceil(total / pagesize)
    return max(1, last or 1)


def items_of(body: Body, key: str, method: str) -> Items:
    items = body.get(key)
    if not isinstance(items, list):
        raise TransportError(f"the response has no {key!r} list", method=method, status=200)
    return items


def _number(value: Any) -> int | None:
    """A page_info member as an int: the API sends numbers or digit strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None
