"""Adoption by id (``adopt:``) against a real sandbox, in both dialects: a keyless product from an export, the
products of a shared key one by one, and the adoptions that are refused before anything is written."""

from __future__ import annotations

import re

import pytest
import yaml

from catalogsync.api import Client
from tests.e2e.test_renames import writes

KEYLESS = "4635212971"
"""The demo account's "API product", which has no product code and uses the option decibels."""


@pytest.fixture(params=["lenient", "strict"])
def account(request, make_sandbox):
    return make_sandbox(seed="demo", dialect=request.param)


def code_of(sandbox, product_id: str) -> str:
    with Client(sandbox.url, "sandbox", "sandbox") as client:
        code: str = client.products.details(product_id=product_id)["product"]["vendor_product_id"]
    return code


def test_an_export_adopts_the_keyless_product_then_plans_empty(account, cli, tmp_path):
    exported = tmp_path / "exported.yaml"
    assert cli(account, "export", "-o", str(exported)).code == 0
    data = yaml.safe_load(exported.read_text(encoding="utf-8"))
    assert data["adopt"] == {"products": {"API-PRODUCT": KEYLESS}}
    assert data["products"]["API-PRODUCT"]["options"] == ["decibels"]
    planned = cli(account, "plan", str(exported), "--detailed-exitcode")
    assert planned.code == 2, planned.err
    assert planned.out.startswith("~ adopt product 4635212971 as API-PRODUCT\n")
    assert "Plan: 0 to create, 0 to update, 0 to delete, 1 to adopt." in planned.out
    applied = cli(account, "apply", str(exported), "--yes")
    assert applied.code == 0, applied.out + applied.err
    assert code_of(account, KEYLESS) == "API-PRODUCT"
    assert cli(account, "plan", str(exported), "--detailed-exitcode").code == 0
    del data["adopt"]
    exported.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert cli(account, "plan", str(exported), "--detailed-exitcode").code == 0


def test_an_adoption_with_field_changes_sends_them_with_the_key(account, cli, write):
    path = write(
        f"""
        adopt:
          products: {{API-PRODUCT: "{KEYLESS}"}}
        products:
          API-PRODUCT: {{name: API product, price: 12.00}}
        """
    )
    planned = cli(account, "plan", path)
    assert "~ adopt product 4635212971 as API-PRODUCT\n    price: 10.00 -> 12.00\n" in planned.out
    assert cli(account, "apply", path, "--yes").code == 0
    with Client(account.url, "sandbox", "sandbox") as client:
        product = client.products.details(product_id=KEYLESS)["product"]
    assert (product["vendor_product_id"], product["price"]) == ("API-PRODUCT", "12.00")
    assert [o["option_name"] for o in product["options"]] == ["decibels"]  # not declared: kept
    assert cli(account, "plan", path, "--detailed-exitcode").code == 0


def test_products_sharing_a_key_are_adopted_one_by_one(account, cli, write):
    with Client(account.url, "sandbox", "sandbox") as client:
        extra = [
            client.products.create(name=f"Lead weights {n}", price="25.00", vendor_product_id="LW-500")[
                "product_id"
            ]
            for n in (2, 3)
        ]
    shared = cli(account, "plan", write("products:\n  LW-500: {name: Lead weights, price: 25.00}\n"))
    assert shared.code == 1 and "several live resources share these keys" in shared.err
    first = write(
        f'adopt:\n  products: {{LW-500-2: "{extra[0]}"}}\n'
        "products:\n  LW-500-2: {name: Lead weights 2, price: 25.00}\n"
    )
    assert cli(account, "plan", first).out.startswith(f"~ adopt product {extra[0]} as LW-500-2\n")
    assert cli(account, "apply", first, "--yes").code == 0
    assert cli(account, "plan", first, "--detailed-exitcode").code == 0
    second = write(
        f'adopt:\n  products: {{LW-500-3: "{extra[1]}"}}\nproducts:\n'
        "  LW-500: {name: Lead weights, price: 25.00}\n  LW-500-3: {name: Lead weights 3, price: 25.00}\n",
        "second.yaml",
    )
    planned = cli(account, "plan", second)
    assert planned.code == 0, planned.err
    assert planned.out.startswith(
        f"~ adopt product {extra[1]} as LW-500-3\n"
    )  # LW-500 is then the seed's alone
    assert cli(account, "apply", second, "--yes").code == 0
    assert [code_of(account, i) for i in ("4166247708", *extra)] == ["LW-500", "LW-500-2", "LW-500-3"]
    assert cli(account, "plan", second, "--detailed-exitcode").code == 0


@pytest.mark.parametrize(
    ("adopt", "declared", "reason"),
    [
        (
            "NEW: '4000000001'",
            "NEW: {name: New, price: 1.00}",
            "cannot adopt product 4000000001 as NEW: no product of the account has the id 4000000001",
        ),
        (
            "NEW: '3970322775'",
            "NEW: {name: Live Test Product, price: 10.00}",
            "cannot adopt product 3970322775 as NEW: it has the code LTP-003 (rename it with previous_keys",
        ),
        (
            f"LTP-003: '{KEYLESS}'",
            "LTP-003: {name: API product, price: 10.00}",
            f"cannot adopt product {KEYLESS} as LTP-003: the code LTP-003 is taken by product 3970322775",
        ),
    ],
    ids=["unknown-id", "id-with-another-key", "key-taken"],
)
def test_an_adoption_that_cannot_be_made_is_refused_and_nothing_is_written(
    account, cli, write, adopt, declared, reason
):
    path = write(f"adopt:\n  products: {{{adopt}}}\nproducts:\n  {declared}\n")
    account.reset_stats()
    planned = cli(account, "plan", path)
    assert planned.code == 1 and reason in planned.err, planned.err
    applied = cli(account, "apply", path, "--yes")
    assert applied.code == 1 and reason in applied.err
    assert writes(account) == 0


def test_an_adopt_entry_must_name_a_declared_product(cli, write):
    path = write("adopt:\n  products: {API-PRODUCT: '4635212971'}\nproducts: {}\n")
    checked = cli(None, "validate", path)
    assert checked.code == 1
    assert re.search(
        r"catalog.yaml:2:14: adopt.products.API-PRODUCT: product 'API-PRODUCT' is not declared", checked.err
    )
