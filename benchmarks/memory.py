"""Where a plan's memory goes by stage: imports, catalog load, reading the account, diff + plan + render.

    .venv/bin/python -m benchmarks.memory --products 10000

The account is created first (apply, no latency). Then two fresh processes run the plan's stages as
``catalogsync plan`` does. The first measures RSS only (no tracing to distort it): the RSS after each stage
and the peak so far. The second traces allocations (:mod:`tracemalloc`): after each stage it reports what the
stage left allocated (after a full collection) and the traced peak during it, with the largest allocation
sites of what was left, by source line and by the innermost catalogsync function on the way to it. It also
measures two intermediate structures alone: the parsed YAML document and the list items of every kind as the
client returns them.
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks import fresh, stages
from benchmarks.generate import catalog_yaml
from benchmarks.sandbox_process import USER, RemoteSandbox

MB = 1024 * 1024
TOP = 8
OURS = "/catalogsync/"
FRAMES = 4
"""Frames kept per allocation: enough to reach the catalogsync caller of pydantic, json or yaml (every frame
more slows the traced run by a tenth)."""


def rss_mb() -> float:
    """The resident set size now (``/proc/self/statm``)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / MB


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def plan_stages(url: str, catalog: str, parallelism: int) -> Iterator[tuple[str, Any]]:
    """The stages of ``catalogsync plan``, through the functions the command uses, yielding after each what
    it made (kept alive by the caller)."""
    from catalogsync.api import Client
    from catalogsync.commands.account import read_live
    from catalogsync.commands.inputs import read_catalog_input
    from catalogsync.plan import make_plan
    from catalogsync.reading import what_to_read
    from catalogsync.render import render_text
    from catalogsync.selection import Selection

    yield "imports", None
    with Client(url, USER, USER, parallelism=parallelism) as client:
        desired, source = read_catalog_input(catalog)
        yield "catalog load", desired
        live = read_live(client, client.base_url, stages.QUIET, what_to_read(desired, Selection()))
        yield "reading the account", live
        plan = make_plan(desired, live, catalog_sha256=source.digest, catalog_path=catalog)
        text = render_text(plan)
        yield "diff, plan and render", (plan, text)


def rss_only(url: str, catalog: str, parallelism: int) -> list[str]:
    lines, kept = [f"  {'stage':24} {'RSS after MB':>12} {'peak so far MB':>14} {'wall s':>7}"], []
    started = time.perf_counter()
    for name, made in plan_stages(url, catalog, parallelism):
        kept.append(made)
        lines.append(f"  {name:24} {rss_mb():12.1f} {peak_mb():14.1f} {time.perf_counter() - started:7.2f}")
    return lines


def traced(url: str, catalog: str, parallelism: int) -> list[str]:
    tracemalloc.start(FRAMES)
    lines, kept = [], []
    before = tracemalloc.take_snapshot()
    for name, made in plan_stages(url, catalog, parallelism):
        kept.append(made)
        peak = tracemalloc.get_traced_memory()[1] / MB
        gc.collect()
        after = tracemalloc.take_snapshot()
        tracemalloc.reset_peak()
        left = sum(s.size_diff for s in after.compare_to(before, "filename")) / MB
        lines += [
            f"  {name}: {left:+.1f} MB left allocated, traced peak {peak:.1f} MB",
            *_sites(after, before),
        ]
        before = after
    lines += _alone(url, catalog)
    return lines


def _sites(after: tracemalloc.Snapshot, before: tracemalloc.Snapshot) -> list[str]:
    """The largest sites of what was left: by allocating line, and by the innermost catalogsync frame."""
    by_line: Counter[str] = Counter()
    by_ours: Counter[str] = Counter()
    for diff in after.compare_to(before, "traceback"):
        frames = list(reversed(diff.traceback))  # the most recent first
        by_line[_where(frames[0])] += diff.size_diff
        ours = next((frame for frame in frames if OURS in frame.filename), None)
        by_ours[_where(ours) if ours else "(no catalogsync frame within reach)"] += diff.size_diff
    lines = ["    by allocating line:"]
    lines += [f"      {size / MB:7.1f} MB  {where}" for where, size in by_line.most_common(TOP)]
    lines.append("    by the innermost catalogsync frame:")
    lines += [f"      {size / MB:7.1f} MB  {where}" for where, size in by_ours.most_common(TOP)]
    return lines


def _where(frame: tracemalloc.Frame) -> str:
    path = frame.filename
    cut = path.rfind(OURS)
    short = path[cut + 1 :] if cut >= 0 else "/".join(path.split("/")[-2:])
    return f"{short}:{frame.lineno}"


def _alone(url: str, catalog: str) -> list[str]:
    """The parsed YAML document and the list items, each measured by itself."""
    from catalogsync.api import Client
    from catalogsync.catalogfile.yamlread import parse
    from catalogsync.kinds import KINDS

    text = Path(catalog).read_text(encoding="utf-8")
    with Client(url, USER, USER) as client:
        parts: list[tuple[str, Callable[[], Any]]] = [
            ("the parsed YAML document (a fast read: no positions)", lambda: parse(text, catalog)),
            *((f"{kind.section}: the list items", kind.resource(client).list_all) for kind in KINDS),
        ]
        return [f"  {label}: {_size_of(make):.1f} MB" for label, make in parts]


def _size_of(make: Callable[[], Any]) -> float:
    with _collected():
        start = tracemalloc.get_traced_memory()[0]
        made = make()
        size = tracemalloc.get_traced_memory()[0] - start
    del made
    return size / MB


@contextmanager
def _collected() -> Iterator[None]:
    gc.collect()
    yield
    gc.collect()


def _in_child(mode: str, *args: Any) -> list[str]:
    lines: list[str] = fresh.call(rss_only if mode == "rss" else traced, *args, label=f"memory-{mode}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Where a plan's memory goes, stage by stage.")
    parser.add_argument("--products", type=int, default=10000, help="account size (%(default)s)")
    parser.add_argument("--parallelism", type=int, default=8, help="requests in flight (%(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="catalogsync-bench-") as folder, RemoteSandbox(0) as sandbox:
        catalog = str(Path(folder) / "catalog.yaml")
        Path(catalog).write_text(catalog_yaml(args.products), encoding="utf-8")
        stages.run("apply", sandbox.url, catalog, args.parallelism, True)
        print(f"plan of {args.products:,} products in sync, parallelism {args.parallelism}; RSS, no tracing:")
        print("\n".join(_in_child("rss", sandbox.url, catalog, args.parallelism)), flush=True)
        print("traced allocations (tracemalloc; sizes exclude its own overhead):")
        print("\n".join(_in_child("trace", sandbox.url, catalog, args.parallelism)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
