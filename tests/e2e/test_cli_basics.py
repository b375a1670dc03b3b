"""Help, version and the schema command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from catalogsync import __version__
from catalogsync.arguments import EXAMPLES, build_parser
from catalogsync.cli import main

COMMANDS = ["validate", "plan", "apply", "export", "schema", "sandbox"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, capsys):
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "example:" in out
    assert f"catalogsync {command}" in out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"catalogsync {__version__}"


@pytest.mark.parametrize(
    "argv",
    [
        ["plan"],
        ["plan", "c.yaml", "--detailed-exitcode", "--frobnicate"],
        ["plna", "c.yaml"],
        ["plan", "c.yaml", "--format", "yaml"],
        ["plan", "c.yaml", "--parallelism", "0"],
        ["sandbox", "--port", "99999"],
        ["sandbox", "--port", "http"],
    ],
)
def test_usage_errors_exit_1_with_the_usage_line(argv, capsys):
    """Exit 2 means "changes present" under --detailed-exitcode: a typo must not read as drift."""
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    usage, error = captured.err.strip().splitlines()[-2:]
    assert usage.startswith("usage: catalogsync") or "usage:" in captured.err
    assert error.startswith("catalogsync") and ": error: " in error
    assert "Traceback" not in captured.err


def test_schema_is_json_and_validates_the_example(cli):
    result = cli(None, "schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert {"options", "products", "coupons", "settings"} <= set(schema["properties"])
    example = _as_json(yaml.safe_load(Path("examples/catalog.yaml").read_text()))
    assert list(Draft202012Validator(schema).iter_errors(example)) == []
    example["products"]["TEE-CLUB"]["price"] = "free"
    assert [e.message for e in Draft202012Validator(schema).iter_errors(example)]


def _as_json(value):
    """YAML data as a JSON-based editor sees it: text keys, dates as strings."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_missing_credentials_are_explained(cli, write, monkeypatch):
    monkeypatch.delenv("TWOCHECKOUT_USERNAME")
    result = cli(None, "plan", write("products: {}\n"))
    assert result.code == 1
    assert "TWOCHECKOUT_USERNAME" in result.err and "--sandbox" in result.err


def test_a_mistyped_command_gets_a_suggestion(capsys):
    assert main(["plna", "c.yaml"]) == 1
    assert "(did you mean 'plan'?)" in capsys.readouterr().err


def _long_flags() -> list[tuple[str, str]]:
    """Every subcommand's long flags, read from the parser: a flag added later is covered too."""
    parser = build_parser()
    return [
        (name, flag)
        for name in EXAMPLES
        for action in parser.command(name)._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag != "--help"
    ]


def _mistyped(flag: str) -> str:
    """``flag`` with two letters swapped: no prefix of it, which argparse would take as an abbreviation."""
    letters = flag[2:]
    at = next(
        i for i in range(max(0, len(letters) // 2 - 1), len(letters) - 1) if letters[i] != letters[i + 1]
    )
    return "--" + letters[:at] + letters[at + 1] + letters[at] + letters[at + 2 :]


@pytest.mark.parametrize(("command", "flag"), _long_flags())
def test_a_mistyped_flag_is_named_by_its_commands_usage_with_the_flag_meant(command, flag, capsys):
    typo = _mistyped(flag)
    assert main([command, typo, "1"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"usage: catalogsync {command} ")
    assert f"catalogsync {command}: error: unrecognized arguments: {typo}" in err
    assert f"(did you mean {flag!r}?)" in err


def test_errors_found_after_parsing_show_the_commands_usage(capsys):
    assert main(["plan", "c.yaml", "-q", "-v"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("usage: catalogsync plan ")
    assert "catalogsync plan: error: -q and -v ask for less and more output" in err


def test_validate_counts_in_words(cli, write):
    path = write(
        "options:\n  Size: {values: [{name: S, surcharge: 0}]}\nproducts:\n  P: {name: p, price: 1}\n"
    )
    assert cli(None, "validate", path).out == f"{path}: valid (1 option, 1 product, 0 coupons)\n"
