"""Pagination and sorting of the list methods (reference §2, §8.4)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from catalogsync.sandbox import wire
from catalogsync.sandbox.forms import Form, ident

DEFAULT_PAGESIZE = 20
MAX_PAGESIZE = 100


@dataclass(frozen=True)
class Page:
    """Which slice of a list the caller asked for, and in which order."""

    number: int
    size: int
    sort_col: str | None
    descending: bool | None
    echo: tuple[tuple[str, str], ...]

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def order(self, default_col: str, default_descending: bool) -> tuple[str, bool]:
        """The sort column and direction: the caller's, else the method's default."""
        col = self.sort_col or default_col
        if self.descending is not None:
            return col, self.descending
        return col, default_descending if self.sort_col is None else False

    def info(self, url: str, total: int) -> wire.JSON:
        """``page_info`` for this page; RECORD_NOT_FOUND for an empty result or a page past its end."""
        if total == 0 or self.offset >= total:
            raise wire.not_found()
        return wire.page_info(url, self.number, self.size, total, self.echo)


@dataclass(frozen=True)
class Table:
    """A listed table: its id column, the SQL of each sortable column, and the default order."""

    name: str
    id_col: str
    sort_cols: Mapping[str, str]
    default_col: str
    default_descending: bool = False


def page_ids(
    db: sqlite3.Connection, page: Page, url: str, table: Table, where: Sequence[str], args: Sequence[Any]
) -> tuple[wire.JSON, list[Any]]:
    """``page_info`` and the ids of the requested page, in order (ties broken by id, same direction)."""
    condition = " AND ".join(where) or "1"
    total = db.execute(f"SELECT count(*) FROM {table.name} WHERE {condition}", args).fetchone()[0]
    info = page.info(url, total)
    col, descending = page.order(table.default_col, table.default_descending)
    direction = "DESC" if descending else "ASC"
    order = f"{table.sort_cols[col]} {direction}, {table.id_col} {direction}"
    query = f"SELECT {table.id_col} FROM {table.name} WHERE {condition} ORDER BY {order} LIMIT ? OFFSET ?"
    return info, [row[0] for row in db.execute(query, [*args, page.size, page.offset])]


def rows_by_id(db: sqlite3.Connection, table: Table, ids: Sequence[Any]) -> list[sqlite3.Row]:
    """The rows of ``ids``, in that order."""
    marks = ",".join("?" * len(ids))
    found = {
        row[table.id_col]: row
        for row in db.execute(f"SELECT * FROM {table.name} WHERE {table.id_col} IN ({marks})", ids)
    }
    return [found[i] for i in ids]


def read_page(form: Form, sort_cols: Collection[str], echo_names: Sequence[str]) -> Page:
    """``cur_page``, ``pagesize`` and, where ``sort_cols`` are given, ``sort_col`` / ``sort_dir``.

    Problems go to ``form``; ``echo`` keeps the caller's non-default parameters for the page URLs.
    """
    number = _positive(form, "cur_page", 1, None)
    size = _positive(form, "pagesize", DEFAULT_PAGESIZE, MAX_PAGESIZE)
    sort_col = sort_dir = None
    if sort_cols:
        sort_col = form.field("sort_col", lambda v: _member(v.lower(), sort_cols))
        sort_dir = form.field("sort_dir", lambda v: _member(v.upper(), ("ASC", "DESC")))
    echo = [(n, v) for n in echo_names for v in form.params.all(n) if v != ""]
    if size != DEFAULT_PAGESIZE:
        echo.append(("pagesize", str(size)))
    for name, value in (("sort_col", sort_col), ("sort_dir", sort_dir)):
        if isinstance(value, str):
            echo.append((name, value))
    return Page(
        number=number,
        size=size,
        sort_col=sort_col if isinstance(sort_col, str) else None,
        descending=sort_dir == "DESC" if isinstance(sort_dir, str) else None,
        echo=tuple(echo),
    )


def _positive(form: Form, name: str, default: int, limit: int | None) -> int:
    value = form.field(name, lambda v: _bounded(ident(v), limit))
    return value if isinstance(value, int) else default


def _bounded(value: int, limit: int | None) -> int:
    if value < 1 or (limit is not None and value > limit):
        raise ValueError(value)
    return value


def _member(value: str, allowed: Collection[str]) -> str:
    if value not in allowed:
        raise ValueError(value)
    return value
