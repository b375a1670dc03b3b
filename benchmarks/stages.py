"""The measured stages, each run in a fresh process through the functions the commands use.

A stage reports its wall time, the requests its client issued, the process CPU time of loading the catalog
and of diff + make_plan (no HTTP runs meanwhile, so process time is the main thread's), the CPU time of
decoding the wire items (every kind's ``from_wire``, counted in whichever thread calls it) and of the rest
of reading the account (the client), and the peak RSS of its process (a fresh process per stage, so the
peak is that stage's own). ``validate`` runs the real command in a child process and reads its resource
usage.
"""

from __future__ import annotations

import functools
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from benchmarks import fresh
from benchmarks.sandbox_process import USER
from catalogsync.api import Client
from catalogsync.commands.account import read_live
from catalogsync.commands.inputs import read_catalog_input
from catalogsync.console import Console
from catalogsync.execute import execute
from catalogsync.kinds import BY_NAME, KINDS
from catalogsync.plan import make_plan
from catalogsync.reading import what_to_read
from catalogsync.render import render_text
from catalogsync.selection import Selection

QUIET = Console(-1, colour=False)
"""No progress lines: the stages read the catalog and the account through the command line's own functions."""


@dataclass
class Result:
    """What one stage measured; ``ids`` are the live resources' vendor ids by kind (plan stage only).

    ``cpu_fetch`` is the process CPU time while the account was read, less ``cpu_decode``: the client, its
    threads and the collector.
    """

    wall: float = 0.0
    requests: int = 0
    cpu_load: float = 0.0
    cpu_decode: float = 0.0
    cpu_fetch: float = 0.0
    cpu_plan: float = 0.0
    cpu_total: float = 0.0
    fetch_wall: float = 0.0
    rss_mb: float = 0.0
    changes: int = 0
    applied_ok: bool = True
    ids: dict[str, list[str]] = field(default_factory=dict, repr=False)


def plan_or_apply(url: str, catalog: str, parallelism: int, apply: bool) -> Result:
    """What ``catalogsync plan`` (or ``apply --yes``) does: load, read the account, diff, plan, [execute]."""
    result = Result()
    decoding = _counting([type(kind) for kind in KINDS], "from_wire")
    started = time.perf_counter()
    with Client(url, USER, USER, parallelism=parallelism) as client:
        cpu = time.process_time()
        desired, source = read_catalog_input(catalog)
        digest = source.digest
        result.cpu_load = time.process_time() - cpu
        cpu, wall = time.process_time(), time.perf_counter()
        live = read_live(client, client.base_url, QUIET, what_to_read(desired, Selection()))
        result.cpu_fetch, result.fetch_wall = time.process_time() - cpu, time.perf_counter() - wall
        result.cpu_decode = decoding()
        result.cpu_fetch -= result.cpu_decode
        cpu = time.process_time()
        plan = make_plan(desired, live, catalog_sha256=digest, catalog_path=catalog)
        result.cpu_plan = time.process_time() - cpu
        render_text(plan)
        if apply and not plan.empty:
            result.applied_ok = execute(plan, live, client, parallelism=parallelism).ok
        result.wall = time.perf_counter() - started
        result.requests = client.requests_made
    result.changes = len(plan.changes)
    result.ids = {kind: [obj.id for obj in objs.values()] for kind, objs in live.resources.items()}
    return result


def _counting(owners: list[type], name: str) -> Callable[[], float]:
    """Make method ``name`` of each owner count the CPU time of its calls, in whichever thread (a call made
    inside a counted one is not counted twice); returns the function that tells the total so far."""
    spent, lock, inside = [0.0], threading.Lock(), threading.local()

    def count(original: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(original)
        def counted(*args: Any, **kwargs: Any) -> Any:
            if getattr(inside, "busy", False):
                return original(*args, **kwargs)
            inside.busy, start = True, time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                inside.busy = False
                with lock:
                    spent[0] += time.thread_time() - start

        return counted

    for owner in set(owners):
        setattr(owner, name, count(getattr(owner, name)))
    return lambda: spent[0]


def refresh(url: str, ids: dict[str, list[str]], parallelism: int) -> Result:
    """A Terraform-style refresh: one detail call per resource, ``parallelism`` at a time."""
    result = Result()
    calls = [(kind, vendor_id) for kind, kind_ids in ids.items() for vendor_id in kind_ids]
    started = time.perf_counter()
    with (
        Client(url, USER, USER, parallelism=parallelism) as client,
        ThreadPoolExecutor(parallelism) as pool,
    ):

        def detail(call: tuple[str, str]) -> None:
            kind = BY_NAME[call[0]]
            kind.resource(client).details(**{kind.id_param: call[1]})

        list(pool.map(detail, calls))
        result.wall = time.perf_counter() - started
        result.requests = client.requests_made
    return result


def validate(catalog: str) -> Result:
    """``catalogsync validate CATALOG`` in a child process: its wall time, CPU time and peak RSS."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "catalogsync", "validate", catalog]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with child.stderr or open(os.devnull, "rb") as errors:
        problems = errors.read().decode(errors="replace").strip()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"validate {catalog} failed (exit {child.returncode}): {problems}")
    return Result(
        wall=time.perf_counter() - started,
        cpu_total=usage.ru_utime + usage.ru_stime,
        rss_mb=usage.ru_maxrss / 1024,
    )


def _stage(name: str, *args: Any) -> Result:
    result = plan_or_apply(*args) if name in ("plan", "apply") else refresh(*args)
    result.rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run(name: str, *args: Any) -> Result:
    """Run stage ``name`` ("plan", "apply" or "refresh") in a fresh process and return what it measured."""
    return fresh.call(_stage, name, *args, label=f"engine-{name}")
