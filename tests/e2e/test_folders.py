"""A catalog in many files, through the CLI against real sandboxes in both dialects: a folder plans exactly as
the single file does, its saved plan goes stale on any change to any part, export writes it and plans it back
to no changes, and every mistake is one clear error naming its places."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog.yaml"
DIALECTS = ("lenient", "strict")


@pytest.fixture(params=DIALECTS)
def account(request, make_sandbox):
    return make_sandbox(seed="demo", dialect=request.param)


def sections(text: str) -> dict[str, str]:
    """The top-level sections of a catalog text, each with its lines (comments before the first dropped)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines(keepends=True):
        if re.match(r"^[a-z]+:", line):
            current = line.split(":")[0]
            found[current] = []
        if current is not None:
            found[current].append(line)
    return {name: "".join(lines) for name, lines in found.items()}


def split(text: str, folder: Path) -> Path:
    """The example catalog as a folder: a file per section, the products in two files of a subfolder (one a
    ``.yml``), plus what is not a part (a hidden folder, a text file)."""
    parts = sections(text)
    products = parts.pop("products").splitlines(keepends=True)
    starts = [i for i, line in enumerate(products) if re.match(r"^  \S", line)]
    middle = starts[len(starts) // 2]
    files = {f"{name}.yaml": body for name, body in parts.items()}
    files["products/first.yaml"] = "".join(products[:middle])
    files["products/second.yml"] = "products:\n" + "".join(products[middle:])
    files[".git/junk.yaml"] = "products: [not, a, catalog\n"
    files["README.txt"] = "not a part\n"
    for name, body in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def folder(tmp_path):
    return split(EXAMPLE.read_text(encoding="utf-8"), tmp_path / "catalog")


def saved_without_source(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if key not in ("catalog_path", "catalog_sha256")}


def test_a_folder_plans_the_same_as_the_single_file(account, cli, folder, tmp_path):
    single = cli(account, "plan", str(EXAMPLE), "--out", str(tmp_path / "file.json"))
    split_up = cli(account, "plan", str(folder), "--out", str(tmp_path / "folder.json"))
    assert (single.code, split_up.code) == (0, 0)
    assert single.out == split_up.out
    assert "Plan: 7 to create, 1 to update, 0 to delete." in split_up.out
    assert saved_without_source(tmp_path / "file.json") == saved_without_source(tmp_path / "folder.json")
    as_json = [cli(account, "plan", path, "--format", "json").out for path in (str(EXAMPLE), str(folder))]
    assert as_json[0] == as_json[1]


def test_a_saved_plan_of_a_folder_applies_then_the_folder_plans_empty(account, cli, folder, tmp_path):
    plan = tmp_path / "plans" / "plan.json"
    plan.parent.mkdir()
    assert cli(account, "plan", str(folder), "--out", str(plan)).code == 0
    assert json.loads(plan.read_text(encoding="utf-8"))["catalog_path"] == "../catalog"
    applied = cli(account, "apply", str(plan))
    assert applied.code == 0, applied.err
    assert cli(account, "plan", str(folder), "--detailed-exitcode").code == 0


CHANGES = {
    "edited": lambda root: (root / "coupons.yaml").write_text(
        (root / "coupons.yaml").read_text(encoding="utf-8") + "# reviewed\n", encoding="utf-8"
    ),
    "added": lambda root: (root / "more.yml").write_text("# nothing yet\n", encoding="utf-8"),
    "removed": lambda root: (root / "products" / "second.yml").unlink(),
    "renamed": lambda root: (root / "coupons.yaml").rename(root / "products" / "coupons.yaml"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_any_part_makes_the_saved_plan_stale(sandbox, cli, folder, tmp_path, change):
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", str(folder), "--out", str(plan)).code == 0
    CHANGES[change](folder)
    sandbox.reset_stats()
    refused = cli(sandbox, "apply", str(plan))
    assert refused.code == 4
    assert (
        "is not the catalog the plan was made from (a file in it was added, removed, renamed" in refused.err
    )
    assert sandbox.stats()["requests"] == 0


def test_validate_a_folder_is_one_line(cli, folder):
    result = cli(None, "validate", str(folder))
    assert (result.code, result.err) == (0, "")
    assert result.out == f"{folder}: valid (5 files; 2 options, 5 products, 4 coupons)\n"


def write_parts(root: Path, files: dict[str, str]) -> str:
    for name, body in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body, encoding="utf-8")
    return str(root)


PRODUCT = "products:\n  MUG: {name: Mug, price: 9.00}\n"
MISTAKES = {
    "duplicate key": (
        {"a.yaml": PRODUCT, "b/c.yaml": "# again\n" + PRODUCT},
        "{root}/b/c.yaml:3:3: products.MUG: declared in two files (also at {root}/a.yaml:2:3)",
    ),
    "settings twice": (
        {"a.yaml": "settings: {prune: {products: true}}\n", "b.yaml": "\nsettings: {}\n"},
        "{root}/b.yaml:2:1: settings: settings may be written in one file only (also in {root}/a.yaml:1:1)",
    ),
    "adopt twice": (
        {"a.yaml": "adopt: {products: {MUG: '1'}}\n" + PRODUCT, "z.yaml": "adopt: {products: {}}\n"},
        "{root}/z.yaml:1:1: adopt: adopt may be written in one file only (also in {root}/a.yaml:1:1)",
    ),
    "undeclared link": (
        {
            "options.yaml": "options: {}\n",
            "products.yaml": "products:\n  MUG: {name: M, price: 1, options: [X]}\n",
        },
        "{root}/products.yaml:2:38: products.MUG.options[0]: option 'X' is not declared under options",
    ),
    "empty folder": ({"README.md": "no catalog here\n"}, "{root}: the folder holds no catalog file"),
    "unreadable part": (
        {"a.yaml": PRODUCT},
        "Error: {root}/broken.yaml: no such file or folder\n",
    ),
    "saved plan inside": (
        {"a.yaml": PRODUCT, "plan.yaml": '{\n  "format_version": 2\n}\n'},
        "{root}/plan.yaml: a saved plan inside the catalog folder {root}, of which every *.yaml / *.yml file",
    ),
}


@pytest.mark.parametrize("mistake", MISTAKES)
@pytest.mark.parametrize("command", ["validate", "plan", "apply"])
def test_each_mistake_is_one_clear_error_naming_its_places(sandbox, cli, tmp_path, mistake, command):
    files, expected = MISTAKES[mistake]
    root = write_parts(tmp_path / "catalog", files)
    if mistake == "unreadable part":
        (tmp_path / "catalog" / "broken.yaml").symlink_to(tmp_path / "missing.yaml")
    target = None if command == "validate" else sandbox
    result = cli(target, command, root, *(["--yes"] if command == "apply" else []))
    assert result.code == 1
    assert expected.format(root=root) in result.err
    assert result.out == ""
    assert sandbox.stats()["requests"] == 0  # refused before the account is read


def test_export_to_a_folder_plans_as_the_exported_file_then_empty(account, cli, tmp_path):
    target = tmp_path / "exported"
    result = cli(account, "export", "-o", f"{target}/")
    assert result.code == 0, result.err
    names = sorted(path.name for path in target.iterdir())
    assert names == ["coupons.yaml", "options.yaml", "products.yaml", "settings.yaml"]
    for path in target.iterdir():
        assert path.read_text(encoding="utf-8").startswith("# catalogsync export of vendor 1311348 at ")
    assert "account: '1311348'" in (target / "settings.yaml").read_text(encoding="utf-8")
    single = tmp_path / "exported.yaml"
    assert cli(account, "export", "-o", str(single)).code == 0
    planned = cli(account, "plan", str(target))
    assert planned.code == 0, planned.err
    assert planned.out == cli(account, "plan", str(single)).out  # at most the adoptions export proposes
    assert planned.out.startswith(
        "~ adopt product 4635212971 as API-PRODUCT\n"
    )  # the one keyless demo product
    assert "Plan: 0 to create, 0 to update, 0 to delete, 1 to adopt." in planned.out
    assert cli(account, "apply", str(target), "--yes").code == 0
    assert cli(account, "plan", str(target), "--detailed-exitcode").code == 0
    again = cli(account, "export", "-o", str(target))  # an existing folder of its own files: replaced
    assert again.code == 0
    assert cli(account, "plan", str(target), "--detailed-exitcode").code == 0


def test_export_refuses_a_folder_holding_other_catalog_files(sandbox, cli, tmp_path):
    target = tmp_path / "shop"
    write_parts(target, {"products.yaml": "# mine\n", "extra/more.yml": "# mine too\n", ".hidden.yaml": "x"})
    result = cli(sandbox, "export", "-o", str(target))
    assert result.code == 1
    assert f"-o {target}: the folder holds other catalog files (extra/more.yml)" in result.err
    assert (target / "products.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert sandbox.stats()["requests"] == 0  # refused before any request


def test_export_to_a_new_folder_needs_its_parent(sandbox, cli, tmp_path):
    result = cli(sandbox, "export", "-o", f"{tmp_path}/no/such/")
    assert result.code == 1
    assert "does not exist; create it first" in result.err
    assert sandbox.stats()["requests"] == 0


@pytest.mark.parametrize("out", ["plan.yaml", "products/plan.yml"])
def test_plan_out_refuses_to_save_a_part_of_its_own_catalog(sandbox, cli, folder, out):
    """A plan saved as YAML inside the folder would be read as a part of the catalog next time."""
    result = cli(sandbox, "plan", str(folder), "--out", str(folder / out))
    assert result.code == 1
    assert "inside the catalog folder" in result.err
    assert not (folder / out).exists()
    assert sandbox.stats()["requests"] == 0


@pytest.mark.parametrize("out", ["plan.json", ".git/plan.yaml"])
def test_plan_out_may_save_in_the_folder_what_is_not_a_part(sandbox, cli, folder, out):
    result = cli(sandbox, "plan", str(folder), "--out", str(folder / out))
    assert result.code == 0, result.err
    assert (
        cli(None, "validate", str(folder)).out
        == f"{folder}: valid (5 files; 2 options, 5 products, 4 coupons)\n"
    )
