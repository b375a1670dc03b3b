"""The CI templates parse and have the triggers, jobs, permissions and secret handling of docs/ci.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GITHUB = ROOT / "examples/ci/github-actions.yml"
GITLAB = ROOT / "examples/ci/gitlab-ci.yml"
DOCS = ROOT / "docs/ci.md"
MARKER = "<!-- catalogsync-plan -->"
CREDENTIALS = ("TWOCHECKOUT_USERNAME", "TWOCHECKOUT_PASSWORD")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def github() -> Any:
    return load(GITHUB)


@pytest.fixture(scope="module")
def gitlab() -> Any:
    return load(GITLAB)


def steps(workflow: Any) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def step(workflow: Any, job: str, name: str) -> dict[str, Any]:
    return next(s for s in workflow["jobs"][job]["steps"] if s.get("name") == name)


def test_github_triggers(github: Any) -> None:
    on = github[True]  # YAML 1.1 reads the key `on` as a boolean
    assert "catalog.yaml" in on["pull_request"]["paths"]
    assert on["push"] == {"branches": ["main"], "paths": ["catalog.yaml"]}
    [schedule] = on["schedule"]
    assert len(schedule["cron"].split()) == 5
    assert "workflow_dispatch" in on


def test_github_jobs_run_on_their_events(github: Any) -> None:
    jobs = github["jobs"]
    assert "pull_request" in jobs["plan"]["if"]
    assert "'push'" in jobs["apply"]["if"]
    assert "refs/heads/main" in jobs["apply"]["if"]
    assert jobs["drift"]["if"] == "github.event_name == 'schedule'"


def test_github_permissions_are_least_privilege(github: Any) -> None:
    assert github["permissions"] == {}
    assert {name: job["permissions"] for name, job in github["jobs"].items()} == {
        "plan": {"contents": "read", "pull-requests": "write"},
        "apply": {"contents": "read", "actions": "read", "pull-requests": "read"},
        "drift": {"contents": "read", "issues": "write"},
    }


def test_github_apply_is_protected_and_serialised(github: Any) -> None:
    plan, apply = github["jobs"]["plan"], github["jobs"]["apply"]
    assert apply["environment"] == "production"
    assert apply["concurrency"] == {"group": "catalogsync-apply", "cancel-in-progress": False}
    assert "pull_request.number" in plan["concurrency"]["group"]
    assert plan["concurrency"]["cancel-in-progress"] is True


def test_github_credentials_reach_only_the_catalogsync_steps(github: Any) -> None:
    assert "env" not in github["jobs"]["plan"] and "env" not in github["jobs"]["apply"]
    assert not any(name.startswith("TWOCHECKOUT") for name in github["env"])
    for s in steps(github):
        env, run = s.get("env", {}), s.get("run", "")
        talks_to_account = bool(re.search(r"^\s*catalogsync (plan|apply)", run, re.M))
        assert all((name in env) == talks_to_account for name in CREDENTIALS), s.get("name")
        assert all(env[name] == f"${{{{ secrets.{name} }}}}" for name in CREDENTIALS if name in env)
        assert ("GH_TOKEN" in env) == bool(re.search(r"\bgh ", run)), s.get("name")


def test_github_scripts_take_no_expressions(github: Any) -> None:
    """Values reach scripts through env, never through ${{ }} inside a script (no script injection)."""
    assert all("${{" not in s["run"] for s in steps(github) if "run" in s)


def test_github_sticky_comment_and_artifact(github: Any) -> None:
    comment = step(github, "plan", "Post the plan as one sticky comment")["run"]
    assert MARKER in comment and "github-actions[bot]" in comment
    assert "--method PATCH" in comment and "--method POST" in comment
    upload = step(github, "plan", "Upload the plan")
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"].split() == ["plan.json", "plan.md"]
    fetch = step(github, "apply", "Fetch the plan reviewed in the merged pull request")["run"]
    assert "gh run list" in fetch and "gh run download" in fetch and upload["with"]["name"] in fetch


def test_github_uses_only_first_party_actions(github: Any) -> None:
    used = {s["uses"] for s in steps(github) if "uses" in s}
    assert used and all(re.fullmatch(r"actions/[a-z-]+@v\d+", u) for u in used)


def test_gitlab_jobs_rules_and_protection(gitlab: Any) -> None:
    plan, apply, drift = (gitlab[f"catalogsync:{stage}"] for stage in ("plan", "apply", "drift"))
    assert plan["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert "catalog.yaml" in plan["rules"][0]["changes"]
    assert plan["interruptible"] is True and "$CI_COMMIT_REF_SLUG" in plan["resource_group"]
    assert '$CI_PIPELINE_SOURCE == "push"' in apply["rules"][0]["if"]
    assert apply["environment"] == {"name": "production"}
    assert apply["resource_group"] == "catalogsync-apply"
    assert drift["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "schedule"'}]
    assert plan["artifacts"]["paths"] == ["plan.json", "plan.md"]
    assert plan["artifacts"]["when"] == "always"


def test_gitlab_helper_survives_variable_expansion(gitlab: Any) -> None:
    """GitLab expands $NAME inside variables: the helper must not contain one, and must compile."""
    helper = gitlab["variables"]["CATALOGSYNC_GITLAB_HELPER"]
    assert "$" not in helper and MARKER in helper
    compile(helper, "CATALOGSYNC_GITLAB_HELPER", "exec")


def test_gitlab_defines_no_credentials(gitlab: Any) -> None:
    assert not set(CREDENTIALS) & set(gitlab["variables"])


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_scripts_never_expand_credentials(path: Path) -> None:
    """Credentials travel only in the environment of catalogsync; no script line touches them."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\$\{?TWOCHECKOUT_(USERNAME|PASSWORD)", text)
    assert "set -x" not in text


def test_docs_cover_the_walk_through() -> None:
    text = DOCS.read_text(encoding="utf-8")
    needed = [
        *CREDENTIALS,
        "TWOCHECKOUT_API_URL",
        "CATALOGSYNC_GITLAB_TOKEN",
        "API Access",
        "API Updating",
        MARKER,
        "environment",
        "--detailed-exitcode",
        "catalogsync schema > catalog.schema.json",
        "yaml-language-server: $schema=",
        "catalogsync-validate",
        "examples/ci/github-actions.yml",
        "examples/ci/gitlab-ci.yml",
    ]
    assert [word for word in needed if word not in text] == []
    for code in range(5):
        assert re.search(rf"^\| {code} \|", text, re.M), f"exit code {code} missing from the table"
