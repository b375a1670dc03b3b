"""The JSON Schema: derived from the models, shipped for the modeline, and accepting the example."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, get_origin

import pytest
import yaml
from jsonschema import Draft202012Validator

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.loader import load
from catalogsync.catalogfile.schema import catalog_schema
from catalogsync.kinds import KINDS, Model
from catalogsync.messages import inner_model
from tests.catalog.schema_walk import field_paths

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "catalog.yaml"


def as_json(value: Any) -> Any:
    """YAML data as a JSON-based editor sees it: text keys, dates as strings."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def errors(schema: dict[str, Any], node: dict[str, Any], value: Any) -> list[str]:
    """What a real JSON Schema validator (draft 2020-12) says of ``value`` against ``node`` of ``schema``."""
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator({**node, "$defs": schema.get("$defs", {})})
    return [error.message for error in validator.iter_errors(value)]


def schema_errors(document: Any) -> list[str]:
    schema = catalog_schema()
    return errors(schema, schema, as_json(document))


def test_header() -> None:
    schema = catalog_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "catalogsync catalog"
    assert schema["additionalProperties"] is False
    json.dumps(schema)


def test_shipped_schema_is_the_generated_one() -> None:
    """catalog.schema.json (named by the example's modeline) is `catalogsync schema` output, regenerated."""
    shipped = (ROOT / "catalog.schema.json").read_text(encoding="utf-8")
    assert shipped == json.dumps(catalog_schema(), indent=2) + "\n", (
        "run: catalogsync schema > catalog.schema.json"
    )


def test_example_modeline_names_the_shipped_schema() -> None:
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../catalog.schema.json"
    assert (EXAMPLE.parent / "../catalog.schema.json").resolve() == ROOT / "catalog.schema.json"


def model_paths(model: type[Model], prefix: str) -> set[str]:
    """Every field of a model and of the models inside it, as schema paths."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}.{name}" if prefix else name
        paths.add(path)
        inner = inner_model(info.annotation)
        if inner is not None:
            paths |= model_paths(inner, f"{path}[]" if get_origin(info.annotation) is list else path)
    return paths


def test_every_model_field_is_in_the_schema() -> None:
    expected = {"settings", *model_paths(Catalog.model_fields["settings"].annotation, "settings")}
    expected |= {"adopt", *model_paths(Catalog.model_fields["adopt"].annotation, "adopt")}
    for kind in KINDS:
        expected |= {kind.section, *model_paths(kind.model, f"{kind.section}.<{kind.key_label}>")}
    paths = field_paths(catalog_schema())
    assert sorted(paths) == sorted(expected)
    assert len(paths) == len(set(paths))


def test_amounts_accept_numbers_and_numeric_strings() -> None:
    schema = catalog_schema()
    price = schema["$defs"]["Product"]["properties"]["price"]
    assert (
        errors(schema, price, 19.99) == []
        and errors(schema, price, "19.99") == []
        and errors(schema, price, 5) == []
    )
    assert errors(schema, price, -1) and errors(schema, price, "19.999") and errors(schema, price, True)


def test_the_example_is_valid_for_the_loader_and_the_schema() -> None:
    catalog = load(EXAMPLE)
    assert {"LTP-003", "OP-T", "123456789", "TSHIRT-RED", "TEE-CLUB"} <= set(catalog.products)
    assert schema_errors(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))) == []


def test_the_example_shows_every_field_and_setting() -> None:
    document = as_json(yaml.safe_load(EXAMPLE.read_text(encoding="utf-8")))
    written: set[str] = set()

    def collect(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                section = path in {kind.section for kind in KINDS}
                child = f"{path}.<{_label(path)}>" if section else (f"{path}.{key}" if path else key)
                written.add(child)
                collect(item, child)
        elif isinstance(value, list):
            for item in value:
                collect(item, f"{path}[]")

    collect(document, "")
    # adopt entries name ids of one account, and are deleted once applied: docs/catalog.md shows them
    assert {path for path in field_paths(catalog_schema()) if not path.startswith("adopt")} <= written


def _label(section: str) -> str:
    return next(kind.key_label for kind in KINDS if kind.section == section)


@pytest.mark.parametrize(
    "document",
    [
        {"extra": {}},
        {"products": {"X": {"name": "A"}}},
        {"products": {"X": {"name": "A", "price": 1, "colour": "red"}}},
        {"products": {"": {"name": "A", "price": 1}}},
        {"coupons": {"C": {"type": "discount", "expires": "2027-01-01"}}},
        {"options": {"O": {"values": []}}},
        {"settings": {"prune": {"options": "yes"}}},
    ],
)
def test_the_schema_refuses_wrong_shapes(document: dict[str, Any]) -> None:
    assert schema_errors(document)


def test_empty_sections_are_allowed_by_both() -> None:
    assert schema_errors({"options": None, "products": {}, "settings": None}) == []
