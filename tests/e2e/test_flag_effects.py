"""Every command-line flag has a test that observes its effect: a new flag cannot be added untested.

``EFFECTS`` maps each (command, flag) of ``catalogsync.arguments.build_parser()`` (command "" for top-level
options; a flag by its first option string, a positional by its dest) to the tests that run that command with
that flag and assert what it changes. The two meta-tests at the end fail for a flag missing from the table,
for an entry whose flag is gone, and for a named test that does not exist.

The tests below cover the flags no other test observed, each against a real sandbox on loopback: in-process
through the ``cli`` fixture, on a pseudo-terminal for colour, or as a ``catalogsync sandbox`` process.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib.util
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

from catalogsync.cli import build_parser
from catalogsync.sandbox import Faults, Sandbox
from catalogsync.sandbox.faults import Injector
from tests.terminal_support import run_on_a_terminal

ROOT = Path(__file__).resolve().parents[2]
HERE = "tests/e2e/test_flag_effects.py"

EFFECTS: dict[tuple[str, str], list[str]] = {
    # top level
    ("", "--version"): ["tests/e2e/test_cli_basics.py::test_version"],
    ("", "-v"): [f"{HERE}::test_verbose_adds_debug_lines_and_the_full_left_alone_list"],
    ("", "-q"): [f"{HERE}::test_quiet_silences_the_info_lines"],
    ("", "--no-color"): [f"{HERE}::test_no_color_takes_the_colour_off_a_terminal"],
    **{
        (command, "-v"): [f"{HERE}::test_verbose_and_quiet_after_the_command"]
        for command in ("plan", "apply", "export")
    },
    **{
        (command, "-q"): [f"{HERE}::test_verbose_and_quiet_after_the_command"]
        for command in ("plan", "apply", "export")
    },
    ("plan", "--no-color"): [f"{HERE}::test_no_color_takes_the_colour_off_a_terminal"],
    ("apply", "--no-color"): [f"{HERE}::test_no_color_takes_the_colour_off_a_terminal"],
    ("plan", "--show-unmanaged"): [f"{HERE}::test_show_unmanaged_lists_every_resource_left_alone"],
    ("apply", "--show-unmanaged"): [f"{HERE}::test_show_unmanaged_lists_every_resource_left_alone"],
    ("apply", "--report"): [f"{HERE}::test_apply_report_writes_every_outcome_as_json"],
    # validate
    ("validate", "catalogs"): [
        "tests/e2e/test_safety.py::test_validate_reports_every_file",
        "tests/e2e/test_safety.py::test_validate",
    ],
    # plan
    ("plan", "catalog"): [
        "tests/e2e/test_loop.py::test_apply_then_plan_is_empty",
        "tests/e2e/test_safety.py::test_exit_codes_for_errors",
    ],
    ("plan", "--out"): [
        "tests/e2e/test_safety.py::test_saved_plan_applies_once_then_is_stale",
        "tests/e2e/test_selection.py::test_a_saved_narrowed_plan_applies_only_what_it_selected",
    ],
    ("plan", "--format"): [
        "tests/e2e/test_selection.py::test_plan_narrows_as_apply_does",
        "tests/ci/test_commands.py::test_pull_request_merge_and_drift",
    ],
    ("plan", "--detailed-exitcode"): ["tests/e2e/test_safety.py::test_exit_codes_for_errors"],
    ("plan", "--force"): [f"{HERE}::test_plan_force_goes_past_the_safety_thresholds"],
    ("plan", "--only"): [
        "tests/e2e/test_selection.py::test_plan_narrows_as_apply_does",
        "tests/e2e/test_selection.py::test_a_selection_that_matches_nothing_says_so",
    ],
    ("plan", "--exclude"): ["tests/e2e/test_selection.py::test_plan_narrows_as_apply_does"],
    ("plan", "--api-url"): [
        f"{HERE}::test_api_url_names_the_account[plan]",
        "tests/e2e/test_safety.py::test_saved_plan_applies_once_then_is_stale",
    ],
    ("plan", "--username"): [f"{HERE}::test_username_flag_overrides_the_environment[plan]"],
    ("plan", "--password"): [f"{HERE}::test_password_flag_overrides_the_environment[plan]"],
    ("plan", "--sandbox"): [
        "tests/e2e/test_embedded_sandbox.py::test_the_default_database_is_under_dot_catalogsync",
        "tests/e2e/test_embedded_sandbox.py::test_sandbox_does_not_swallow_the_catalog",
    ],
    ("plan", "--sandbox-db"): [
        "tests/e2e/test_embedded_sandbox.py::test_state_persists_in_the_named_database",
        "tests/e2e/test_embedded_sandbox.py::test_a_saved_plan_applies_on_the_embedded_sandbox",
    ],
    ("plan", "--sandbox-dialect"): [
        f"{HERE}::test_sandbox_dialect_is_the_embedded_sandbox_dialect[plan-strict]",
        f"{HERE}::test_sandbox_dialect_is_the_embedded_sandbox_dialect[plan-lenient]",
    ],
    ("plan", "--parallelism"): [f"{HERE}::test_parallelism_bounds_the_requests_in_flight[plan]"],
    ("plan", "--timeout"): [f"{HERE}::test_timeout_gives_up_on_a_slow_answer[plan]"],
    ("plan", "--log-file"): [f"{HERE}::test_log_file_records_every_request_without_the_password[plan]"],
    # apply
    ("apply", "target"): [
        "tests/e2e/test_loop.py::test_apply_then_plan_is_empty",
        "tests/e2e/test_safety.py::test_saved_plan_applies_once_then_is_stale",
    ],
    ("apply", "--yes"): [
        f"{HERE}::test_apply_yes_applies_without_asking",
        "tests/e2e/test_safety.py::test_apply_without_yes_refuses_when_not_interactive",
    ],
    ("apply", "--force"): ["tests/e2e/test_safety.py::test_thresholds_exit_3_unless_forced"],
    ("apply", "--catalog"): [f"{HERE}::test_apply_catalog_names_the_catalog_of_a_saved_plan"],
    ("apply", "--only"): ["tests/e2e/test_selection.py::test_plan_narrows_as_apply_does"],
    ("apply", "--exclude"): ["tests/e2e/test_selection.py::test_plan_narrows_as_apply_does"],
    ("apply", "--api-url"): [
        f"{HERE}::test_api_url_names_the_account[apply]",
        "tests/e2e/test_safety.py::test_plan_refused_for_another_account",
    ],
    ("apply", "--username"): [f"{HERE}::test_username_flag_overrides_the_environment[apply]"],
    ("apply", "--password"): [f"{HERE}::test_password_flag_overrides_the_environment[apply]"],
    ("apply", "--sandbox"): [
        "tests/e2e/test_embedded_sandbox.py::test_the_default_database_is_under_dot_catalogsync"
    ],
    ("apply", "--sandbox-db"): [
        "tests/e2e/test_embedded_sandbox.py::test_state_persists_in_the_named_database",
        "tests/e2e/test_embedded_sandbox.py::test_a_plan_of_one_sandbox_database_is_refused_on_another_before_it_is_made",
    ],
    ("apply", "--sandbox-dialect"): [
        f"{HERE}::test_sandbox_dialect_is_the_embedded_sandbox_dialect[apply-strict]",
        f"{HERE}::test_sandbox_dialect_is_the_embedded_sandbox_dialect[apply-lenient]",
    ],
    ("apply", "--parallelism"): [
        f"{HERE}::test_parallelism_bounds_the_requests_in_flight[apply]",
        "tests/reliability/test_interrupt.py::test_signal_stops_cleanly_and_a_rerun_converges",
    ],
    ("apply", "--timeout"): [f"{HERE}::test_timeout_gives_up_on_a_slow_answer[apply]"],
    ("apply", "--log-file"): [f"{HERE}::test_log_file_records_every_request_without_the_password[apply]"],
    # export
    ("export", "-o"): ["tests/e2e/test_loop.py::test_export_then_plan_is_empty"],
    ("export", "--api-url"): [f"{HERE}::test_api_url_names_the_account[export]"],
    ("export", "--username"): [f"{HERE}::test_username_flag_overrides_the_environment[export]"],
    ("export", "--password"): [f"{HERE}::test_password_flag_overrides_the_environment[export]"],
    ("export", "--sandbox"): [f"{HERE}::test_export_sandbox_reads_the_default_embedded_sandbox"],
    ("export", "--sandbox-db"): [
        "tests/e2e/test_embedded_sandbox.py::test_export_of_the_embedded_sandbox_is_the_same_each_time"
    ],
    ("export", "--sandbox-dialect"): [
        f"{HERE}::test_sandbox_dialect_is_the_embedded_sandbox_dialect[export-strict]",
        f"{HERE}::test_sandbox_dialect_is_the_embedded_sandbox_dialect[export-lenient]",
    ],
    ("export", "--parallelism"): [f"{HERE}::test_parallelism_bounds_the_requests_in_flight[export]"],
    ("export", "--timeout"): [f"{HERE}::test_timeout_gives_up_on_a_slow_answer[export]"],
    ("export", "--log-file"): [f"{HERE}::test_log_file_records_every_request_without_the_password[export]"],
    # sandbox
    ("sandbox", "--host"): [f"{HERE}::test_sandbox_host_is_the_address_it_listens_on"],
    ("sandbox", "--port"): [f"{HERE}::test_sandbox_port_is_the_port_it_listens_on"],
    ("sandbox", "--db"): [f"{HERE}::test_sandbox_db_keeps_the_state_in_a_file"],
    ("sandbox", "--dialect"): [f"{HERE}::test_sandbox_dialect_flag[strict]"],
    ("sandbox", "--seed"): [f"{HERE}::test_sandbox_seed_flag[empty]"],
    ("sandbox", "--no-coupon-page-info"): [f"{HERE}::test_sandbox_no_coupon_page_info_flag[flag]"],
    ("sandbox", "--username"): [f"{HERE}::test_sandbox_username_is_the_one_accepted"],
    ("sandbox", "--password"): [
        f"{HERE}::test_sandbox_password_is_the_one_accepted",
        "tests/sandbox/test_server.py::test_cli_serves_until_sigterm_and_hides_a_custom_password",
    ],
    ("sandbox", "--latency-ms"): [f"{HERE}::test_sandbox_latency_delays_every_answer"],
    ("sandbox", "--jitter-ms"): [f"{HERE}::test_sandbox_jitter_adds_the_drawn_delays"],
    ("sandbox", "--fault-rate"): [f"{HERE}::test_sandbox_fault_rate_one_faults_every_request"],
    ("sandbox", "--fault-seed"): [f"{HERE}::test_sandbox_fault_seed_chooses_the_fault_sequence"],
    ("sandbox", "--rate-limit"): [
        f"{HERE}::test_sandbox_rate_limit_answers_429_above_the_rate",
        "tests/sandbox/test_server.py::test_cli_shows_the_default_password_and_takes_fault_flags",
    ],
}

CATALOG = "products:\n  NEW-1: {name: New one, price: 3.00}\n"
COMMANDS = ["plan", "apply", "export"]
"""The commands that talk to an account, with the connection flags."""
ACCEPT = {"Accept": "application/json"}
AUTH = ("sandbox", "sandbox")


def command_line(command: str, catalog: str) -> list[str]:
    """The arguments of one run of ``command`` that reads the account (and, for apply, writes to it)."""
    return {"plan": ["plan", catalog], "apply": ["apply", catalog, "--yes"], "export": ["export"]}[command]


# --- top-level options --------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_adds_debug_lines_and_the_full_left_alone_list(sandbox, cli, write, where):
    path = write(CATALOG)
    plain = cli(sandbox, "plan", path)
    verbose = cli(sandbox, *(["-v", "plan", path] if where == "before" else ["plan", path, "-v"]))
    assert (plain.code, verbose.code) == (0, 0)
    assert plain.err == ""
    assert f"reading the account at {sandbox.url}" in verbose.err
    assert "    option Volume: not in the catalog (pruning off)" in verbose.out
    assert "    option Volume: not in the catalog (pruning off)" not in plain.out
    assert "2 options not in the catalog (pruning off): Volume, decibels" in plain.out


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_silences_the_info_lines(sandbox, cli, write, tmp_path, where):
    path = write(CATALOG)
    chatty = cli(sandbox, "plan", path, "--out", str(tmp_path / "chatty.json"))
    out = ["--out", str(tmp_path / "quiet.json")]
    quiet = cli(sandbox, *(["-q", "plan", path, *out] if where == "before" else ["plan", path, *out, "-q"]))
    assert (chatty.code, quiet.code) == (0, 0)
    assert "Plan saved to" in chatty.err
    assert quiet.err == ""
    assert quiet.out == chatty.out and "+ product NEW-1" in quiet.out  # results still shown
    assert (tmp_path / "quiet.json").is_file()


@pytest.mark.parametrize(
    ("before", "after", "variables", "coloured"),
    [
        ([], [], {}, True),
        (["--no-color"], [], {}, False),
        ([], ["--no-color"], {}, False),
        ([], [], {"NO_COLOR": "1"}, False),
        ([], [], {"NO_COLOR": ""}, True),  # no-color.org: an empty NO_COLOR is unset
        ([], [], {"TERM": "dumb"}, False),
        ([], ["--yes"], {}, True),
        ([], ["--yes", "--no-color"], {}, False),
    ],
    ids=["default", "flag", "flag-after", "NO_COLOR", "NO_COLOR-empty", "TERM-dumb", "apply", "apply-flag"],
)
def test_no_color_takes_the_colour_off_a_terminal(sandbox, tmp_path, before, after, variables, coloured):
    path = tmp_path / "catalog.yaml"
    path.write_text(CATALOG, encoding="utf-8")
    env = {
        **os.environ,
        "TWOCHECKOUT_USERNAME": "sandbox",
        "TWOCHECKOUT_PASSWORD": "sandbox",
        "TERM": "xterm",
    }
    env.pop("NO_COLOR", None)
    env.pop("TWOCHECKOUT_API_URL", None)
    env.update(variables)
    command = "apply" if "--yes" in after else "plan"
    argv = [*before, command, str(path), "--api-url", sandbox.url, *after]
    code, output = run_on_a_terminal(argv, env)
    assert code == 0, output
    assert "+ product NEW-1" in output
    assert ("\x1b[" in output) is coloured, output


# --- plan and apply -----------------------------------------------------------------------------------------

THRESHOLD = """
settings:
  prune: {products: true}
  safety: {max_deletes: 2}
products:
  LTP-003: {name: Live Test Product, price: 10.00}
"""


def test_plan_force_goes_past_the_safety_thresholds(sandbox, cli, write):
    path = write(THRESHOLD)
    refused = cli(sandbox, "plan", path)
    assert refused.code == 3
    assert "max_deletes" in refused.err
    forced = cli(sandbox, "plan", path, "--force")
    assert forced.code == 0, forced.err
    assert "max_deletes" not in forced.err
    assert forced.out == refused.out and "- product HEX-001" in forced.out


def test_apply_yes_applies_without_asking(sandbox, cli, write, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("yes\n"))  # not a terminal: only --yes may apply
    path = write(CATALOG)
    asked = cli(sandbox, "apply", path)
    assert asked.code == 1
    assert "--yes" in asked.err
    assert "NEW-1" not in cli(sandbox, "export").out
    applied = cli(sandbox, "apply", path, "--yes")
    assert applied.code == 0, applied.err
    assert "Apply complete: 1 applied, 0 failed, 0 skipped." in applied.out
    assert "NEW-1:" in cli(sandbox, "export").out


def test_apply_catalog_names_the_catalog_of_a_saved_plan(sandbox, cli, write, tmp_path):
    recorded, plan = write(CATALOG, "recorded.yaml"), str(tmp_path / "plan.json")
    assert cli(sandbox, "plan", recorded, "--out", plan).code == 0
    other = write(CATALOG.replace("3.00", "4.00"), "other.yaml")
    stale = cli(sandbox, "apply", plan, "--catalog", other)
    assert stale.code == 4
    assert f"{other} is not the catalog the plan was made from (its SHA-256 differs)" in stale.err
    moved = tmp_path / "moved" / "catalog.yaml"
    moved.parent.mkdir()
    Path(recorded).rename(moved)
    missing = cli(sandbox, "apply", plan)
    assert missing.code == 1
    assert missing.err == (
        f"Error: the plan's catalog {recorded} (recorded relative to the plan) is not found:"
        " give it with --catalog CATALOG\n"
    )
    assert "NEW-1" not in cli(sandbox, "export").out
    applied = cli(sandbox, "apply", plan, "--catalog", str(moved))
    assert applied.code == 0, applied.err
    assert "create product NEW-1" in applied.out
    assert "NEW-1:" in cli(sandbox, "export").out


# --- connection flags of plan, apply and export -------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
def test_api_url_names_the_account(make_sandbox, cli, write, monkeypatch, command):
    """The flag beats TWOCHECKOUT_API_URL: only the named (empty) account is read, and written."""
    other, named = make_sandbox(seed="demo"), make_sandbox(seed="empty")
    monkeypatch.setenv("TWOCHECKOUT_API_URL", other.url)
    result = cli(None, *command_line(command, write(CATALOG)), "--api-url", named.url)
    assert result.code == 0, result.err
    assert other.stats()["requests"] == 0
    assert named.stats()["requests"] > 0
    assert "LTP-003" not in result.out  # the other account's product
    if command == "apply":
        assert named.stats()["by_method"].get("products/create_product") == 1
    if command == "export":
        assert f"at {named.url}" in result.out.splitlines()[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_username_flag_overrides_the_environment(make_sandbox, cli, write, command):
    account = make_sandbox(seed="demo", username="flag-user")
    argv = command_line(command, write(CATALOG))
    refused = cli(account, *argv)  # the environment's username is "sandbox"
    assert refused.code == 1
    assert "UNAUTHORIZED" in refused.err
    accepted = cli(account, *argv, "--username", "flag-user")
    assert accepted.code == 0, accepted.err
    assert ("NEW-1" if command != "export" else "LTP-003") in accepted.out


@pytest.mark.parametrize("command", COMMANDS)
def test_password_flag_overrides_the_environment(make_sandbox, cli, write, command):
    password = "flag-Pw-83x"
    account = make_sandbox(seed="demo", password=password)
    argv = command_line(command, write(CATALOG))
    refused = cli(account, *argv)  # the environment's password is "sandbox"
    assert refused.code == 1
    assert "UNAUTHORIZED" in refused.err
    accepted = cli(account, *argv, "--password", password)
    assert accepted.code == 0, accepted.err
    assert ("NEW-1" if command != "export" else "LTP-003") in accepted.out
    assert password not in refused.out + refused.err + accepted.out + accepted.err


def test_export_sandbox_reads_the_default_embedded_sandbox(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli(None, "export", "--sandbox")
    assert result.code == 0, result.err
    db = tmp_path / ".catalogsync" / "sandbox.sqlite3"
    assert db.is_file()
    assert f"at sandbox {db.resolve()}" in result.out.splitlines()[0]
    assert "LTP-003:" in result.out  # seeded with the demo account


def dialect_of(url: str) -> str:
    """Which dialect a sandbox speaks, by a call that changes nothing: an update of a coupon that does not
    exist, without ``type`` (which only the strict dialect requires)."""
    answer = requests.post(
        f"{url}/products/update_coupon",
        data={"coupon_code": "NO-SUCH-COUPON"},
        auth=AUTH,
        headers=ACCEPT,
        timeout=10,
    )
    problems = {(e.get("code"), e.get("parameter")) for e in answer.json()["errors"]}
    return "strict" if ("PARAMETER_MISSING", "type") in problems else "lenient"


@pytest.mark.parametrize("dialect", ["lenient", "strict", None], ids=["lenient", "strict", "default"])
@pytest.mark.parametrize("command", COMMANDS)
def test_sandbox_dialect_is_the_embedded_sandbox_dialect(cli, write, tmp_path, monkeypatch, command, dialect):
    """catalogsync speaks both dialects alike, so its output is the same under either: the flag's effect is
    the dialect of the embedded sandbox the command runs, which is asked while that sandbox serves."""
    answered: list[str] = []

    class Probed(Sandbox):
        def start(self) -> Sandbox:
            started = super().start()
            answered.append(dialect_of(started.url))
            return started

    monkeypatch.setattr("catalogsync.sandbox.Sandbox", Probed)
    flags = ["--sandbox-dialect", dialect] if dialect else []
    result = cli(None, *command_line(command, write(CATALOG)), "--sandbox-db", str(tmp_path / "s.db"), *flags)
    assert result.code == 0, result.err
    assert answered == [dialect or "lenient"]


@dataclass(frozen=True)
class Logged:
    """One block of the request log."""

    when_ms: float
    verb: str
    method: str
    attempt: int
    outcome: str
    duration_ms: float
    text: str


BLOCK = re.compile(
    r"^(?P<when>\S+) (?P<verb>GET|POST) \S+/api/(?P<method>\S+) \(attempt (?P<attempt>\d+)\)\n"
    r"(?:.*\n)*?(?P<outcome>(?:status|failed): .*) in (?P<ms>[\d.]+) ms$",
    re.M,
)


def read_log(path: Path) -> list[Logged]:
    text = path.read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    logged = []
    for block in blocks:
        found = BLOCK.search(block)
        assert found, block
        logged.append(
            Logged(
                dt.datetime.fromisoformat(found["when"]).timestamp() * 1000,
                found["verb"],
                found["method"],
                int(found["attempt"]),
                found["outcome"],
                float(found["ms"]),
                block,
            )
        )
    return logged


def most_at_once(logged: list[Logged], slack_ms: float) -> int:
    """The most requests that were on the wire together, by the log's end times and durations; each interval
    is narrowed by ``slack_ms`` at both ends, so that timestamp jitter does not count as overlap."""
    edges = []
    for entry in logged:
        start, end = entry.when_ms - entry.duration_ms + slack_ms, entry.when_ms - slack_ms
        if start < end:
            edges += [(start, 1), (end, -1)]
    most = current = 0
    for _, step in sorted(edges, key=lambda edge: (edge[0], edge[1])):
        current += step
        most = max(most, current)
    return most


LATENCY_MS = 40


@pytest.mark.parametrize("command", COMMANDS)
def test_parallelism_bounds_the_requests_in_flight(make_sandbox, cli, write, tmp_path, command):
    """Every answer takes 40 ms: with --parallelism 1 the requests follow one another (their time on the wire
    adds up to no more than the run took); by default several are on the wire at once."""
    path = write(CATALOG)
    serial_account = make_sandbox(seed="demo", faults=Faults(latency_ms=LATENCY_MS))
    serial_log = tmp_path / "serial.log"
    started = time.perf_counter()
    serial = cli(
        serial_account, *command_line(command, path), "--parallelism", "1", "--log-file", str(serial_log)
    )
    took_ms = (time.perf_counter() - started) * 1000
    assert serial.code == 0, serial.err
    logged = read_log(serial_log)
    assert len(logged) >= 4  # company info and page 1 of each list, at least (a plan reads no detail here)
    assert most_at_once(logged, slack_ms=10) == 1
    assert sum(entry.duration_ms for entry in logged) <= took_ms

    default_account = make_sandbox(seed="demo", faults=Faults(latency_ms=LATENCY_MS))
    default_log = tmp_path / "default.log"
    default = cli(default_account, *command_line(command, path), "--log-file", str(default_log))
    assert default.code == 0, default.err
    assert most_at_once(read_log(default_log), slack_ms=10) >= 2


def slow_once(method: str) -> Faults:
    """Faults that hold back the first answer to ``method`` for 5 s, and no later one (a seed found by the
    sandbox's own injector)."""

    def faults(seed: int) -> Faults:
        return Faults(fault_rate=0.5, seed=seed, kinds=("slow",), methods=(method,), slow_ms=5000)

    def first_only(seed: int) -> bool:
        injector = Injector(faults(seed))
        return [injector.decide(method).fault for _ in range(6)] == ["slow", *[None] * 5]

    return faults(next(seed for seed in range(1000) if first_only(seed)))


@pytest.mark.parametrize("command", COMMANDS)
def test_timeout_gives_up_on_a_slow_answer(make_sandbox, cli, write, tmp_path, command):
    """One answer is held back 5 s: with --timeout 0.25 the client gives up on it after 0.25 s, then retries
    the read, or re-reads to confirm the write (a write is never sent twice)."""
    method = "products/create_product" if command == "apply" else "acct/detail_company_info"
    faults = (
        Faults(fault_rate=1.0, kinds=("slow",), methods=(method,), slow_ms=5000)
        if command == "apply"
        else slow_once(method)
    )
    account = make_sandbox(seed="demo", faults=faults)
    log = tmp_path / "requests.log"
    result = cli(account, *command_line(command, write(CATALOG)), "--timeout", "0.25", "--log-file", str(log))
    assert result.code == 0, result.err
    attempts = [entry for entry in read_log(log) if entry.method == method]
    assert attempts[0].outcome == "failed: no complete answer within 0.25 s (timeout)"
    assert 240 <= attempts[0].duration_ms < 5000  # gave up before the held-back answer came
    assert account.stats()["faults"] == {"slow": 1}
    if command == "apply":
        assert len(attempts) == 1
        assert "create product NEW-1: confirmed by re-reading" in result.out
    else:
        assert [(a.attempt, a.outcome) for a in attempts[1:]] == [(2, "status: 200")]


@pytest.mark.parametrize("command", COMMANDS)
def test_log_file_records_every_request_without_the_password(
    make_sandbox, cli, write, tmp_path, monkeypatch, command
):
    password = "Log-Pw-5521q"
    account = make_sandbox(seed="demo", password=password)
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", password)
    log = tmp_path / "requests.log"
    result = cli(account, *command_line(command, write(CATALOG)), "--log-file", str(log))
    assert result.code == 0, result.err
    logged = read_log(log)
    stats = account.stats()
    assert len(logged) == stats["requests"] > 0
    counted: dict[str, int] = {}
    for entry in logged:
        counted[entry.method] = counted.get(entry.method, 0) + 1
    assert counted == stats["by_method"]
    assert all("Authorization: Basic ***" in entry.text for entry in logged)
    assert all(entry.outcome == "status: 200" for entry in logged)
    assert (command == "apply") == any(
        e.verb == "POST" and e.method == "products/create_product" for e in logged
    )
    text = log.read_text(encoding="utf-8")
    assert password not in text
    assert base64.b64encode(f"sandbox:{password}".encode()).decode() not in text


# --- the sandbox command ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    banner: str
    url: str


@contextmanager
def serving(*flags: str) -> Iterator[Served]:
    """``catalogsync sandbox`` as a process (on any free port unless ``--port`` is given), until SIGTERM."""
    port = [] if "--port" in flags else ["--port", "0"]
    with subprocess.Popen(
        [sys.executable, "-m", "catalogsync", "sandbox", *port, *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    ) as process:
        assert process.stdout is not None
        banner = process.stdout.readline()
        try:
            assert banner.startswith("Sandbox serving http://"), banner
            yield Served(banner, banner.split()[2])
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
    assert (process.returncode, out, err) == (0, "", "")


def company_info(url: str, auth: tuple[str, str] = AUTH, timeout: float = 10) -> requests.Response:
    return requests.get(f"{url}/acct/detail_company_info", auth=auth, headers=ACCEPT, timeout=timeout)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def test_sandbox_host_is_the_address_it_listens_on():
    try:
        free_port("127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 is not a usable loopback address here")
    with serving("--host", "127.0.0.2") as served:
        assert served.url.startswith("http://127.0.0.2:")
        assert company_info(served.url).status_code == 200
        with pytest.raises(requests.ConnectionError):
            company_info(served.url.replace("127.0.0.2", "127.0.0.1"))


def test_sandbox_port_is_the_port_it_listens_on():
    port = free_port()
    with serving("--port", str(port)) as served:
        assert served.url == f"http://127.0.0.1:{port}/api"
        assert company_info(served.url).status_code == 200


def test_sandbox_db_keeps_the_state_in_a_file(make_sandbox, tmp_path):
    db = tmp_path / "kept.sqlite3"
    with serving("--db", str(db)) as served:
        created = requests.post(
            f"{served.url}/products/create_product",
            data={"name": "Kept", "price": "1.00", "vendor_product_id": "KEPT-1"},
            auth=AUTH,
            headers=ACCEPT,
            timeout=10,
        )
        assert created.json()["response_code"] == "OK"
    assert db.is_file()
    reopened = make_sandbox(db, seed="empty")
    listed = requests.get(
        f"{reopened.url}/products/list_products",
        params={"vendor_product_id": "KEPT-1"},
        auth=AUTH,
        headers=ACCEPT,
        timeout=10,
    )
    assert [p["name"] for p in listed.json()["products"]] == ["Kept"]


@pytest.mark.parametrize(
    ("flags", "dialect"), [([], "lenient"), (["--dialect", "strict"], "strict")], ids=["default", "strict"]
)
def test_sandbox_dialect_flag(flags, dialect):
    with serving(*flags) as served:
        assert dialect_of(served.url) == dialect


@pytest.mark.parametrize(
    ("flags", "products"), [([], "16"), (["--seed", "empty"], None)], ids=["default", "empty"]
)
def test_sandbox_seed_flag(flags, products):
    with serving(*flags) as served:
        listed = requests.get(f"{served.url}/products/list_products", auth=AUTH, headers=ACCEPT, timeout=10)
    body = listed.json()
    if products is None:
        assert [e["code"] for e in body["errors"]] == ["RECORD_NOT_FOUND"]  # no product at all
    else:
        assert body["page_info"]["total_entries"] == products


@pytest.mark.parametrize(
    ("flags", "paged"), [([], True), (["--no-coupon-page-info"], False)], ids=["default", "flag"]
)
def test_sandbox_no_coupon_page_info_flag(flags, paged):
    with serving(*flags) as served:
        listed = requests.get(f"{served.url}/products/list_coupons", auth=AUTH, headers=ACCEPT, timeout=10)
    body = listed.json()
    assert body["response_code"] == "OK" and body["coupon"]
    assert ("page_info" in body) is paged


def test_sandbox_username_is_the_one_accepted():
    with serving("--username", "ci-user") as served:
        assert "(username 'ci-user'" in served.banner
        assert company_info(served.url, ("ci-user", "sandbox")).status_code == 200
        assert company_info(served.url, AUTH).status_code == 401


def test_sandbox_password_is_the_one_accepted():
    with serving("--password", "Srv-Pw-204") as served:
        assert "Srv-Pw-204" not in served.banner
        assert company_info(served.url, ("sandbox", "Srv-Pw-204")).status_code == 200
        assert company_info(served.url, AUTH).status_code == 401


def timed(url: str) -> float:
    started = time.perf_counter()
    assert company_info(url).status_code == 200
    return time.perf_counter() - started


def test_sandbox_latency_delays_every_answer():
    with serving("--latency-ms", "250") as served:
        assert [timed(served.url) >= 0.25 for _ in range(2)] == [True, True]


def test_sandbox_jitter_adds_the_drawn_delays():
    """The extra delays are those the sandbox's injector draws for the default fault seed."""
    injector = Injector(Faults(jitter_ms=250))
    expected = [injector.decide("acct/detail_company_info").delay for _ in range(2)]
    assert max(expected) > 0.1 and len(set(expected)) == 2
    with serving("--jitter-ms", "250") as served:
        took = [timed(served.url) for _ in expected]
    assert all(t >= e for t, e in zip(took, expected, strict=True)), (took, expected)


OBSERVED = {
    None: "ok",
    "500": "500",
    "503": "503",
    "429": "429",
    "html": "502",
    "reset_before": "dropped",
    "lost_after": "dropped",
    "truncated": "truncated",
}
"""What a client sees of each injected fault ("slow" is never served here)."""


def predicted(faults: Faults, count: int) -> list[str | None]:
    injector = Injector(faults)
    return [injector.decide("acct/detail_company_info").fault for _ in range(count)]


def observed(url: str) -> str:
    """What one call got: ok, an HTTP status, dropped (no answer) or truncated (an unreadable body)."""
    try:
        answer = company_info(url, timeout=3)
    except requests.ConnectionError:
        return "dropped"
    if answer.status_code != 200:
        return str(answer.status_code)
    try:
        answer.json()
    except ValueError:
        return "truncated"
    return "ok"


def test_sandbox_fault_rate_one_faults_every_request():
    faults = predicted(Faults(fault_rate=1.0), 3)
    assert None not in faults and "slow" not in faults
    with serving("--fault-rate", "1") as served:
        seen = [observed(served.url) for _ in faults]
    assert seen == [OBSERVED[f] for f in faults]
    assert "ok" not in seen


def test_sandbox_fault_seed_chooses_the_fault_sequence():
    count = 6
    unseeded = predicted(Faults(fault_rate=0.5), count)
    seed, faults = next(
        (seed, faults)
        for seed in range(1, 1000)
        for faults in [predicted(Faults(fault_rate=0.5, seed=seed), count)]
        if "slow" not in faults and None in faults and faults != unseeded
    )
    with serving("--fault-rate", "0.5", "--fault-seed", str(seed)) as served:
        seen = [observed(served.url) for _ in faults]
    assert seen == [OBSERVED[f] for f in faults]
    assert seen != [OBSERVED.get(f, "slow") for f in unseeded]


def test_sandbox_rate_limit_answers_429_above_the_rate():
    with serving("--rate-limit", "0.01") as served:
        assert [company_info(served.url).status_code for _ in range(3)] == [200, 429, 429]


@pytest.mark.parametrize("command", COMMANDS)
def test_verbose_and_quiet_after_the_command(sandbox, cli, write, tmp_path, command):
    """``catalogsync plan x.yaml -q``: the output flags work after the command as before it."""
    argv = command_line(command, write(CATALOG))
    if command == "export":
        argv += ["-o", str(tmp_path / "out.yaml")]
    verbose = cli(sandbox, *argv, "-v")
    assert verbose.code == 0, verbose.err
    assert f"reading the account at {sandbox.url}" in verbose.err
    quiet = cli(sandbox, *argv, "-q")
    assert quiet.code == 0, quiet.err
    assert quiet.err == ""
    both = cli(sandbox, *argv, "-q", "-v")
    assert both.code == 1
    assert "-q and -v ask for less and more output: give one of them" in both.err


@pytest.mark.parametrize("command", ["plan", "apply"])
def test_show_unmanaged_lists_every_resource_left_alone(sandbox, cli, write, command):
    argv = command_line(command, write(CATALOG))
    summarised = cli(sandbox, *argv)
    listed = cli(sandbox, *argv, "--show-unmanaged")
    assert (summarised.code, listed.code) == (0, 0)
    assert "2 options not in the catalog (pruning off): Volume, decibels" in summarised.out
    assert "    option Volume: not in the catalog (pruning off)" in listed.out
    assert "    option decibels: not in the catalog (pruning off)" in listed.out
    assert "    option Volume: not in the catalog" not in summarised.out


def test_apply_report_writes_every_outcome_as_json(sandbox, cli, write, tmp_path):
    report = tmp_path / "report.json"
    applied = cli(sandbox, "apply", write(CATALOG), "--yes", "--report", str(report))
    assert applied.code == 0, applied.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["format_version"] == 1 and data["ok"] is True
    assert data["summary"] == {"applied": 1, "failed": 0, "skipped": 0}
    [outcome] = data["outcomes"]
    assert (outcome["op"], outcome["kind"], outcome["key"], outcome["status"]) == (
        "create",
        "product",
        "NEW-1",
        "applied",
    )
    assert outcome["vendor_id"].isdigit()
    products = requests.get(
        f"{sandbox.url}/products/list_products", headers=ACCEPT, auth=AUTH, timeout=10
    ).json()["products"]
    assert {p["vendor_product_id"]: p["product_id"] for p in products}["NEW-1"] == outcome["vendor_id"]


# --- the table is complete, and names real tests ------------------------------------------------------------


def flags_of(parser: argparse.ArgumentParser) -> list[str]:
    """A parser's options by first option string and positionals by dest; not -h/--help or subcommands."""
    return [
        action.option_strings[0] if action.option_strings else action.dest
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
    ]


def parser_flags() -> list[tuple[str, str]]:
    parser = build_parser()
    pairs = [("", flag) for flag in flags_of(parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                pairs += [(name, flag) for flag in flags_of(sub)]
    return pairs


def test_every_flag_has_a_test_of_its_effect():
    pairs = parser_flags()
    assert ("plan", "--out") in pairs and ("", "-q") in pairs and ("sandbox", "--port") in pairs  # the walk
    missing = [pair for pair in pairs if not EFFECTS.get(pair)]
    gone = [pair for pair in EFFECTS if pair not in pairs]
    assert (missing, gone) == ([], []), (
        f"flags without a test of their effect (add one and list it in EFFECTS): {missing}; "
        f"EFFECTS entries for flags the parser no longer has: {gone}"
    )


_modules: dict[str, ModuleType] = {}


def module_at(path: str) -> ModuleType:
    """The test module at ``path`` (relative to the repository), imported by path under a private name."""
    if path not in _modules:
        name = "_flag_effects_" + re.sub(r"\W", "_", path)
        spec = importlib.util.spec_from_file_location(name, ROOT / path)
        assert spec is not None and spec.loader is not None, path
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _modules[path] = module
    return _modules[path]


def test_every_named_effect_test_exists():
    problems = []
    for pair, node_ids in EFFECTS.items():
        for node_id in node_ids:
            path, _, name = re.sub(r"\[[^\]]*\]$", "", node_id).partition("::")
            if not (ROOT / path).is_file():
                problems.append(f"{pair}: {node_id}: no file {path}")
                continue
            target: Any = module_at(path)
            for part in name.split("::"):
                target = getattr(target, part, None)
            if not (callable(target) and name.split("::")[-1].startswith("test")):
                problems.append(f"{pair}: {node_id}: no test {name} in {path}")
    assert problems == []
