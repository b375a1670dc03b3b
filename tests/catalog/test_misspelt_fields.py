"""A required field written with a typo (``Name:``, ``pric:``) is one problem, at the typo, naming the field:
not also a missing field at the mapping."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from catalogsync.catalogfile.loader import loads
from catalogsync.catalogfile.schema import catalog_schema
from catalogsync.errors import CatalogError
from tests.catalog.schema_walk import field_paths

COMPLETE: dict[str, Any] = {
    "options": {"O": {"values": [{"name": "v", "surcharge": 1}]}},
    "products": {
        "X": {
            "name": "A",
            "price": 1,
            "recurring": {"recurrence": "1 Month"},
            "commission": {"type": "amount", "amount": 1},
        }
    },
    "coupons": {"C": {"type": "sale", "percent_off": 10, "expires": dt.date(2027, 1, 1)}},
}
"""A valid catalog that writes every required field of the schema."""
REQUIRED = field_paths(catalog_schema(), required=True)


def misspelt(path: str, typo: str) -> tuple[str, str]:
    """The catalog text with the last field of ``path`` renamed ``typo``, and the path of the typo."""
    document = yaml.safe_load(yaml.safe_dump(COMPLETE))
    holder, where = document, []
    *parents, name = path.replace("[]", ".[]").split(".")
    for part in parents:
        key: Any = 0 if part == "[]" else next(iter(holder)) if part.startswith("<") else part
        holder = holder[key]
        where.append(f"[{key}]" if part == "[]" else f".{key}")
    holder[typo] = holder.pop(name)
    return yaml.safe_dump(document), "".join(where).lstrip(".") + f".{typo}"


@pytest.mark.parametrize("path", REQUIRED)
@pytest.mark.parametrize("typo", [str.capitalize, lambda name: name[:-1]], ids=["capitalised", "cut"])
def test_a_misspelt_required_field_is_one_problem_at_the_typo(path: str, typo: Any) -> None:
    field = path.rsplit(".", 1)[-1]
    text, where = misspelt(path, typo(field))
    with pytest.raises(CatalogError) as caught:
        loads(text, "c.yaml")
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (where, f"unknown field (did you mean {field!r}?)")
    ]


def test_the_complete_catalog_is_valid() -> None:
    """So that the typo is the one problem; a new required field fails :func:`misspelt` until written."""
    assert loads(yaml.safe_dump(COMPLETE))
