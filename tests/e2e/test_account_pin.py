"""Account pinning (``settings.account``) against real sandboxes: a catalog pinned to another account is
refused by plan and apply after the one company-info read (no list read, no write, both ids named, exit 1),
also through a saved plan at the same address (one for another address is refused before any request); a
matching pin plans normally; export writes the pin, and its plan holds at most the adoptions export proposes
(empty once applied)."""

from __future__ import annotations

import json

import pytest

from catalogsync.sandbox import Sandbox
from catalogsync.sandbox.state import Store, load_doc, save_doc

DEMO = "1311348"
OTHER = "2222222"
COMPANY_INFO = {"acct/detail_company_info": 1}


def pinned(account: str) -> str:
    return f"""
settings:
  account: "{account}"
products:
  LTP-003: {{name: Live Test Product, price: 11.00}}
  PIN-NEW: {{name: Pinned, price: 5.00}}
"""


@pytest.fixture
def other(make_sandbox, tmp_path):
    """A second account: a sandbox whose company info gives another vendor id."""
    db = tmp_path / "other.sqlite3"
    with Sandbox(db, seed="demo"):
        pass
    store = Store(db)
    with store.write() as connection:
        company = load_doc(connection, "company")
        save_doc(connection, "company", {**company, "vendor_id": OTHER})
    store.close()
    return make_sandbox(db, seed="demo")


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
@pytest.mark.parametrize("command", [["plan"], ["apply", "--yes"]])
def test_another_account_is_refused_before_any_list_read(make_sandbox, cli, write, dialect, command):
    account = make_sandbox(seed="demo", dialect=dialect)
    result = cli(account, *command[:1], write(pinned(OTHER)), *command[1:])
    assert result.code == 1
    assert (
        f"the catalog is for vendor {OTHER} (settings.account), but {account.url} is vendor {DEMO}"
        in result.err
    )
    assert result.out == ""
    assert account.stats()["by_method"] == COMPANY_INFO


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
def test_a_matching_pin_plans_and_applies_normally(make_sandbox, cli, write, dialect):
    account = make_sandbox(seed="demo", dialect=dialect)
    path = write(pinned(DEMO))
    planned = cli(account, "plan", path)
    assert planned.code == 0, planned.err
    assert "+ product PIN-NEW" in planned.out
    assert cli(account, "apply", path, "--yes").code == 0
    assert cli(account, "plan", path, "--detailed-exitcode").code == 0


@pytest.mark.parametrize("catalog", [pinned(DEMO), pinned(DEMO).replace(f'  account: "{DEMO}"\n', "")])
def test_a_saved_plan_for_another_address_is_refused_before_anything_is_sent(
    sandbox, other, cli, write, tmp_path, catalog
):
    """Pinned or not, a plan made at one API URL is refused for another before a request (and its
    credentials) goes there; the vendor id decides only where the address is the same."""
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", write(catalog), "--out", str(plan)).code == 0
    refused = cli(other, "apply", str(plan))
    assert refused.code == 4
    assert f"the plan is for {sandbox.url}, not {other.url}; nothing was opened or read" in refused.err
    assert other.stats()["requests"] == 0


def test_the_pin_wins_over_the_saved_plans_vendor_at_the_same_address(sandbox, other, cli, write, tmp_path):
    """The account at the plan's URL is now another vendor: the pin's error (exit 1), after the one read."""
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", write(pinned(DEMO)), "--out", str(plan)).code == 0
    data = json.loads(plan.read_text(encoding="utf-8"))
    data["account"]["base_url"] = other.url  # a hand-edited plan, or another vendor behind the same URL
    plan.write_text(json.dumps(data), encoding="utf-8")
    refused = cli(other, "apply", str(plan))
    assert refused.code == 1  # the pin's error, not the saved plan's exit 4
    assert (
        f"the catalog is for vendor {DEMO} (settings.account), but {other.url} is vendor {OTHER}"
        in refused.err
    )
    assert other.stats()["by_method"] == COMPANY_INFO


@pytest.mark.parametrize("dialect", ["lenient", "strict"])
def test_export_writes_the_pin_and_plans_back_empty(make_sandbox, cli, tmp_path, dialect):
    account = make_sandbox(seed="demo", dialect=dialect)
    path = tmp_path / "exported.yaml"
    assert cli(account, "export", "-o", str(path)).code == 0
    text = path.read_text(encoding="utf-8")
    assert f"settings:\n  account: '{DEMO}'\n" in text
    planned = cli(account, "plan", str(path))  # at most the adoptions of keyless products export proposes
    assert planned.code == 0, planned.err
    assert planned.out.startswith(
        "~ adopt product 4635212971 as API-PRODUCT\n"
    )  # the one keyless demo product
    assert "Plan: 0 to create, 0 to update, 0 to delete, 1 to adopt." in planned.out
    assert cli(account, "apply", str(path), "--yes").code == 0
    assert cli(account, "plan", str(path), "--detailed-exitcode").code == 0


def test_the_embedded_sandbox_is_the_demo_vendor(cli, write, tmp_path):
    db = str(tmp_path / "embedded.sqlite3")
    assert cli(None, "plan", write(pinned(DEMO)), "--sandbox-db", db).code == 0
    refused = cli(None, "plan", write(pinned(OTHER)), "--sandbox-db", db)
    assert refused.code == 1
    assert f"is vendor {DEMO}" in refused.err
