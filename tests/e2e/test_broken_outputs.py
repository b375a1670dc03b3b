"""Outputs that cannot be written: standard output full, closed or gone, and output files in a place that
takes no file. Each ends in one line and exit 1 (a reader of stdout that goes away, as ``| head`` does,
stops the command quietly), never a traceback; a file that cannot be written is refused before any request,
and an apply whose report cannot be written still shows what it did."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from catalogsync.cli import build_parser
from catalogsync.errors import OutputError
from catalogsync.outputs import write_folder, write_whole
from catalogsync.settings import open_client

EXAMPLE = str(Path(__file__).parents[2] / "examples" / "catalog.yaml")


def subcommands(parser: argparse.ArgumentParser) -> list[str]:
    return [
        name
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name in action.choices
    ]


COMMANDS = {
    "validate": ["validate", EXAMPLE],
    "schema": ["schema"],
    "plan": ["plan", EXAMPLE, "--sandbox-db", "{db}"],
    "plan --format json": ["plan", EXAMPLE, "--sandbox-db", "{db}", "--format", "json"],
    "apply": ["apply", EXAMPLE, "--sandbox-db", "{db}", "--yes"],
    "export": ["export", "--sandbox-db", "{db}"],
    "--version": ["--version"],
    "--help": ["--help"],
    **{f"{name} --help": [name, "--help"] for name in subcommands(build_parser())},
}
STDOUTS = {
    "full": ("Error: cannot write to standard output: No space left on device", "/dev/full"),
    "closed": ("Error: standard output is closed: there is nowhere to write the result", None),
}
NOWHERE = Path("/proc/catalogsync-test")
"""A folder no file can be made in, whoever runs the tests (root may write anywhere by mode)."""


def run(argv: list[str], stdout: object, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "catalogsync", *argv],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
        **options,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("broken", STDOUTS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_stdout_that_cannot_be_written_is_one_line(command: str, broken: str, tmp_path: Path) -> None:
    message, device = STDOUTS[broken]
    argv = [word.replace("{db}", str(tmp_path / "sb.sqlite3")) for word in COMMANDS[command]]
    if device is None:  # as a shell's >&- leaves it: no descriptor 1 at all
        done = run(argv, None, preexec_fn=lambda: os.close(1))
    else:
        with open(device, "w") as full:
            done = run(argv, full)
    lines = done.stderr.strip().splitlines()
    assert (done.returncode, lines[-1:]) == (1, [message]), done.stderr
    assert "Traceback" not in done.stderr


def test_a_reader_that_goes_away_stops_the_command_quietly(tmp_path: Path) -> None:
    """``catalogsync plan ... | head -1`` once head has gone: the rest of the output has no reader."""
    argv = [sys.executable, "-m", "catalogsync", "plan", EXAMPLE, "--sandbox-db", str(tmp_path / "sb")]
    with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as plan:
        assert plan.stdout is not None and plan.stderr is not None
        plan.stdout.close()  # the reader is gone before the plan is shown
        err = plan.stderr.read()
        assert (plan.wait(timeout=120), err) == (1, "")


needs_nowhere = pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")


@needs_nowhere
@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "{catalog}", "--out", "{nowhere}/plan.json"],
        ["plan", "{catalog}", "--log-file", "{nowhere}/requests.log"],
        ["apply", "{catalog}", "--yes", "--report", "{nowhere}/report.json"],
        ["export", "-o", "{nowhere}/catalog.yaml"],
        ["export", "-o", "{nowhere}/"],
    ],
    ids=lambda argv: f"{argv[0]} {argv[-2] if argv[-1].startswith('{') else argv[-1]}",
)
def test_an_output_where_no_file_can_be_made_is_refused_before_any_request(argv, cli, write, sandbox):
    """Tried, not guessed from the folder's mode: the apply used to make its changes, then fail on its
    report with a traceback."""
    words = [a.replace("{catalog}", write("products:\n  P: {name: P, price: 1.00}\n")) for a in argv]
    words = [a.replace("{nowhere}", "/proc") for a in words]
    result = cli(sandbox, *words)
    flag, path = words[-2], words[-1]
    assert (result.code, result.out) == (1, "")
    assert result.err == f"Error: {flag} {path}: cannot write in /proc: No such file or directory\n"
    assert sandbox.stats()["requests"] == 0


def test_apply_writes_its_report_when_there_is_nothing_to_change(cli, write, sandbox, tmp_path):
    """A CI job keeps the report as an artifact: it is there, and says so, whatever the plan."""
    catalog = write("products:\n  P: {name: P, price: 1.00}\n")
    assert cli(sandbox, "apply", catalog, "--yes", "-q").code == 0
    report = tmp_path / "report.json"
    result = cli(sandbox, "apply", catalog, "--yes", "--report", str(report))
    assert result.code == 0 and "No changes" in result.out
    text = report.read_text(encoding="utf-8")
    assert '"ok": true' in text and '"outcomes": []' in text


def test_a_file_that_fails_as_it_is_written_is_one_error_and_leaves_nothing(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    with pytest.raises(OutputError, match=f"cannot write {gone}/plan.json: No such file or directory"):
        write_whole(str(gone / "plan.json"), "{}")
    with pytest.raises(OutputError, match=f"cannot make the folder {gone}/a/: No such file or directory"):
        write_folder(f"{gone}/a/", {"x.yaml": ""})
    assert list(tmp_path.iterdir()) == []


def test_a_request_log_that_stops_fails_no_request_and_warns_at_the_end(tmp_path: Path, capsys) -> None:
    """The folder of the log goes away after the first request: the next ones still run, against the embedded
    sandbox, and closing the client says where the log stopped."""
    logs = tmp_path / "logs"
    logs.mkdir()
    argv = ["plan", "c.yaml", "--sandbox-db", str(tmp_path / "sb"), "--log-file", str(logs / "requests.log")]
    with open_client(build_parser().parse_args(argv)) as (client, _):
        client.account.company_info()
        shutil.rmtree(logs)
        assert client.account.company_info() and client.products.list(pagesize=1)
        assert client.requests_made == 3
    assert capsys.readouterr().err == (
        f"Warning: the request log {logs}/requests.log stopped after 1 requests: No such file or directory\n"
    )
