"""A plan makes exactly the requests its catalog needs, counted by the sandbox: a regression in them fails.

The demo account has one page of each list and no product with a commission; of its four coupons two are
product coupons (COUPON, SAVEJUNE), whose links only ``detail_coupon`` gives.
"""

from __future__ import annotations

import pytest

from benchmarks.bounds import read_all
from benchmarks.generate import catalog_yaml, shape

ROOTS = {
    "acct/detail_company_info": 1,
    "products/list_options": 1,
    "products/list_products": 1,
    "products/list_coupons": 1,
}
EXAMPLE = "examples/catalog.yaml"
NO_COUPONS = "products:\n  OP-T: {name: OPTION TEST, price: 100.00}\n"
PRUNING = "settings: {prune: {products: true}, safety: {max_deletes: 100}}\n" + NO_COUPONS


def served(sandbox, cli, *argv: str) -> dict[str, int]:
    sandbox.reset_stats()
    result = cli(sandbox, *argv)
    assert result.code == 0, result.err
    return dict(sandbox.stats()["by_method"])


@pytest.mark.parametrize(
    ("catalog", "details"),
    [
        (EXAMPLE, {}),  # what it declares is new, or complete in the lists
        (NO_COUPONS, {}),  # no coupon is compared: none is read in detail
        (PRUNING, {"products/detail_coupon": 2}),  # a product coupon could hold a pruned product
    ],
)
def test_a_plan_of_the_demo_account_reads_what_its_catalog_needs(sandbox, cli, write, catalog, details):
    path = catalog if catalog == EXAMPLE else write(catalog)
    assert served(sandbox, cli, "plan", path) == ROOTS | details


def test_export_reads_every_detail_the_lists_lack(sandbox, cli, tmp_path):
    exported = served(sandbox, cli, "export", "-o", str(tmp_path / "all.yaml"))
    assert exported == ROOTS | {
        "products/detail_coupon": 2
    }  # sale and shipping coupons: complete in the list


def test_a_plan_after_applying_the_example_reads_its_commission_and_product_coupons(sandbox, cli):
    assert cli(sandbox, "apply", EXAMPLE, "--yes").code == 0
    assert served(sandbox, cli, "plan", EXAMPLE) == ROOTS | {
        "products/detail_product": 1,  # TEE-CLUB pays a commission
        "products/detail_coupon": 2,  # TEES5 and ALL15; SUMMER10 and SHIPFREE are complete in the list
    }


def test_a_plan_of_the_benchmark_account_makes_the_fewest_requests_the_bound_counts(
    empty_sandbox, cli, write
):
    """The benchmark's own bound (benchmarks/bounds.py, from the account's shape) is what the engine does."""
    path = write(catalog_yaml(200))
    assert cli(empty_sandbox, "apply", path, "--yes").code == 0
    counts = served(empty_sandbox, cli, "plan", path, "--detailed-exitcode")
    assert sum(counts.values()) == read_all(shape(200), 8).requests == 35
