"""Reading every item of a list method: page 1 first, then pages 2..N concurrently, items in page order.

``page_info`` mixes strings and numbers on the real API and may be missing (the recorded ``list_coupons``
answer has none, §8.7): then pages are read one after the other while they come back full, until a short or
empty page (RECORD_NOT_FOUND), or a page that repeats the one before (a server that ignores ``cur_page``).
A ``page_info`` without a usable count (neither ``last_page`` nor ``total_entries`` a whole number of at
least 1: ``{}``, null, -1, 0, text) is read the same way: taking it for one page would silently miss items.
The empty-list error is an empty list, also for a page that vanished because items were deleted meanwhile.
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
MAX_PAGES = 10_000
"""A million items: more pages than this means the answer is wrong, not that the account is that large."""

Items = list[dict[str, Any]]
Read = Callable[[Mapping[str, Any]], Body]


def list_all(
    read: Read,
    method: str,
    key: str,
    filters: Mapping[str, Any],
    parallelism: int,
    on_pages: Callable[[int], None] | None = None,
) -> Items:
    """Every item of ``method`` (whose list member is ``key``) matching ``filters``; ``on_pages`` hears how
    many pages the list has once page 1 tells (1 for an empty list or one without ``page_info``)."""
    tell = on_pages or (lambda pages: None)

    def fetch(number: int) -> Body | None:
        try:
            return read({**filters, "cur_page": number, "pagesize": PAGESIZE})
        except ApiError as error:
            if is_empty(error):
                return None
            raise

    first = fetch(1)
    if first is None:
        tell(1)
        return []
    items = list(items_of(first, key, method))
    last = page_count(first, PAGESIZE, method)
    if last is None:
        tell(1)
        return _without_page_info(fetch, items, key, method)
    tell(last)
    if last < 2:
        return items
    pool = ThreadPoolExecutor(max_workers=min(parallelism, last - 1), thread_name_prefix="list_all")
    try:
        for body in pool.map(fetch, range(2, last + 1)):
            items.extend([] if body is None else items_of(body, key, method))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return items


def _without_page_info(fetch: Callable[[int], Body | None], items: Items, key: str, method: str) -> Items:
    """The pages after the first, in turn, while each comes back full and new."""
    page, number = items, 1
    while len(page) >= PAGESIZE and number < MAX_PAGES:
        number += 1
        body = fetch(number)
        following = [] if body is None else items_of(body, key, method)
        if following == page:
            break
        items.extend(following)
        page = following
    return items


def is_empty(error: ApiError) -> bool:
    """Whether an error is the API's way of saying "no records" (reference §2, §8.4)."""
    return set(error.codes) == {"RECORD_NOT_FOUND"}


def page_count(body: Body, pagesize: int, method: str) -> int | None:
    """How many pages the list has, from ``last_page`` and ``total_entries``; None when ``page_info`` is
    missing or has neither count (the pages then tell, by coming back full or short).

    A ``page_info`` that contradicts itself or promises an absurd number of pages is refused: trusting it
    would silently miss items (and a plan would then create duplicates) or queue endless requests.
    """
    info = body.get("page_info")
    if not isinstance(info, dict):
        return None
    last = _number(info.get("last_page"))
    total = _number(info.get("total_entries"))
    size = _number(info.get("pagesize")) or pagesize
    implied = None if total is None else max(1, math.ceil(total / size))
    if last is not None and implied is not None and last != implied:
        raise TransportError(
            f"page_info contradicts itself: last_page {last}, total_entries {total} at pagesize {size}",
            method=method,
            status=200,
        )
    pages = last or implied
    if pages is None:
        return None
    if pages > MAX_PAGES:
        raise TransportError(
            f"page_info promises {pages} pages (over {MAX_PAGES})", method=method, status=200
        )
    return pages


def items_of(body: Body, key: str, method: str) -> Items:
    items = body.get(key)
    if not isinstance(items, list):
        raise TransportError(f"the response has no {key!r} list", method=method, status=200)
    return items


def _number(value: Any) -> int | None:
    """A page_info member as a whole number of at least 1 (the API sends numbers or digit strings); None
    for anything else (null, 0, -1, 2.5, text), which counts nothing."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value
