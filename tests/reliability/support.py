"""What the reliability tests share: an apply read and planned fault-free, then executed under faults."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from catalogsync.api import Client
from catalogsync.catalogfile.loader import loads
from catalogsync.execute import ApplyReport, execute
from catalogsync.fetch import fetch
from catalogsync.plan import make_plan
from catalogsync.sandbox import Sandbox
from catalogsync.sandbox.faults import Faults
from scripts.chaos import RawApi

ROOT = Path(__file__).resolve().parents[2]


def apply_under(
    sandbox: Sandbox, text: str, faults: Faults, timeout: float, max_retries: int = 4
) -> ApplyReport:
    """Read and plan ``text`` fault-free, then execute its plan with ``faults`` on (off again afterwards); the
    client retries a read ``max_retries`` times."""
    client = Client(
        sandbox.url,
        "sandbox",
        "sandbox",
        timeout=timeout,
        backoff=0.01,
        max_backoff=0.05,
        max_retries=max_retries,
    )
    with client:
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


def post(sandbox: Sandbox, method: str, **data: str) -> None:
    """A write sent with plain ``requests`` (another writer than catalogsync); it must succeed."""
    answer = requests.post(f"{sandbox.url}/{method}", data=data, auth=("sandbox", "sandbox"), timeout=10)
    assert answer.status_code == 200, answer.text


def cli_process(argv: list[str], **popen: Any) -> subprocess.Popen[str]:
    """``python -m catalogsync ARGV...`` as a process of its own, started from the repository with the
    sandbox's credentials and this test's cache folder (``XDG_CACHE_HOME``) in its environment; ``popen`` as
    for :class:`subprocess.Popen`."""
    env = {**os.environ, "TWOCHECKOUT_USERNAME": "sandbox", "TWOCHECKOUT_PASSWORD": "sandbox"}
    env.pop("TWOCHECKOUT_API_URL", None)
    command = [sys.executable, "-m", "catalogsync", *argv]
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True, **popen)
