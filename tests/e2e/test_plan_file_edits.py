"""Any edit of a saved plan file is read strictly: the file is a plan, or it is refused in one line naming the
file and what is wrong (PlanError, exit 1) before anything is opened or read; never a traceback.

The property edits real saved plans (made once against a sandbox) at random places: any JSON value of any type
in place of any value, a key deleted, an unknown key added, a list cut short or lengthened. A file that is
still read must be one ``save_plan`` could have written: saving what was read gives the same document.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from catalogsync.cli import main
from catalogsync.errors import PlanError
from catalogsync.plan import Plan
from catalogsync.sandbox import Sandbox
from catalogsync.saved import save_plan, saved_plan

PRODUCTS = """
settings: {prune: {products: true, coupons: true}, safety: {max_deletes: 100, max_changes: 100}}
options:
  Size: {values: [{name: Small, surcharge: 0.00}]}
products:
  LTP-003: {name: Live Test Product, price: 11.00, description: Kept}
  OP-T-2027: {previous_keys: [OP-T], name: OPTION TEST, price: 100.00}
  NEW-1: {name: New one, price: 5.00, options: [Size]}
"""
CATALOGS = {
    # every operation but adopt, a field change, deletes, kept options, the keyless product 4635212971 a stray
    "stray": PRODUCTS,
    # that product adopted instead
    "adopt": PRODUCTS.replace("\nproducts:", '\nadopt: {products: {API-PRODUCT: "4635212971"}}\nproducts:')
    + "  API-PRODUCT: {name: API product, price: 10.00}\n",
}
SELECTION = ["--only", "product:*", "--only", "option:*", "--only", "coupon:*", "--exclude", "coupon:NOPE"]


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The JSON of real saved plans of the demo account, by name, with their catalogs beside them."""
    folder = tmp_path_factory.mktemp("plans")
    sandbox = Sandbox(seed="demo").start()
    made = {}
    try:
        with pytest.MonkeyPatch.context() as env:
            for name, value in (("USERNAME", "sandbox"), ("PASSWORD", "sandbox")):
                env.setenv(f"TWOCHECKOUT_{name}", value)
            env.setenv("XDG_CACHE_HOME", str(folder / "cache"))
            for name, text in CATALOGS.items():
                catalog, plan = folder / f"{name}.yaml", folder / f"{name}.json"
                catalog.write_text(textwrap.dedent(text), encoding="utf-8")
                argv = ["plan", str(catalog), "--out", str(plan), *SELECTION, "--api-url", sandbox.url]
                assert main(argv) == 0
                made[name] = json.loads(plan.read_text(encoding="utf-8"))
    finally:
        sandbox.stop()
    ops = {c["op"] for data in made.values() for c in data["changes"]}
    assert ops == {"create", "update", "delete", "rename", "adopt"}
    assert made["stray"]["strays"][0]["links"] and made["stray"]["unmanaged"]
    assert any(c["fields"] for c in made["stray"]["changes"])
    yield made


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("edits")


Path_ = tuple[str | int, ...]


def places(node: Any, at: Path_ = ()) -> Iterator[Path_]:
    """The path of every value in a JSON document."""
    yield at
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        yield from places(child, (*at, key))


def get(node: Any, at: Path_) -> Any:
    for part in at:
        node = node[part]
    return node


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**1000)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(
        ["", "4", "product:*", "create", "adopt", "product", "\n", "\x1b[2J", "\ud800", "é\u2028"]
    )
)
VALUES = st.sampled_from([[], {}, [[]], [[], [], []], [""]]) | st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
UNKNOWN_KEYS = st.sampled_from(["extra", "obj", "", "format_version", "Op", "\n"]) | st.text(max_size=6)


def edit(data: st.DataObject, document: Any) -> Any:
    """The document with one random structural edit, at a place found going down from the top (the document
    itself a tenth of the time, then each level a third): a plan's members as often as a change's."""
    document = json.loads(json.dumps(document))
    at, node = (), document
    while (
        node and isinstance(node, dict | list) and data.draw(st.integers(0, 2 if at else 9), label="deeper")
    ):
        part = data.draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        at, node = (*at, part), node[part]
    edits = ["replace", "elsewhere"]
    edits += ["delete"] if at else []
    edits += ["add key"] if isinstance(node, dict) else []
    edits += ["shorten", "lengthen"] if isinstance(node, list) and node else []
    how = data.draw(st.sampled_from(edits), label="edit")
    if how in ("replace", "elsewhere"):
        strategy = (
            VALUES if how == "replace" else st.sampled_from([get(document, p) for p in places(document)])
        )
        value = json.loads(json.dumps(data.draw(strategy, label="value")))
        if not at:
            return value
        get(document, at[:-1])[at[-1]] = value
    elif how == "delete":
        del get(document, at[:-1])[at[-1]]
    elif how == "add key":
        node[data.draw(UNKNOWN_KEYS, label="key")] = data.draw(VALUES, label="value")
    elif how == "shorten":
        del node[data.draw(st.integers(0, len(node) - 1), label="index") :]
    else:
        node.append(data.draw(st.sampled_from(node) | VALUES, label="value"))
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_edit_of_a_saved_plan_reads_as_a_plan_or_is_refused_in_one_line(plans, room, data):
    document = plans[data.draw(st.sampled_from(sorted(plans)), label="plan")]
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        document = edit(data, document)
    path = room / "plan.json"
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    try:
        plan = saved_plan(path)
    except PlanError as error:
        message = str(error)
        assert message.startswith(f"{path}: "), message
        assert message.isprintable() and len(message) < len(str(path)) + 300, message
        event("refused: " + ": ".join(message.removeprefix(f"{path}: ").split(": ")[:2])[:60])
        return
    event("read")
    assert isinstance(plan, Plan)
    again = room / "again.json"
    save_plan(plan, again)
    written = json.loads(again.read_text(encoding="utf-8"))
    assert written == {**document, **defaults(document), "catalog_path": written["catalog_path"]}


def defaults(document: dict[str, Any]) -> dict[str, Any]:
    """What a read plan has where the file leaves a member out that may be left out."""
    change = {"before": None, "after": None, "fields": [], "source": None}
    return {
        "changes": [{**change, **c} for c in document["changes"]],
        "strays": [{"links": [], **s} for s in document["strays"]],
    }


CATALOG = """
products:
  LTP-003: {name: Live Test Product, price: 11.00, description: Kept}
  NEW-1: {name: New one, price: 5.00}
"""
REPRODUCTIONS = [
    (
        lambda d: d.update(selection=[]),
        "not a readable catalogsync plan: selection: expected two lists of text (got [])",
    ),
    (
        lambda d: d.update(selection=[["product:X"]]),
        'not a readable catalogsync plan: selection: expected two lists of text (got [["product:X"]])',
    ),
    (
        lambda d: d.update(reviewed_by="me"),
        'not a readable catalogsync plan: reviewed_by: Extra inputs are not permitted (got "me")',
    ),
    (lambda d: d.update(format_version=4.0), "a plan of format_version 4.0, not 4: plan again"),
    (
        lambda d: d["unmanaged"].insert(0, ["option", "Volume"]),
        "not a readable catalogsync plan: unmanaged.0: Input should be a valid dictionary"
        ' (got ["option", "Volume"])',
    ),
    (
        lambda d: d.update(strays=[{"kind": "product", "id": 77}]),
        "not a readable catalogsync plan: strays.0.id: Input should be a valid string (got 77)",
    ),
]


def edited(plan: Path, change) -> None:
    data = json.loads(plan.read_text(encoding="utf-8"))
    change(data)
    plan.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "reason"),
    REPRODUCTIONS,
    ids=["empty selection", "one-list selection", "unknown key", "format 4.0", "unmanaged list", "stray id"],
)
def test_the_testers_edits_are_one_line_exit_1_and_no_request(sandbox, cli, write, tmp_path, change, reason):
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", write(CATALOG), "--out", str(plan)).code == 0
    edited(plan, change)
    sandbox.reset_stats()
    result = cli(sandbox, "apply", str(plan))
    assert (result.code, result.out, result.err) == (1, "", f"Error: {plan}: {reason}\n")
    assert sandbox.stats()["requests"] == 0


def test_the_testers_reproduction_on_the_embedded_sandbox(cli, tmp_path):
    """As reported: ``plan examples/catalog.yaml --sandbox-db DB --out PLAN``, its selection emptied."""
    db, plan = tmp_path / "r1.db", tmp_path / "r1.json"
    assert cli(None, "plan", "examples/catalog.yaml", "--sandbox-db", str(db), "--out", str(plan)).code == 0
    edited(plan, lambda d: d.update(selection=[]))
    seeded = db.read_bytes()
    result = cli(None, "apply", str(plan), "--sandbox-db", str(db))
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"Error: {plan}: not a readable catalogsync plan: selection: expected two lists of text (got [])\n"
    )
    assert db.read_bytes() == seeded
