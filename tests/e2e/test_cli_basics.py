"""Help, version and the schema command."""

from __future__ import annotations

import json

import pytest

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


def test_schema_is_json_with_the_catalog_sections(cli):
    result = cli(None, "schema")
    assert result.code == 0
    schema = json.loads(result.out)
    assert {"options", "products", "coupons", "settings"} <= set(schema["properties"])


def test_missing_credentials_are_explained(cli, write, monkeypatch):
    monkeypatch.delenv("TWOCHECKOUT_USERNAME")
    result = cli(None, "plan", write("products: {}\n"))
    assert result.code == 1
    assert "TWOCHECKOUT_USERNAME" in result.err and "--sandbox" in result.err
