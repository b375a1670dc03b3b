"""The sandbox's own time per request, by method, on an account of 10,000 products (no injected latency).

    .venv/bin/python -m benchmarks.sandbox_cost --products 10000

Requests go one at a time, so each figure is one request's cost: the wall time seen by the client and the
CPU time of the client process and of the sandbox process (which runs alone in its own process).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import stages
from benchmarks.generate import Shape, catalog_yaml, shape
from benchmarks.sandbox_process import USER, RemoteSandbox
from catalogsync.api import Client

CALLS = 50


def calls(client: Client, sizes: Shape) -> dict[str, Callable[[int], Any]]:
    """One request of each kind the engine sends when it reads, keyed by label (pages within the account)."""
    products, coupons = client.products, client.products.coupons
    product_pages, coupon_pages = (max(1, math.ceil(n / 100)) for n in (sizes.products, sizes.coupons))
    codes = [item["coupon_code"] for item in coupons.list(pagesize=100)["coupon"]]
    ids = [item["product_id"] for item in products.list(pagesize=100)["products"]]
    return {
        "list_products, a page of 100": lambda i: products.list(pagesize=100, cur_page=i % product_pages + 1),
        "list_coupons, a page of 100": lambda i: coupons.list(pagesize=100, cur_page=i % coupon_pages + 1),
        "detail_coupon": lambda i: coupons.details(coupon_code=codes[i % len(codes)]),
        "detail_product": lambda i: products.details(product_id=ids[i % len(ids)]),
        "detail_company_info": lambda i: client.account.company_info(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The sandbox's own time per request, by method.")
    parser.add_argument("--products", type=int, default=10000, help="account size (%(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="catalogsync-bench-") as folder, RemoteSandbox(0) as sandbox:
        catalog = Path(folder) / "catalog.yaml"
        catalog.write_text(catalog_yaml(args.products), encoding="utf-8")
        stages.run("apply", sandbox.url, str(catalog), 8, True)
        print(f"{args.products:,} products; ms per request, {CALLS} requests each, one at a time")
        print(f"  {'request':30} {'wall':>6} {'client CPU':>10} {'sandbox CPU':>11}")
        with Client(sandbox.url, USER, USER, parallelism=1) as client:
            for label, call in calls(client, shape(args.products)).items():
                own, wall, cpu = sandbox.ask("cpu"), time.perf_counter(), time.process_time()
                for index in range(CALLS):
                    call(index)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                own = sandbox.ask("cpu") - own
                print(
                    f"  {label:30} {wall * 1000 / CALLS:6.2f} {cpu * 1000 / CALLS:10.2f}"
                    f" {own * 1000 / CALLS:11.2f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
