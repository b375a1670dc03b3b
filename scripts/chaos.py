"""Chaos run: apply a linked catalog to fresh sandboxes under injected faults, then audit every account.

Each run starts a sandbox with the demo account (the dialect alternates between runs), injects faults of
every kind on every method at the given rate, those of a slow server included (``slow`` answers arrive, and
``late`` requests are committed, just after the client's timeout; ``drip`` answers come a few bytes at a
time), and applies the catalog up to three times, until a fault-free plan is empty. In a share of the runs
(``--kill-rate``) the server is also killed during the first apply, after a drawn number of writes, and
started again on the same database before the next. The account is then read with raw API calls, faults
off, and compared with the account before the run: keys held by several resources, fields of adopted
resources that the catalog does not declare, resources it does not manage.

    .venv/bin/python scripts/chaos.py                              # 100 runs at 20 %, 10 % killed
    .venv/bin/python scripts/chaos.py --runs 20 --fault-rate 0.3 --seed 7
    .venv/bin/python scripts/chaos.py --runs 20 --fault-rate 0 --kill-rate 0 --jitter-ms 600  # late writes
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import requests

from catalogsync.api import Client
from catalogsync.catalog import Catalog
from catalogsync.catalogfile.loader import loads
from catalogsync.errors import CatalogsyncError
from catalogsync.execute import ApplyReport, execute
from catalogsync.fetch import fetch
from catalogsync.plan import Plan, make_plan
from catalogsync.sandbox import ALL_FAULTS, Faults, Sandbox
from catalogsync.sandbox.faults import SLOW_SERVER_FAULTS

CATALOG = """
settings:
  prune: {coupons: true}
  protected: {coupons: [FREESHIP, APITEST002]}
options:
  Volume:                 # adopted: one value renamed, one surcharge changed, one added
    values:
      - {name: Low, surcharge: 1.00}
      - {name: Mid, surcharge: 2.50}
      - {name: High, surcharge: 3.00}
      - {name: Max, surcharge: 4.00}
  Size:
    values: [{name: Small, surcharge: 0.00}, {name: Large, surcharge: 2.50}]
  Colour:
    values: [{name: Red, surcharge: 0.00}, {name: Blue, surcharge: 0.50}]
products:
  LTP-003: {name: Live Test Product, price: 12.50, description: Kept in git}
  OP-T: {name: OPTION TEST, price: 100.00, options: [Volume, Size]}
  AS-12M: {name: Annual Subscription, price: 31.00, commission: {type: amount, amount: 2.00}}
  TEE:
    name: Tee
    price: 19.99
    tangible: true
    weight: 0.30
    handling: 1.00
    options: [Size, Colour]
    categories: [5]
    approved_url: https://shop.example.com/thanks
  CLUB:
    name: Tee of the month
    price: 15.00
    recurring: {recurrence: 1 Month, duration: 1 Year, startup_fee: 5.00}
    commission: {type: percentage, amount: 10.00}
  MUG: {name: Mug, price: 8.00, description: A mug}
coupons:
  COUPON: {type: product, percent_off: 15, products: [OP-T, TEE], expires: 3000-02-25}
  TEES5: {type: product, value_off: 5.00, products: [TEE], expires: 2030-12-31, minimum_purchase: 20.00}
  ALL15: {type: product, percent_off: 15, all_products: true, expires: 2030-12-31}
  SALE12: {type: sale, percent_off: 12.5, expires: 2030-01-31}
  SHIPFREE: {type: shipping, expires: 2030-12-31, minimum_purchase: 50.00}
"""
"""Adopts and changes demo resources (declaring only some of their fields), creates linked ones, and prunes
the coupons that are neither declared nor protected (SAVEJUNE)."""

AUTH = ("sandbox", "sandbox")
TIMEOUT = 0.3
"""The client's timeout in seconds; ``slow`` answers are held, and ``late`` requests wait, 0.1 s longer."""
KILLED_WITHIN = 12
"""A killed run's server dies at a write drawn from 1 to this (the first apply makes about 15)."""

KEY = {"product": "vendor_product_id", "option": "option_name", "coupon": "coupon_code"}
SECTION = {"product": "products", "option": "options", "coupon": "coupons"}
WIRE_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "product": {
        "recurring": ("recurring", "recurrence", "duration", "startup_fee"),
        "commission": ("commission", "commission_type", "commission_amount"),
    },
    "option": {"values": ("option_values",)},
    "coupon": {
        "expires": ("date_expire",),
        "percent_off": ("percentage_off",),
        "products": ("product",),
        "all_products": ("product",),
    },
}
"""Wire members that a catalog field governs, where they are not the field's own name."""


class RawApi:
    """Plain ``requests`` calls to one sandbox, independent of the client under test."""

    def __init__(self, url: str, auth: tuple[str, str] = AUTH) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers["Accept"] = "application/json"

    def get(self, method: str, **params: Any) -> dict[str, Any]:
        body: dict[str, Any] = self.session.get(f"{self.url}/{method}", params=params, timeout=10).json()
        return body

    def items(self, method: str, member: str) -> Iterator[dict[str, Any]]:
        """Every item of a list method, page by page, until an empty page (RECORD_NOT_FOUND)."""
        page = 1
        while items := self.get(method, cur_page=page, pagesize=100).get(member):
            yield from items
            page += 1

    def close(self) -> None:
        self.session.close()


@dataclass(frozen=True)
class Snapshot:
    """The account as raw wire data: each resource's detail by (kind, id), and every key as listed."""

    resources: dict[tuple[str, str], dict[str, Any]]
    keys: dict[str, list[str]]


def snapshot(url: str) -> Snapshot:
    """Read the account with raw list and detail calls (the caller turns faults off)."""
    api = RawApi(url)
    try:
        products = list(api.items("products/list_products", "products"))
        options = list(api.items("products/list_options", "options"))
        coupons = list(api.items("products/list_coupons", "coupon"))
        resources: dict[tuple[str, str], dict[str, Any]] = {}
        for item in products:
            detail = api.get("products/detail_product", product_id=item["product_id"])["product"]
            detail["options"] = [o["option_id"] for o in detail["options"]]  # values belong to the option
            resources[("product", item["product_id"])] = detail
        resources.update({("option", o["option_id"]): o for o in options})
        for item in coupons:
            code = item["coupon_code"]
            resources[("coupon", code)] = api.get("products/detail_coupon", coupon_code=code)["coupon"]
    finally:
        api.close()
    listed = {"product": products, "option": options, "coupon": coupons}
    return Snapshot(
        resources, {kind: [str(i[KEY[kind]] or "") for i in items] for kind, items in listed.items()}
    )


@dataclass
class Audit:
    """What a run broke: each list holds one line per problem."""

    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)


def audit(catalog: Catalog, before: Snapshot, after: Snapshot) -> Audit:
    """Keys held twice; undeclared fields of adopted resources changed; unmanaged resources changed."""
    found = Audit()
    for kind, keys in after.keys.items():
        found.duplicates += [f"{kind} {k} x{n}" for k, n in sorted(Counter(keys).items()) if k and n > 1]
    for (kind, ident), old in sorted(before.resources.items()):
        key, new = str(old[KEY[kind]] or ""), after.resources.get((kind, ident))
        declared = catalog.section(SECTION[kind]).get(key)
        if declared is not None:
            governed = {w for name in declared.declared() for w in WIRE_FIELDS[kind].get(name, (name,))}
            changed = [name for name in old if name not in governed and not _same(old, new or {}, name)]
            found.lost += [f"{kind} {key} (id {ident}): {name} changed" for name in sorted(changed)]
        elif not _pruned(catalog, kind, key) and new != old:
            found.touched.append(f"{kind} {key or '(no key)'} (id {ident})")
    for kind, ident in sorted(after.resources.keys() - before.resources.keys()):
        key = str(after.resources[(kind, ident)][KEY[kind]] or "")
        if key not in catalog.section(SECTION[kind]):
            found.touched.append(f"{kind} {key or '(no key)'} (id {ident}): created, not in the catalog")
    return found


def _same(old: dict[str, Any], new: dict[str, Any], name: str) -> bool:
    """Whether a wire member kept its value; ``""`` and ``null`` both mean "no value" (reference §1.5)."""
    values = [None if v == "" else v for v in (old[name], new.get(name, ...))]
    return values[0] == values[1]


def _pruned(catalog: Catalog, kind: str, key: str) -> bool:
    settings, section = catalog.settings, SECTION[kind]
    return (
        bool(key)
        and settings.prune.for_section(section)
        and key not in settings.protected.for_section(section)
    )


def client(url: str, timeout: float = TIMEOUT) -> Client:
    """A client that waits little: short timeout, short back-off, 429 holds capped at 0.2 s."""
    return Client(url, *AUTH, timeout=timeout, backoff=0.05, max_backoff=0.2, parallelism=4)


def plan_for(api: Client, catalog: Catalog) -> tuple[Plan, Any]:
    live = fetch(api, base_url=api.base_url)
    return make_plan(catalog, live, catalog_sha256="chaos", catalog_path="chaos.yaml"), live


def apply_once(url: str, catalog: Catalog) -> ApplyReport | None:
    """One ``apply``: read, plan, execute; a read that fails for good ends it like the CLI would (None)."""
    with client(url) as api:
        try:
            plan, live = plan_for(api, catalog)
            return execute(plan, live, api, parallelism=api.parallelism)
        except CatalogsyncError:
            return None


def converged(url: str, catalog: Catalog) -> bool:
    """Whether a fault-free plan is empty (a plan refused, say for a key held twice, is not)."""
    with client(url, timeout=10) as api:
        try:
            return plan_for(api, catalog)[0].empty
        except CatalogsyncError:
            return False


def faults(rate: float, seed: int, *, jitter_ms: float = 2, kill_after: int | None = None) -> Faults:
    return Faults(
        latency_ms=1,
        jitter_ms=jitter_ms,
        fault_rate=rate,
        seed=seed,
        kinds=ALL_FAULTS + SLOW_SERVER_FAULTS,
        slow_ms=TIMEOUT * 1000 + 100,
        kill_after_writes=kill_after,
    )


@dataclass(frozen=True)
class Run:
    applies: int | None
    """Applies needed to converge (None: not within three)."""
    faults: Counter[str]
    audit: Audit
    killed: bool = False
    """Whether the server was killed during the first apply."""
    gave_up: bool = False
    """Whether that apply gave up on the server (started no more changes) instead of trying every one."""
    killed_seconds: float = 0.0
    """How long the apply during which the server was killed took."""
    gave_up_alive: int = 0
    """Applies that gave up on a server that was not killed (the breaker opened on faults alone)."""


def run_once(
    catalog: Catalog, number: int, *, rate: float, seed: int, kill_rate: float = 0.0, jitter_ms: float = 2
) -> Run:
    """One seeded run on a fresh sandbox: up to three applies under faults, then the audit."""
    dialect = ("lenient", "strict")[number % 2]
    draws = random.Random(seed * 100_003 + number)
    kill_after = draws.randint(1, KILLED_WITHIN) if draws.random() < kill_rate else None
    with (
        tempfile.TemporaryDirectory() as folder,
        Sandbox(Path(folder) / "account.db", dialect=dialect) as box,
    ):
        before = snapshot(box.url)
        applies, injected, killed, gave_up, seconds, alive = None, Counter[str](), False, False, 0.0, 0
        for attempt in (1, 2, 3):
            box.faults = faults(rate, seed * 100_003 + number * 10 + attempt, jitter_ms=jitter_ms)
            if attempt == 1 and kill_after is not None:
                box.faults = replace(box.faults, kill_after_writes=kill_after)
            started = time.monotonic()
            report = apply_once(box.url, catalog)
            box.faults = None
            alive += report is not None and report.gave_up is not None and not box.killed
            if box.killed:  # the account survives in its file; the server comes back on the same port
                killed, gave_up = True, report is not None and report.gave_up is not None
                seconds = time.monotonic() - started
                injected += Counter(box.stats()["faults"])
                box.stop()
                box.start()
            if converged(box.url, catalog):
                applies = attempt
                break
        injected += Counter(box.stats()["faults"])
        found = audit(catalog, before, snapshot(box.url))
        return Run(applies, injected, found, killed, gave_up, seconds, alive)


def report(runs: Sequence[Run], seconds: float) -> list[str]:
    """The figures of a chaos run, one per line."""
    total = len(runs)
    injected: Counter[str] = sum((r.faults for r in runs), Counter())
    whole = [r for r in runs if not r.killed]
    once = sum(1 for r in whole if r.applies == 1)
    three = sum(1 for r in runs if r.applies is not None)
    killed = [r for r in runs if r.killed]

    def share(n: int, of: int = total) -> str:
        return f"{n}/{of} ({100 * n / max(of, 1):.1f} %)"

    kinds = ", ".join(f"{k} {n}" for k, n in sorted(injected.items()))
    longest = max((r.killed_seconds for r in killed), default=0.0)
    return [
        f"runs                          {total} in {seconds:.0f} s",
        f"faults injected               {sum(injected.values())} ({kinds})",
        f"converged in one apply        {share(once, len(whole))} of the runs whose server was not killed",
        f"converged within three        {share(three)}",
        f"server killed                 {len(killed)} runs; gave up on it {sum(r.gave_up for r in killed)},"
        f" longest such apply {longest:.1f} s",
        f"gave up on a live server      {sum(r.gave_up_alive for r in runs)} applies",
        f"duplicates found              {sum(len(r.audit.duplicates) for r in runs)}",
        f"fields lost                   {sum(len(r.audit.lost) for r in runs)}",
        f"unmanaged resources touched   {sum(len(r.audit.touched) for r in runs)}",
    ]


def met(runs: Sequence[Run]) -> bool:
    """The targets: nothing duplicated, lost or touched; >= 95 % in one apply; every run within three."""
    clean = all(not (r.audit.duplicates or r.audit.lost or r.audit.touched) for r in runs)
    whole = [r for r in runs if not r.killed]
    once = sum(1 for r in whole if r.applies == 1)
    return clean and once >= 0.95 * len(whole) and all(r.applies is not None for r in runs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-rate", type=float, default=0.1, help="share of runs whose server is killed")
    parser.add_argument("--jitter-ms", type=float, default=2, help="extra latency of every request, up to")
    args = parser.parse_args(argv)
    catalog = loads(CATALOG, "chaos.yaml")
    started, runs = time.monotonic(), []
    for number in range(args.runs):
        run = run_once(
            catalog,
            number,
            rate=args.fault_rate,
            seed=args.seed,
            kill_rate=args.kill_rate,
            jitter_ms=args.jitter_ms,
        )
        runs.append(run)
        for problem in [*run.audit.duplicates, *run.audit.lost, *run.audit.touched]:
            print(f"run {number}: {problem}", file=sys.stderr)
        if run.applies != 1:
            print(f"run {number}: converged after {run.applies or 'more than 3'} applies", file=sys.stderr)
    print("\n".join(report(runs, time.monotonic() - started)))
    return 0 if met(runs) else 1


if __name__ == "__main__":
    sys.exit(main())
