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


def field_paths(root: dict[str, Any], *, required: bool = False) -> list[str]:
    """Every property of the schema (or every required one) as a dotted path: ``products.<code>.price``."""
    found: list[str] = []

    def walk(node: dict[str, Any], path: str) -> None:
        node = resolve(root, node)
        for branch in node.get("anyOf", []):
            walk(branch, path)
        for name, sub in node.get("properties", {}).items():
            inner = f"{path}.{name}" if path else name
            if not required or name in node.get("required", ()):
                found.append(inner)
            walk(sub, inner)
        if isinstance(node.get("additionalProperties"), dict):
            walk(node["additionalProperties"], f"{path}.{PLACEHOLDERS[path]}")
        if "items" in node:
            walk(node["items"], f"{path}[]")

    walk(root, "")
    return found
