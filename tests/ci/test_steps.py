"""The templates' shell steps and job scripts, run for real in bash with the installed ``catalogsync``
against a sandbox on 127.0.0.1: the exit codes, outputs and messages their logic relies on."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import MakeSandbox

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog.yaml"
GITHUB = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text(encoding="utf-8"))
GITLAB = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text(encoding="utf-8"))


@dataclass
class Checkout:
    """A job's working copy (catalog.yaml) and environment; ``run`` executes a script as the CI shell does."""

    path: Path
    env: dict[str, str]

    def run(self, script: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.path,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def outputs(self) -> dict[str, str]:
        lines = Path(self.env["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
        return dict(line.split("=", 1) for line in lines)

    def set_max_changes(self, value: int) -> None:
        catalog = yaml.safe_load((self.path / "catalog.yaml").read_text(encoding="utf-8"))
        catalog["settings"]["safety"]["max_changes"] = value
        (self.path / "catalog.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")


@pytest.fixture
def checkout(make_sandbox: MakeSandbox, tmp_path: Path) -> Checkout:
    """A working copy of the example catalog whose environment reaches the demo sandbox, like a CI job's."""
    sandbox = make_sandbox(seed="demo")
    shutil.copy(EXAMPLE, tmp_path / "catalog.yaml")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "TWOCHECKOUT_API_URL": sandbox.url,
        "TWOCHECKOUT_USERNAME": "sandbox",
        "TWOCHECKOUT_PASSWORD": "sandbox",
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "github-summary"),
    }
    return Checkout(tmp_path, env)


def github_step(job: str, name: str) -> str:
    return str(next(s["run"] for s in GITHUB["jobs"][job]["steps"] if s.get("name") == name))


def gitlab_job(name: str) -> str:
    return "\n".join(GITLAB[f"catalogsync:{name}"]["script"])


def test_github_plan_step_records_the_plan(checkout: Checkout) -> None:
    result = checkout.run(github_step("plan", "Plan"))
    assert result.returncode == 0, result.stderr
    assert checkout.outputs() == {"code": "0"}
    assert "## catalogsync plan" in Path(checkout.env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")


def test_github_safety_refusal_passes_the_plan_step_then_fails_the_job(checkout: Checkout) -> None:
    checkout.set_max_changes(1)
    assert checkout.run(github_step("plan", "Plan")).returncode == 0  # so the comment and upload steps run
    assert checkout.outputs() == {"code": "3"}
    assert (checkout.path / "plan.md").read_text(encoding="utf-8").startswith("## catalogsync plan")
    failed = checkout.run(github_step("plan", "Fail on a safety refusal"))
    assert failed.returncode == 3 and "::error::" in failed.stdout


def test_github_plan_step_fails_on_an_error(checkout: Checkout) -> None:
    result = checkout.run(github_step("plan", "Plan"), TWOCHECKOUT_PASSWORD="wrong-password")
    assert result.returncode == 1
    assert checkout.outputs() == {"code": "1"}
    assert "wrong-password" not in result.stdout + result.stderr


def test_github_apply_step_applies_once_then_says_to_plan_again(checkout: Checkout) -> None:
    checkout.run(github_step("plan", "Plan"))
    apply = github_step("apply", "Apply the saved plan")
    first = checkout.run(apply)
    assert first.returncode == 0, first.stdout + first.stderr
    again = checkout.run(apply)
    assert again.returncode == 4
    assert "::error::The saved plan is stale" in again.stdout


def test_github_drift_steps(checkout: Checkout) -> None:
    check, fail = github_step("drift", "Check for drift"), github_step("drift", "Fail on drift")
    assert checkout.run(check).returncode == 0
    assert checkout.outputs() == {"drift": "true"}
    assert checkout.run(fail).returncode == 2
    Path(checkout.env["GITHUB_OUTPUT"]).unlink()
    checkout.run(github_step("plan", "Plan"))
    assert checkout.run(github_step("apply", "Apply the saved plan")).returncode == 0
    Path(checkout.env["GITHUB_OUTPUT"]).unlink()
    converged = checkout.run(check)
    assert converged.returncode == 0 and "No drift" in converged.stdout
    assert not Path(checkout.env["GITHUB_OUTPUT"]).exists()


def test_gitlab_plan_job_passes_then_fails_on_a_safety_refusal(checkout: Checkout) -> None:
    """Outside a merge request (a pipeline run by hand) there is no note to post."""
    assert checkout.run(gitlab_job("plan"), CI_MERGE_REQUEST_IID="").returncode == 0
    checkout.set_max_changes(1)
    refused = checkout.run(gitlab_job("plan"), CI_MERGE_REQUEST_IID="")
    assert refused.returncode == 3 and "raise the threshold" in refused.stdout
    assert (checkout.path / "plan.md").read_text(encoding="utf-8").startswith("## catalogsync plan")


def test_gitlab_apply_job_applies_its_plan_once(checkout: Checkout) -> None:
    """A pipeline run by hand: the plan job's plan.json is here, so nothing is fetched."""
    checkout.run(gitlab_job("plan"), CI_MERGE_REQUEST_IID="")
    first = checkout.run(gitlab_job("apply"))
    assert first.returncode == 0, first.stdout + first.stderr
    again = checkout.run(gitlab_job("apply"))
    assert again.returncode == 4 and "Plan again" in again.stdout


def test_gitlab_drift_job(checkout: Checkout) -> None:
    drift = checkout.run(gitlab_job("drift"))
    assert drift.returncode == 2 and "Drift:" in drift.stdout
    checkout.run(gitlab_job("plan"), CI_MERGE_REQUEST_IID="")
    checkout.run(gitlab_job("apply"))
    converged = checkout.run(gitlab_job("drift"))
    assert converged.returncode == 0 and "No drift" in converged.stdout
