"""How much of an answer the client accepts (its size, how deeply its JSON nests), how many requests it keeps
in flight and how long it waits for one.

A page of 100 products is about 100 KB, so :data:`MAX_BODY_BYTES` (32 MiB) is some 300 times the largest real
answer, yet it bounds what one request may hold in memory (``parallelism`` of them are in flight at once).

A real answer nests about 6 levels deep (``page_info``, a product's ``options`` and their values).
:data:`MAX_DEPTH` refuses anything past 64 *before* it is parsed: ``json`` and every function walking the
result (the redaction of the request log, the wire mapping) recurse, and 200,000 ``[`` would otherwise end
in a ``RecursionError`` wherever the first of them runs out of stack.
"""

from __future__ import annotations

from itertools import accumulate

MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
MAX_PARALLELISM = 256
"""Requests in flight at once: far above what an API's rate limit allows, yet threads and pooled connections
are made for each (urllib3 fills its pool's queue up front: a parallelism of 10**8 never started)."""
MAX_SECONDS = 86_400.0
"""The longest duration setting, in seconds: a day. ``timeout`` (a socket cannot wait past about 10**9 s: 1e10
was an OverflowError) and the back-off pauses (``time.sleep`` of 1e300 or inf is one too); a ``Retry-After``
is capped at ``max_backoff``, so no pause is longer."""

NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
"""Every byte but the four that nest (for ``bytes.translate`` to delete)."""
STEPS = [1 if byte in b"[{" else -1 if byte in b"]}" else 0 for byte in range(256)]
"""What each byte adds to the depth."""
WINDOW = 1024 * 1024
"""The text is split at its quotes a window at a time: a few MB of pieces at most, whatever the body."""


def json_depth(content: bytes, *, window: int = WINDOW) -> int:
    """How deeply the arrays and objects of a JSON text nest (0 for a scalar), without parsing it.

    Without recursion and in C loops, whatever the text: escaped backslashes and quotes are taken out, the
    rest is split at its quotes (every other piece is inside a string), what lies outside the strings keeps
    only its brackets, and the running sum of +1/-1 is taken.
    """
    unescaped = content.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside, in_string = [], 0
    for start in range(0, len(unescaped), window):
        pieces = unescaped[start : start + window].split(b'"')
        outside.append(b"".join(pieces[in_string::2]).translate(None, NOT_BRACKETS))
        in_string ^= (len(pieces) - 1) & 1
    return max(accumulate(map(STEPS.__getitem__, b"".join(outside))), default=0)


def nested_too_deep(content: bytes) -> bool:
    """Whether a JSON text nests deeper than :data:`MAX_DEPTH` (a quick count rules most bodies out)."""
    if content.count(b"[") + content.count(b"{") <= MAX_DEPTH:
        return False
    return json_depth(content) > MAX_DEPTH


def size_text(count: int) -> str:
    """``33554432`` -> ``32 MiB``; a count that is no whole number of KiB or MiB stays in bytes."""
    for unit, size in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if count >= size and count % size == 0:
            return f"{count // size} {unit}"
    return f"{count} byte{'' if count == 1 else 's'}"
