"""Text written plain that YAML reads as something else (a number, a boolean, a date) is a problem at that
place telling to quote it, in every text field and list of keys of the catalog; a plain ``<<`` there is the
text ``<<`` (it merges only as a key).

``name: <<`` (an option value called ``<<``, hand-typed) said ``the tag !!merge is not allowed``: a tag the
file does not hold. The places come from the catalog's JSON Schema, so a new text field is covered as it is
added.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from catalogsync.catalogfile.loader import loads
from catalogsync.catalogfile.schema import catalog_schema
from catalogsync.errors import CatalogError
from tests.catalog.helpers import problems

SCHEMA = catalog_schema()
LOOKALIKES = ["true", "False", "12", "0x1F", "017", "1e3", ".inf", "2027-12-31", "2027-12-31 10:00:00"]
"""Plain scalars YAML reads as something other than text or null."""
MARK = "LOOKALIKE-HERE"


def _resolved(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def text_places(node: dict[str, Any] = SCHEMA, path: str = "") -> Iterator[str]:
    """Schema paths (``products.*.options[]``) of every text value: no amount, date or choice of words."""
    node = _resolved(node)
    branches = [_resolved(branch) for branch in node.get("anyOf", [])]
    if not any(branch.get("type") == "number" for branch in branches):  # an amount may be quoted text
        for branch in branches:
            yield from text_places(branch, path)
    if node.get("type") == "string" and "enum" not in node and "format" not in node:
        yield path
    for name, sub in node.get("properties", {}).items():
        yield from text_places(sub, f"{path}.{name}".lstrip("."))
    if isinstance(node.get("additionalProperties"), dict):
        yield from text_places(node["additionalProperties"], f"{path}.*")
    if "items" in node:
        yield from text_places(node["items"], f"{path}[]")


PLACES = sorted(set(text_places()))


def test_the_schema_names_the_text_places_of_every_section() -> None:
    assert {place.split(".")[0] for place in PLACES} == {
        "settings",
        "adopt",
        "options",
        "products",
        "coupons",
    }
    assert {"products.*.name", "options.*.values[].name", "coupons.*.products[]"} <= set(PLACES)


def document(place: str, plain: str) -> str:
    """A catalog holding ``plain``, written as it is, at ``place`` (``*`` is the key ``K``)."""
    value: Any = MARK
    for part in reversed(re.findall(r"[^.\[\]]+|\[\]", place)):
        value = [value] if part == "[]" else {"K" if part == "*" else part: value}
    return yaml.safe_dump(value, default_flow_style=False).replace(MARK, plain)


@pytest.mark.parametrize(("place", "plain"), list(itertools.product(PLACES, LOOKALIKES)))
def test_a_lookalike_written_plain_in_text_says_quote_it_at_its_place(place: str, plain: str) -> None:
    path = place.replace("*", "K").replace("[]", "[0]")
    found = [(where, message) for _, _, where, message in problems(document(place, plain)) if where == path]
    assert found, (place, plain, problems(document(place, plain)))
    assert all("quote it" in message for _, message in found), found


@pytest.mark.parametrize("place", PLACES)
def test_a_plain_merge_key_where_text_belongs_is_that_text(place: str) -> None:
    """Read as the text ``<<``: valid where any text is, else refused for what it is, never for a tag."""
    path = place.replace("*", "K").replace("[]", "[0]")
    try:
        loads(document(place, "<<"), "c.yaml")
    except CatalogError as error:
        found = [p.message for p in error.problems if p.path == path]
        assert not [message for message in found if "tag" in message or "merge" in message], found
