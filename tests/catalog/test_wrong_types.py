"""Every field of the schema, given a value of each YAML type, is at most one type problem at the field, and
it shows the value as YAML writes it (``null``, ``true``, ``a list``), never as Python names its type."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import yaml

from catalogsync.catalogfile.loader import loads
from catalogsync.catalogfile.schema import catalog_schema
from catalogsync.errors import CatalogError
from catalogsync.messages import show
from tests.catalog.schema_walk import field_paths

BASE: dict[str, dict[str, Any]] = {
    "options": {"O": {"values": [{"name": "v", "surcharge": 1}]}},
    "products": {"X": {"name": "A", "price": 1}},
    "coupons": {"C": {"type": "sale", "percent_off": 10, "expires": dt.date(2027, 1, 1)}},
    "adopt": {},
    "settings": {},
}
"""A valid resource of each section, whose fields the test replaces one by one."""
VALUES = [None, True, 5, 1.5, "text", dt.date(2027, 1, 1), [1], {"a": 1}]
"""A value of every type YAML reads."""
PART = re.compile(r"<[^>]+>|\[\]|[^.\[\]]+")


def placed(path: str, value: Any) -> tuple[str, str]:
    """The catalog text with ``value`` at the schema ``path``, and the path a problem there names."""
    section, *parts = PART.findall(path)
    document = {section: yaml.safe_load(yaml.safe_dump(BASE[section]))}
    holder: Any = document
    slot: Any = section
    named = section
    for part in parts:
        if part.startswith("<"):
            part = next(iter(BASE[section]), "K")
        inner = holder[slot]
        if part == "[]":
            if not isinstance(inner, list):
                holder[slot] = inner = [{}]
            holder, slot, named = inner, 0, f"{named}[0]"
            continue
        if not isinstance(inner, dict):
            holder[slot] = inner = {}
        inner.setdefault(part, None)
        holder, slot, named = inner, part, f"{named}.{part}"
    holder[slot] = value
    return yaml.safe_dump(document), named


def messages_at(text: str, path: str) -> list[str]:
    try:
        loads(text, "c.yaml")
    except CatalogError as error:
        return [problem.message for problem in error.problems if problem.path == path]
    return []


@pytest.mark.parametrize("path", field_paths(catalog_schema()))
def test_a_value_of_the_wrong_type_is_named_as_yaml_writes_it(path: str) -> None:
    wrong = []
    for value in VALUES:
        text, where = placed(path, value)
        found = [message for message in messages_at(text, where) if "got " in message]
        if len(found) > 1 or any(f"got {show(value)}" not in message for message in found):
            wrong.append(f"{value!r}: {found}")
    assert not wrong, "\n".join(wrong)
