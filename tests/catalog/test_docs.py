"""docs/catalog.md documents every field of the schema, and nothing else; its examples are real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalogsync.catalogfile.loader import load
from catalogsync.catalogfile.schema import catalog_schema
from catalogsync.errors import CatalogError
from tests.catalog.schema_walk import field_paths

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalog.md"
TABLE_HEADER = "| Field | Type | Default | Meaning |"


def documented_fields() -> list[str]:
    """The first cell of every row of the field tables."""
    fields: list[str] = []
    in_table = False
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line == TABLE_HEADER:
            in_table = True
        elif in_table and line.startswith("| `"):
            fields.append(line.split("`")[1])
        elif not line.startswith("|"):
            in_table = False
    return fields


def test_every_schema_field_is_documented_and_vice_versa() -> None:
    documented = documented_fields()
    assert len(documented) == len(set(documented)), "a field is documented twice"
    assert sorted(documented) == sorted(field_paths(catalog_schema()))


def test_the_problems_example_is_real(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Problems") :]
    source = re.search(r"```yaml\n(.*?)```", section, re.S)
    shown = re.search(r"```text\n\$ catalogsync validate catalog.yaml\n(.*?)```", section, re.S)
    assert source and shown
    path = tmp_path / "catalog.yaml"
    path.write_text(source.group(1), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load(path)
    assert f"Error: {caught.value}\n".replace(str(path), "catalog.yaml") == shown.group(1)


def test_the_opening_example_is_valid(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    source = re.search(r"```yaml\n(.*?)```", text, re.S)
    assert source
    path = tmp_path / "catalog.yaml"
    path.write_text(source.group(1), encoding="utf-8")
    assert set(load(path).products) == {"TSHIRT-RED"}


def test_the_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = DOC.read_text(encoding="utf-8")
    source = re.search(r"```python\n(.*?)```", text[text.index("## From Python") :], re.S)
    assert source
    monkeypatch.chdir(DOC.parent.parent)
    exec(compile(source.group(1), str(DOC), "exec"), {})
