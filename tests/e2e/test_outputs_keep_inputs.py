"""Every file a command writes, against every file it reads: a written path never replaces an input (the
catalog, a part of a catalog folder, the saved plan, the sandbox's database) nor a file that is not a regular
one, and is refused before any request with the input untouched. Written files get the permissions a
user's umask gives (or keep those of the file they replace), not a temporary file's 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

CATALOG = "products:\n  P1: {name: a, price: 1.00}\n"

WRITERS = {  # (command line before the output flag, the flag): how each command names its output
    "plan --out": (["plan", "{catalog}"], "--out"),
    "apply --report": (["apply", "{catalog}", "--yes"], "--report"),
    "export -o": (["export"], "-o"),
    "plan --log-file": (["plan", "{catalog}"], "--log-file"),
    "apply --log-file": (["apply", "{catalog}", "--yes"], "--log-file"),
    "export --log-file": (["export"], "--log-file"),
}
INPUTS = {
    "the catalog": lambda room: room / "catalog.yaml",
    "the sandbox database": lambda room: room / "sandbox.sqlite3",
}


def command(room: Path, writer: str, output: Path) -> list[str]:
    before, flag = WRITERS[writer]
    catalog = str(room / "catalog.yaml")
    args = [part.replace("{catalog}", catalog) for part in before]
    return [*args, flag, str(output), "--sandbox-db", str(room / "sandbox.sqlite3")]


@pytest.fixture
def room(tmp_path: Path, cli) -> Path:
    """A catalog and a seeded embedded sandbox database."""
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    created = cli(
        None, "plan", str(tmp_path / "catalog.yaml"), "--sandbox-db", str(tmp_path / "sandbox.sqlite3")
    )
    assert created.code == 0, created.err
    return tmp_path


READS = [(w, v) for w in WRITERS for v in INPUTS if not (w.startswith("export") and v == "the catalog")]
"""What each writer reads: export reads no catalog (writing over one is what ``export -o`` is for)."""


@pytest.mark.parametrize(("writer", "victim"), READS)
def test_an_output_never_replaces_an_input(cli, room, writer, victim):
    target = INPUTS[victim](room)
    before = target.read_bytes()
    result = cli(None, *command(room, writer, target))
    assert result.code == 1
    assert "which this command uses: write it elsewhere" in result.err
    assert target.read_bytes() == before


@pytest.mark.parametrize("writer", ["plan --out", "apply --report", "export -o"])
def test_an_output_is_never_a_file_that_is_not_regular(cli, room, writer):
    pipe = room / "pipe.json"
    os.mkfifo(pipe)
    result = cli(None, *command(room, writer, pipe))
    assert (result.code, result.err.count("\n")) == (1, 1)
    assert "is not a regular file" in result.err
    assert stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_saved_plan_is_never_replaced_by_its_report(cli, room):
    plan = room / "plan.json"
    assert cli(None, *command(room, "plan --out", plan)).code == 0
    before = plan.read_bytes()
    result = cli(
        None, "apply", str(plan), "--report", str(plan), "--sandbox-db", str(room / "sandbox.sqlite3")
    )
    assert result.code == 1 and "which this command uses" in result.err
    assert plan.read_bytes() == before


def test_a_written_file_takes_the_umask_or_keeps_the_mode_it_replaces(cli, room):
    old = os.umask(0o022)
    try:
        fresh = room / "fresh.yaml"
        assert cli(None, *command(room, "export -o", fresh)).code == 0
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        kept = room / "kept.json"
        kept.write_text("{}", encoding="utf-8")
        kept.chmod(0o640)
        assert cli(None, *command(room, "plan --out", kept)).code == 0
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_an_explicit_sandbox_database_needs_its_folder(cli, tmp_path):
    missing = tmp_path / "no" / "such" / "sandbox.sqlite3"
    (tmp_path / "catalog.yaml").write_text(CATALOG, encoding="utf-8")
    result = cli(None, "plan", str(tmp_path / "catalog.yaml"), "--sandbox-db", str(missing))
    assert result.code == 1 and "does not exist; create it first" in result.err
    assert not missing.parent.exists()


@pytest.mark.parametrize("writer", ["plan --out", "apply --report", "export -o"])
def test_an_output_never_replaces_the_request_log_nor_a_database_yet_to_be_made(cli, room, writer):
    """What the command is about to make counts too: its own request log, a new sandbox database."""
    log = room / "requests.log"
    result = cli(None, *command(room, writer, log), "--log-file", str(log))
    assert (result.code, "which this command uses" in result.err) == (1, True), result.err
    new = room / "new.sqlite3"
    before, flag = WRITERS[writer]
    args = [part.replace("{catalog}", str(room / "catalog.yaml")) for part in before]
    result = cli(None, *args, flag, str(new), "--sandbox-db", str(new))
    assert (result.code, "which this command uses" in result.err) == (1, True), result.err
    assert not new.exists() and not log.exists()


@pytest.mark.parametrize("part", ["settings.yaml", "options.yaml", "products.yaml", "coupons.yaml"])
def test_a_folder_export_never_replaces_what_the_command_uses_nor_takes_a_folder_as_a_part(
    cli, tmp_path, part
):
    folder = tmp_path / "catalog"
    folder.mkdir()
    for uses in (
        ["--sandbox-db", str(folder / part)],
        ["--sandbox-db", str(tmp_path / "sb"), "--log-file", str(folder / part)],
    ):
        result = cli(None, "export", "-o", f"{folder}/", *uses)
        used = f"the file {folder / part}, which this command uses"
        assert result.err == f"Error: -o {folder}/ ({part}): {used}: write it elsewhere\n"
    (folder / part).mkdir()
    result = cli(None, "export", "-o", f"{folder}/", "--sandbox-db", str(tmp_path / "sb"))
    assert result.err == f"Error: -o {folder}/ ({part}): is a folder; name a file in it\n"
    assert [p.name for p in folder.iterdir()] == [part] and not (tmp_path / "sb").exists()
