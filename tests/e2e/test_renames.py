"""Renames in place (``previous_keys``) against a real sandbox, in both dialects: vendor ids and links are
kept, the next plan is empty, and what cannot be renamed safely is refused before anything is written."""

from __future__ import annotations

import json

import pytest

from catalogsync.api import Client
from catalogsync.catalogfile.loader import loads
from catalogsync.fetch import fetch
from catalogsync.plan import make_plan
from catalogsync.sandbox import Faults
from tests.reliability.support import apply_under, seed_for

OPTION_ID, PRODUCT_ID = "4688550010", "4274737762"
"""The demo account's option Volume and product OP-T, which uses it and which coupon COUPON links to."""
KEYLESS = "4635212971"
"""The demo account's product without a code."""

RENAMED = """
options:
  Loudness:
    previous_keys: [Volume]
    values:
      - {name: Low, surcharge: 1.00}
      - {name: Medium, surcharge: 2.00}
      - {name: High, surcharge: 3.00}
products:
  OP-T-2027:
    previous_keys: [OP-T]
    name: OPTION TEST
    price: 100.00
    options: [Loudness]
coupons:
  COUPON-2027:
    previous_keys: [COUPON]
    type: product
    percent_off: 10
    minimum_purchase: 1.00
    products: [OP-T-2027]
    expires: 3000-02-25
"""


SAVEJUNE = """
coupons:
  SAVE2013:
    previous_keys: [SAVEJUNE]
    type: product
    value_off: 100.00
    minimum_purchase: 2999.99
    products: [AFY, JHB55AAE]
    expires: 2013-03-31
products:
  AFY: {name: Patriotic photo frame, price: 14.95}
  JHB55AAE: {name: Buddha Painting (5x5), price: 39.95}
"""


@pytest.fixture(params=["lenient", "strict"])
def account(request, make_sandbox):
    return make_sandbox(seed="demo", dialect=request.param)


def test_renaming_linked_resources_in_one_apply_keeps_ids_and_links(account, cli, write):
    path = write(RENAMED)
    planned = cli(account, "plan", path, "--format", "json")
    assert planned.code == 0, planned.err
    moves = [(c["op"], c["kind"], c["from"], c["key"]) for c in json.loads(planned.out)["changes"]]
    assert moves == [
        ("rename", "option", "Volume", "Loudness"),
        ("rename", "product", "OP-T", "OP-T-2027"),
        ("rename", "coupon", "COUPON", "COUPON-2027"),
    ]
    applied = cli(account, "apply", path, "--yes")
    assert applied.code == 0, applied.out + applied.err
    assert "rename product OP-T -> OP-T-2027" in applied.out
    with Client(account.url, "sandbox", "sandbox") as client:
        product = client.products.details(product_id=PRODUCT_ID)["product"]
        option = client.products.options.details(option_id=OPTION_ID)["option"][0]
        coupon = client.products.coupons.details(coupon_code="COUPON-2027")["coupon"]
    assert product["vendor_product_id"] == "OP-T-2027"
    assert [o["option_id"] for o in product["options"]] == [OPTION_ID]
    assert option["option_name"] == "Loudness"
    assert [p["product_id"] for p in coupon["product"]] == [PRODUCT_ID]
    again = cli(account, "plan", path, "--detailed-exitcode")
    assert again.code == 0, again.out + again.err


def test_a_rename_with_field_changes_is_one_change(account, cli, write):
    path = write(RENAMED.replace("price: 100.00", "price: 120.00"))
    planned = cli(account, "plan", path)
    assert "~ rename product OP-T -> OP-T-2027\n    price: 100.00 -> 120.00\n" in planned.out
    assert "Plan: 0 to create, 0 to update, 0 to delete, 3 to rename." in planned.out
    assert cli(account, "apply", path, "--yes").code == 0
    with Client(account.url, "sandbox", "sandbox") as client:
        product = client.products.details(product_id=PRODUCT_ID)["product"]
    assert (product["vendor_product_id"], product["price"]) == ("OP-T-2027", "120.00")
    assert cli(account, "plan", path, "--detailed-exitcode").code == 0


def test_a_renamed_coupon_is_the_same_coupon_under_its_new_code(account, cli, write):
    path = write(SAVEJUNE)
    applied = cli(account, "apply", path, "--yes")
    assert applied.code == 0, applied.out + applied.err
    with Client(account.url, "sandbox", "sandbox") as client:
        codes = [c["coupon_code"] for c in client.products.coupons.list_all()]
        coupon = client.products.coupons.details(coupon_code="SAVE2013")["coupon"]
    assert "SAVEJUNE" not in codes and codes.count("SAVE2013") == 1
    assert sorted(p["product_id"] for p in coupon["product"]) == ["4186286355", "4297595302"]
    assert (coupon["value_off"], coupon["minimum_purchase"]) == ("100.00", "2999.99")
    assert cli(account, "plan", path, "--detailed-exitcode").code == 0


def test_a_previous_key_is_never_pruned_even_when_a_selection_leaves_its_new_key_out(account, cli, write):
    """COUPON (nothing links to it) is selected and pruned, COUPON-2027 that renames it is not selected."""
    prune = write("settings:\n  prune: {coupons: true}\n" + RENAMED)
    planned = cli(account, "plan", prune, "--only", "coupon:COUPON", "--show-unmanaged")
    assert planned.code == 0, planned.err
    assert "coupon COUPON: a previous key in the catalog (renamed when its new key is planned)" in planned.out
    assert "- coupon COUPON" not in planned.out and planned.out.endswith(
        "No changes. The account matches the catalog.\n"
    )


@pytest.mark.parametrize(
    ("setup", "catalog", "reason"),
    [
        (
            {"vendor_product_id": "LW-500-NEW"},
            "products:\n  LW-500-NEW: {previous_keys: [LW-500], name: Lead weights, price: 25.00}\n",
            "product LW-500-NEW: both product LW-500-NEW and its previous code LW-500 are live",
        ),
        (
            None,
            "products:\n  HEX: {previous_keys: [HEX-001, HEX-002], name: Hex, price: 1.00}\n",
            "product HEX: several of its previous codes are live (HEX-001, HEX-002): keep one of them",
        ),
    ],
    ids=["both-live", "several-previous"],
)
def test_a_rename_that_cannot_be_told_apart_is_refused_and_nothing_is_written(
    account, cli, write, setup, catalog, reason
):
    if setup:
        with Client(account.url, "sandbox", "sandbox") as client:
            client.products.create(name="Lead weights", price="25.00", **setup)
    path = write(catalog)
    account.reset_stats()
    planned = cli(account, "plan", path)
    assert planned.code == 1
    assert reason in planned.err
    applied = cli(account, "apply", path, "--yes")
    assert applied.code == 1 and reason in applied.err
    assert writes(account) == 0


def writes(sandbox) -> int:
    """Write calls the sandbox served since its stats were reset."""
    methods = sandbox.stats()["by_method"]
    return sum(
        n for name, n in methods.items() if name.split("/")[-1].startswith(("create_", "update_", "delete_"))
    )


MOVES_UNDER_FAULTS = [
    (
        "products/update_product",
        "products:\n  OP-T-2: {previous_keys: [OP-T], name: OPTION TEST, price: 100.00}\n",
    ),
    (
        "products/update_option",
        "options:\n  Loud:\n    previous_keys: [Volume]\n    values:\n      - {name: Low, surcharge: 1.00}\n"
        "      - {name: Medium, surcharge: 2.00}\n      - {name: High, surcharge: 3.00}\n",
    ),
    (
        "products/update_coupon",
        "coupons:\n  FREESHIP-2: {previous_keys: [FREESHIP], type: shipping, expires: 2030-12-31}\n",
    ),
    (
        "products/update_product",
        f"adopt:\n  products: {{API: '{KEYLESS}'}}\nproducts:\n  API: {{name: API product, price: 10.00}}\n",
    ),
]


@pytest.mark.parametrize(
    ("method", "catalog"), MOVES_UNDER_FAULTS, ids=["product", "option", "coupon", "adopt"]
)
@pytest.mark.parametrize(
    ("fault", "sent", "detail"), [("500", 2, ""), ("lost_after", 1, "confirmed by re-reading")]
)
def test_a_move_whose_answer_is_lost_is_re_read_not_repeated_blindly(
    make_sandbox, method, catalog, fault, sent, detail
):
    """Before processing (500) nothing happened: the re-read by id finds it under its old key and the move
    is sent again. After processing (lost answer) the re-read by its new key confirms it: nothing is sent
    twice."""
    sandbox = make_sandbox(seed="demo", dialect="strict")
    faults = Faults(fault_rate=1.0, kinds=(fault,), methods=(method,), slow_ms=600)
    if fault == "500":
        faults = Faults(fault_rate=0.5, seed=seed_for("x."), kinds=(fault,), methods=(method,))
    report = apply_under(sandbox, catalog, faults, 0.3)
    assert [(o.status, o.detail) for o in report.outcomes] == [("applied", detail)]
    assert sandbox.stats()["by_method"][method] == sent
    with Client(sandbox.url, "sandbox", "sandbox") as client:
        live = fetch(client, base_url=sandbox.url)
    again = make_plan(loads(catalog), live, catalog_sha256="-", catalog_path="-")
    assert again.changes == ()


def test_a_saved_plan_of_renames_applies_and_is_refused_once_a_renamed_resource_changed(
    account, cli, write, tmp_path
):
    path, saved = write(RENAMED), str(tmp_path / "plan.json")
    assert cli(account, "plan", path, "--out", saved).code == 0
    applied = cli(account, "apply", saved)
    assert applied.code == 0, applied.out + applied.err
    assert cli(account, "plan", path, "--detailed-exitcode").code == 0
    again = write(RENAMED.replace("OP-T-2027", "OP-T-2028").replace("[OP-T]", "[OP-T-2027]"), "again.yaml")
    assert cli(account, "plan", again, "--out", saved).code == 0
    with Client(account.url, "sandbox", "sandbox") as client:
        client.products.update(
            product_id=PRODUCT_ID, name="OPTION TEST", price="1.00", vendor_product_id="OP-T-2027"
        )
    refused = cli(account, "apply", saved)
    assert (
        refused.code == 4
        and "changed in the account since the plan was made: product:OP-T-2027" in refused.err
    )
