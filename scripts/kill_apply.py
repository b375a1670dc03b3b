"""``kill -9`` an apply during its writes under a jittery sandbox, re-run it at once, count duplicate keys.

Each run: a fresh sandbox (empty account, every request delayed by up to ``--jitter-ms``) in this process,
``catalogsync apply`` as a subprocess with ``--timeout``, killed with SIGKILL at a random moment after the
sandbox received its first create (within ``--kill-window`` seconds), then apply again at once (a subprocess,
same cache directory, so it finds the killed apply's journal of writes in flight). Once every request could
have been committed the keys are counted with raw list calls, faults off. ``--no-journal`` gives the re-run
a fresh cache directory: the behaviour without the journal.

The journal covers a write for two client timeouts after it was sent (catalogsync/inflight.py). A sandbox
that holds a request longer than that (``--jitter-ms`` above twice ``--timeout``) breaks that assumption,
for apply's own re-reads as for the journal: duplicates can then still appear.

    python scripts/kill_apply.py --runs 60
    python scripts/kill_apply.py --runs 60 --no-journal
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogsync.sandbox import Faults, Sandbox  # noqa: E402
from scripts.chaos import RawApi  # noqa: E402

CREATE = "products/create_product"
LIST = "products/list_products"


def catalog_text(keys: list[str]) -> str:
    return "products:\n" + "".join(f"  {key}: {{name: Kill {key}, price: 3.00}}\n" for key in keys)


def apply_command(catalog: Path, url: str, timeout: float) -> list[str]:
    command = [sys.executable, "-m", "catalogsync", "apply", str(catalog), "--yes", "--api-url", url]
    return [*command, "--timeout", str(timeout)]


def environment(cache: Path) -> dict[str, str]:
    env = dict(os.environ, TWOCHECKOUT_USERNAME="sandbox", TWOCHECKOUT_PASSWORD="sandbox")
    env.pop("TWOCHECKOUT_API_URL", None)
    env["XDG_CACHE_HOME"] = str(cache)
    return env


def one_run(number: int, args: argparse.Namespace, work: Path, draws: random.Random) -> dict[str, object]:
    keys = [f"KILL-{n}" for n in range(args.keys)]
    catalog = work / "catalog.yaml"
    catalog.write_text(catalog_text(keys), encoding="utf-8")
    cache = work / f"cache-{number}"
    sandbox = Sandbox(seed="empty", faults=Faults(jitter_ms=args.jitter_ms, seed=number)).start()
    try:
        first = subprocess.Popen(
            apply_command(catalog, sandbox.url, args.timeout),
            env=environment(cache),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started = time.monotonic()
        while sandbox.stats()["by_method"].get(CREATE, 0) == 0 and first.poll() is None:
            if time.monotonic() - started > 60:
                break
            time.sleep(0.005)
        time.sleep(draws.uniform(0, args.kill_window))
        killed = first.poll() is None
        if killed:
            first.send_signal(signal.SIGKILL)
        first.wait()
        rerun_cache = work / f"fresh-{number}" if args.no_journal else cache
        second = subprocess.run(
            apply_command(catalog, sandbox.url, args.rerun_timeout),
            env=environment(rerun_cache),
            capture_output=True,
            text=True,
            check=False,
        )
        waited = "waiting" in second.stderr and "sent without an answer to settle" in second.stderr
        time.sleep((args.jitter_ms / 1000) + 0.5)  # every request sent has been committed by now
        sandbox.faults = None
        api = RawApi(sandbox.url)
        try:
            held = Counter(str(p["vendor_product_id"]) for p in api.items(LIST, "products"))
        finally:
            api.close()
        doubled = sorted(key for key in keys if held[key] > 1)
        missing = sorted(key for key in keys if held[key] == 0)
        return {
            "run": number,
            "killed": killed,
            "rerun_exit": second.returncode,
            "waited": waited,
            "duplicates": doubled,
            "missing": missing,
        }
    finally:
        sandbox.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--keys", type=int, default=6)
    parser.add_argument("--jitter-ms", type=float, default=3000)
    parser.add_argument("--timeout", type=float, default=1.0, help="--timeout of the killed apply")
    parser.add_argument("--rerun-timeout", type=float, default=1.0, help="--timeout of the re-run")
    parser.add_argument(
        "--kill-window", type=float, default=3.0, help="kill within this many s of the first create"
    )
    parser.add_argument("--no-journal", action="store_true", help="the re-run gets a fresh cache directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=float, default=None, help="stop starting runs after this many s")
    args = parser.parse_args()
    draws = random.Random(args.seed)
    began = time.monotonic()
    runs = kills = duplicated_runs = duplicates = failed_reruns = waits = 0
    with tempfile.TemporaryDirectory(prefix="kill-apply-") as tmp:
        for number in range(args.runs):
            if args.budget is not None and time.monotonic() - began > args.budget:
                break
            result = one_run(number, args, Path(tmp), draws)
            runs += 1
            kills += bool(result["killed"])
            found = list(result["duplicates"])  # type: ignore[call-overload]
            duplicates += len(found)
            duplicated_runs += bool(found)
            failed_reruns += result["rerun_exit"] != 0
            waits += bool(result["waited"])
            print(result, flush=True)
    mode = "without the journal" if args.no_journal else "with the journal"
    print(
        f"{mode}: runs={runs} kills={kills} runs_with_duplicates={duplicated_runs}"
        f" duplicate_keys={duplicates} reruns_waited={waits}"
        f" reruns_failed={failed_reruns} ({time.monotonic() - began:.0f} s)",
        flush=True,
    )
    return 1 if duplicates else 0


if __name__ == "__main__":
    sys.exit(main())
