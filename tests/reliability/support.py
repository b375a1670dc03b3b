"""What the reliability tests share: an apply read and planned fault-free, then executed under faults."""

from __future__ import annotations

import random
from collections import Counter

from catalogsync.api import Client
from catalogsync.catalogfile.loader import loads
from catalogsync.execute import ApplyReport, execute
from catalogsync.fetch import fetch
from catalogsync.plan import make_plan
from catalogsync.sandbox import Sandbox
from catalogsync.sandbox.faults import Faults
from scripts.chaos import RawApi


def apply_under(sandbox: Sandbox, text: str, faults: Faults, timeout: float) -> ApplyReport:
    """Read and plan ``text`` fault-free, then execute its plan with ``faults`` on (off again afterwards)."""
    with Client(sandbox.url, "sandbox", "sandbox", timeout=timeout, backoff=0.01, max_backoff=0.05) as client:
        live = fetch(client, base_url=sandbox.url)
        plan = make_plan(loads(text), live, catalog_sha256="-", catalog_path="-")
        sandbox.reset_stats()
        sandbox.faults = faults
        try:
            return execute(plan, live, client)
        finally:
            sandbox.faults = None


def held(sandbox: Sandbox) -> Counter[str]:
    """How many products hold each key, read with raw list calls (faults off)."""
    api = RawApi(sandbox.url)
    try:
        return Counter(str(p["vendor_product_id"]) for p in api.items("products/list_products", "products"))
    finally:
        api.close()


def seed_for(pattern: str, rate: float = 0.5) -> int:
    """A fault seed whose successive draws fault ("x") or not (".") as ``pattern`` says."""
    for seed in range(10_000):
        draws = random.Random(seed)
        if all((draws.random() < rate) == (mark == "x") for mark in pattern):
            return seed
    raise AssertionError(f"no seed for {pattern}")
