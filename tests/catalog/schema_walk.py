"""Test helper for the JSON Schema: every field it describes, as a dotted path."""

from __future__ import annotations

from typing import Any

from catalogsync.kinds import KINDS

PLACEHOLDERS = {kind.section: f"<{kind.key_label}>" for kind in KINDS} | {
    f"adopt.{kind.section}": f"<{kind.key_label}>" for kind in KINDS
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
