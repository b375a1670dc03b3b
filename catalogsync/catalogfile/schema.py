"""The JSON Schema (draft 2020-12) of the catalog file, derived from the models.

Editors use it through a modeline (``# yaml-language-server: $schema=...``). It describes what a YAML editor
sees, so amounts accept numbers and numeric strings. The loader remains the authority: it also checks decimal
places, the cross-field rules and the references, which a schema cannot express.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from catalogsync.catalog import Catalog
from catalogsync.kinds import KINDS
from catalogsync.kinds.base import MAX_AMOUNT

DIALECT = "https://json-schema.org/draft/2020-12/schema"
AMOUNT_PATTERN = r"^\s*[0-9]{1,8}(\.[0-9]{1,2})?\s*$"


class _CatalogSchema(GenerateJsonSchema):
    """Pydantic's generator with amounts as YAML writes them."""

    def decimal_schema(self, schema: core_schema.DecimalSchema) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_AMOUNT)},
                {"type": "string", "pattern": AMOUNT_PATTERN},
            ],
            "description": "An amount: 0 or more, at most two decimal places (19.99, 0.50, 5).",
        }


def catalog_schema() -> dict[str, Any]:
    """The JSON Schema of a catalog file."""
    schema = Catalog.model_json_schema(schema_generator=_CatalogSchema)
    properties, definitions = schema["properties"], schema["$defs"]
    for kind in KINDS:
        properties[kind.section]["propertyNames"] = {"minLength": 1}
        definitions["Adopt"]["properties"][kind.section]["propertyNames"] = {"minLength": 1}
        previous = definitions[kind.model.__name__]["properties"]["previous_keys"]
        previous["items"]["minLength"] = 1
        previous["description"] = f"The {kind.key_label}s it had before: a live one is renamed in place."
    for name, section in list(properties.items()):
        properties[name] = {"anyOf": [section, {"type": "null"}], "title": section.pop("title", name.title())}
    return {
        "$schema": DIALECT,
        "title": "catalogsync catalog",
        "description": "Options, products and coupons of a 2Checkout account, and the settings of plan and"
        " apply. A field left out of a resource is not managed. Reference: docs/catalog.md.",
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }
