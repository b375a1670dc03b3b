"""A file a command writes may be a symbolic link (a catalog kept in another checkout, a plan in a CI
artifacts folder): the link stays a link and the file it points to is what gets written. Replacing the link
left that file as it was, and a plan saved through a link into another folder recorded its catalog relative to
the folder the link pointed to, so ``apply`` of it could not find the catalog.

One row per path argument that names a file the command writes; the table fails when a new path argument of
the parser is neither a row nor listed as read or kept in place.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_mistakes import PATHS

CATALOG = "products:\n  P: {name: P, price: 1.00}\n"

WRITTEN = {
    ("plan", "out"): ["plan", "{catalog}", "--out", "{link}"],
    ("plan", "log_file"): ["plan", "{catalog}", "--log-file", "{link}"],
    ("apply", "report"): ["apply", "{catalog}", "--yes", "--report", "{link}"],
    ("apply", "log_file"): ["apply", "{catalog}", "--yes", "--log-file", "{link}"],
    ("export", "output"): ["export", "-o", "{link}"],
    ("export", "log_file"): ["export", "-o", "{elsewhere}/exported.yaml", "--log-file", "{link}"],
}
"""What each command writes to a path argument that is a link (``{link}``)."""
NOT_WRITTEN_WHOLE = {
    ("validate", "catalogs"), ("plan", "catalog"), ("apply", "target"), ("apply", "catalog"),
    *((command, "sandbox_db") for command in ("plan", "apply", "export")), ("sandbox", "db"),
}  # fmt: skip
"""Path arguments that are read, or a database SQLite changes in place."""


def test_every_path_argument_is_a_row_or_not_written():
    arguments = {(command, action.dest) for command, action in PATHS}
    assert arguments == set(WRITTEN) | NOT_WRITTEN_WHOLE, "a path argument without a row"


def linked(tmp_path: Path, name: str) -> tuple[Path, Path]:
    """``work/NAME``, a link to ``elsewhere/NAME`` (which holds ``old``): the link and its file."""
    (tmp_path / "work").mkdir(exist_ok=True)
    (tmp_path / "elsewhere").mkdir(exist_ok=True)
    target = tmp_path / "elsewhere" / name
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "work" / name
    link.symlink_to(Path("..") / "elsewhere" / name)
    return link, target


@pytest.mark.parametrize("row", sorted(WRITTEN), ids="-".join)
def test_an_output_through_a_link_writes_the_file_it_points_to(row, sandbox, cli, write, tmp_path):
    link, target = linked(tmp_path, "output.json" if row != ("export", "output") else "catalog.yaml")
    fill = {"catalog": write(CATALOG), "link": str(link), "elsewhere": str(target.parent)}
    result = cli(sandbox, *(part.format(**fill) for part in WRITTEN[row]))
    assert result.code == 0, result.err
    assert link.is_symlink(), "the link was replaced by a file"
    assert target.read_text(encoding="utf-8") not in ("old\n", ""), (
        "the file the link points to was not written"
    )


def test_a_folder_export_writes_a_linked_part_through_its_link(sandbox, cli, tmp_path):
    link, target = linked(tmp_path, "products.yaml")
    assert cli(sandbox, "export", "-o", str(link.parent)).code == 0
    assert link.is_symlink()
    assert "products:" in target.read_text(encoding="utf-8")


def test_a_plan_saved_through_a_link_into_another_folder_applies_through_it(sandbox, cli, write, tmp_path):
    """The catalog is recorded relative to the folder of the file written, and found from it again."""
    deeper = tmp_path / "artifacts" / "run-1"
    deeper.mkdir(parents=True)
    link = tmp_path / "plan.json"
    link.symlink_to(deeper / "plan.json")
    catalog = write(CATALOG)
    assert cli(sandbox, "plan", catalog, "--out", str(link)).code == 0
    assert link.is_symlink() and (deeper / "plan.json").is_file()
    applied = cli(sandbox, "apply", str(link))
    assert applied.code == 0, applied.err
    assert "Apply complete: 1 applied" in applied.out
