"""The templates' calls to the code host, run as the jobs run them: the GitLab helper against a fake GitLab
API on 127.0.0.1, and the GitHub sticky-comment step against a fake ``gh`` that keeps comments in a file."""

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

ROOT = Path(__file__).resolve().parents[2]
GITHUB = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text(encoding="utf-8"))
GITLAB = yaml.safe_load((ROOT / "examples/ci/gitlab-ci.yml").read_text(encoding="utf-8"))
MARKER = "<!-- catalogsync-plan -->"
TOKEN = "glpat-not-to-be-shown"
MERGE_SHA = "a1" * 20
BOT, HUMAN = 1000, 5
Reply = tuple[int, Any, str]  # status, JSON value or bytes, X-Next-Page


def bash(script: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def gitlab_line(job: str, needle: str) -> str:
    """The one script line of a GitLab job that calls the helper in that mode."""
    [line] = [line for line in GITLAB[f"catalogsync:{job}"]["script"] if needle in line]
    return str(line)


@dataclass
class FakeGitLab:
    """The GitLab REST v4 calls of the helper, for project 42 and merge request !7 (merged as MERGE_SHA)."""

    notes: list[dict[str, Any]] = field(default_factory=list)
    plan_job_status: str = "success"
    artifact: bytes = b'{"format_version": 1}'
    merged: bool = True

    def reply(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> Reply:
        mr = "/api/v4/projects/42/merge_requests/7"
        routes: list[tuple[str, Callable[..., Reply]]] = [
            ("GET /api/v4/user", lambda: (200, {"id": BOT}, "")),
            (f"GET {mr}/notes", lambda: self.page(query)),
            (f"POST {mr}/notes", lambda: self.create(body)),
            (rf"PUT {mr}/notes/(\d+)", lambda note: self.update(int(note), body)),
            (r"GET /api/v4/projects/42/repository/commits/(\w+)/merge_requests", self.by_commit),
            (f"GET {mr}", lambda: (200, {"iid": 7, "head_pipeline": {"id": 99}}, "")),
            ("GET /api/v4/projects/42/pipelines/99/jobs", lambda: self.jobs(query)),
            ("GET /api/v4/projects/42/jobs/500/artifacts/plan.json", lambda: (200, self.artifact, "")),
        ]
        for pattern, route in routes:
            match = re.fullmatch(pattern, f"{method} {path}")
            if match:
                return route(*match.groups())
        return 404, {"message": "404 Not Found"}, ""

    def page(self, query: dict[str, list[str]]) -> Reply:
        number, size = int(query["page"][0]), int(query["per_page"][0])
        more = number * size < len(self.notes)
        return 200, self.notes[(number - 1) * size : number * size], str(number + 1) if more else ""

    def create(self, body: Any) -> Reply:
        self.notes.append({"id": len(self.notes) + 1, "body": body["body"], "author": {"id": BOT}})
        return 201, self.notes[-1], ""

    def update(self, note_id: int, body: Any) -> Reply:
        note = self.notes[note_id - 1]
        if note["author"]["id"] != BOT:
            return 403, {"message": "403 Forbidden"}, ""
        note["body"] = body["body"]
        return 200, note, ""

    def by_commit(self, sha: str) -> Reply:
        return 200, [{"iid": 7, "state": "merged"}] if self.merged and sha == MERGE_SHA else [], ""

    def jobs(self, query: dict[str, list[str]]) -> Reply:
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
def gitlab(tmp_path: Path) -> Iterator[tuple[FakeGitLab, dict[str, str]]]:
    """A fake GitLab on an ephemeral loopback port, and the environment of a job of !7 that reaches it."""
    fake = FakeGitLab()
    server = HTTPServer(("127.0.0.1", 0), type("Handler", (GitLabHandler,), {"fake": fake}))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield (
        fake,
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "CI_API_V4_URL": f"http://127.0.0.1:{server.server_port}/api/v4",
            "CI_PROJECT_ID": "42",
            "CI_MERGE_REQUEST_IID": "7",
            "CI_COMMIT_SHA": MERGE_SHA,
            "CATALOGSYNC_GITLAB_TOKEN": TOKEN,
            "CATALOGSYNC_GITLAB_HELPER": GITLAB["variables"]["CATALOGSYNC_GITLAB_HELPER"],
        },
    )
    server.shutdown()
    server.server_close()
    thread.join()


def test_gitlab_plan_note_is_sticky(gitlab: tuple[FakeGitLab, dict[str, str]], tmp_path: Path) -> None:
    fake, env = gitlab
    fake.notes = [{"id": i, "body": f"comment {i}", "author": {"id": HUMAN}} for i in range(1, 121)]
    fake.notes[3]["body"] = MARKER + " quoted by a person"  # not ours: never edited
    post = gitlab_line("plan", '"$CATALOGSYNC_GITLAB_HELPER" note')
    (tmp_path / "plan.md").write_text("## catalogsync plan\n\nfirst\n", encoding="utf-8")
    first = bash(post, tmp_path, code="0", **env)
    assert first.returncode == 0, first.stderr
    [note] = fake.mine()
    assert note["body"].startswith(MARKER) and "first" in note["body"] and "Refused" not in note["body"]
    (tmp_path / "plan.md").write_text("## catalogsync plan\n\nsecond\n", encoding="utf-8")
    second = bash(post, tmp_path, code="3", **env)
    assert second.returncode == 0, second.stderr
    assert [n["id"] for n in fake.mine()] == [note["id"]] and note["id"] > 100  # found on page 2
    assert "second" in note["body"] and "first" not in note["body"]
    assert "Refused by a safety threshold" in note["body"]
    assert fake.notes[3]["body"] == MARKER + " quoted by a person"


def test_gitlab_apply_fetches_the_merged_requests_plan(
    gitlab: tuple[FakeGitLab, dict[str, str]], tmp_path: Path
) -> None:
    fake, env = gitlab
    result = bash(gitlab_line("apply", "fetch-plan"), tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "plan.json").read_bytes() == fake.artifact
    assert "Applying the plan reviewed in !7 (job 500)" in result.stdout


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"merged": False}, "No merged merge request for " + MERGE_SHA),
        ({"plan_job_status": "failed"}, "!7 has no successful catalogsync:plan job"),
        ({"token": "wrong"}, "HTTP 401"),
    ],
)
def test_gitlab_apply_without_a_reviewed_plan(
    gitlab: tuple[FakeGitLab, dict[str, str]], tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    fake, env = gitlab
    token = change.pop("token", TOKEN)
    for name, value in change.items():
        setattr(fake, name, value)
    result = bash(gitlab_line("apply", "fetch-plan"), tmp_path, **{**env, "CATALOGSYNC_GITLAB_TOKEN": token})
    assert result.returncode == 1
    assert message in result.stderr and token not in result.stdout + result.stderr
    assert not (tmp_path / "plan.json").exists()


FAKE_GH = """
import json, subprocess, sys
state_path, args = sys.argv[1], sys.argv[3:]  # argv[2] == "api"
flags = {"--method": "GET"}
words = []
while args:
    word = args.pop(0)
    if word == "--paginate":
        flags[word] = ""
    elif word in ("--method", "--jq", "-F"):
        flags[word] = args.pop(0)
    else:
        words.append(word)
with open(state_path) as file:
    comments = json.load(file)
path, method = words[0], flags["--method"]
if method == "GET":
    pages = [comments[i : i + 30] for i in range(0, len(comments), 30)] or [[]]
    for page in pages if "--paginate" in flags else pages[:1]:
        jq = subprocess.run(["jq", "-r", flags["--jq"]], input=json.dumps(page), stdout=subprocess.PIPE,
                            text=True, check=True)
        sys.stdout.write(jq.stdout)
    sys.exit(0)
with open(flags["-F"].split("=@", 1)[1]) as file:
    body = file.read()
if method == "POST":
    comments.append({"id": 9000 + len(comments), "user": {"login": "github-actions[bot]"}, "body": body})
else:
    [comment] = [c for c in comments if path.endswith("/" + str(c["id"]))]
    if comment["user"]["login"] != "github-actions[bot]":
        sys.exit("HTTP 403")
    comment["body"] = body
with open(state_path, "w") as file:
    json.dump(comments, file)
"""


@pytest.mark.skipif(shutil.which("jq") is None, reason="the fake gh filters with jq, as gh --jq does")
def test_github_plan_comment_is_sticky(tmp_path: Path) -> None:
    state, bin_dir = tmp_path / "comments.json", tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(f'#!/bin/sh\nexec {sys.executable} {bin_dir / "gh.py"} {state} "$@"\n')
    (bin_dir / "gh").chmod(0o755)
    (bin_dir / "gh.py").write_text(FAKE_GH, encoding="utf-8")
    people = [{"id": i, "user": {"login": "someone"}, "body": f"comment {i}"} for i in range(40)]
    people[2]["body"] = MARKER + " quoted by a person"
    state.write_text(json.dumps(people), encoding="utf-8")
    step = next(
        s for s in GITHUB["jobs"]["plan"]["steps"] if s.get("name") == "Post the plan as one sticky comment"
    )
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GH_REPO": "o/r", "PR": "7"}
    env |= {"HEAD_SHA": "c3" * 20, "RUN_URL": "https://github.example/run/1"}
    for code, text in (("0", "first"), ("3", "second")):
        (tmp_path / "plan.md").write_text(f"## catalogsync plan\n\n{text}\n", encoding="utf-8")
        result = bash(step["run"], tmp_path, CODE=code, **env)
        assert result.returncode == 0, result.stderr
    comments = json.loads(state.read_text(encoding="utf-8"))
    [mine] = [c for c in comments if c["user"]["login"] == "github-actions[bot]"]
    assert mine["body"].startswith(MARKER + "\n> [!CAUTION]")
    assert "second" in mine["body"] and "first" not in mine["body"] and "Commit c3c3c3c" in mine["body"]
    assert comments[:40] == people
