"""Ordering, safety, fingerprints and saved plans."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from catalogsync.errors import PlanError, SafetyError, SettingsError
from catalogsync.kinds import BY_NAME, WireObject
from catalogsync.live import Listed, LiveState, Stray
from catalogsync.plan import check_safety, make_plan
from catalogsync.saved import stale_reasons
from catalogsync.selection import Selection
from tests.engine.helpers import catalog, live

SIZE = {"values": [{"name": "S", "surcharge": "0.00"}]}
TEE = {"name": "Tee", "price": "19.99", "options": ["Size"]}
SALE = {"type": "product", "percent_off": 10, "expires": "2027-08-31", "products": ["TEE"]}


def plan_for(desired, current=None, **kwargs):
    return make_plan(desired, live(current), catalog_sha256="abc", catalog_path="catalog.yaml", **kwargs)


def test_creates_run_options_products_coupons_and_deletes_in_reverse():
    current = catalog(
        options={"OldOpt": SIZE},
        products={"OLD": {"name": "Old", "price": 1}},
        coupons={"OLDC": {**SALE, "products": ["OLD"]}},
    )
    desired = catalog(
        settings={"prune": {"options": True, "products": True, "coupons": True}},
        options={"Size": SIZE},
        products={"TEE": TEE},
        coupons={"NEW": SALE},
    )
    order = [c.as_tuple() for c in plan_for(desired, current).changes]
    assert order == [
        ("create", "option", "Size"),
        ("create", "product", "TEE"),
        ("create", "coupon", "NEW"),
        ("delete", "coupon", "OLDC"),
        ("delete", "product", "OLD"),
        ("delete", "option", "OldOpt"),
    ]


def test_fingerprints_cover_declared_and_deleted_objects_only():
    current = catalog(products={"TEE": TEE, "OLD": TEE, "OTHER": TEE}, options={"Size": SIZE})
    desired = catalog(
        settings={"prune": {"products": True}, "protected": {"products": ["OTHER"]}},
        options={"Size": SIZE},
        products={"TEE": TEE, "NEW": TEE},
    )
    plan = plan_for(desired, current)
    assert set(plan.fingerprints) == {"option:Size", "product:TEE", "product:NEW", "product:OLD"}
    assert plan.fingerprints["product:NEW"] == "absent"


def test_stale_when_a_touched_object_changed_or_the_account_differs():
    desired = catalog(options={"Size": SIZE}, products={"TEE": TEE})
    current = catalog(options={"Size": SIZE}, products={"TEE": {**TEE, "price": 1}})
    plan = plan_for(desired, current)
    assert stale_reasons(plan, live(current)) == []
    changed = live(catalog(options={"Size": SIZE}, products={"TEE": {**TEE, "price": 2}}))
    assert stale_reasons(plan, changed) == [
        "changed in the account since the plan was made: product:TEE (price: 1.00 -> 2.00)"
    ]
    other = LiveState("999", plan.account.base_url, live(current).resources)
    assert "not vendor 999" in stale_reasons(plan, other)[0]


STALE = {
    "option": (
        {"values": [{"name": "S", "surcharge": "1.00"}]},
        {"values": [{"name": "S", "surcharge": "0.00"}]},
        {"values": [{"name": "M", "surcharge": "0.00"}]},
        "values[0].name: S -> M",
    ),
    "product": (
        {"name": "Tee", "price": 2},
        {"name": "Tee", "price": 1},
        {"name": "Mine", "price": 1},
        "name: Tee -> Mine",
    ),
    "coupon": (
        {"type": "sale", "percent_off": 20, "expires": "2027-08-31", "minimum_purchase": 0},
        {"type": "sale", "percent_off": 10, "expires": "2027-08-31"},
        {"type": "sale", "percent_off": 10, "expires": "2028-01-01"},
        "expires: 2027-08-31 -> 2028-01-01",
    ),
}
"""Per kind: the catalog's entry, the object as the plan read it, as someone changed it since, and how the
refusal of the saved plan says it changed."""


def test_every_kind_has_a_stale_row():
    assert set(STALE) == set(BY_NAME)


@pytest.mark.parametrize("kind", sorted(STALE))
def test_a_stale_plan_says_how_each_object_changed(kind):
    """Between plan and apply the object the plan updates changed, and the one it creates came to be; or
    the one it updates went: the refusal names each with what happened to it."""
    wanted, read, since, fields = STALE[kind]
    section = BY_NAME[kind].section
    plan = plan_for(catalog(**{section: {"OLD": wanted, "NEW": wanted}}), catalog(**{section: {"OLD": read}}))
    stale = "changed in the account since the plan was made: "
    changed = live(catalog(**{section: {"OLD": since, "NEW": read}}))
    assert stale_reasons(plan, changed) == [f"{stale}{kind}:NEW (created since), {kind}:OLD ({fields})"]
    assert stale_reasons(plan, live()) == [f"{stale}{kind}:OLD (deleted since, or given another key)"]


def test_a_before_state_cut_by_hand_is_not_compared():
    """A plan file whose before-state lacks fields (edited by hand), or an object read from its list item
    only: the changed object is named, nothing more."""
    plain = {"name": "Tee", "price": 1}
    plan = plan_for(catalog(products={"TEE": {"name": "Tee", "price": 2}}), catalog(products={"TEE": plain}))
    cut = replace(plan, changes=tuple(replace(c, before={"name": "Tee"}) for c in plan.changes))
    changed = live(catalog(products={"TEE": {**plain, "name": "Mine"}}))
    assert stale_reasons(cut, changed) == ["changed in the account since the plan was made: product:TEE"]
    listed = {"product": {"TEE": Listed("TEE", "1000000010", None)}}  # known from its list item only
    edited = replace(plan, fingerprints={"product:TEE": "0123456789abcdef"})
    only_listed = LiveState(plan.account.vendor_id, plan.account.base_url, listed)
    assert stale_reasons(edited, only_listed) == [
        "changed in the account since the plan was made: product:TEE"
    ]


def test_unmanaged_changes_do_not_make_a_plan_stale():
    desired = catalog(products={"TEE": {"name": "Tee", "price": 1}})
    plan = plan_for(desired, catalog(products={"X": TEE}))
    assert stale_reasons(plan, live(catalog(products={"X": {**TEE, "price": 3}}))) == []


def test_safety_thresholds_refuse_unless_forced():
    current = catalog(products={f"P{i}": TEE for i in range(3)})
    desired = catalog(settings={"prune": {"products": True}, "safety": {"max_deletes": 2}})
    plan = plan_for(desired, current)
    with pytest.raises(SafetyError, match=r"3 deletes exceed settings\.safety\.max_deletes"):
        check_safety(plan, desired.settings.safety, force=False)
    check_safety(plan, desired.settings.safety, force=True)


def test_conflicting_live_keys_refuse_the_plan():
    state = live(strays=(Stray("product", "1", "TEE", "duplicate"),))
    with pytest.raises(PlanError, match="product:TEE"):
        make_plan(catalog(products={"TEE": TEE}), state, catalog_sha256="", catalog_path="c.yaml")


def test_live_object_ids_do_not_leak_into_changes():
    plain = {"name": "Tee", "price": 1}
    obj = live(catalog(products={"TEE": plain})).get("product", "TEE")
    assert isinstance(obj, WireObject)
    (change,) = plan_for(
        catalog(products={"TEE": {**plain, "price": 3}}), catalog(products={"TEE": plain})
    ).changes
    assert obj.id not in json.dumps(change.after)


def test_links_to_missing_resources_refuse_the_plan():
    with pytest.raises(PlanError, match="product:TEE links to option:Size"):
        plan_for(catalog(products={"TEE": TEE}))


def test_selection_never_deletes_or_changes_what_it_did_not_select():
    current = catalog(products={"TSHIRT-1": TEE, "TSHIRT-2": TEE, "MUG": TEE}, options={"Size": SIZE})
    desired = catalog(
        settings={"prune": {"products": True, "options": True}},
        products={"TSHIRT-1": {**TEE, "price": 5}, "MUG": {**TEE, "price": 6}},
    )
    only = Selection.parse(["product:TSHIRT-*"], None)
    plan = plan_for(desired, current, selection=only)
    assert [c.as_tuple() for c in plan.changes] == [
        ("update", "product", "TSHIRT-1"),
        ("delete", "product", "TSHIRT-2"),
    ]
    excluded = Selection.parse(None, ["product:TSHIRT-2", "options"])
    plan = plan_for(desired, current, selection=excluded)
    assert [c.as_tuple() for c in plan.changes] == [
        ("update", "product", "MUG"),
        ("update", "product", "TSHIRT-1"),
    ]


@pytest.mark.parametrize(
    "only", [["product:*"], ["products"], ["product:TEE"]], ids=["product:*", "products", "product:TEE"]
)
def test_a_selection_never_deletes_what_an_unselected_resource_still_links_to(only):
    """The API refuses the delete of a product a coupon links to (§8.6), selected or not."""
    current = catalog(options={"Size": SIZE}, products={"TEE": TEE}, coupons={"SALE": SALE})
    desired = catalog(settings={"prune": {"products": True}}, options={"Size": SIZE}, coupons={"SALE": SALE})
    plan = plan_for(desired, current, selection=Selection.parse(only, None))
    assert plan.changes == ()
    assert [(u.kind, u.key, u.reason) for u in plan.unmanaged] == [
        ("product", "TEE", "not deleted: still linked from coupon SALE")
    ]


def test_selection_rejects_unknown_kinds():
    with pytest.raises(SettingsError, match="kind must be one of option, product, coupon"):
        Selection.parse(["widget:*"], None)
