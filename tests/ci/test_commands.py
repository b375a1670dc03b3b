"""Every ``catalogsync`` command line of the CI templates, extracted from them and run in-process against a
real sandbox, with the exit codes the workflow logic relies on; and the pre-commit hook's entry."""

from __future__ import annotations

import itertools
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from catalogsync.cli import main
from catalogsync.sandbox import Sandbox
from tests.conftest import MakeSandbox
from tests.e2e.test_folders import split

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog.yaml"
TEMPLATES = {"github": ROOT / "examples/ci/github-actions.yml", "gitlab": ROOT / "examples/ci/gitlab-ci.yml"}
STAGES = ("plan", "apply", "drift")
JOB_NAMES = {"github": STAGES, "gitlab": tuple(f"catalogsync:{stage}" for stage in STAGES)}
SHELL_OPERATORS = {"||", "&&", ";", "|", "&"}
AUTH = ("sandbox", "sandbox")


@dataclass(frozen=True)
class Command:
    """One shell line that runs catalogsync: its argv and where its stdout is redirected, if anywhere."""

    argv: tuple[str, ...]
    stdout: str | None = None

    @classmethod
    def parse(cls, line: str) -> Command:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        words = list(itertools.takewhile(lambda word: word not in SHELL_OPERATORS, lexer))
        if ">" not in words:
            return cls(tuple(words))
        at = words.index(">")
        return cls(tuple(words[:at] + words[at + 2 :]), words[at + 1])


@dataclass(frozen=True)
class Jobs:
    """The catalogsync commands of a template's plan, apply and drift jobs, in order."""

    plan: list[Command]
    apply: list[Command]
    drift: list[Command]


def scripts(template: str) -> dict[str, list[str]]:
    """Shell blocks per job: GitHub ``run:`` steps, GitLab ``script:`` entries."""
    data = yaml.safe_load(TEMPLATES[template].read_text(encoding="utf-8"))
    if template == "github":
        return {name: [s["run"] for s in job["steps"] if "run" in s] for name, job in data["jobs"].items()}
    return {name: job["script"] for name, job in data.items() if isinstance(job, dict) and "script" in job}


def jobs(template: str) -> Jobs:
    found = {
        name: [
            Command.parse(line.strip())
            for block in blocks
            for line in block.splitlines()
            if line.strip().startswith("catalogsync ")
        ]
        for name, blocks in scripts(template).items()
    }
    return Jobs(*(found[name] for name in JOB_NAMES[template]))


class Runner:
    """Runs a Command in-process, as the job would, writing a redirected stdout to its file."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.err = ""

    def __call__(self, command: Command) -> int:
        self.capsys.readouterr()
        code = main(list(command.argv[1:]))
        captured = self.capsys.readouterr()
        self.err = captured.err
        if command.stdout:
            Path(command.stdout).write_text(captured.out, encoding="utf-8")
        return code

    def all(self, commands: list[Command]) -> list[int]:
        return [self(command) for command in commands]


@pytest.fixture
def account(make_sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Sandbox:
    """The demo account, reached as the CI jobs reach it (environment only), from a dir with catalog.yaml."""
    sandbox = make_sandbox(seed="demo")
    monkeypatch.setenv("TWOCHECKOUT_API_URL", sandbox.url)
    monkeypatch.setenv("TWOCHECKOUT_USERNAME", AUTH[0])
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", AUTH[1])
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLE, tmp_path / "catalog.yaml")
    return sandbox


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Runner:
    return Runner(capsys)


def set_safety(max_changes: int) -> None:
    catalog = yaml.safe_load(Path("catalog.yaml").read_text(encoding="utf-8"))
    catalog["settings"]["safety"]["max_changes"] = max_changes
    Path("catalog.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")


def edit_in_account(url: str, code: str) -> None:
    """Change a product's price behind catalogsync's back, through the API itself."""
    headers = {"Accept": "application/json"}
    listed = requests.get(
        f"{url}/products/list_products",
        params={"vendor_product_id": code},
        auth=AUTH,
        headers=headers,
        timeout=10,
    )
    product = listed.json()["products"][0]
    requests.post(
        f"{url}/products/update_product",
        data={"product_id": product["product_id"], "name": product["name"], "price": "987.65"},
        auth=AUTH,
        headers=headers,
        timeout=10,
    ).raise_for_status()


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_run_the_documented_commands(template: str) -> None:
    found = jobs(template)
    validate, plan = found.plan
    assert validate.argv == ("catalogsync", "validate", "catalog.yaml")
    assert plan.argv == ("catalogsync", "plan", "catalog.yaml", "--out", "plan.json", "--format", "markdown")
    assert plan.stdout == "plan.md"
    assert [c.argv for c in found.apply] == [("catalogsync", "apply", "plan.json")]
    [drift] = found.drift
    assert drift.argv[:3] == ("catalogsync", "plan", "catalog.yaml")
    assert "--detailed-exitcode" in drift.argv
    assert "--out" not in drift.argv


@pytest.mark.parametrize("template", TEMPLATES)
def test_pull_request_merge_and_drift(template: str, account: Sandbox, run: Runner) -> None:
    found = jobs(template)
    assert run.all(found.plan) == [0, 0]  # changes, but plan without --detailed-exitcode: 0
    assert Path("plan.md").read_text(encoding="utf-8").startswith("## catalogsync plan")
    assert run.all(found.drift) == [2]  # not applied yet: the account differs
    assert run.all(found.apply) == [0]  # the reviewed plan, still fresh
    assert run.all(found.apply) == [4]  # the same plan again: stale
    assert "Plan again" in run.err
    assert run.all(found.drift) == [0]
    product = str(next(iter(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["products"])))
    edit_in_account(account.url, product)
    assert run.all(found.drift) == [2]


@pytest.mark.parametrize("template", TEMPLATES)
def test_merge_after_the_catalog_changed_is_refused(template: str, account: Sandbox, run: Runner) -> None:
    found = jobs(template)
    run.all(found.plan)
    Path("catalog.yaml").write_text(EXAMPLE.read_text(encoding="utf-8") + "\n# merged meanwhile\n", "utf-8")
    assert run.all(found.apply) == [4]
    assert "catalog.yaml is not the catalog the plan was made from" in run.err
    assert run.all(found.drift) == [2]  # nothing was applied


@pytest.mark.parametrize("template", TEMPLATES)
def test_safety_refusal_still_leaves_the_plan_to_post(template: str, account: Sandbox, run: Runner) -> None:
    found = jobs(template)
    set_safety(max_changes=1)
    assert run.all(found.plan) == [0, 3]
    assert Path("plan.md").read_text(encoding="utf-8").startswith("## catalogsync plan")
    assert Path("plan.json").is_file()
    assert run.all(found.drift) == [3]  # the drift jobs count 3 as drift too


def test_wrong_credentials_fail_the_plan_without_showing_them(
    account: Sandbox, run: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "s3cret-Pa55word"
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", secret)
    assert run(jobs("github").plan[1]) == 1  # the job fails before posting anything
    assert secret not in run.err + Path("plan.md").read_text(encoding="utf-8")


def in_folder(commands: list[Command]) -> list[Command]:
    """The commands adapted to a catalog folder as docs/ci.md says: ``catalog/`` for ``catalog.yaml``."""
    return [
        Command(tuple("catalog/" if a == "catalog.yaml" else a for a in c.argv), c.stdout) for c in commands
    ]


@pytest.mark.parametrize("template", TEMPLATES)
def test_templates_work_with_a_catalog_folder(template: str, account: Sandbox, run: Runner) -> None:
    Path("catalog.yaml").unlink()
    Path("catalog").mkdir()
    split(EXAMPLE.read_text(encoding="utf-8"), Path("catalog"))
    found = jobs(template)
    plan, apply, drift = in_folder(found.plan), in_folder(found.apply), in_folder(found.drift)
    assert run.all(plan) == [0, 0]
    assert run.all(drift) == [2]
    assert run.all(apply) == [0]
    assert run.all(drift) == [0]
    run.all(plan)
    Path("catalog/more.yaml").write_text("# merged meanwhile\n", encoding="utf-8")  # a part added
    assert run.all(apply) == [4]
    assert "catalog is not the catalog the plan was made from" in run.err


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict[str, Any]]:
    specs = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {spec["id"]: dict(spec) for spec in specs}


@pytest.fixture(scope="module")
def hook(hooks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return hooks["catalogsync-validate"]


def test_hook_selects_catalog_files(hook: dict[str, Any]) -> None:
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("catalog.yaml", "catalog.yml", "shop/catalog.yaml"))
    assert not any(pattern.search(p) for p in ("my-catalog.yaml", "catalog.yaml.bak", "catalog.json"))


INVALID = "products:\n  X: {name: A, price: abc}\n"


@pytest.mark.parametrize(("text", "code"), [(EXAMPLE.read_text(encoding="utf-8"), 0), (INVALID, 1)])
def test_hook_entry_accepts_and_rejects(hook: dict[str, Any], tmp_path: Path, text: str, code: int) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    program, *args = shlex.split(hook["entry"])
    result = subprocess.run(
        [str(Path(sys.executable).parent / program), *args, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == code, result.stdout + result.stderr
    if code:
        assert f"{path}:2:" in result.stderr


def test_folder_hook_runs_on_any_part_and_checks_the_whole_folder(hooks: dict[str, dict[str, Any]]) -> None:
    folder_hook = hooks["catalogsync-validate-folder"]
    pattern = re.compile(folder_hook["files"])
    assert all(pattern.search(p) for p in ("catalog/products.yaml", "catalog/shop/coupons.yml"))
    assert not any(pattern.search(p) for p in ("catalog.yaml", "other/products.yaml", "catalog/notes.md"))
    assert folder_hook["pass_filenames"] is False  # the folder is one catalog: never checked file by file
    assert folder_hook["args"] == ["catalog/"]
    assert folder_hook["entry"] == hooks["catalogsync-validate"]["entry"]


@pytest.mark.parametrize("broken", [False, True])
def test_folder_hook_entry_accepts_and_rejects(
    hooks: dict[str, dict[str, Any]], tmp_path: Path, broken: bool
) -> None:
    folder_hook = hooks["catalogsync-validate-folder"]
    split(EXAMPLE.read_text(encoding="utf-8"), tmp_path / "catalog")
    if broken:
        (tmp_path / "catalog" / "more.yaml").write_text(INVALID, encoding="utf-8")
    program, *args = shlex.split(folder_hook["entry"])
    result = subprocess.run(
        [str(Path(sys.executable).parent / program), *args, *folder_hook["args"]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == int(broken), result.stdout + result.stderr
    if broken:
        assert "catalog/more.yaml:2:" in result.stderr
    else:
        assert result.stdout.startswith("catalog/: valid (5 files;")
