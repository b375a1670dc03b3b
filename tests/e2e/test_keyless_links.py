"""What a resource without a usable key links to stays: pruning never plans a delete the API must refuse, so a
plan converges (the demo account's keyless "API product" uses the option decibels)."""

from __future__ import annotations

PRUNE_ALL = """
settings:
  prune: {options: true, products: true, coupons: true}
  safety: {max_deletes: 100}
products:
  LTP-003: {name: Live Test Product, price: 10.00}
"""


def test_an_option_a_keyless_product_uses_is_kept_and_the_plan_converges(sandbox, cli, write):
    path = write(PRUNE_ALL)
    planned = cli(sandbox, "plan", path, "--show-unmanaged")
    assert planned.code == 0, planned.err
    assert "- option decibels" not in planned.out
    assert "option decibels: not deleted: still linked from product id 4635212971" in planned.out
    applied = cli(sandbox, "apply", path, "--yes", "--force")
    assert applied.code == 0, applied.out + applied.err
    again = cli(sandbox, "plan", path, "--detailed-exitcode")
    assert again.code == 0, again.out
