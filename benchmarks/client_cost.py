"""The client's own CPU per request, against a sandbox with no latency in another process.

    .venv/bin/python -m benchmarks.client_cost --requests 2000 --runs 5

Each run sends ``--requests`` calls of ``detail_company_info`` (the smallest answer: what is measured is the
cost of a call, not of its body) from ``parallelism`` threads through one :class:`Client`, and divides the
client process's CPU time by the requests. The median of the runs is printed, with the range.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from benchmarks.sandbox_process import USER, RemoteSandbox
from catalogsync.api import Client


def cpu_ms_per_request(url: str, requests: int, parallelism: int) -> tuple[float, float]:
    """Client CPU and wall milliseconds per request of one run."""
    with Client(url, USER, USER, parallelism=parallelism) as client:
        client.account.company_info()  # connect, outside the measure
        with ThreadPoolExecutor(parallelism) as pool:
            cpu, wall = time.process_time(), time.perf_counter()
            list(pool.map(lambda _: client.account.company_info(), range(requests)))
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return 1000 * cpu / requests, 1000 * wall / requests


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The client's CPU time per request.")
    parser.add_argument("--requests", type=int, default=2000, help="per run (%(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="runs per parallelism (%(default)s)")
    parser.add_argument("--parallelism", default="1,8", help="comma-separated (%(default)s)")
    args = parser.parse_args(argv)
    print(f"client CPU per request, ms: {args.requests} detail_company_info calls per run, {args.runs} runs")
    print(f"  {'parallelism':>11} {'median':>7} {'min':>6} {'max':>6} {'wall ms/req':>11}")
    with RemoteSandbox(0) as sandbox:
        for parallelism in (int(n) for n in args.parallelism.split(",")):
            runs = [cpu_ms_per_request(sandbox.url, args.requests, parallelism) for _ in range(args.runs)]
            cpu = [c for c, _ in runs]
            wall = statistics.median(w for _, w in runs)
            print(
                f"  {parallelism:>11} {statistics.median(cpu):7.3f} {min(cpu):6.3f} {max(cpu):6.3f}"
                f" {wall:11.3f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
