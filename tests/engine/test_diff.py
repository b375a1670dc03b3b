"""The pure diff: matched by key, only declared fields compared, pruning and protection."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from catalogsync.diff import FieldChange, diff, field_changes
from tests.engine.helpers import catalog, live

SIZE = {"values": [{"name": "S", "surcharge": "0.00"}, {"name": "L", "surcharge": "2.50"}]}
TEE = {"name": "Tee", "price": "19.99", "description": "cotton", "options": ["Size"]}
SALE = {"type": "sale", "percent_off": 10, "expires": "2027-08-31"}
PRODUCT_COUPON = {"type": "product", "percent_off": 5, "expires": "2030-01-01"}


def tuples(result):
    return [c.as_tuple() for c in result.changes]


def test_identical_catalogs_have_no_changes():
    desired = catalog(options={"Size": SIZE}, products={"TEE": TEE}, coupons={"SALE10": SALE})
    assert diff(desired, live(desired)).changes == ()


def test_missing_resources_are_created():
    desired = catalog(options={"Size": SIZE}, products={"TEE": TEE})
    assert tuples(diff(desired, live())) == [("create", "option", "Size"), ("create", "product", "TEE")]


def test_create_carries_only_declared_fields():
    (change,) = diff(catalog(products={"TEE": {"name": "Tee", "price": 1}}), live()).changes
    assert change.after == {"name": "Tee", "price": "1.00"}


def test_undeclared_fields_are_not_managed():
    current = catalog(products={"TEE": {**TEE, "long_description": "live text", "handling": "1.00"}})
    desired = catalog(products={"TEE": {"name": "Tee", "price": "19.99"}})
    assert diff(desired, live(current)).changes == ()


def test_update_lists_each_changed_field_and_keeps_live_values():
    current = catalog(products={"TEE": {**TEE, "long_description": "keep me"}})
    desired = catalog(products={"TEE": {"name": "Tee", "price": "24.00", "description": None}})
    (change,) = diff(desired, live(current)).changes
    assert change.as_tuple() == ("update", "product", "TEE")
    assert change.fields == (
        FieldChange("description", "cotton", None),
        FieldChange("price", "19.99", "24.00"),
    )
    assert change.after["long_description"] == "keep me"
    assert change.after["options"] == ["Size"]


def test_option_values_compare_in_order():
    current = catalog(options={"Size": SIZE})
    reordered = catalog(options={"Size": {"values": list(reversed(SIZE["values"]))}})
    (change,) = diff(reordered, live(current)).changes
    assert [f.path for f in change.fields] == [
        "values[0].name",
        "values[0].surcharge",
        "values[1].name",
        "values[1].surcharge",
    ]


def test_list_fields_are_shown_whole():
    current = catalog(products={"TEE": {**TEE, "categories": [17, 21]}})
    desired = catalog(products={"TEE": {**TEE, "categories": [21]}})
    (change,) = diff(desired, live(current)).changes
    assert change.fields == (FieldChange("categories", [17, 21], [21]),)


def test_unmanaged_resources_are_left_alone_without_pruning():
    current = catalog(products={"OLD": TEE}, coupons={"SALE10": SALE})
    result = diff(catalog(), live(current))
    assert result.changes == ()
    assert [(u.kind, u.key) for u in result.unmanaged] == [("product", "OLD"), ("coupon", "SALE10")]


def test_pruning_deletes_per_kind_but_never_protected_keys():
    current = catalog(products={"OLD": TEE, "KEEP": TEE}, coupons={"SALE10": SALE})
    desired = catalog(settings={"prune": {"products": True}, "protected": {"products": ["KEEP"]}})
    result = diff(desired, live(current))
    assert tuples(result) == [("delete", "product", "OLD")]
    assert {(u.key, u.reason) for u in result.unmanaged} == {
        ("KEEP", "protected"),
        ("SALE10", "not in the catalog (pruning off)"),
    }


def test_amounts_are_exact():
    current = catalog(products={"TEE": {"name": "Tee", "price": "19.99"}})
    assert diff(catalog(products={"TEE": {"name": "Tee", "price": 19.99}}), live(current)).changes == ()


def test_ambiguous_live_keys_are_conflicts():
    from catalogsync.live import Stray

    state = live(
        strays=(Stray("product", "1", "TEE", "duplicate"), Stray("product", "2", "TEE", "duplicate"))
    )
    result = diff(catalog(products={"TEE": TEE}), state)
    assert result.changes == ()
    assert result.conflicts == ("product:TEE",)


def test_deletes_blocked_by_links_from_resources_that_stay_are_kept():
    current = catalog(
        options={"Size": SIZE},
        products={"TEE": TEE, "MUG": {"name": "Mug", "price": 1}},
        coupons={
            "LEGACY": {"type": "product", "percent_off": 5, "expires": "2030-01-01", "products": ["MUG"]}
        },
    )
    desired = catalog(settings={"prune": {"products": True, "options": True}})
    result = diff(desired, live(current))
    assert set(tuples(result)) == {("delete", "product", "TEE"), ("delete", "option", "Size")}
    reasons = {u.key: u.reason for u in result.unmanaged}
    assert reasons["MUG"] == "not deleted: still linked from coupon LEGACY"


def test_option_delete_is_kept_while_a_staying_product_uses_it():
    current = catalog(options={"Size": SIZE}, products={"TEE": TEE})
    result = diff(catalog(settings={"prune": {"options": True}}), live(current))
    assert result.changes == ()
    assert ("Size", "not deleted: still linked from product TEE") in {
        (u.key, u.reason) for u in result.unmanaged
    }


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_plan_never_deletes_what_a_staying_resource_links_to(data):
    """Over random accounts of coupons linking products linking options, any declared subset and any
    pruning: each delete is of something nothing left in the account links to (else the API refuses it)."""
    options = [f"O{i}" for i in range(data.draw(st.integers(0, 3)))]
    products = {
        f"P{i}": {
            "name": "p",
            "price": 1,
            "options": data.draw(st.lists(st.sampled_from(options), unique=True)),
        }
        if options
        else {"name": "p", "price": 1}
        for i in range(data.draw(st.integers(0, 4)))
    }
    coupons = {
        f"C{i}": {
            **PRODUCT_COUPON,
            "products": data.draw(st.lists(st.sampled_from(list(products)), min_size=1)),
        }
        for i in range(data.draw(st.integers(0, 3) if products else st.just(0)))
    }
    current = catalog(options=dict.fromkeys(options, SIZE), products=products, coupons=coupons)
    keep = {
        name: data.draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
        for name, keys in (("options", options), ("products", list(products)), ("coupons", list(coupons)))
    }
    prune = {name: data.draw(st.booleans()) for name in ("options", "products", "coupons")}
    sections = {"options": dict.fromkeys(options, SIZE), "products": products, "coupons": coupons}
    desired = catalog(
        settings={"prune": prune}, **{name: {k: sections[name][k] for k in keep[name]} for name in sections}
    )
    result = diff(desired, live(current))
    deleted = {(c.kind, c.key) for c in result.changes if c.op == "delete"}
    staying_links = {
        *(
            ("option", o)
            for p, body in products.items()
            if ("product", p) not in deleted
            for o in body.get("options", [])
        ),
        *(
            ("product", p)
            for c, body in coupons.items()
            if ("coupon", c) not in deleted
            for p in body["products"]
        ),
    }
    assert not deleted & staying_links, (deleted, staying_links)


def _place(path):
    """A field path's parts, list indexes as numbers: ``values[10].name`` -> ``["values", 10, "name"]``."""
    return [int(part) if part.isdigit() else part for part in re.findall(r"\w+", path)]


VALUES = st.lists(
    st.fixed_dictionaries({"name": st.sampled_from("abc"), "surcharge": st.sampled_from(["0.00", "1.50"])}),
    min_size=1,
    max_size=25,
)
RECURRING = st.fixed_dictionaries(
    {"recurrence": st.sampled_from(["1 Month", "2 Year"]), "duration": st.sampled_from(["Forever", "1 Year"])}
)


@settings(max_examples=200, deadline=None)
@given(before=st.tuples(VALUES, RECURRING), after=st.tuples(VALUES, RECURRING))
def test_field_changes_come_in_the_order_of_their_paths_with_indexes_by_number(before, after):
    """An option of 11 values or more lists ``values[2]`` before ``values[10]``, as a reader counts, and the
    fields of one value, or of a mapping, in name order."""
    old, new = ({"values": values, "recurring": recurring} for values, recurring in (before, after))
    paths = [change.path for change in field_changes(old, new)]
    assert paths == sorted(paths, key=_place)
