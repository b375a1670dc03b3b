"""What a pull request's reviewer is shown of a plan, end to end through the sandbox: the risks of the demo
account's coupons widened or grown, and keys GitHub would link kept as code in the Markdown comment."""

from __future__ import annotations

import json

import pytest

from tests.github_markdown import links_or_html

PRODUCTS = """
products:
  OP-T: {name: OPTION TEST, price: 100.00}
  AFY: {name: Patriotic photo frame, price: 14.95}
"""
SALE = "APITEST002: {type: sale, expires: 2040-12-31, percent_off: 5, minimum_purchase: 0.00}"
COUPON = "COUPON: {expires: 3000-02-25, percent_off: 10, minimum_purchase: 1.00, "
WIDENED = {
    COUPON + "type: product, products: [OP-T, AFY]}": "coupon COUPON now applies to more products (AFY)",
    COUPON + "type: sale}": 'coupon COUPON now applies to the whole sale (type "product" -> "sale")',
}


@pytest.mark.parametrize(("coupon", "expected"), WIDENED.items())
def test_a_coupon_that_widens_or_grows_is_a_risk(sandbox, cli, write, coupon, expected):
    path = write(f"{PRODUCTS}coupons:\n  {coupon}\n  {SALE}\n")
    planned = cli(sandbox, "plan", path, "--format", "json")
    assert planned.code == 0, planned.err
    risks = {c["key"]: c["risk"] for c in json.loads(planned.out)["changes"]}
    assert risks == {
        "APITEST002": 'coupon APITEST002 expires later ("2012-12-31" -> "2040-12-31");'
        " lowers its minimum purchase (5.00 -> 0.00)",
        "COUPON": expected,
    }


LINKED = ["https://evil.example/login", "www.evil.example", "user@evil.example", "@octocat", "[c](http://e)"]


def test_no_key_is_a_link_or_a_mention_in_the_markdown_plan(sandbox, cli, write):
    """Keys in the risks, in the changes and in the resources left alone (the account's own, renamed)."""
    lines = [f'  "{key}": {{name: "{key}", price: 3.00}}' for key in LINKED]
    path = write("products:\n" + "\n".join(lines) + "\n")
    assert cli(sandbox, "apply", path, "--yes", "-q").code == 0
    write("products:\n" + "\n".join(lines).replace("3.00", "4.00") + "\n")
    planned = cli(sandbox, "plan", path, "--format", "markdown")
    assert planned.code == 0, planned.err
    assert planned.out.count("changes its price") == len(LINKED)
    assert not links_or_html(planned.out), planned.out
    write("products: {}\n")
    alone = cli(sandbox, "plan", path, "--format", "markdown")
    assert all(f"`{key}`: not in the catalog" in alone.out for key in LINKED), alone.out
    assert not links_or_html(alone.out), alone.out
