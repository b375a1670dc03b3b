"""Output that fits a large account: changes in full, what is left alone summarised, an apply report that
counts, and every outcome in ``--report`` (a 2,000-product account against a real sandbox)."""

from __future__ import annotations

import json

import pytest

PRODUCTS = 2000


@pytest.fixture
def big(empty_sandbox, cli, write, tmp_path):
    """The account after applying a 2,000-product catalog, with what that apply printed and reported."""
    catalog = "products:\n" + "".join(
        f"  P{n:05}: {{name: Product {n}, price: 1.00}}\n" for n in range(PRODUCTS)
    )
    path = write(catalog, "big.yaml")
    report = tmp_path / "report.json"
    applied = cli(empty_sandbox, "apply", path, "--yes", "--force", "--report", str(report))
    return empty_sandbox, applied, json.loads(report.read_text(encoding="utf-8"))


def test_a_large_apply_then_a_small_plan(big, cli, write):
    """One apply of 2,000 products (made once: it takes seconds), then plans of one change."""
    check_the_apply_summary(big)
    check_the_report(big)
    check_a_one_change_plan(big, cli, write)


def check_the_apply_summary(big):
    _, applied, _ = big
    assert applied.code == 0, applied.err
    lines = applied.out.splitlines()
    assert len(lines) < 40, applied.out
    assert "+ create 2,000 products: P00000, P00001, P00002 and 1,997 more" in lines
    assert "  create product (2,000): P00000, P00001, P00002 and 1,997 more" in lines
    assert lines[-1] == "Apply complete: 2,000 applied, 0 failed, 0 skipped."


def check_the_report(big):
    _, _, report = big
    assert report["summary"] == {"applied": PRODUCTS, "failed": 0, "skipped": 0}
    assert len(report["outcomes"]) == PRODUCTS
    assert {o["key"] for o in report["outcomes"]} == {f"P{n:05}" for n in range(PRODUCTS)}
    assert all(o["status"] == "applied" and o["vendor_id"].isdigit() for o in report["outcomes"])
    assert len({o["vendor_id"] for o in report["outcomes"]}) == PRODUCTS


def check_a_one_change_plan(big, cli, write):
    sandbox, _, _ = big
    path = write("products:\n  P00007: {name: Product 7, price: 2.00}\n", "one.yaml")
    text = cli(sandbox, "plan", path)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert len(lines) < 40, text.out
    assert "~ product P00007" in lines
    assert (
        "    1,999 products not in the catalog (pruning off): P00000, P00001, P00002 and 1,996 more" in lines
    )
    full = cli(sandbox, "plan", path, "--show-unmanaged")
    assert len(full.out.splitlines()) > PRODUCTS
    markdown = cli(sandbox, "plan", path, "--format", "markdown").out
    assert "Left alone: 1,999 (1,999 products not in the catalog (pruning off))" in markdown
    assert "<details><summary>Left alone: 1,999, the first 50</summary>" in markdown
    assert markdown.count("`: not in the catalog (pruning off)\n") == 50  # the left-alone list, cut
    assert len(json.loads(cli(sandbox, "plan", path, "--format", "json").out)["unmanaged"]) == 1999
