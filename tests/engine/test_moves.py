"""Renames and adoptions, pure: which moves a catalog asks for, the account as they leave it, and that a plan
made of them converges (applied to an account that links by id, the next plan is empty)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from catalogsync.diff import MOVES
from catalogsync.errors import PlanError
from catalogsync.execute import Ids
from catalogsync.export import exported
from catalogsync.fetch import by_key
from catalogsync.kinds import BY_NAME, KINDS, Product, WireObject
from catalogsync.live import LiveState, Stray
from catalogsync.moves import Move, find_moves, moves_of, rekeyed
from catalogsync.plan import make_plan
from tests.engine.helpers import catalog, live

TEE = {"name": "Tee", "price": "19.99"}
SIZE = {"values": [{"name": "S", "surcharge": "0.00"}]}
LINKS = {"product": ("options", "option"), "coupon": ("products", "product")}
"""The field of each kind that holds links, and the kind it links to (as the account holds them: by id)."""


def keyless(vendor_id: str, reason: str = "no key", label: str = "Tee") -> Stray:
    key = "" if reason == "no key" else label
    return Stray("product", vendor_id, label, reason, obj=WireObject(key, vendor_id, Product.live(TEE)))


def moved(desired: dict[str, Any], state: LiveState) -> list[Any]:
    found = find_moves(catalog(**desired), state)
    return [*found.moves, *(r.reason for r in found.refusals)]


@pytest.mark.parametrize(
    ("live_keys", "previous", "expected"),
    [
        ([], ["OLD"], []),
        (["NEW"], ["OLD"], []),
        (["OLD"], ["OLD"], [Move("rename", "product", "NEW", "OLD")]),
        (["OLD"], ["GONE", "OLD"], [Move("rename", "product", "NEW", "OLD")]),
        (["NEW", "OLD"], ["OLD"], ["both product NEW and its previous code OLD are live"]),
        (["A", "B"], ["A", "B"], ["several of its previous codes are live (A, B): keep one of them"]),
    ],
)
def test_a_rename_is_planned_only_when_exactly_one_previous_key_is_live(live_keys, previous, expected):
    state = live(catalog(products=dict.fromkeys(live_keys, TEE)))
    found = moved({"products": {"NEW": {**TEE, "previous_keys": previous}}}, state)
    assert [f if isinstance(f, Move) else f.split(":")[0] for f in found] == [
        e if isinstance(e, Move) else e.split(":")[0] for e in expected
    ]


def test_a_previous_key_shared_by_several_live_resources_is_refused():
    state = live(strays=(keyless("1", "duplicate", "OLD"), keyless("2", "duplicate", "OLD")))
    (reason,) = moved({"products": {"NEW": {**TEE, "previous_keys": ["OLD"]}}}, state)
    assert reason.startswith("its previous code OLD is held by several live products")


@pytest.mark.parametrize(
    ("vendor_id", "expected"),
    [
        ("77", [Move("adopt", "product", "NEW", "77")]),
        ("99", ["cannot adopt product 99 as NEW: no product of the account has the id 99"]),
        (
            "1000000010",
            [
                "cannot adopt product 1000000010 as NEW: it has the code TEE"
                " (rename it with previous_keys instead)"
            ],
        ),
    ],
)
def test_an_adoption_needs_a_product_without_a_usable_key(vendor_id, expected):
    state = live(catalog(products={"TEE": TEE}), strays=(keyless("77"),))
    assert moved({"adopt": {"products": {"NEW": vendor_id}}, "products": {"NEW": TEE}}, state) == expected


def test_an_adoption_is_done_once_its_product_has_the_key_and_refused_when_the_key_is_taken():
    state = live(catalog(products={"TEE": TEE}), strays=(keyless("77"),))
    assert moved({"adopt": {"products": {"TEE": "1000000010"}}, "products": {"TEE": TEE}}, state) == []
    assert moved({"adopt": {"products": {"TEE": "77"}}, "products": {"TEE": TEE}}, state) == [
        "cannot adopt product 77 as TEE: the code TEE is taken by product 1000000010"
    ]


def test_products_sharing_a_key_are_adopted_away_until_one_holds_it():
    shared = (
        keyless("1", "duplicate", "TEE"),
        keyless("2", "duplicate", "TEE"),
        keyless("3", "duplicate", "TEE"),
    )
    state = live(strays=shared)
    one = {"adopt": {"products": {"TEE-2": "2"}}, "products": {"TEE-2": TEE}}
    assert moved(one, state) == [Move("adopt", "product", "TEE-2", "2")]
    view = rekeyed(state, [Move("adopt", "product", "TEE-2", "2")])
    assert view.ambiguous("product") == {"TEE"} and view.get("product", "TEE-2").id == "2"
    both = {"adopt": {"products": {"TEE-2": "2", "TEE-3": "3"}}, "products": {"TEE-2": TEE, "TEE-3": TEE}}
    view = rekeyed(state, find_moves(catalog(**both), state).moves)
    assert view.ambiguous("product") == set() and view.get("product", "TEE").id == "1"
    keep = {"adopt": {"products": {"TEE": "1", "TEE-2": "2"}}, "products": {"TEE": TEE, "TEE-2": TEE}}
    assert moved(keep, state) == [
        Move("adopt", "product", "TEE-2", "2"),
        "cannot adopt product 1 as TEE: the code TEE is held by product 3: adopt it under a new key",
    ]


def test_the_rekeyed_account_keeps_ids_and_rewrites_links_to_new_keys():
    current = catalog(
        options={"Size": SIZE},
        products={"TEE": {**TEE, "options": ["Size"]}},
        coupons={"C": {"type": "product", "percent_off": 5, "products": ["TEE"], "expires": "2027-01-01"}},
    )
    state = live(current, strays=(Stray("product", "5", "x", "no key", ("option:Size",)),))
    moves = [Move("rename", "option", "Sizes", "Size"), Move("rename", "product", "TEE-2", "TEE")]
    view = rekeyed(state, [*moves, Move("rename", "coupon", "C2", "C")])
    assert view.get("option", "Sizes").id == state.get("option", "Size").id
    assert view.get("product", "TEE-2").model.options == ["Sizes"]
    assert view.get("coupon", "C2").model.products == ["TEE-2"]
    assert view.get("coupon", "C2").id == "C"  # the update call addresses the coupon by its old code
    assert view.strays[0].links == ("option:Sizes",)
    assert view.get("product", "TEE") is None and state.get("product", "TEE") is not None


# The whole class of "a rename does not converge" bugs: plan against an account that links by id, apply the
# plan's changes to it as the API would, read it back, plan again: nothing is left to do.


@dataclass
class Account:
    """What the vendor holds: each resource by (kind, vendor id), its key and its links as vendor ids."""

    rows: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    next_id: int = 2000000000

    def new_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def read(self) -> LiveState:
        """The account as fetch reads it: links by key, keyless and shared keys as strays."""
        resources: dict[str, dict[str, WireObject[Any]]] = {}
        strays: list[Stray] = []
        keys: dict[tuple[str, str], str] = {}
        for kind in KINDS:
            objs = []
            for (name, vendor_id), (key, data) in sorted(self.rows.items()):
                if name != kind.name:
                    continue
                data = dict(data)
                if kind.name in LINKS:
                    field_name, target = LINKS[kind.name]
                    data[field_name] = [keys.get((target, i), f"id:{i}") for i in data[field_name]]
                obj = WireObject(key, vendor_id, kind.model.live(data))
                if key:
                    objs.append(obj)
                else:
                    strays.append(Stray(kind.name, vendor_id, "", "no key", obj=obj))
            resources[kind.name], duplicates = by_key(kind, objs)
            strays += duplicates
            keys.update({(kind.name, o.id): o.key for o in objs})
        return LiveState("1", "http://127.0.0.1:1/api", resources, tuple(strays))

    def apply(self, plan: Any, state: LiveState) -> None:
        """Each change as the API makes it: by vendor id, links sent as ids, a coupon's id is its code."""
        view = rekeyed(state, moves_of(plan.changes))
        ids = Ids(view)
        for change in plan.changes:
            kind = BY_NAME[change.kind]
            obj = view.get(change.kind, change.key)
            if change.op == "delete":
                assert obj is not None
                del self.rows[(change.kind, obj.id)]
                continue
            data = dict(change.after or {})
            if change.kind in LINKS:
                field_name, target = LINKS[change.kind]
                data[field_name] = [ids.resolve(target, k) for k in data.get(field_name, [])]
            if obj is None:
                vendor_id = change.key if kind.id_param == kind.key_param else self.new_id()
            else:
                del self.rows[(change.kind, obj.id)]
                vendor_id = change.key if kind.id_param == kind.key_param else obj.id
            full = kind.model.live(data).model_dump(mode="json")
            self.rows[(change.kind, vendor_id)] = (change.key, full)
            ids.record(change.kind, change.key, vendor_id)


def account_of(
    options: list[str], products: dict[str, list[str]], coupons: dict[str, list[str]], keyless: int
) -> Account:
    account = Account()
    ids: dict[tuple[str, str], str] = {}
    for name in options:
        ids[("option", name)] = vendor_id = account.new_id()
        account.rows[("option", vendor_id)] = (name, {"values": SIZE["values"]})
    for code, links in products.items():
        ids[("product", code)] = vendor_id = account.new_id()
        data = {**TEE, "options": [ids[("option", o)] for o in links]}
        account.rows[("product", vendor_id)] = (code, Product.live(data).model_dump(mode="json") | data)
    for index in range(keyless):
        vendor_id = account.new_id()
        account.rows[("product", vendor_id)] = (
            "",
            Product.live({**TEE, "name": f"K{index}"}).model_dump(mode="json"),
        )
    for code, links in coupons.items():
        data = {
            "type": "product",
            "percent_off": "5",
            "minimum_purchase": "0.00",
            "expires": "2027-01-01",
            "products": [ids[("product", p)] for p in links],
        }
        account.rows[("coupon", code)] = (code, data)
    return account


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Account, dict[str, Any]]:
    """An account, and a catalog that renames some of its resources, adopts its keyless products and changes
    a few prices; the catalog's links use the new keys."""
    options = draw(st.lists(st.sampled_from(["Size", "Color", "Fit"]), unique=True, max_size=3))
    codes = draw(st.lists(st.sampled_from(["TEE", "MUG", "CAP", "HAT"]), unique=True, min_size=1, max_size=4))
    products = {
        code: draw(st.lists(st.sampled_from(options), unique=True)) if options else [] for code in codes
    }
    coupons = {
        code: draw(st.lists(st.sampled_from(codes), unique=True, min_size=1))
        for code in draw(st.lists(st.sampled_from(["C1", "C2"]), unique=True, max_size=2))
    }
    keyless_count = draw(st.integers(0, 2))
    account = account_of(options, products, coupons, keyless_count)
    renamed = {
        (kind, key): f"{key}-NEW"
        for kind, keys in (("option", options), ("product", codes), ("coupon", list(coupons)))
        for key in keys
        if draw(st.booleans())
    }

    def new(kind: str, key: str) -> str:
        return renamed.get((kind, key), key)

    def previous(kind: str, key: str) -> dict[str, Any]:
        return {"previous_keys": [key]} if (kind, key) in renamed else {}

    desired: dict[str, Any] = {
        "options": {new("option", o): {**SIZE, **previous("option", o)} for o in options},
        "products": {
            new("product", c): {
                **TEE,
                "price": draw(st.sampled_from(["19.99", "21.00"])),
                "options": [new("option", o) for o in links],
                **previous("product", c),
            }
            for c, links in products.items()
        },
        "coupons": {
            new("coupon", c): {
                "type": "product",
                "percent_off": 5,
                "minimum_purchase": "0.00",
                "expires": "2027-01-01",
                "products": [new("product", p) for p in links],
                **previous("coupon", c),
            }
            for c, links in coupons.items()
        },
    }
    adopted = [
        vendor_id for (kind, vendor_id), (key, _) in account.rows.items() if kind == "product" and not key
    ]
    desired["adopt"] = {"products": {f"K{i}-CODE": vendor_id for i, vendor_id in enumerate(adopted)}}
    desired["products"] |= {f"K{i}-CODE": {**TEE, "name": f"K{i}"} for i in range(len(adopted))}
    return account, desired


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_a_plan_of_renames_and_adoptions_converges_and_keeps_every_id(scenario):
    account, desired = scenario
    wanted = catalog(**desired)
    before = account.read()
    plan = make_plan(wanted, before, catalog_sha256="0" * 64, catalog_path="c.yaml")
    assert all(c.op in (*MOVES, "update") for c in plan.changes)  # nothing is created or deleted
    ids_before = sorted(vendor_id for (kind, vendor_id) in account.rows if kind != "coupon")
    account.apply(plan, before)
    after = account.read()
    assert sorted(vendor_id for (kind, vendor_id) in account.rows if kind != "coupon") == ids_before
    event(f"{sum(c.op in MOVES for c in plan.changes)} moves")
    again = make_plan(wanted, after, catalog_sha256="0" * 64, catalog_path="c.yaml")
    assert again.changes == (), [c.label for c in again.changes]
    assert after.strays == ()


def test_export_suggests_unique_keys_from_names_and_adopts_under_them():
    named = [("20", "API product"), ("3", "API product"), ("4", "¡Hola, café!"), ("5", "  "), ("6", "123")]
    named.append(("7", "word " * 30))
    strays = tuple(
        Stray(
            "product", i, label, "no key", obj=WireObject("", i, Product.live({**TEE, "name": label or "x"}))
        )
        for i, label in named
    )
    shared = (keyless("8", "duplicate", "DUP"), keyless("9", "duplicate", "DUP"))
    state = live(catalog(products={"API-PRODUCT": TEE}), strays=(*strays, *shared))
    catalog_out, header = exported(state)
    long = "-".join(["WORD"] * 8)  # 39 characters: cut between words at 40
    assert catalog_out.adopt.products == {  # the oldest (lowest) id gets a name's first free suggestion
        "API-PRODUCT-2": "3",
        "API-PRODUCT-3": "20",
        "HOLA-CAFE": "4",
        "PRODUCT": "5",
        "123": "6",  # a name is not a key: only keys (live, or shared) are taken
        long: "7",
    }
    assert set(catalog_out.products) == {"API-PRODUCT", *catalog_out.adopt.products}
    text = "\n".join(header)
    assert "Adopts 6 resource(s) without a key" in text
    assert "product id 9 'DUP': shares its key with another live resource" in text
    assert "adopt them by id the same way" in text
    plan = make_plan(catalog_out, state, catalog_sha256="0" * 64, catalog_path="c.yaml")
    assert [c.op for c in plan.changes] == ["adopt"] * 6


def test_a_move_is_held_to_the_rules_of_the_update_call_that_makes_it():
    sale = {"type": "sale", "percent_off": 5, "expires": "2027-01-01"}
    state = live(catalog(coupons={"OLD": {**sale, "minimum_purchase": "1.00"}}))
    desired = catalog(coupons={"NEW": {**sale, "previous_keys": ["OLD"]}})
    assert [c.label for c in make_plan(desired, state, catalog_sha256="-", catalog_path="-").changes] == [
        "rename coupon OLD -> NEW"
    ]
    unmanaged = live(catalog(coupons={"OLD": sale}))
    with pytest.raises(PlanError, match="coupon:NEW: the API requires minimum_purchase to update a coupon"):
        make_plan(desired, unmanaged, catalog_sha256="-", catalog_path="-")


SHAPES = {
    "option": SIZE,
    "product": TEE,
    "coupon": {"type": "sale", "percent_off": "5", "expires": "2030-01-01"},
}


@pytest.mark.parametrize("kind", [kind.name for kind in KINDS])
def test_the_advice_on_a_shared_key_can_be_followed(kind: str):
    """Wherever live resources share a key (the export's header, a stray's line, a rename from that key),
    the advice is to adopt them by id only for a kind the catalog can adopt: options and coupons cannot be
    (``adopt.options`` is refused), so for them it is to settle it in the admin pages."""
    model = BY_NAME[kind].model.live(SHAPES[kind])
    shared = tuple(Stray(kind, i, "OLD", "duplicate", obj=WireObject("OLD", i, model)) for i in ("1", "2"))
    state = live(strays=shared)
    section = BY_NAME[kind].section
    try:
        catalog(adopt={section: {"NEW": "1"}})
        adoptable = True
    except ValidationError:
        adoptable = False
    (refusal,) = moved({section: {"NEW": {**SHAPES[kind], "previous_keys": ["OLD"]}}}, state)
    _, header = exported(state)
    for advice in (str(shared[1]), refusal, "\n".join(header)):
        assert ("adopt" in advice.replace("cannot be adopted", "")) is adoptable, advice
        assert adoptable or "2Checkout admin pages" in advice, advice
