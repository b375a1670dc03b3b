"""Saved plan files: written whole, read strictly (known kinds and operations, states of their kind), and
compared change for change with a fresh plan (pure: no account)."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from catalogsync.errors import PlanError
from catalogsync.kinds import Product, WireObject
from catalogsync.live import Stray
from catalogsync.plan import make_plan
from catalogsync.saved import SAVED_FORMAT, first_difference, save_plan, saved_plan
from catalogsync.selection import Selection
from tests.engine.helpers import catalog, live

TEE = {"name": "Tee", "price": "19.99"}


def sample(tmp_path: Path, **selection: list[str]):
    desired = catalog(products={"TEE": {**TEE, "price": "5.00"}, "NEW": TEE})
    current = catalog(products={"TEE": TEE, "OLD": TEE})
    chosen = Selection.parse(selection.get("only"), selection.get("exclude"))
    return make_plan(
        desired,
        live(current),
        catalog_sha256="0" * 64,
        catalog_path=str(tmp_path / "catalog.yaml"),
        selection=chosen,
    )


def test_a_saved_plan_reads_back_the_same_with_its_catalog_beside_it(tmp_path):
    plan = sample(tmp_path, only=["product:TEE"])
    path = tmp_path / "out" / "plan.json"
    path.parent.mkdir()
    save_plan(plan, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert (data["format_version"], data["catalog_path"]) == (SAVED_FORMAT, "../catalog.yaml")
    assert data["selection"] == [["product:TEE"], []]
    read = saved_plan(path)
    assert read is not None
    assert Path(read.catalog_path).resolve() == tmp_path / "catalog.yaml"
    assert replace(read, catalog_path=plan.catalog_path) == plan


def test_a_catalog_is_not_a_saved_plan(tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text("products: {}\n")
    assert saved_plan(path) is None


def edited(tmp_path: Path, edit) -> Path:
    path = tmp_path / "plan.json"
    save_plan(sample(tmp_path), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda d: d["changes"][0].update(op="frobnicate"), "change 1 has the unknown op 'frobnicate'"),
        (lambda d: d["changes"][0].update(kind="widget"), "change 1 has the unknown kind 'widget'"),
        (lambda d: d["changes"][0].update(after=None), "change 1 (create product NEW) needs after"),
        (
            lambda d: d["changes"][0]["after"].update(price="free"),
            "change 1 (create product NEW) after.price",
        ),
        (
            lambda d: d["changes"][0].update(after=[1, 2]),
            "changes.0.after: Input should be a valid dictionary (got [1, 2])",
        ),
        (
            lambda d: d["changes"].append("delete everything"),
            'changes.2: Input should be a valid dictionary (got "delete everything")',
        ),
        (
            lambda d: d.update(changes={"op": "delete"}),
            'changes: Input should be a valid list (got {"op": "delete"})',
        ),
        (lambda d: d.pop("fingerprints"), "fingerprints: Field required"),
        (
            lambda d: d.update(catalog_path=["/etc/passwd"]),
            'catalog_path: Input should be a valid string (got ["/etc/passwd"])',
        ),
        (lambda d: d.update(selection=[]), "selection: expected two lists of text (got [])"),
        (
            lambda d: d.update(selection=[["product:X"]]),
            'selection: expected two lists of text (got [["product:X"]])',
        ),
        (lambda d: d.update(selection=[["product:X"], [7]]), "selection: expected two lists of text"),
        (lambda d: d.update(surprise=1), "surprise: Extra inputs are not permitted (got 1)"),
        (lambda d: d.update(account=None), "account: Input should be a valid dictionary (got null)"),
        (lambda d: d["account"].pop("vendor_id"), "account.vendor_id: Field required"),
        (lambda d: d.update(fingerprints={"product:TEE": 1}), "fingerprints.product:TEE: Input should be a"),
        (lambda d: d.update(strays=[{"kind": "product"}]), "strays.0.id: Field required"),
        (
            lambda d: d.update(unmanaged=[["product", "OLD"]]),
            "unmanaged.0: Input should be a valid dictionary",
        ),
        (lambda d: d["unmanaged"].append({**d["unmanaged"][0], "why": 1}), "unmanaged.1.why: Extra inputs"),
        (
            lambda d: d["changes"][0].update(fields=None),
            "changes.0.fields: Input should be a valid list (got null)",
        ),
        (
            lambda d: d["changes"][1]["fields"][0].update(path=None),
            "changes.1.fields.0.path: Input should be a",
        ),
        (lambda d: d["changes"][1].update(source=""), "change 2 (update product TEE) takes no source"),
        (lambda d: d["changes"][0].update(key=""), "change 1 has no key"),
        (
            lambda d: d["changes"][0].update(key="NEW\n\x1b[2J", after={"price": "x" * 99}),
            'change 1 (create product "NEW\\n\\u001b[2J") after.name: Field required',
        ),
        (
            lambda d: d["changes"][0]["after"].update(price="\n" * 99),
            "change 1 (create product NEW) after.price: Value error, '\\n\\n\\n\\n",
        ),
    ],
)
def test_a_plan_file_that_is_not_a_plan_is_refused_in_one_line(tmp_path, edit, reason):
    path = edited(tmp_path, edit)
    with pytest.raises(PlanError) as caught:
        saved_plan(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a readable catalogsync plan: {reason}"), message
    assert "\n" not in message and "\x1b" not in message and len(message) < len(str(path)) + 300


@pytest.mark.parametrize(
    ("version", "shown"), [(1, "1"), (2, "2"), (4.0, "4.0"), ("4", '"4"'), (True, "true"), (None, "null")]
)
def test_another_format_is_refused_with_what_to_do(tmp_path, version, shown):
    """Only the int 4 is this format: 4.0 and True compare equal to an int in Python, not in the format."""
    path = edited(tmp_path, lambda d: d.update(format_version=version))
    with pytest.raises(PlanError) as caught:
        saved_plan(path)
    assert str(caught.value) == f"{path}: a plan of format_version {shown}, not {SAVED_FORMAT}: plan again"


def moving(tmp_path: Path):
    """A plan that renames OLD to TEE and adopts the keyless product 77 as CAP."""
    keyless = WireObject("", "77", Product.live(TEE))
    desired = catalog(
        adopt={"products": {"CAP": "77"}},
        products={"TEE": {**TEE, "previous_keys": ["OLD"]}, "CAP": TEE},
    )
    state = live(
        catalog(products={"OLD": TEE}), strays=(Stray("product", "77", "Tee", "no key", obj=keyless),)
    )
    return make_plan(desired, state, catalog_sha256="0" * 64, catalog_path=str(tmp_path / "catalog.yaml"))


def test_renames_and_adoptions_read_back_the_same(tmp_path):
    plan = moving(tmp_path)
    assert [c.label for c in plan.changes] == ["adopt product 77 as CAP", "rename product OLD -> TEE"]
    path = tmp_path / "plan.json"
    save_plan(plan, path)
    read = saved_plan(path)
    assert read is not None and replace(read, catalog_path=plan.catalog_path) == plan
    assert set(plan.fingerprints) == {
        "product:CAP",
        "product:OLD",
        "product:TEE",
        "product@77",
        "product@1000000010",
    }


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda c: c.pop("source"), "change 1 (adopt product CAP) needs source"),
        (lambda c: c.update(source=""), "change 1 (adopt product CAP) needs source"),
        (lambda c: c.update(op="update"), "change 1 (update product CAP) takes no source"),
        (lambda c: c.update(after=None), "change 1 (adopt product CAP) needs after"),
    ],
)
def test_a_move_without_its_source_or_states_is_refused(tmp_path, edit, reason):
    path = tmp_path / "plan.json"
    save_plan(moving(tmp_path), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data["changes"][0])
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PlanError, match=re.escape(reason)):
        saved_plan(path)


def test_a_cut_short_plan_is_a_damaged_plan(tmp_path):
    path = tmp_path / "plan.json"
    save_plan(sample(tmp_path), path)
    path.write_text(path.read_text(encoding="utf-8")[:300], encoding="utf-8")
    with pytest.raises(PlanError, match=r"plan.json: a damaged plan file, not valid JSON \(.*\): plan again"):
        saved_plan(path)


def test_a_number_too_long_for_python_is_a_damaged_plan_and_no_python_advice(tmp_path):
    path = edited(tmp_path, lambda d: d.update(format_version="<number>"))
    path.write_text(path.read_text(encoding="utf-8").replace('"<number>"', "9" * 5000), encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        saved_plan(path)
    assert str(caught.value) == (
        f"{path}: a damaged plan file, not valid JSON (nested too deeply, or a number too long): plan again"
    )


def test_deeply_nested_json_is_a_damaged_plan_and_no_recursion_error(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{\n  "format_version": 2,\n  "changes": ' + "[" * 200_000, encoding="utf-8")
    with pytest.raises(PlanError, match="a damaged plan file"):
        saved_plan(path)


@pytest.mark.parametrize(
    ("tamper", "difference"),
    [
        (
            lambda p: replace(
                p, changes=(replace(p.changes[0], after={**TEE, "price": "0.01"}), *p.changes[1:])
            ),
            "change 1 (create product NEW) is not what the catalog plans"
            " (create product NEW; after.price differs)",
        ),
        (
            lambda p: replace(
                p, changes=(*p.changes, replace(p.changes[-1], op="delete", key="OLD", after=None))
            ),
            "change 3 (delete product OLD) is not in a fresh plan of the catalog",
        ),
        (lambda p: replace(p, changes=p.changes[:1]), "it lacks change 2 (update product TEE)"),
        (
            lambda p: replace(p, fingerprints={}),
            "it does not fingerprint product:NEW, product:TEE, which a fresh plan of its catalog"
            " and selection does",
        ),
        (lambda p: replace(p, selection=(("coupon:*",), ())), "its selection is not the one recorded"),
        (
            lambda p: replace(p, changes=(p.changes[0], replace(p.changes[1], fields=()))),
            "change 2 (update product TEE) is not what the catalog plans (update product TEE; its displayed"
            " fields differ)",
        ),
    ],
)
def test_the_first_difference_from_a_fresh_plan_is_named(tmp_path, tamper, difference):
    fresh = sample(tmp_path)
    assert first_difference(fresh, fresh) is None
    assert first_difference(tamper(fresh), fresh) == difference


def test_a_move_of_another_resource_is_named_as_the_difference(tmp_path):
    fresh = moving(tmp_path)
    tampered = replace(fresh, changes=(replace(fresh.changes[0], source="78"), *fresh.changes[1:]))
    assert first_difference(tampered, fresh) == (
        "change 1 (adopt product 78 as CAP) is not what the catalog plans"
        " (adopt product 77 as CAP; it moves 77, not 78)"
    )
