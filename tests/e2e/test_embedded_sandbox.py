"""The embedded sandbox (``--sandbox``, ``--sandbox-db``): its account is its database file, the loop of the
README and docs/ci.md works on it, and a path that is not a sandbox database is refused untouched."""

from __future__ import annotations

import json
import os
import shlex
import sqlite3
from pathlib import Path

import pytest

CATALOG = "products:\n  NEW-1: {name: New, price: 3.00}\n"


def test_state_persists_in_the_named_database(cli, write, tmp_path):
    (tmp_path / "state").mkdir()
    db = str(tmp_path / "state" / "sandbox.sqlite3")
    path = write(CATALOG)
    assert cli(None, "plan", path, "--sandbox-db", db, "--detailed-exitcode").code == 2
    assert cli(None, "apply", path, "--sandbox-db", db, "--yes").code == 0
    assert cli(None, "plan", path, "--sandbox-db", db, "--detailed-exitcode").code == 0


def test_the_default_database_is_under_dot_catalogsync(cli, write, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write(CATALOG)
    assert cli(None, "apply", path, "--sandbox", "--yes").code == 0
    assert (tmp_path / ".catalogsync" / "sandbox.sqlite3").is_file()
    assert cli(None, "plan", path, "--sandbox", "--detailed-exitcode").code == 0


def test_a_saved_plan_applies_on_the_embedded_sandbox(cli, write, tmp_path):
    """The loop of README.md and docs/ci.md: plan --out, then apply PLAN, each with its own sandbox port."""
    db = str(tmp_path / "sandbox.sqlite3")
    path = write(CATALOG)
    plan = str(tmp_path / "plan.json")
    assert cli(None, "plan", path, "--sandbox-db", db, "--out", plan).code == 0
    recorded = json.loads(Path(plan).read_text(encoding="utf-8"))["account"]["base_url"]
    assert recorded == f"sandbox {Path(db).resolve()}"
    applied = cli(None, "apply", plan, "--sandbox-db", db)
    assert applied.code == 0, applied.out + applied.err
    assert cli(None, "plan", path, "--sandbox-db", db, "--detailed-exitcode").code == 0


def test_a_plan_of_one_sandbox_database_is_refused_on_another_before_it_is_made(
    cli, write, tmp_path, monkeypatch
):
    """A mistyped ``--sandbox-db`` (or ``--sandbox`` for the default) made and seeded a new database before
    the plan was refused."""
    monkeypatch.chdir(tmp_path)
    path, plan, first = write(CATALOG), str(tmp_path / "plan.json"), tmp_path / "a.sqlite3"
    assert cli(None, "plan", path, "--sandbox-db", str(first), "--out", plan).code == 0
    for flags, named in [
        (["--sandbox-db", str(tmp_path / "b.sqlite3")], tmp_path.resolve() / "b.sqlite3"),
        (["--sandbox"], tmp_path.resolve() / ".catalogsync" / "sandbox.sqlite3"),
    ]:
        refused = cli(None, "apply", plan, *flags)
        assert (refused.code, refused.err) == (
            4,
            f"Error: saved plan refused: the plan is for sandbox {first.resolve()}, not sandbox {named};"
            " nothing was opened or read. Plan again.\n",
        )
    assert not (tmp_path / "b.sqlite3").exists() and not (tmp_path / ".catalogsync").exists()


def test_plans_of_a_real_account_and_of_a_sandbox_do_not_cross(sandbox, cli, write, tmp_path):
    path, real, embedded = write(CATALOG), str(tmp_path / "real.json"), str(tmp_path / "embedded.json")
    assert cli(sandbox, "plan", path, "--out", real).code == 0
    assert cli(None, "plan", path, "--sandbox-db", str(tmp_path / "a.sqlite3"), "--out", embedded).code == 0
    served = sandbox.stats()["requests"]
    on_a_sandbox = cli(None, "apply", real, "--sandbox-db", str(tmp_path / "b.sqlite3"))
    on_the_real_one = cli(sandbox, "apply", embedded)
    assert (on_a_sandbox.code, on_the_real_one.code) == (4, 4)
    assert (
        f"the plan is for {sandbox.url}, not sandbox {tmp_path.resolve() / 'b.sqlite3'};" in on_a_sandbox.err
    )
    assert f"the plan is for sandbox {tmp_path.resolve() / 'a.sqlite3'}, not {sandbox.url}; nothing" in (
        on_the_real_one.err
    )
    assert sandbox.stats()["requests"] == served and not (tmp_path / "b.sqlite3").exists()


def test_export_of_the_embedded_sandbox_is_the_same_each_time(cli, tmp_path):
    db = str(tmp_path / "sandbox.sqlite3")
    first, second = (cli(None, "export", "--sandbox-db", db).out for _ in range(2))
    assert first == second
    assert f"at sandbox {Path(db).resolve()}" in first.splitlines()[0]


def test_sandbox_does_not_swallow_the_catalog(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    assert cli(None, "plan", "--sandbox", "catalog.yaml", "--detailed-exitcode").code == 2
    exported = cli(None, "export", "--sandbox", "-o", "out.yaml")
    assert exported.code == 0, exported.err
    assert (tmp_path / "catalog.yaml").read_text(encoding="utf-8") == CATALOG


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (CATALOG.encode(), "is not a sandbox database (not an SQLite file); it was left as it is"),
        (b"", "is not a sandbox database (not an SQLite file); it was left as it is"),
        (None, "is an SQLite file but not a sandbox database; it was left as it is"),
    ],
)
def test_a_path_that_is_not_a_sandbox_database_is_refused_untouched(cli, write, tmp_path, content, reason):
    target = tmp_path / "not-a-sandbox"
    if content is None:
        sqlite3.connect(target).execute("CREATE TABLE mine (x)").connection.close()
    else:
        target.write_bytes(content)
    before = (target.read_bytes(), os.stat(target).st_mtime_ns)
    path = write(CATALOG)
    for argv in (["plan", path], ["export"], ["apply", path, "--yes"]):
        result = cli(None, *argv, "--sandbox-db", str(target))
        assert (result.code, result.out) == (1, "")
        assert result.err == f"Error: --sandbox-db {target}: {reason}\n"
    assert (target.read_bytes(), os.stat(target).st_mtime_ns) == before


def test_a_folder_is_refused_as_a_sandbox_database(cli, tmp_path):
    result = cli(None, "export", "--sandbox-db", str(tmp_path))
    assert result.code == 1
    assert result.err == f"Error: --sandbox-db {tmp_path}: is a folder, not a sandbox database file\n"


def test_sandbox_server_refuses_a_database_that_is_not_one(cli, write):
    path = write(CATALOG)
    result = cli(None, "sandbox", "--db", path, "--port", "0")
    assert result.code == 1
    assert (
        result.err == f"Error: --db {path}: is not a sandbox database (not an SQLite file);"
        " it was left as it is\n"
    )
    assert Path(path).read_text(encoding="utf-8") == CATALOG


@pytest.mark.parametrize(
    "flag", [["--api-url", "http://127.0.0.1:9/api"], ["--username", "u"], ["--password", "p"]]
)
def test_sandbox_with_explicit_connection_flags_is_a_usage_error(cli, write, flag):
    result = cli(None, "plan", write(CATALOG), "--sandbox", *flag)
    assert result.code == 1
    assert f"--sandbox runs an embedded sandbox: it cannot be combined with {flag[0]}" in result.err
    assert result.err.startswith("usage: ")


def test_the_embedded_loop_of_docs_ci_runs_as_written(cli, tmp_path, monkeypatch):
    """The commands of docs/ci.md's sandbox loop, run as written: plan --out, apply PLAN, drift check."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text[text.index("To try the loop") :].split("```sh\n", 1)[1].split("```", 1)[0]
    examples = tmp_path / "examples"
    examples.mkdir()
    examples.joinpath("catalog.yaml").write_bytes(Path("examples/catalog.yaml").read_bytes())
    monkeypatch.chdir(tmp_path)
    codes = []
    for line in block.strip().splitlines():
        command, _, redirect = line.split("#")[0].partition(">")
        argv = shlex.split(command)
        assert argv[0] == "catalogsync"
        result = cli(None, *argv[1:])
        if redirect.strip():
            Path(redirect.strip()).write_text(result.out, encoding="utf-8")
        codes.append(result.code)
    assert codes == [0, 0, 0]
    assert (
        cli(None, "apply", "plan.json", "--sandbox").code == 4
    )  # as the comment says: a second run is refused
    assert Path("plan.md").read_text(encoding="utf-8").strip()


def test_a_file_where_the_default_folder_would_be_is_one_line(cli, write, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".catalogsync").write_text("not a folder\n", encoding="utf-8")
    result = cli(None, "plan", write(CATALOG), "--sandbox")
    assert result.code == 1
    assert result.err == (
        "Error: --sandbox-db .catalogsync/sandbox.sqlite3: .catalogsync is a file, where the database's"
        " folder would be\n"
    )
