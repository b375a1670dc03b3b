"""The templates' shell steps run for real in bash: the installed ``catalogsync`` against a sandbox, and the
GitLab helper against a small fake of the GitLab API, both on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from catalogsync.sandbox import Sandbox
from tests.conftest import MakeSandbox

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog.yaml"
GITHUB = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text(encoding="utf-8"))
GITLAB = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
MARKER = "<!-- catalogsync-plan -->"
TOKEN = "glpat-not-to-be-shown"
MERGE_SHA, HEAD_SHA = "a1" * 20, "b2" * 20
BOT, HUMAN = 1000, 5


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


MakeCheckout = Callable[[str], Checkout]


@pytest.fixture
def account(make_sandbox: MakeSandbox) -> Sandbox:
    return make_sandbox(seed="demo")


@pytest.fixture
def make_checkout(account: Sandbox, tmp_path: Path) -> MakeCheckout:
    """``make_checkout(name)``: a fresh working copy of the catalog, reaching the sandbox by environment."""

    def make(name: str) -> Checkout:
        path = tmp_path / name
        path.mkdir()
        shutil.copy(EXAMPLE, path / "catalog.yaml")
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "TWOCHECKOUT_API_URL": account.url,
            "TWOCHECKOUT_USERNAME": "sandbox",
            "TWOCHECKOUT_PASSWORD": "sandbox",
            "GITHUB_OUTPUT": str(path / "github-output"),
            "GITHUB_STEP_SUMMARY": str(path / "github-summary"),
        }
        return Checkout(path, env)

    return make


@pytest.fixture
def checkout(make_checkout: MakeCheckout) -> Checkout:
    return make_checkout("job")


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


@dataclass
class FakeGitLab:
    """The GitLab REST v4 calls of the helper, for project 42 and merge request !7 (merged as MERGE_SHA)."""

    notes: list[dict[str, Any]] = field(default_factory=list)
    plan_job_status: str = "success"
    artifact: bytes = b""
    merged: bool = True

    def reply(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, str]:
        """Status, JSON body (or bytes) and X-Next-Page for one request."""
        mr = "/api/v4/projects/42/merge_requests/7"
        routes: list[tuple[str, Callable[..., tuple[int, Any, str]]]] = [
            ("GET /api/v4/user", lambda: (200, {"id": BOT}, "")),
            (f"GET {mr}/notes", lambda: self.page(query)),
            (f"POST {mr}/notes", lambda: self.create(body)),
            (rf"PUT {mr}/notes/(\d+)", lambda note: self.update(int(note), body)),
            (r"GET /api/v4/projects/42/repository/commits/(\w+)/merge_requests", self.by_commit),
            (f"GET {mr}", lambda: (200, {"iid": 7, "sha": HEAD_SHA, "head_pipeline": {"id": 99}}, "")),
            ("GET /api/v4/projects/42/pipelines/99/jobs", lambda: self.jobs(query)),
            ("GET /api/v4/projects/42/jobs/500/artifacts/plan.json", lambda: (200, self.artifact, "")),
        ]
        for pattern, route in routes:
            match = re.fullmatch(pattern, f"{method} {path}")
            if match:
                return route(*match.groups())
        return 404, {"message": "404 Not Found"}, ""

    def page(self, query: dict[str, list[str]]) -> tuple[int, Any, str]:
        number, size = int(query["page"][0]), int(query["per_page"][0])
        more = number * size < len(self.notes)
        return 200, self.notes[(number - 1) * size : number * size], str(number + 1) if more else ""

    def create(self, body: Any) -> tuple[int, Any, str]:
        self.notes.append({"id": len(self.notes) + 1, "body": body["body"], "author": {"id": BOT}})
        return 201, self.notes[-1], ""

    def update(self, note_id: int, body: Any) -> tuple[int, Any, str]:
        note = self.notes[note_id - 1]
        if note["author"]["id"] != BOT:
            return 403, {"message": "403 Forbidden"}, ""
        note["body"] = body["body"]
        return 200, note, ""

    def by_commit(self, sha: str) -> tuple[int, Any, str]:
        return 200, [{"iid": 7, "state": "merged"}] if self.merged and sha == MERGE_SHA else [], ""

    def jobs(self, query: dict[str, list[str]]) -> tuple[int, Any, str]:
        jobs = [{"id": 500, "name": "catalogsync:plan", "status": self.plan_job_status}]
        return 200, [j for j in jobs if j["status"] in query.get("scope[]", [j["status"]])], ""

    def mine(self) -> list[dict[str, Any]]:
        return [n for n in self.notes if n["author"]["id"] == BOT]


class GitLabHandler(BaseHTTPRequestHandler):
    fake: FakeGitLab

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def do_GET(self) -> None:
        self.answer("GET")

    def do_POST(self) -> None:
        self.answer("POST")

    def do_PUT(self) -> None:
        self.answer("PUT")

    def answer(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        if self.headers.get("PRIVATE-TOKEN") != TOKEN:
            status, payload, next_page = 401, {"message": "401 Unauthorized"}, ""
        else:
            status, payload, next_page = self.fake.reply(method, url.path, parse_qs(url.query), body)
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Next-Page", next_page)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def gitlab() -> Iterator[tuple[FakeGitLab, str]]:
    """A fake GitLab on an ephemeral loopback port: (state, API v4 URL)."""
    fake = FakeGitLab()
    server = HTTPServer(("127.0.0.1", 0), type("Handler", (GitLabHandler,), {"fake": fake}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_port}/api/v4"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def in_gitlab(make_checkout: MakeCheckout, gitlab: tuple[FakeGitLab, str]) -> MakeCheckout:
    """Working copies whose environment is that of a GitLab job of !7 (helper variable included)."""

    def make(name: str) -> Checkout:
        checkout = make_checkout(name)
        checkout.env |= {
            "CI_API_V4_URL": gitlab[1],
            "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "7",
            "CI_COMMIT_SHA": HEAD_SHA,
            "CATALOGSYNC_GITLAB_TOKEN": TOKEN,
            "CATALOGSYNC_GITLAB_HELPER": GITLAB["variables"]["CATALOGSYNC_GITLAB_HELPER"],
        }
        return checkout

    return make


def test_gitlab_plan_job_keeps_one_sticky_note(
    in_gitlab: MakeCheckout, gitlab: tuple[FakeGitLab, str]
) -> None:
    fake = gitlab[0]
    fake.notes = [{"id": i, "body": f"comment {i}", "author": {"id": HUMAN}} for i in range(1, 121)]
    fake.notes[3]["body"] = MARKER + " quoted by a person"  # not ours: never edited
    checkout = in_gitlab("mr")
    first = checkout.run(gitlab_job("plan"))
    assert first.returncode == 0, first.stdout + first.stderr
    [note] = fake.mine()
    assert note["body"].startswith(MARKER) and "## catalogsync plan" in note["body"]
    checkout.set_max_changes(1)  # the next push to the merge request changes the plan
    second = checkout.run(gitlab_job("plan"))
    assert second.returncode == 3, second.stdout + second.stderr
    assert "raise the threshold" in second.stdout
    assert [n["id"] for n in fake.mine()] == [note["id"]] and note["id"] > 100  # found on page 2
    assert "Refused by a safety threshold" in note["body"]
    assert fake.notes[3]["body"] == MARKER + " quoted by a person"
    assert TOKEN not in first.stdout + first.stderr + second.stdout + second.stderr


def test_gitlab_apply_job_applies_the_merged_requests_plan(
    in_gitlab: MakeCheckout, gitlab: tuple[FakeGitLab, str]
) -> None:
    fake = gitlab[0]
    review = in_gitlab("mr")
    assert review.run(gitlab_job("plan")).returncode == 0
    fake.artifact = (review.path / "plan.json").read_bytes()
    merged = in_gitlab("main")
    merged.env |= {"CI_COMMIT_SHA": MERGE_SHA, "CI_MERGE_REQUEST_IID": ""}
    result = merged.run(gitlab_job("apply"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Applying the plan reviewed in !7" in result.stdout
    (merged.path / "plan.json").unlink()
    again = merged.run(gitlab_job("apply"))  # e.g. a retried job: the plan is stale now
    assert again.returncode == 4 and "Plan again" in again.stdout
    drift = merged.run(gitlab_job("drift"))
    assert drift.returncode == 0 and "No drift" in drift.stdout


@pytest.mark.parametrize(
    ("merged", "status", "message"),
    [(False, "success", "No merged merge request"), (True, "failed", "no successful catalogsync:plan job")],
)
def test_gitlab_apply_job_without_a_reviewed_plan(
    in_gitlab: MakeCheckout, gitlab: tuple[FakeGitLab, str], merged: bool, status: str, message: str
) -> None:
    gitlab[0].merged, gitlab[0].plan_job_status = merged, status
    checkout = in_gitlab("main")
    result = checkout.run(gitlab_job("apply"), CI_COMMIT_SHA=MERGE_SHA)
    assert result.returncode == 1
    assert message in result.stderr and TOKEN not in result.stderr


def test_gitlab_drift_job_fails_on_drift(make_checkout: MakeCheckout) -> None:
    result = make_checkout("scheduled").run(gitlab_job("drift"))
    assert result.returncode == 2 and "Drift:" in result.stdout
