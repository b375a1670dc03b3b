"""Scale benchmark: plan and apply at 1,000 and 10,000 products against a sandbox with injected latency.

    .venv/bin/python -m benchmarks.scale --products 1000,10000 --latency-ms 20 --parallelism 8

For each size it generates a catalog, starts an in-memory sandbox (``seed="empty"``) in its own process and
measures, each stage in a fresh engine process: apply creating everything, plan of the account in sync, a
Terraform-style refresh (one detail call per resource, ten at a time), apply of a 10% change, and a final
plan that must be empty. Wall times are compared with their lower bound (:mod:`benchmarks.bounds`).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import bounds, stages
from benchmarks.generate import Shape, catalog_yaml, changed_counts, shape
from benchmarks.sandbox_process import RemoteSandbox


@dataclass(frozen=True)
class Row:
    """One measured stage beside its bound."""

    stage: str
    result: stages.Result
    bound: bounds.Bound
    served: int
    sandbox_ms: float
    """Sandbox process CPU per request served, in milliseconds."""


@dataclass(frozen=True)
class Run:
    sizes: Shape
    rows: list[Row]
    converged: bool


def measure(products: int, latency_ms: float, parallelism: int, folder: Path) -> Run:
    sizes = shape(products)
    base, changed = folder / f"catalog-{products}.yaml", folder / f"catalog-{products}-changed.yaml"
    base.write_text(catalog_yaml(products), encoding="utf-8")
    changed.write_text(catalog_yaml(products, changed=True), encoding="utf-8")
    in_sync = bounds.read_all(sizes, parallelism)
    rows: list[Row] = []
    with RemoteSandbox(latency_ms) as sandbox:

        def stage(name: str, label: str, bound: bounds.Bound, *args: object) -> stages.Result:
            sandbox.ask("reset")
            cpu = sandbox.ask("cpu")
            result = stages.run(name, *args)
            served = sandbox.ask("stats")["requests"]
            used = sandbox.ask("cpu") - cpu
            rows.append(Row(label, result, bound, served, 1000 * used / max(1, served)))
            return result

        levels = (sizes.options, sizes.products, sizes.coupons)
        create = bounds.read_empty(parallelism) + bounds.writes(levels, parallelism)
        stage("apply", "apply, creating everything", create, sandbox.url, str(base), parallelism, True)
        plan = stage("plan", "plan, account in sync", in_sync, sandbox.url, str(base), parallelism, False)
        refresh = bounds.per_resource(sizes, stages.REFRESH_PARALLELISM)
        stage("refresh", "per-resource read, 10 at a time", refresh, sandbox.url, plan.ids)
        change = in_sync + bounds.writes(changed_counts(sizes), parallelism)
        stage("apply", "apply, 10% changed", change, sandbox.url, str(changed), parallelism, True)
        final = stages.run("plan", sandbox.url, str(changed), parallelism, False)
    return Run(sizes, rows, converged=final.changes == 0 and all(r.result.applied_ok for r in rows))


COLUMNS = (
    ("stage", 34),
    ("wall s", 7),
    ("bound s", 8),
    ("ratio", 6),
    ("requests", 9),
    ("minimum", 8),
    ("served", 7),
    ("sandbox ms/req", 14),
    ("peak RSS MB", 11),
)


def _line(cells: Sequence[str]) -> str:
    first, *rest = zip(cells, COLUMNS, strict=True)
    return "  " + " ".join([first[0].ljust(first[1][1]), *(cell.rjust(width) for cell, (_, width) in rest)])


def _cells(row: Row, latency_ms: float) -> list[str]:
    result, bound = row.result, row.bound
    seconds = bound.seconds(latency_ms)
    return [
        row.stage,
        f"{result.wall:.2f}",
        f"{seconds:.2f}",
        f"{result.wall / seconds:.2f}",
        f"{result.requests:,}",
        f"{bound.requests:,}",
        f"{row.served:,}",
        f"{row.sandbox_ms:.2f}",
        f"{result.rss_mb:.0f}",
    ]


def _cpu(label: str, result: stages.Result, read_bound: float) -> str:
    total = result.cpu_load + result.cpu_plan
    return (
        f"  engine CPU, {label}: load {result.cpu_load:.2f} s + diff and plan {result.cpu_plan:.2f} s"
        f" = {total:.2f} s; reading the account: {result.fetch_wall:.2f} s (bound {read_bound:.2f} s,"
        f" client CPU {result.cpu_fetch:.2f} s)"
    )


def report(run: Run, latency_ms: float, parallelism: int) -> str:
    s = run.sizes
    plan, refresh, changed = (run.rows[i].result for i in (1, 2, 3))
    read = run.rows[1].bound.seconds(latency_ms)  # a plan's requests are the reads of the account
    return "\n".join(
        [
            f"{s.products:,} products, {s.options:,} options, {s.coupons:,} coupons"
            f" ({s.product_coupons:,} linked to products), {s.commissions:,} products with commission;"
            f" latency {latency_ms:g} ms, parallelism {parallelism}",
            _line([name for name, _ in COLUMNS]),
            *(_line(_cells(row, latency_ms)) for row in run.rows),
            f"  plan speed-up over the per-resource read: {refresh.wall / plan.wall:.1f}x",
            _cpu("plan in sync", plan, read),
            _cpu("10% changed", changed, read),
            f"  converged (the plan after the last apply is empty): {'yes' if run.converged else 'NO'}",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plan and apply at scale against a sandbox with latency.")
    parser.add_argument("--products", default="1000,10000", help="sizes, comma-separated (%(default)s)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="per request (%(default)s)")
    parser.add_argument("--parallelism", type=int, default=8, help="requests in flight (%(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="catalogsync-bench-") as folder:
        for products in (int(n) for n in args.products.split(",")):
            run = measure(products, args.latency_ms, args.parallelism, Path(folder))
            print(report(run, args.latency_ms, args.parallelism), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
