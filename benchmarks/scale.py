"""Scale benchmark: validate, plan and apply at 1,000 to 100,000 products against a sandbox with latency.

    .venv/bin/python -m benchmarks.scale --products 1000,10000 --latency-ms 20,150 --parallelism 8,32 \\
        --json scale.json

For each size it generates a catalog and its 10% change, runs ``catalogsync validate`` on it, starts an
in-memory sandbox (``seed="empty"``) in its own process and measures, each stage in a fresh engine process:
apply creating everything (at the first latency and parallelism given); then at every latency and
parallelism, a plan of the account in sync and a Terraform-style refresh (one detail call per resource, as
many at a time as the plan has in flight); last, at the first latency and parallelism again, apply of the 10%
change and a final plan that must be empty. Wall times and requests are compared with their lower bound
(:mod:`benchmarks.bounds`, computed from the generated account's shape, not from the engine).
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
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
    by_method: dict[str, int]
    """Requests served, by API method."""
    sandbox_ms: float
    """Sandbox process CPU per request served, in milliseconds."""


@dataclass
class Setting:
    """The stages measured at one latency and parallelism."""

    latency_ms: float
    parallelism: int
    rows: list[Row] = field(default_factory=list)

    def row(self, stage: str) -> Row:
        return next(row for row in self.rows if row.stage == stage)


@dataclass(frozen=True)
class Run:
    sizes: Shape
    validate: stages.Result
    settings: list[Setting]
    converged: bool


CREATE, PLAN, REFRESH, CHANGE = (
    "apply, creating everything",
    "plan, account in sync",
    "per-resource read",
    "apply, 10% changed",
)


def measure(products: int, pairs: list[tuple[float, int]], folder: Path) -> Run:
    """Every stage at ``products``, at each (latency, parallelism) of ``pairs`` (see the module)."""
    sizes = shape(products)
    base, changed = folder / f"catalog-{products}.yaml", folder / f"catalog-{products}-changed.yaml"
    base.write_text(catalog_yaml(products), encoding="utf-8")
    changed.write_text(catalog_yaml(products, changed=True), encoding="utf-8")
    checked = stages.validate(str(base))
    settings = [Setting(latency, parallelism) for latency, parallelism in pairs]
    first = settings[0]
    with RemoteSandbox(first.latency_ms) as sandbox:

        def stage(
            setting: Setting, label: str, bound: bounds.Bound, name: str, *args: object
        ) -> stages.Result:
            sandbox.set_latency(setting.latency_ms)
            sandbox.ask("reset")
            cpu = sandbox.ask("cpu")
            result = stages.run(name, *args)
            stats = sandbox.ask("stats")
            used, served = sandbox.ask("cpu") - cpu, stats["requests"]
            ms = 1000 * used / max(1, served)
            setting.rows.append(Row(label, result, bound, served, stats["by_method"], ms))
            return result

        levels = (sizes.options, sizes.products, sizes.coupons)
        p = first.parallelism
        create = bounds.read_empty(p) + bounds.writes(levels, p)
        stage(first, CREATE, create, "apply", sandbox.url, str(base), p, True)
        for setting in settings:
            p = setting.parallelism
            plan = stage(setting, PLAN, bounds.read_all(sizes, p), "plan", sandbox.url, str(base), p, False)
            stage(setting, REFRESH, bounds.per_resource(sizes, p), "refresh", sandbox.url, plan.ids, p)
        p = first.parallelism
        change = bounds.read_all(sizes, p) + bounds.updates(changed_counts(sizes), p)
        stage(first, CHANGE, change, "apply", sandbox.url, str(changed), p, True)
        final = stages.run("plan", sandbox.url, str(changed), p, False)
    applied = all(row.result.applied_ok for s in settings for row in s.rows)
    return Run(sizes, checked, settings, converged=final.changes == 0 and applied)


COLUMNS = (
    ("stage", 27),
    ("wall s", 7),
    ("bound s", 8),
    ("ratio", 6),
    ("requests", 9),
    ("minimum", 8),
    ("served", 7),
    ("load", 5),
    ("decode", 6),
    ("client", 6),
    ("plan", 5),
    ("sandbox ms/req", 14),
    ("peak RSS MB", 11),
)
CPU = (
    "  CPU seconds: load = loading the catalog, decode = wire items into models, client = the rest of reading"
    " the account, plan = diff + plan"
)


def _line(cells: Sequence[str]) -> str:
    first, *rest = zip(cells, COLUMNS, strict=True)
    return "  " + " ".join([first[0].ljust(first[1][1]), *(cell.rjust(width) for cell, (_, width) in rest)])


def _cells(row: Row, latency_ms: float) -> list[str]:
    result, bound = row.result, row.bound
    seconds = bound.seconds(latency_ms)
    engine = row.stage != REFRESH
    cpu = (result.cpu_load, result.cpu_decode, result.cpu_fetch, result.cpu_plan)
    return [
        row.stage,
        f"{result.wall:.2f}",
        f"{seconds:.2f}",
        f"{result.wall / seconds:.2f}" if seconds else "-",
        f"{result.requests:,}",
        f"{bound.requests:,}",
        f"{row.served:,}",
        *(f"{value:.2f}" if engine else "-" for value in cpu),
        f"{row.sandbox_ms:.2f}",
        f"{result.rss_mb:.0f}",
    ]


def _speedup(setting: Setting) -> float:
    """How many times faster the plan was than the per-resource read at the same setting."""
    return setting.row(REFRESH).result.wall / setting.row(PLAN).result.wall


def report(run: Run) -> str:
    s, checked = run.sizes, run.validate
    lines = [
        f"{s.products:,} products, {s.options:,} options, {s.coupons:,} coupons"
        f" ({s.product_coupons:,} linked to products), {s.commissions:,} products with commission",
        f"  validate: {checked.wall:.2f} s wall, {checked.cpu_total:.2f} s CPU,"
        f" peak RSS {checked.rss_mb:.0f} MB",
        CPU,
    ]
    for setting in run.settings:
        lines += [
            f"  latency {setting.latency_ms:g} ms, parallelism {setting.parallelism}",
            _line([name for name, _ in COLUMNS]),
            *(_line(_cells(row, setting.latency_ms)) for row in setting.rows),
            f"  plan speed-up over the per-resource read at parallelism {setting.parallelism}:"
            f" {_speedup(setting):.1f}x",
        ]
    lines.append(f"  converged (the plan after the last apply is empty): {'yes' if run.converged else 'NO'}")
    return "\n".join(lines)


def raw(run: Run) -> dict[str, object]:
    """The figures of a run for ``--json``: every stage's measures, bound and requests served."""
    return {
        "shape": asdict(run.sizes),
        "validate": _figures(run.validate),
        "settings": [
            {
                "latency_ms": setting.latency_ms,
                "parallelism": setting.parallelism,
                "speedup": _speedup(setting),
                "stages": [
                    {
                        "stage": row.stage,
                        **_figures(row.result),
                        "bound_requests": row.bound.requests,
                        "bound_rounds": row.bound.rounds,
                        "bound_s": row.bound.seconds(setting.latency_ms),
                        "served": row.served,
                        "served_by_method": row.by_method,
                        "sandbox_ms_per_request": row.sandbox_ms,
                    }
                    for row in setting.rows
                ],
            }
            for setting in run.settings
        ],
        "converged": run.converged,
    }


def _figures(result: stages.Result) -> dict[str, object]:
    return {name: value for name, value in asdict(result).items() if name != "ids"}


def numbers(text: str, kind: Callable[[str], float]) -> list[float]:
    """A comma-separated list of positive numbers, for argparse."""
    try:
        values = [kind(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if not values or min(values) <= 0:
        raise argparse.ArgumentTypeError(f"every value must be more than 0: {text!r}")
    return values


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate, plan and apply at scale against a sandbox.")
    parser.add_argument(
        "--products", type=lambda t: numbers(t, int), default=[1000, 10000], help="sizes (1000,10000)"
    )
    parser.add_argument(
        "--latency-ms", type=lambda t: numbers(t, float), default=[20.0], help="per request, ms (20)"
    )
    parser.add_argument(
        "--parallelism", type=lambda t: numbers(t, int), default=[8], help="requests in flight (8)"
    )
    parser.add_argument("--json", metavar="PATH", type=Path, help="write the raw figures there")
    args = parser.parse_args(argv)
    pairs = [(float(lat), int(par)) for lat, par in itertools.product(args.latency_ms, args.parallelism)]
    runs = []
    with tempfile.TemporaryDirectory(prefix="catalogsync-bench-") as folder:
        for products in args.products:
            run = measure(int(products), pairs, Path(folder))
            print(report(run), flush=True)
            runs.append(raw(run))
            if args.json:  # after each size: a long run that stops later keeps what it measured
                args.json.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
