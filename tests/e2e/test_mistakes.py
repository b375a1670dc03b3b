"""Common mistakes end in one line naming what is wrong and what to do, exit 1, nothing written, and no
request made when the mistake can be seen before the first one (nothing listens at the URL used here)."""

from __future__ import annotations

import argparse

import pytest

from catalogsync.cli import build_parser, main

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
