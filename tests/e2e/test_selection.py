"""``--only`` / ``--exclude`` narrow ``plan`` exactly as they narrow ``apply``; a saved plan holds only what
was selected; an unknown kind is refused before any request; a selection that matches nothing says so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

CATALOG = """
options:
  Size: {values: [{name: S, surcharge: 0.00}]}
products:
  TEE-1: {name: Tee one, price: 1.00}
  TEE-2: {name: Tee two, price: 2.00}
  MUG-1: {name: Mug, price: 3.00}
coupons:
  SAVE: {type: sale, percent_off: 10, minimum_purchase: 0.00, expires: 2030-01-01}
"""

NOTHING_LISTENS = "http://127.0.0.1:9/api"

SELECTIONS = [
    (["--only", "product:TEE-*"], {"product:TEE-1", "product:TEE-2"}),
    (["--only", "products:MUG-1", "--only", "coupon"], {"product:MUG-1", "coupon:SAVE"}),
    (["--exclude", "product"], {"option:Size", "coupon:SAVE"}),
    (["--only", "product", "--exclude", "product:TEE-2"], {"product:TEE-1", "product:MUG-1"}),
]


def planned(path: str) -> set[str]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {f"{c['kind']}:{c['key']}" for c in data["changes"]}


@pytest.mark.parametrize(("flags", "expected"), SELECTIONS)
def test_plan_narrows_as_apply_does(empty_sandbox, cli, write, tmp_path, flags, expected):
    path, plan = write(CATALOG), str(tmp_path / "plan.json")
    result = cli(empty_sandbox, "plan", path, *flags, "--out", plan, "--format", "json")
    assert result.code == 0, result.err
    assert planned(plan) == expected
    assert {f"{c['kind']}:{c['key']}" for c in json.loads(result.out)["changes"]} == expected
    applied = cli(empty_sandbox, "apply", path, *flags, "--yes")
    assert applied.code == 0, applied.err
    after = cli(empty_sandbox, "plan", path, "--out", plan)
    assert after.code == 0
    everything = {"option:Size", "product:TEE-1", "product:TEE-2", "product:MUG-1", "coupon:SAVE"}
    assert planned(plan) == everything - expected


def test_a_saved_narrowed_plan_applies_only_what_it_selected(empty_sandbox, cli, write, tmp_path):
    path, plan = write(CATALOG), str(tmp_path / "plan.json")
    assert cli(empty_sandbox, "plan", path, "--only", "coupon:SAVE", "--out", plan).code == 0
    applied = cli(empty_sandbox, "apply", plan)
    assert applied.code == 0, applied.err
    exported = cli(empty_sandbox, "export").out
    assert "SAVE" in exported and "TEE-1" not in exported and "Size" not in exported


SELECTION_MISTAKES = {
    "widget:X": "kind must be one of option, product, coupon (as in product:TSHIRT-*)",
    "product:": "nothing after ':' (an unset variable?): give a glob, or product alone for every product",
    "coupons:": "nothing after ':' (an unset variable?): give a glob, or coupon alone for every coupon",
}


@pytest.mark.parametrize("command", ["plan", "apply"])
@pytest.mark.parametrize("flag", ["--only", "--exclude"])
@pytest.mark.parametrize("selection", SELECTION_MISTAKES)
def test_a_selection_mistake_is_refused_before_any_request(cli, write, command, flag, selection):
    """``--only "product:$PATTERN"`` with the variable unset once selected every product, deletes included."""
    result = cli(NOTHING_LISTENS, command, write(CATALOG), flag, selection)
    assert result.code == 1
    assert result.err == f"Error: selection {selection!r}: {SELECTION_MISTAKES[selection]}\n"


@pytest.mark.parametrize("command", [["plan"], ["apply", "--yes"]])
def test_a_selection_that_matches_nothing_says_so(sandbox, cli, write, command):
    result = cli(sandbox, command[0], write(CATALOG), "--only", "coupon:NO-SUCH-*", *command[1:])
    assert result.code == 1
    assert result.err == (
        "Error: the selection (--only coupon:NO-SUCH-*) matches nothing in the catalog or the account\n"
    )
    assert "No changes" not in result.out
