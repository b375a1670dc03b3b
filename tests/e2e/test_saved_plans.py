"""A saved plan is verified, not trusted: a hand-edited plan file is refused before anything is written, and
what it points at is never echoed (against a real sandbox)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from catalogsync.cli import main

CATALOG = """
products:
  LTP-003: {name: Live Test Product, price: 11.00, description: Kept}
  NEW-1: {name: New one, price: 5.00}
"""


@pytest.fixture
def saved(sandbox, cli, write, tmp_path):
    path, plan = write(CATALOG), tmp_path / "plan.json"
    assert cli(sandbox, "plan", path, "--out", str(plan)).code == 0
    return plan


def edit(plan: Path, change) -> None:
    data = json.loads(plan.read_text(encoding="utf-8"))
    change(data)
    plan.write_text(json.dumps(data), encoding="utf-8")


def untouched(sandbox, cli) -> bool:
    exported = cli(sandbox, "export").out
    return "NEW-1" not in exported and "price: 11.00" not in exported


def new_price(data):
    next(c for c in data["changes"] if c["key"] == "NEW-1")["after"]["price"] = "0.01"


def delete_undeclared(data):
    before = {"type": "sale", "expires": "2013-03-31", "value_off": "100.00"}
    data["changes"].append({"op": "delete", "kind": "coupon", "key": "SAVEJUNE", "before": before})


def wipe_description(data):
    update = next(c for c in data["changes"] if c["op"] == "update")
    update["after"]["description"] = None


def move_account(data):
    data["account"]["base_url"] = "http://127.0.0.1:1/api"


def other_vendor(data):
    data["account"]["vendor_id"] = "2222222"


EDITED_OR_CHANGED = "no longer make a plan (the account changed since, or the plan file was edited): "
"""A plan its own selection cannot make: the catalog's hash is checked, so one of the two is why."""
STALE = [
    (new_price, "change 2 (create product NEW-1) is not what the catalog plans (create product NEW-1;"),
    (delete_undeclared, "delete coupon SAVEJUNE) is not in a fresh plan of the catalog"),
    (wipe_description, "(update product LTP-003) is not what the catalog plans"),
    (lambda d: d.update(fingerprints={}), "it does not fingerprint product:LTP-003, product:NEW-1"),
    (move_account, "the plan is for http://127.0.0.1:1/api, not http://127.0.0.1:"),
    (other_vendor, "the plan is for vendor 2222222 at http://127.0.0.1:"),
    (lambda d: d.update(selection=[["product:NEW-*"], []]), "it fingerprints product:LTP-003, which a fresh"),
    (lambda d: d.update(selection=[["coupon:NOPE"], []]), EDITED_OR_CHANGED),
]


@pytest.mark.parametrize(("tamper", "reason"), STALE)
def test_an_edited_plan_is_refused_with_exit_4_and_nothing_applied(sandbox, cli, saved, tamper, reason):
    edit(saved, tamper)
    result = cli(sandbox, "apply", str(saved))
    assert result.code == 4, result.out + result.err
    assert result.err.startswith("Error: saved plan refused: ") and reason in result.err, result.err
    assert result.err.endswith(". Plan again.\n")
    assert untouched(sandbox, cli)


MALFORMED = [
    (lambda d: d["changes"][0].update(op="frobnicate"), "change 1 has the unknown op 'frobnicate'"),
    (lambda d: d["changes"][0].update(kind="widget"), "change 1 has the unknown kind 'widget'"),
    (
        lambda d: d["changes"][0].update(after={"price": {"nested": True}}),
        "change 1 (update product LTP-003) after.",
    ),
]


@pytest.mark.parametrize(("tamper", "reason"), MALFORMED)
def test_a_plan_file_that_does_not_parse_is_one_line_exit_1(sandbox, cli, saved, tamper, reason):
    edit(saved, tamper)
    result = cli(sandbox, "apply", str(saved))
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"Error: {saved}: not a readable catalogsync plan: {reason}"), result.err
    assert result.err.count("\n") == 1
    assert untouched(sandbox, cli)


def test_a_plan_pointing_at_another_file_never_shows_it(sandbox, cli, saved, tmp_path):
    secret = tmp_path / "secrets.yaml"
    secret.write_text("products:\n  TOP-SECRET-TOKEN-123: {name: x, price: [}\n", encoding="utf-8")
    edit(saved, lambda d: d.update(catalog_path=str(secret)))
    result = cli(sandbox, "apply", str(saved))
    assert result.code == 4
    assert "is not the catalog the plan was made from (its SHA-256 differs)" in result.err
    assert "TOP-SECRET" not in result.out + result.err
    assert untouched(sandbox, cli)


def test_the_catalog_is_found_beside_the_plan_from_any_folder(sandbox, cli, write, tmp_path, monkeypatch):
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    monkeypatch.chdir(folder)
    assert cli(sandbox, "plan", "catalog.yaml", "--out", "plan.json").code == 0
    monkeypatch.chdir(tmp_path)
    applied = cli(sandbox, "apply", "repo/plan.json")
    assert applied.code == 0, applied.err
    assert not untouched(sandbox, cli)


def test_an_untouched_plan_applies(sandbox, cli, saved):
    applied = cli(sandbox, "apply", str(saved))
    assert applied.code == 0, applied.err
    assert "Apply complete: 2 applied" in applied.out


@pytest.mark.parametrize(
    "damage",
    [b"", b"{}", b'{\n  "', b"[]", b"null\n", b"products: {}\n"],
    ids=["empty", "empty object", "cut at 5 bytes", "a list", "null", "a catalog named .json"],
)
def test_a_damaged_or_empty_plan_artifact_never_applies_as_an_empty_catalog(sandbox, cli, saved, damage):
    """In CI an artifact lost or cut short must fail, not report "No changes"."""
    saved.write_bytes(damage)
    sandbox.reset_stats()
    result = cli(sandbox, "apply", str(saved))
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"Error: {saved}: a damaged plan file"), result.err
    assert result.err.count("\n") == 1
    assert sandbox.stats()["requests"] == 0


ADOPTION = """
adopt:
  products: {API-PRODUCT: "4635212971"}
products:
  API-PRODUCT: {name: API product, price: 10.00}
"""
RENAME = """
products:
  OP-T-2027: {previous_keys: [OP-T], name: OPTION TEST, price: 100.00}
"""


@pytest.mark.parametrize(("catalog", "taken"), [(ADOPTION, "API-PRODUCT"), (RENAME, "OP-T-2027")])
def test_a_saved_move_whose_key_was_taken_since_is_stale_exit_4(
    sandbox, cli, write, tmp_path, catalog, taken
):
    """The catalog is unchanged (its hash is checked), so a move that cannot be planned any more means the
    account changed: the saved plan is stale (exit 4, as ci.md says), not a failure; nothing is written."""
    path, plan = write(catalog), tmp_path / "plan.json"
    assert cli(sandbox, "plan", path, "--out", str(plan)).code == 0
    squatter = write(f"products:\n  {taken}: {{name: squatter, price: 1.00}}\n", "squat.yaml")
    assert cli(sandbox, "apply", squatter, "--yes").code == 0
    before = cli(sandbox, "export").out
    result = cli(sandbox, "apply", str(plan))
    assert result.code == 4, result.err
    assert result.err.startswith(
        "Error: saved plan refused: its catalog and selection no longer make a plan (the account changed"
        " since, or the plan file was edited): "
    )
    assert cli(sandbox, "export").out == before


def retyped(value):
    """An equal JSON value of another type (``2`` -> ``2.0``, ``true`` -> ``1``), or None if there is none."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return float(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list) and value and all(retyped(v) is not None for v in value):
        return [retyped(v) for v in value]
    return None


def test_a_state_retyped_by_hand_is_refused_whatever_its_field(sandbox, cli, saved):
    """Every field of every state whose value has an equal of another type: pydantic would take ``2.0`` for
    the category 2 (and ``1`` for true), so a plan file edited so was applied as if it were as saved."""
    data = json.loads(saved.read_text(encoding="utf-8"))
    edits = [
        (index, name, field)
        for index, change in enumerate(data["changes"])
        for name in ("before", "after")
        for field, value in (change.get(name) or {}).items()
        if retyped(value) is not None
    ]
    assert len({field for _, _, field in edits}) >= 2, edits  # flags and lists of ids
    for index, name, field in edits:
        state = json.loads(json.dumps(data))
        change = state["changes"][index][name]
        change[field] = retyped(change[field])
        saved.write_text(json.dumps(state), encoding="utf-8")
        result = cli(sandbox, "apply", str(saved))
        assert (result.code, result.out) == (1, ""), (index, name, field, result.err)
        assert f"{name}.{field}: not as a saved plan writes it" in result.err, result.err
    assert untouched(sandbox, cli)


def test_a_resource_new_in_the_account_that_pruning_would_delete_makes_the_plan_stale(
    sandbox, cli, write, tmp_path
):
    """Named as what a fresh plan fingerprints, not as something the catalog declares (it does not)."""
    pruning = write("settings: {prune: {products: true}, safety: {max_deletes: 50}}\n" + CATALOG)
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", pruning, "--out", str(plan)).code == 0
    sneaky = write("products:\n  SNEAKY: {name: by hand, price: 1.00}\n", "sneaky.yaml")
    assert cli(sandbox, "apply", sneaky, "--yes").code == 0
    result = cli(sandbox, "apply", str(plan))
    assert (result.code, result.out) == (4, "")
    assert result.err == (
        "Error: saved plan refused: it does not fingerprint product:SNEAKY, which a fresh plan of its catalog"
        " and selection does. Plan again.\n"
    )


ACCOUNTS = {
    "embedded sandbox": ["--sandbox"],
    "its own database": ["--sandbox-db", "my db.sqlite3"],
    "the strict dialect": ["--sandbox-db", "strict.sqlite3", "--sandbox-dialect", "strict"],
    "an API URL": ["--api-url", "{url}"],
}


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize("safety", ["within", "past"])
def test_the_command_shown_for_a_saved_plan_applies_it(
    sandbox, capsys, monkeypatch, tmp_path, account, safety
):
    """Run as shown: the account's flags are in it (without them it read another account and was refused as
    stale), and ``--force`` when the plan is past the safety thresholds."""
    monkeypatch.chdir(tmp_path)  # the embedded sandbox's default database is in the current folder
    monkeypatch.setenv("TWOCHECKOUT_USERNAME", "sandbox")
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", "sandbox")
    limits = "settings: {safety: {max_changes: 1}}\n" if safety == "past" else ""
    Path("catalog.yaml").write_text(limits + CATALOG, encoding="utf-8")
    flags = [flag.replace("{url}", sandbox.url) for flag in ACCOUNTS[account]]
    assert main(["plan", "catalog.yaml", *flags, "--out", "plan.json"]) == (3 if safety == "past" else 0)
    shown = capsys.readouterr().err.splitlines()[-2 if safety == "past" else -1]
    words = shlex.split(shown.split(": ", 1)[1])
    assert words[:3] == ["catalogsync", "apply", "plan.json"] and ("--force" in words) == (safety == "past")
    assert "sandbox" not in [w for w in words if not w.startswith("--")][3:]  # no credential, ever
    assert main(words[1:]) == 0, capsys.readouterr().err
    assert "Apply complete" in capsys.readouterr().out


def test_the_json_outputs_for_programs_are_named_when_given_as_a_plan(sandbox, cli, write, tmp_path):
    """Not 'a plan of format_version 1, not 4: plan again', which planning again the same way repeats."""
    catalog = write(CATALOG)
    outputs = {
        "plan --format json": tmp_path / "plan-output.json",
        "apply --report": tmp_path / "report.json",
    }
    planned = cli(sandbox, "plan", catalog, "--format", "json")
    outputs["plan --format json"].write_text(planned.out, encoding="utf-8")
    assert cli(sandbox, "apply", catalog, "--yes", "--report", str(outputs["apply --report"])).code == 0
    for made_by, path in outputs.items():
        result = cli(sandbox, "apply", str(path))
        assert (result.code, result.out) == (1, "")
        assert result.err == (
            f"Error: {path}: the output of '{made_by}', for programs, not a saved plan: save one with"
            " 'plan --out'\n"
        )
