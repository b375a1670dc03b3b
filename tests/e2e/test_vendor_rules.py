"""The engine under the sandbox's stricter readings: coupon pages without ``page_info``, FORBIDDEN for an
unknown coupon, and changes the API refuses caught in the plan instead of failing at apply."""

from __future__ import annotations

import pytest

from catalogsync.api import Client
from catalogsync.fetch import read_one
from catalogsync.kinds import BY_NAME

MANY_COUPONS = "coupons:\n" + "".join(
    f"  C{number:03}: {{type: shipping, expires: 2030-01-01}}\n" for number in range(150)
)


def test_coupon_paging_without_page_info_converges(make_sandbox, cli, write):
    sandbox = make_sandbox(seed="empty", coupon_page_info=False)
    path = write(MANY_COUPONS)
    assert cli(sandbox, "apply", path, "--yes").code == 0
    again = cli(sandbox, "plan", path, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    assert cli(sandbox, "export").out.count("type: shipping") == 150


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
def test_an_unknown_coupon_reads_as_absent(make_sandbox, dialect):
    sandbox = make_sandbox(seed="demo", dialect=dialect)
    with Client(sandbox.url, "sandbox", "sandbox") as client:
        assert read_one(client, BY_NAME["coupon"], "NO-SUCH-CODE", {}) == []


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
def test_a_coupon_update_without_minimum_purchase_is_refused_in_the_plan(make_sandbox, cli, write, dialect):
    sandbox = make_sandbox(seed="empty", dialect=dialect)
    created = write("coupons:\n  SALE: {type: sale, percent_off: 10, expires: 2030-01-01}\n")
    assert cli(sandbox, "apply", created, "--yes").code == 0
    changed = write("coupons:\n  SALE: {type: sale, percent_off: 15, expires: 2030-01-01}\n", "changed.yaml")
    result = cli(sandbox, "plan", changed)
    assert result.code == 1
    assert result.err == (
        "Error: the API would refuse these changes: coupon:SALE: the API requires minimum_purchase to"
        " update a coupon with a discount: declare minimum_purchase (0.00 for none)\n"
    )
    fixed = write(
        "coupons:\n  SALE: {type: sale, percent_off: 15, minimum_purchase: 0.00, expires: 2030-01-01}\n",
        "fixed.yaml",
    )
    assert cli(sandbox, "apply", fixed, "--yes").code == 0
    assert cli(sandbox, "plan", fixed, "--detailed-exitcode").code == 0
