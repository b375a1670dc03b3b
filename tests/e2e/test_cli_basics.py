"""Help, version and the schema command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from catalogsync import __version__
from catalogsync.cli import main

COMMANDS = ["validate", "plan", "apply", "export", "schema", "sandbox"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "example:" in out
    assert f"catalogsync {command}" in out


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"catalogsync {__version__}"


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
