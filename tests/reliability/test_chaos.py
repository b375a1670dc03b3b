"""Chaos in the normal suite: a linked catalog applied through the CLI while reads and writes fail at 20 %.

Within three applies the account converges (a fault-free plan is empty) with no key held twice, no undeclared
field of an adopted resource changed and no unmanaged resource touched, all checked with raw API calls; each
apply reports what was applied, what failed (with the vendor's or the transport's words) and what was skipped.
"""

from __future__ import annotations

import re

import pytest
import requests

from catalogsync.catalogfile.loader import loads
from catalogsync.sandbox import Sandbox
from scripts.chaos import CATALOG, TIMEOUT, Audit, audit, faults, main, snapshot

REPORT = re.compile(r"^Apply (complete|incomplete): (\d+) applied, (\d+) failed, (\d+) skipped\.$", re.M)
PLANNED = re.compile(r"^Plan: (\d+) to create, (\d+) to update, (\d+) to delete\.$", re.M)


def check_report(out: str) -> None:
    """The report accounts for every planned change; failures say why, skips say what they waited for."""
    planned = sum(int(n) for n in PLANNED.search(out).groups())  # type: ignore[union-attr]
    status, *counts = REPORT.search(out).groups()  # type: ignore[union-attr]
    applied, failed, skipped = (int(n) for n in counts)
    assert applied + failed + skipped == planned
    assert (status == "complete") == (failed + skipped == 0)
    section = out.split("Failed (")[1].split("\nSkipped")[0] if failed else ""
    for line in section.splitlines()[1:]:
        assert re.search(r": products/\w+: |: products/\w+ failed with HTTP \d+: [A-Z_]+", line), line
    if skipped:
        assert all("depends on" in line for line in out.split("Skipped (")[1].splitlines()[1:-1])


@pytest.mark.parametrize(("dialect", "seed"), [(d, s) for s in (11, 12, 13) for d in ("lenient", "strict")])
def test_apply_converges_under_faults(make_sandbox, cli, write, dialect, seed):
    sandbox = make_sandbox(seed="demo", dialect=dialect)
    catalog, path = loads(CATALOG), write(CATALOG)
    before = snapshot(sandbox.url)
    for attempt in (1, 2, 3):
        sandbox.faults = faults(0.2, seed * 10 + attempt)
        applied = cli(sandbox.url, "apply", path, "--yes", "--timeout", str(TIMEOUT))
        if applied.code == 0 or "Apply incomplete" in applied.out:
            check_report(applied.out)
        else:  # the account could not be read at all: a clear error, no report
            assert applied.err.startswith("Error: products/") or applied.err.startswith("Error: acct/")
        sandbox.faults = None
        if cli(sandbox.url, "plan", path, "--detailed-exitcode").code == 0:
            break
    else:
        pytest.fail("no convergence within three applies")
    assert sum(sandbox.stats()["faults"].values()) > 0
    assert audit(catalog, before, snapshot(sandbox.url)) == Audit()


def test_audit_sees_duplicates_lost_fields_and_touched_resources(sandbox: Sandbox):
    """The chaos audit itself can fail: each kind of damage done by hand is reported."""
    catalog = loads(CATALOG)
    before = snapshot(sandbox.url)
    session = requests.Session()
    session.auth, session.headers["Accept"] = ("sandbox", "sandbox"), "application/json"
    with session:
        post = lambda method, **data: session.post(f"{sandbox.url}/{method}", data=data, timeout=10)  # noqa: E731
        post("products/create_product", name="Twin", price="1.00", vendor_product_id="HEX-001")
        ltp = session.get(f"{sandbox.url}/products/list_products", params={"vendor_product_id": "LTP-003"})
        post(
            "products/update_product",
            product_id=ltp.json()["products"][0]["product_id"],
            long_description="",
        )
        post("products/update_coupon", coupon_code="FREESHIP", minimum_purchase="1.00")
    found = audit(catalog, before, snapshot(sandbox.url))
    assert found.duplicates == ["product HEX-001 x2"]
    assert found.lost == ["product LTP-003 (id 3970322775): long_description changed"]
    assert "coupon FREESHIP (id FREESHIP)" in found.touched
    assert any("created, not in the catalog" in line for line in found.touched)


def test_chaos_script_prints_the_figures(capsys):
    assert main(["--runs", "2", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    for label in (
        "runs",
        "faults injected",
        "converged in one apply",
        "converged within three",
        "duplicates found              0",
        "fields lost                   0",
        "unmanaged resources touched   0",
    ):
        assert label in out
