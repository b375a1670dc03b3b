"""Shared helpers of the catalog tests: problems as tuples, texts as files."""

from __future__ import annotations

import textwrap

import pytest

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.loader import loads
from catalogsync.errors import CatalogError


def problems(text: str) -> list[tuple[int, int, str, str]]:
    """``(line, column, path, message)`` of every problem of a catalog that must be invalid."""
    with pytest.raises(CatalogError) as caught:
        loads(textwrap.dedent(text), "c.yaml")
    assert all(p.file == "c.yaml" for p in caught.value.problems)
    return [(p.line, p.column, p.path, p.message) for p in caught.value.problems]


def valid(text: str) -> Catalog:
    return loads(textwrap.dedent(text), "c.yaml")
