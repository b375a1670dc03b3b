"""Every change of a coupon's type, and every product switch turned on and off, with the fields they exclude
declared or left out, planned and applied against the sandbox under both dialects: the plan's ``after`` is
what export reads back, ``fields`` names every difference from ``before``, and the next plan is empty; a
change the API would refuse is refused by the plan, naming the fix."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, get_args

import pytest
import yaml

from catalogsync.catalogfile.loader import loads
from catalogsync.kinds import Coupon, Model, Product

TYPES: tuple[str, ...] = get_args(Coupon.model_fields["type"].annotation)
PRODUCT = {"name": "P", "price": 1.0}
"""The product that product coupons link to, and that the product table switches."""

STARTS: dict[str, dict[str, Any]] = {
    "product-percent-list": {"type": "product", "percent_off": 10, "products": ["P"]},
    "product-value-all": {"type": "product", "value_off": 5.0, "all_products": True, "minimum_purchase": 1.0},
    "sale-percent": {"type": "sale", "percent_off": 10, "minimum_purchase": 1.0},
    "sale-value": {"type": "sale", "value_off": 5.0},
    "shipping": {"type": "shipping", "minimum_purchase": 1.0},
}
"""A live coupon of each type, holding each amount and each kind of link, with a minimum or without."""

DISCOUNTED = ({"percent_off": 15}, {"value_off": 3.0}, {"value_off": 3.0, "percent_off": None})
AMOUNTS: dict[str, tuple[dict[str, Any], ...]] = {
    "product": DISCOUNTED,
    "sale": DISCOUNTED,
    "shipping": ({}, {"percent_off": None, "value_off": None}),
}
"""What a catalog of each type declares of the amounts: the other amount left out, or declared null."""

UNLINKED = ({}, {"products": [], "all_products": False})
LINKS: dict[str, tuple[dict[str, Any], ...]] = {
    "product": ({"products": ["P"]}, {"all_products": True}, {"all_products": True, "products": []}),
    "sale": UNLINKED,
    "shipping": UNLINKED,
}
"""What a catalog of each type declares of the links: the other kind of link left out, or declared empty."""


def named(case: dict[str, Any]) -> str:
    """A case's test id: ``sale,value_off=3.0,percent_off=null``."""
    return ",".join([case["type"], *(f"{k}={json.dumps(v)}" for k, v in case.items() if k != "type")])


TARGETS = {
    named(case): case
    for case in (
        {"type": kind, **amounts, **links}
        for kind in TYPES
        for amounts in AMOUNTS[kind]
        for links in LINKS[kind]
    )
}
LATER = dt.date(2031, 1, 1)
"""Every target changes the expiry date too, so that every case is an update."""


def test_the_coupon_table_covers_every_type_and_field():
    every = {name for case in [*STARTS.values(), *TARGETS.values()] for name in case}
    assert every | {"expires", "previous_keys"} == set(Coupon.model_fields)
    assert {case["type"] for case in STARTS.values()} == set(TYPES)
    assert {"all_products", "products"} <= {name for case in STARTS.values() for name in case}


def catalog(write, name: str, product: dict[str, Any], coupon: dict[str, Any] | None = None) -> str:
    """A catalog of product P with ``product``'s fields, and of coupon C when given."""
    coupons = {"coupons": {"C": coupon}} if coupon else {}
    return write(yaml.safe_dump({"products": {"P": {**PRODUCT, **product}}, **coupons}), name)


def apply(cli, sandbox, path: str) -> None:
    applied = cli(sandbox, "apply", path, "--yes")
    assert applied.code == 0, applied.out + applied.err


def planned_update(cli, sandbox, path: str) -> dict[str, Any]:
    result = cli(sandbox, "plan", path, "--format", "json")
    assert result.code == 0, result.err
    [change] = json.loads(result.out)["changes"]
    assert change["op"] == "update"
    return dict(change)


def assert_converges(cli, sandbox, path: str, section: str, key: str) -> None:
    """The plan shows every difference in ``fields``, apply makes ``after`` what export reads, and the next
    plan is empty."""
    change = planned_update(cli, sandbox, path)
    before, after = change["before"], change["after"]
    assert {field["path"] for field in change["fields"]} == {n for n in after if before[n] != after[n]}
    apply(cli, sandbox, path)
    exported = loads(cli(sandbox, "export").out).section(section)[key]
    assert exported.model_dump(mode="json") == after
    again = cli(sandbox, "plan", path, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("start", sorted(STARTS))
def test_a_coupon_type_change_plans_what_apply_makes(make_sandbox, cli, write, start, target, dialect):
    sandbox = make_sandbox(seed="empty", dialect=dialect)
    apply(cli, sandbox, catalog(write, "start.yaml", {}, {**STARTS[start], "expires": LATER.replace(2030)}))
    wanted = {**TARGETS[target], "expires": LATER}
    path = catalog(write, "target.yaml", {}, wanted)
    if "minimum_purchase" not in STARTS[start] and wanted["type"] != "shipping":
        refused = cli(sandbox, "plan", path)
        assert refused.code == 1
        assert "declare minimum_purchase (0.00 for none)" in refused.err
        path = catalog(write, "fixed.yaml", {}, {**wanted, "minimum_purchase": 0.0})
    assert_converges(cli, sandbox, path, "coupons", "C")


RECURRING = {"recurrence": "1 Month", "duration": "Forever", "startup_fee": 5.0}
SWITCHES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "tangible": ({"tangible": True, "weight": 1.0, "handling": 2.0}, {"tangible": False}),
    "recurring": ({"recurring": RECURRING}, {"recurring": None}),
    "commission": ({"commission": {"type": "percentage", "amount": 10.0}}, {"commission": None}),
}
"""Each switch of a product, on (with what it needs) and off (with what it needed left out)."""


def test_the_product_table_covers_every_switch():
    def switch(annotation: Any) -> bool:
        return annotation is bool or any(
            isinstance(a, type) and issubclass(a, Model) for a in get_args(annotation)
        )

    assert set(SWITCHES) == {name for name, info in Product.model_fields.items() if switch(info.annotation)}


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
@pytest.mark.parametrize("turned", ["off", "on"])
@pytest.mark.parametrize("switch", sorted(SWITCHES))
def test_a_product_switch_plans_what_apply_makes(make_sandbox, cli, write, switch, turned, dialect):
    sandbox = make_sandbox(seed="empty", dialect=dialect)
    every_on = {name: value for on, _ in SWITCHES.values() for name, value in on.items()}
    on, off = SWITCHES[switch]
    apply(cli, sandbox, catalog(write, "start.yaml", every_on if turned == "off" else {**every_on, **off}))
    path = catalog(write, "target.yaml", off if turned == "off" else on)
    assert_converges(cli, sandbox, path, "products", "P")
