"""The whole loop against a real sandbox: plan, apply, plan again, export, in both dialects."""

from __future__ import annotations

import pytest
import yaml

EXAMPLE = "examples/catalog.yaml"

LINKED = """
options:
  Size:
    values:
      - {name: Small, surcharge: 0.00}
      - {name: Large, surcharge: 2.50}
products:
  TEE-NEW:
    name: New tee
    price: 19.99
    options: [Size]
    categories: [17]
    tangible: true
    weight: 0.30
    handling: 0.00
  SUB-1:
    name: Monthly box
    price: 9.99
    recurring: {recurrence: 1 Month, duration: Forever, startup_fee: 4.99}
    commission: {type: percentage, amount: 10.00}
coupons:
  TEES5: {type: product, value_off: 5.00, products: [TEE-NEW], expires: 2027-12-31, minimum_purchase: 20.00}
  ALL15: {type: product, percent_off: 15, all_products: true, expires: 2027-12-31}
  SALE12: {type: sale, percent_off: 12.5, expires: 2028-01-31}
  SHIP: {type: shipping, expires: 2028-01-31}
"""


@pytest.fixture(params=["lenient", "strict"])
def account(request, make_sandbox):
    return make_sandbox(seed="demo", dialect=request.param)


def test_apply_then_plan_is_empty(account, cli, write):
    path = write(LINKED)
    first = cli(account, "plan", path, "--detailed-exitcode")
    assert first.code == 2, first.err
    assert "+ product TEE-NEW" in first.out
    applied = cli(account, "apply", path, "--yes")
    assert applied.code == 0, applied.out + applied.err
    again = cli(account, "plan", path, "--detailed-exitcode")
    assert (again.code, again.out.strip().splitlines()[-1]) == (
        0,
        "No changes. The account matches the catalog.",
    )


def test_example_catalog_converges(account, cli):
    assert cli(account, "apply", EXAMPLE, "--yes").code == 0
    again = cli(account, "plan", EXAMPLE, "--detailed-exitcode")
    assert again.code == 0, again.out


def test_export_then_plan_is_empty(account, cli, write, tmp_path):
    exported = tmp_path / "exported.yaml"
    assert cli(account, "export", "-o", str(exported)).code == 0
    text = exported.read_text()
    assert "API product" in text  # the unkeyed demo product, exported for adoption
    result = cli(account, "plan", str(exported), "--detailed-exitcode")
    assert result.out.startswith("~ adopt product 4635212971 as API-PRODUCT\n\nPlan:"), result.err
    assert cli(account, "apply", str(exported), "--yes").code == 0
    result = cli(account, "plan", str(exported), "--detailed-exitcode")
    assert result.code == 0, result.out + result.err


def test_export_edit_plan_apply_plan(account, cli, tmp_path):
    exported = tmp_path / "catalog.yaml"
    cli(account, "export", "-o", str(exported))
    data = yaml.safe_load(exported.read_text())
    data["products"]["LTP-003"]["price"] = "12.34"
    data["options"]["Volume"]["values"].reverse()
    data["products"]["OP-T"]["categories"] = []
    exported.write_text(yaml.safe_dump(data))
    plan = cli(account, "plan", str(exported), "--detailed-exitcode")
    assert plan.code == 2
    assert "price: 10.00 -> 12.34" in plan.out or 'price: "10.00" -> "12.34"' in plan.out
    assert cli(account, "apply", str(exported), "--yes").code == 0
    assert cli(account, "plan", str(exported), "--detailed-exitcode").code == 0


def test_option_value_rename_and_reorder(account, cli, write):
    base = "options:\n  Size:\n    values:\n{}"
    first = write(base.format("      - {name: S, surcharge: 1.00}\n      - {name: M, surcharge: 2.00}\n"))
    assert cli(account, "apply", first, "--yes").code == 0
    renamed = write(
        base.format(
            "      - {name: Medium, surcharge: 2.00}\n      - {name: S, surcharge: 1.50}\n"
            "      - {name: XL, surcharge: 4.00}\n"
        ),
        "renamed.yaml",
    )
    assert cli(account, "apply", renamed, "--yes").code == 0
    assert cli(account, "plan", renamed, "--detailed-exitcode").code == 0
    shrunk = write(base.format("      - {name: XL, surcharge: 4.00}\n"), "shrunk.yaml")
    assert cli(account, "apply", shrunk, "--yes").code == 0
    assert cli(account, "plan", shrunk, "--detailed-exitcode").code == 0


def test_pruning_off_leaves_unmanaged_alone(account, cli, write):
    path = write(LINKED)
    plan = cli(account, "plan", path, "--show-unmanaged")
    assert "- product" not in plan.out
    assert "product LTP-003: not in the catalog (pruning off)" in plan.out
    cli(account, "apply", path, "--yes")
    exported = cli(account, "export").out
    assert "LTP-003" in exported and "SAVEJUNE" in exported


def test_pruning_deletes_in_order_and_protects_keys(account, cli, write):
    path = write(
        """
        settings:
          prune: {options: true, products: true, coupons: true}
          protected: {products: [LTP-003], options: [decibels]}
          safety: {max_deletes: 100}
        options:
          Size:
            values: [{name: One, surcharge: 0.00}]
        """
    )
    result = cli(account, "apply", path, "--yes")
    assert result.code == 0, result.out + result.err
    assert "delete option Volume" in result.out
    left = yaml.safe_load(
        cli(account, "export").out.split("\n", 1)[1] if False else cli(account, "export").out
    )
    assert set(left["products"]) == {"LTP-003", "API-PRODUCT"}  # the keyless one, exported for adoption
    assert set(left["options"]) == {"Size", "decibels"}
    assert "coupons" not in left or not left["coupons"]


def test_export_links_what_links_to_an_unkeyed_product_to_its_adopted_key(sandbox, cli, tmp_path):
    from catalogsync.api import Client

    with Client(sandbox.url, "sandbox", "sandbox") as client:
        unkeyed = next(p for p in client.products.list_all() if not p["vendor_product_id"])
        client.products.coupons.create(
            coupon_code="APIC",
            type="product",
            date_expire="2030-01-01",
            percentage_off="5",
            product_id=[unkeyed["product_id"]],
        )
    exported = tmp_path / "exported.yaml"
    assert cli(sandbox, "export", "-o", str(exported)).code == 0
    data = yaml.safe_load(exported.read_text())
    assert data["adopt"]["products"] == {"API-PRODUCT": unkeyed["product_id"]}
    assert data["coupons"]["APIC"]["products"] == ["API-PRODUCT"]
    assert cli(None, "validate", str(exported)).code == 0
    assert cli(sandbox, "apply", str(exported), "--yes").code == 0
    assert cli(sandbox, "plan", str(exported), "--detailed-exitcode").code == 0
