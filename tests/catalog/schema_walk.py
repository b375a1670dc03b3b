"""Test helpers for the JSON Schema: the documented field paths, and a small validator for its keywords.

``jsonschema`` is not a dependency, so :func:`errors` implements exactly the keywords that
:func:`catalogsync.schema.catalog_schema` uses, and refuses any other keyword so that it cannot skip one.
"""

from __future__ import annotations

import re
from typing import Any

from catalogsync.kinds import KINDS

PLACEHOLDERS = {kind.section: f"<{kind.key_label}>" for kind in KINDS}
ANNOTATIONS = {"$schema", "$defs", "title", "description", "default", "format"}
TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def field_paths(root: dict[str, Any]) -> list[str]:
    """Every property of the schema as a dotted path: ``products.<code>.recurring.duration``."""
    found: list[str] = []

    def walk(node: dict[str, Any], path: str) -> None:
        node = resolve(root, node)
        for branch in node.get("anyOf", []):
            walk(branch, path)
        for name, sub in node.get("properties", {}).items():
            found.append(f"{path}.{name}" if path else name)
            walk(sub, found[-1])
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{path}.{PLACEHOLDERS[path]}")
        if "items" in node:
            walk(node["items"], f"{path}[]")

    walk(root, "")
    return found


def errors(root: dict[str, Any], node: dict[str, Any], value: Any, path: str = "") -> list[str]:
    """Why ``value`` does not match ``node`` (empty when it does)."""
    node = resolve(root, node)
    unknown = set(node) - ANNOTATIONS - {keyword for keywords, _ in CHECKS for keyword in keywords}
    assert not unknown, f"the test validator does not know {unknown}"
    found: list[str] = []
    for keywords, check in CHECKS:
        if keywords & node.keys():
            found += check(root, node, value, path)
    return found


def _type(root: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> list[str]:
    expected = TYPES[node["type"]]
    wrong_bool = isinstance(value, bool) and node["type"] in ("integer", "number")
    return [] if isinstance(value, expected) and not wrong_bool else [f"{path}: not {node['type']}"]


def _any_of(root: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> list[str]:
    results = [errors(root, branch, value, path) for branch in node["anyOf"]]
    return [] if any(not r for r in results) else [f"{path}: matches no branch: {results}"]


def _object(root: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    found: list[str] = []
    extra = node.get("additionalProperties", True)
    for key, item in value.items():
        if key in node.get("properties", {}):
            found += errors(root, node["properties"][key], item, f"{path}.{key}")
        elif extra is False:
            found.append(f"{path}.{key}: not allowed")
        elif isinstance(extra, dict):
            found += errors(root, extra, item, f"{path}.{key}")
    found += [f"{path}.{name}: missing" for name in node.get("required", []) if name not in value]
    found += [f"{path}: bad key {k!r}" for k in value if errors(root, node.get("propertyNames", {}), k)]
    return found


def _array(root: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> list[str]:
    if not isinstance(value, list):
        return []
    found = [f"{path}: too short"] if len(value) < node.get("minItems", 0) else []
    for index, item in enumerate(value):
        found += errors(root, node.get("items", {}), item, f"{path}[{index}]")
    return found


def _bounds(root: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> list[str]:
    if isinstance(value, str):
        low, high, size = node.get("minLength", 0), node.get("maxLength", float("inf")), len(value)
        pattern = node.get("pattern")
        bad = not low <= size <= high or (pattern is not None and not re.search(pattern, value))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        bad = not node.get("minimum", -float("inf")) <= value <= node.get("maximum", float("inf"))
    else:
        bad = False
    return [f"{path}: out of bounds"] if bad else []


def _enum(root: dict[str, Any], node: dict[str, Any], value: Any, path: str) -> list[str]:
    return [] if value in node["enum"] else [f"{path}: not one of {node['enum']}"]


CHECKS = [
    ({"type"}, _type),
    ({"anyOf"}, _any_of),
    ({"enum"}, _enum),
    ({"properties", "additionalProperties", "required", "propertyNames"}, _object),
    ({"items", "minItems"}, _array),
    ({"minLength", "maxLength", "pattern", "minimum", "maximum"}, _bounds),
]
