"""Saved plans, stale-plan refusal, thresholds, confirmation and every exit code."""

from __future__ import annotations

import json
from pathlib import Path

import requests

CATALOG = """
products:
  LTP-003: {name: Live Test Product, price: 11.00}
  NEW-1: {name: New one, price: 5.00}
"""


def test_saved_plan_applies_once_then_is_stale(sandbox, cli, write, tmp_path):
    path, plan = write(CATALOG), str(tmp_path / "plan.json")
    assert cli(sandbox, "plan", path, "--out", plan).code == 0
    assert json.loads(Path(plan).read_text())["account"]["base_url"] == sandbox.url
    applied = cli(sandbox, "apply", plan)
    assert applied.code == 0, applied.out + applied.err
    again = cli(sandbox, "apply", plan)
    assert again.code == 4
    assert "changed in the account since the plan was made" in again.err


def test_plan_refused_when_a_touched_object_changed(sandbox, cli, write, tmp_path):
    path, plan = write(CATALOG), str(tmp_path / "plan.json")
    cli(sandbox, "plan", path, "--out", plan)
    listed = requests.get(
        f"{sandbox.url}/products/list_products",
        params={"vendor_product_id": "LTP-003"},
        auth=("sandbox", "sandbox"),
        headers={"Accept": "application/json"},
        timeout=10,
    ).json()["products"][0]
    requests.post(
        f"{sandbox.url}/products/update_product",
        data={"product_id": listed["product_id"], "name": "Edited by hand", "price": "10.00"},
        auth=("sandbox", "sandbox"),
        headers={"Accept": "application/json"},
        timeout=10,
    ).raise_for_status()
    result = cli(sandbox, "apply", plan)
    assert result.code == 4
    assert "product:LTP-003" in result.err
    assert "NEW-1" not in cli(sandbox, "export").out  # nothing was applied


def test_plan_refused_for_another_catalog(sandbox, cli, write, tmp_path):
    path, plan = write(CATALOG), str(tmp_path / "plan.json")
    cli(sandbox, "plan", path, "--out", plan)
    write(CATALOG.replace("5.00", "6.00"))
    result = cli(sandbox, "apply", plan)
    assert result.code == 4
    assert "is not the catalog the plan was made from (its SHA-256 differs)" in result.err


def test_plan_refused_for_another_account(make_sandbox, cli, write, tmp_path):
    first, second = make_sandbox(), make_sandbox()
    path, plan = write(CATALOG), str(tmp_path / "plan.json")
    cli(first, "plan", path, "--out", plan)
    result = cli(second, "apply", plan)
    assert result.code == 4
    assert f"the plan is for {first.url}, not {second.url}; nothing was opened or read" in result.err


def test_thresholds_exit_3_unless_forced(sandbox, cli, write):
    path = write(
        """
        settings:
          prune: {products: true}
          safety: {max_deletes: 2}
        products:
          LTP-003: {name: Live Test Product, price: 10.00}
        """
    )
    plan = cli(sandbox, "plan", path)
    assert plan.code == 3
    assert "max_deletes" in plan.err
    assert cli(sandbox, "apply", path, "--yes").code == 3
    assert "OP-T" in cli(sandbox, "export").out
    forced = cli(sandbox, "apply", path, "--yes", "--force")
    assert forced.code == 0, forced.out + forced.err


def test_exit_codes_for_errors(sandbox, cli, write):
    bad = write("products:\n  X: {name: x, price: -1}\n")
    result = cli(sandbox, "plan", bad)
    assert result.code == 1
    assert "products.X.price" in result.err
    good = write("products:\n  X: {name: x, price: 1}\n", "good.yaml")
    assert cli(sandbox, "plan", good).code == 0
    assert cli(sandbox, "plan", good, "--detailed-exitcode").code == 2


def test_wrong_credentials_exit_1_without_leaking(sandbox, cli, write, monkeypatch):
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", "hunter2-secret")
    result = cli(sandbox, "plan", write(CATALOG))
    assert result.code == 1
    assert "UNAUTHORIZED" in result.err
    assert "hunter2-secret" not in result.out + result.err


def test_apply_without_yes_refuses_when_not_interactive(sandbox, cli, write, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))
    result = cli(sandbox, "apply", write(CATALOG))
    assert result.code == 1
    assert "--yes" in result.err
    assert "NEW-1" not in cli(sandbox, "export").out


def test_failed_change_exit_1_and_dependants_skipped(sandbox, cli, write):
    path = write(
        """
        options:
          Bad:
            values: [{name: A, surcharge: 0.00}]
        products:
          USES-BAD: {name: Uses bad, price: 1.00, options: [Bad], categories: [99999]}
          FINE: {name: Fine, price: 1.00}
        coupons:
          NEEDS-IT: {type: product, percent_off: 10, products: [USES-BAD], expires: 2030-01-01}
        """
    )
    result = cli(sandbox, "apply", path, "--yes")
    assert result.code == 1
    assert "Failed (1):" in result.out and "create product USES-BAD" in result.out
    assert (
        "Skipped (1):" in result.out and "create coupon NEEDS-IT: depends on product:USES-BAD" in result.out
    )
    assert "create product FINE" in result.out.split("Failed")[0]


def test_validate(cli, write):
    assert cli(None, "validate", "examples/catalog.yaml").code == 0
    bad = write("products:\n  X: {name: x, price: 1, colour: red}\n  X: {name: y, price: 2}\n")
    result = cli(None, "validate", bad)
    assert result.code == 1
    assert f"{bad}:3:" in result.err  # the duplicate key
    assert "colour" in result.err


def test_validate_reports_every_file(cli, write):
    good = write("products:\n  X: {name: x, price: 1}\n", "good.yaml")
    bad = write("products:\n  X: {name: x}\n", "bad.yaml")
    result = cli(None, "validate", good, bad)
    assert result.code == 1
    assert f"{good}: valid" in result.out
    assert f"{bad}:2:" in result.err and "price" in result.err
