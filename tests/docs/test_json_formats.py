"""The JSON documents for programs (``plan --format json``, ``apply --report``) hold exactly the fields that
docs/ci.md ('Machine-readable output') lists, each of the type it gives: a field added, renamed or dropped
without its row fails here (pure: documents rendered from plans and reports built in memory)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from catalogsync.diff import Change
from catalogsync.execute import ApplyReport, Outcome
from catalogsync.render import render
from catalogsync.report import report_json
from tests.engine.test_render import sample_plan

DOC = Path(__file__).resolve().parents[2] / "docs" / "ci.md"
OPAQUE = {"changes[].before", "changes[].after", "changes[].fields[].old", "changes[].fields[].new"}
"""Values whose shape is the catalog's (docs/catalog.md) or any field's: not walked into."""
TYPES: dict[str, tuple[type, ...]] = {
    "integer": (int,),
    "boolean": (bool,),
    "text": (str,),
    "list": (list,),
    "list of text": (list,),
    "object or null": (dict, type(None)),
    "text or null": (str, type(None)),
    "any": (object,),
}


def documented(title: str) -> dict[str, str]:
    """Each field path of the table that follows the line ``title``, with its type."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(title) + 1
    while not lines[start].startswith("|"):
        start += 1
    fields: dict[str, str] = {}
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        paths_cell, type_cell = (cell.strip() for cell in line.strip("|").split("|")[:2])
        paths = re.findall(r"`([^`]+)`", paths_cell)
        types = [t.strip() for t in type_cell.split(",")]
        types = types if len(types) == len(paths) else [type_cell] * len(paths)
        fields.update(zip(paths, types, strict=True))
    return fields


def emitted(value: Any, path: str = "", into: dict[str, set[type]] | None = None) -> dict[str, set[type]]:
    """Every field path of a JSON value (``a.b``, ``a[].b`` for the items of a list), with the types seen; an
    object is known by its fields, the items of a list by their fields."""
    into = {} if into is None else into
    walked = isinstance(value, dict) and path not in OPAQUE
    if path and not walked and not path.endswith("[]"):
        into.setdefault(path, set()).add(type(value))
    if path in OPAQUE:
        return into
    if isinstance(value, dict):
        for key, item in value.items():
            emitted(item, f"{path}.{key}" if path else key, into)
    elif isinstance(value, list):
        for item in value:
            emitted(item, f"{path}[]", into)
    return into


def every_kind_of_report() -> ApplyReport:
    """An outcome of every status, with and without a previous key and a vendor id."""
    outcomes = [
        Outcome(Change("create", "option", "Size"), "applied", "", "9"),
        Outcome(
            Change("rename", "product", "HAT-2027", source="HAT"),
            "failed",
            "HTTP 400: PARAMETER_INVALID",
            "7",
        ),
        Outcome(Change("adopt", "product", "API-PRODUCT", source="4635212971"), "applied", "", "8"),
        Outcome(Change("delete", "coupon", "OLD"), "skipped", "interrupted before it started"),
    ]
    return ApplyReport(outcomes, interrupted=True, gave_up="not started: the API stopped answering")


def fits(seen: type, allowed: tuple[type, ...]) -> bool:
    """Whether a JSON value of type ``seen`` is of a documented type (a boolean is not an integer)."""
    return object in allowed or seen in allowed or (seen is not bool and issubclass(seen, allowed))


DOCUMENTS = {
    "`plan --format json`:": lambda: render(sample_plan(), "json"),
    "`apply --report FILE`:": lambda: report_json(every_kind_of_report()),
}


@pytest.mark.parametrize("title", DOCUMENTS)
def test_the_fields_are_those_documented(title):
    fields = emitted(json.loads(DOCUMENTS[title]()))
    assert sorted(fields) == sorted(documented(title))


@pytest.mark.parametrize("title", DOCUMENTS)
def test_each_field_has_its_documented_type(title):
    fields, types = emitted(json.loads(DOCUMENTS[title]())), documented(title)
    for path, seen in fields.items():
        allowed = TYPES[types[path]]
        wrong = {t for t in seen if not fits(t, allowed)}
        assert not wrong, f"{path}: documented as {types[path]}, seen {wrong}"
