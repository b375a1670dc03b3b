"""Common mistakes end in one line naming what is wrong and what to do, exit 1, nothing written, and no
request made when the mistake can be seen before the first one (nothing listens at the URL used here)."""

from __future__ import annotations

import argparse
import json
import math
import os
import threading

import pytest

from catalogsync.cli import build_parser, main
from catalogsync.paths import output_argument, path_argument
from catalogsync.sandbox.cli import faults_of
from catalogsync.sandbox.faults import Injector

NOTHING_LISTENS = "http://127.0.0.1:9/api"
CATALOG = "products:\n  P: {name: P, price: 1.00}\n"


def output_mistakes(tmp_path):
    missing = tmp_path / "no-such-folder" / "file"
    folder = tmp_path / "a-folder"
    folder.mkdir()
    absent = f"the folder {missing.parent} does not exist; create it first"
    a_folder = "is a folder; name a file in it"
    return [
        (["plan", "{catalog}", "--out", str(missing)], f"--out {missing}: {absent}"),
        (["plan", "{catalog}", "--out", str(folder)], f"--out {folder}: {a_folder}"),
        (["export", "-o", str(missing)], f"-o {missing}: {absent}"),
        (["export", "-o", f"{missing}/"], f"-o {missing}/: {absent}"),  # a folder to create, in none
        (["apply", "{catalog}", "--yes", "--report", str(missing)], f"--report {missing}: {absent}"),
        (["apply", "{catalog}", "--yes", "--report", str(folder)], f"--report {folder}: {a_folder}"),
        (["plan", "{catalog}", "--log-file", str(missing)], f"--log-file {missing}: {absent}"),
        (["export", "--log-file", str(folder)], f"--log-file {folder}: {a_folder}"),
    ]


def test_unusable_output_paths_are_refused_before_any_request(cli, write, tmp_path):
    catalog = write(CATALOG)
    for argv, message in output_mistakes(tmp_path):
        result = cli(NOTHING_LISTENS, *[catalog if a == "{catalog}" else a for a in argv])
        assert (result.code, result.out, result.err) == (1, "", f"Error: {message}\n")
    assert not (tmp_path / "no-such-folder").exists()


def unreadable_inputs(tmp_path):
    """Paths a hand or a script may give where a catalog (or a saved plan) belongs, none of them readable as
    one, and the one line that names each."""
    missing, empty, pipe, dangling = (tmp_path / name for name in ("missing.json", "empty", "pipe", "link"))
    empty.mkdir()
    os.mkfifo(pipe)
    dangling.symlink_to(tmp_path / "gone.yaml")
    return {
        "missing": (str(missing), f"{missing}: no such file or folder"),
        "a pipe": (str(pipe), f"{pipe}: not a regular file (a pipe or a device?)"),  # reading it would block
        "a dangling link": (str(dangling), f"{dangling}: no such file or folder"),
        "an empty folder": (
            str(empty),
            f"{empty}: the folder holds no catalog file (*.yaml or *.yml; hidden",
        ),
    }


@pytest.mark.parametrize("command", ["validate", "plan", "apply", "apply --catalog"])
def test_an_unreadable_input_path_is_one_line_before_any_request(command, cli, sandbox, write, tmp_path):
    """Exit 1 and one line naming the path, for every command that reads one, whether the path was meant as
    a catalog or a saved plan; nothing is read from the account."""
    argv = {"plan": ["plan"], "validate": ["validate"], "apply": ["apply", "--yes"]}.get(command, [])
    if command == "apply --catalog":
        plan = str(tmp_path / "plan.json")
        assert cli(sandbox, "plan", write(CATALOG), "--out", plan).code == 0
        argv = ["apply", plan, "--catalog"]
    served = sandbox.stats()["requests"]
    for kind, (path, message) in unreadable_inputs(tmp_path).items():
        result = cli(None if command == "validate" else sandbox, *argv, path)
        assert (result.code, result.out) == (1, ""), kind
        assert result.err.startswith(f"Error: {message}") and result.err.count("\n") == 1, (kind, result.err)
    assert sandbox.stats()["requests"] == served


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_saved_plan_given_as_a_catalog_is_named(sandbox, cli, write, tmp_path, command):
    plan = str(tmp_path / "plan.json")
    assert cli(sandbox, "plan", write(CATALOG), "--out", plan).code == 0
    result = cli(sandbox if command == "plan" else None, command, plan)
    assert result.code == 1
    assert (
        result.err
        == f"Error: {plan}: this is a saved plan, not a catalog; apply it with: catalogsync apply {plan}\n"
    )


def test_no_command_prints_the_help_and_exits_1(capsys):
    assert main([]) == 1
    err = capsys.readouterr().err
    assert err.startswith("usage: catalogsync") and "COMMAND" in err and "plan" in err


def every_action():
    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in [("", parser), *subparsers.choices.items()]:
        for action in sub._actions:
            if not isinstance(
                action, argparse._HelpAction | argparse._SubParsersAction | argparse._VersionAction
            ):
                yield name, action


@pytest.mark.parametrize(("command", "action"), list(every_action()), ids=lambda v: getattr(v, "dest", v))
def test_every_option_and_argument_has_help_with_its_default(command, action):
    assert action.help, f"{command} {action.option_strings or action.dest}: no help text"
    default = action.default
    flag = isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction | argparse._CountAction)
    if not flag and default not in (None, argparse.SUPPRESS):
        assert "default" in action.help, (
            f"{command} {action.option_strings}: the help does not give {default!r}"
        )


def test_an_api_url_without_api_gets_the_base_url_hint(sandbox, cli, write):
    result = cli(sandbox.url.removesuffix("/api"), "plan", write(CATALOG))
    assert (result.code, result.out) == (1, "")
    assert result.err.count("\n") == 1
    assert "HTTP 404: NOT_FOUND: Unknown API method." in result.err
    assert "(is the base URL right? it ends in /api, e.g. https://www.2checkout.com/api)" in result.err


def test_wrong_credentials_get_the_access_rights_hint(sandbox, cli, write, monkeypatch):
    monkeypatch.setenv("TWOCHECKOUT_PASSWORD", "wrong")
    result = cli(sandbox, "plan", write(CATALOG))
    assert (result.code, result.out) == (1, "")
    assert result.err.count("\n") == 1
    assert "HTTP 401: UNAUTHORIZED: Authentication failed" in result.err
    assert '"API Access" and "API Updating"' in result.err
    assert "wrong" not in result.err


EXTREMES = [
    *("0", "-1", "0.5", "nan", "inf", "-inf", "1e10", "1e13", "1e15", "1e300", "1e309"),
    *("99999999999999999999", "0x10", "", "٣"),
]
"""Values a hand, a script or a template may put in any numeric flag."""
NUMERIC = [
    (command, action)
    for command, action in every_action()
    if action.type and action.type is not path_argument and action.option_strings
]


@pytest.mark.parametrize(
    ("command", "action"), NUMERIC, ids=lambda v: getattr(v, "option_strings", [v])[-1] if v else "top"
)
def test_every_numeric_flag_takes_any_value_without_a_traceback_or_a_hang(command, action, cli, write):
    """Each value is refused in one line (exit 1) or used; a used one must not break what runs next (a
    parallelism of 10**20 once filled a connection pool's queue for ever, a timeout of 1e10 overflowed)."""
    flag = action.option_strings[-1]
    for value in EXTREMES:
        if command == "sandbox":  # it would serve for ever: its flags are checked as it checks them
            try:
                args = build_parser().parse_args(["sandbox", f"{flag}={value}"])
            except SystemExit as stop:
                assert stop.code == 1
                continue
            used = getattr(args, action.dest)  # an infinite latency was taken and then slept on every request
            assert not isinstance(used, float) or math.isfinite(used), f"{flag}={value}"
            faults = faults_of(args)  # a value the flag takes, the sandbox serves with
            if (
                faults is not None
            ):  # and sleeps: a latency of 1e13 ms overflowed the wait, dropping every request
                decision = Injector(faults).decide("products/list_products")
                assert threading.Lock().acquire(timeout=decision.delay + decision.hold), f"{flag}={value}"
            continue
        argv = [command, *([write(CATALOG)] if command != "export" else []), f"{flag}={value}"]
        result = cli(NOTHING_LISTENS, *argv, *(["--yes"] if command == "apply" else []))
        lines = [line for line in result.err.splitlines() if not line.startswith(("usage:", " "))]
        assert (result.code, result.out, len(lines)) == (1, "", 1), f"{flag}={value}: {result.err}"
        assert lines[0].startswith(("Error: ", f"catalogsync {command}: error: ")), f"{flag}={value}"


def test_catalog_with_a_catalog_is_refused_before_any_request(cli, write, sandbox):
    """``--catalog`` belongs to a saved plan: beside a catalog it would be silently ignored."""
    catalog, other = write(CATALOG), write(CATALOG, "other.yaml")
    result = cli(sandbox, "apply", catalog, "--catalog", other, "--yes")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"Error: --catalog names the catalog of a saved plan; {catalog} is a catalog: apply it alone\n"
    )
    assert sandbox.stats()["requests"] == 0


TAKES_A_VALUE = [
    (c, a) for c, a in every_action() if a.nargs != 0 and c and not isinstance(a, argparse._CountAction)
]
POSITIONALS = {"validate": ["c.yaml"], "plan": ["c.yaml"], "apply": ["c.yaml"]}


@pytest.mark.parametrize(
    ("command", "action"),
    TAKES_A_VALUE,
    ids=lambda v: (getattr(v, "option_strings", None) or [v.dest])[-1] if not isinstance(v, str) else v,
)
def test_an_empty_value_is_refused_never_taken_as_not_given(command, action, cli):
    """``--api-url "$URL"`` with the variable unset must not mean the real API, nor ``plan ""`` the current
    folder: every option and argument that takes a value refuses an empty one, before anything runs."""
    if action.option_strings:
        argv = [command, *POSITIONALS.get(command, []), f"{action.option_strings[-1]}="]
    else:
        given = POSITIONALS.get(command, [])
        argv = [command, *given[:-1], ""] if given else [command, ""]
    result = cli(None, *argv)
    name = "/".join(action.option_strings) or action.metavar
    assert (result.code, result.out) == (1, ""), result.err
    assert result.err.splitlines()[-1].startswith(f"catalogsync {command}: error: argument {name}"), (
        result.err
    )


PATH_METAVARS = {"CATALOG", "CATALOG|PLAN", "PLAN", "FILE", "FILE|FOLDER/", "PATH"}
PATHS = [(command, action) for command, action in every_action() if action.metavar in PATH_METAVARS]


def unusable_paths(tmp_path):
    """Paths no system call can take, and why (the suffix of the usage error)."""
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    return {
        "a name over 255 bytes": ("a" * 300, "the path is too long for this system (File name too long)"),
        "over PATH_MAX": (
            "b/" * 3000 + "x.yaml",
            "the path is too long for this system (File name too long)",
        ),
        "a loop of links": (
            str(loop),
            "the path is a loop of symbolic links (Too many levels of symbolic links)",
        ),
    }


def test_every_path_argument_is_checked_as_a_path():
    assert {action.type for _, action in PATHS} == {path_argument, output_argument}, (
        "a path argument without type=path_argument (or output_argument, where '-' is stdout)"
    )
    assert len(PATHS) >= 9


TO_STDOUT = {("export", "output")}
"""The path arguments where ``-`` means standard output, as when they are not given."""


@pytest.mark.parametrize(("command", "action"), PATHS, ids=lambda v: getattr(v, "dest", v))
def test_a_dash_is_standard_output_or_refused_never_a_file_called_dash(
    command, action, cli, sandbox, tmp_path, monkeypatch
):
    """``-o -`` wrote a file called ``-``; everywhere else ``-`` would read or write one too."""
    monkeypatch.chdir(tmp_path)
    name = "/".join(action.option_strings) or action.metavar
    if action.option_strings:
        argv = [command, *POSITIONALS.get(command, []), action.option_strings[-1], "-"]
    else:
        argv = [command, "-"]
    result = cli(sandbox, *argv)
    assert not (tmp_path / "-").exists()
    if (command, action.dest) in TO_STDOUT:
        assert (result.code, result.out) == (0, cli(sandbox, command).out), result.err
    else:
        assert (result.code, result.out) == (1, ""), result.err
        assert result.err.splitlines()[-1] == (
            f"catalogsync {command}: error: argument {name}: '-' (standard input or output) is not taken"
            " here: name a file"
        )


@pytest.mark.parametrize(("command", "action"), PATHS, ids=lambda v: getattr(v, "dest", v))
def test_a_path_the_system_refuses_is_a_usage_error_naming_its_argument(command, action, cli, tmp_path):
    """Not a traceback from the first stat() (ENAMETOOLONG, ELOOP) wherever the path is used."""
    name = "/".join(action.option_strings) or action.metavar
    for kind, (path, why) in unusable_paths(tmp_path).items():
        if action.option_strings:
            argv = [command, *POSITIONALS.get(command, []), action.option_strings[-1], path]
        else:
            argv = [command, path]
        result = cli(None, *argv)
        assert (result.code, result.out) == (1, ""), (kind, result.err)
        assert result.err.splitlines()[-1] == f"catalogsync {command}: error: argument {name}: {why}", kind


def test_a_saved_plan_naming_a_catalog_path_the_system_refuses_is_one_line(cli, sandbox, write, tmp_path):
    plan = tmp_path / "plan.json"
    assert cli(sandbox, "plan", write(CATALOG), "--out", str(plan)).code == 0
    saved = json.loads(plan.read_text(encoding="utf-8"))
    for path in ("a" * 300, "b/" * 3000):
        plan.write_text(json.dumps({**saved, "catalog_path": path}), encoding="utf-8")
        result = cli(sandbox, "apply", str(plan))
        assert (result.code, result.out) == (1, ""), result.err
        assert result.err.startswith("Error: the plan's catalog ") and result.err.count("\n") == 1
