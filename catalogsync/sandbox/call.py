"""What a method handler gets: the open database, the request's form and the server's settings."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from catalogsync.sandbox import wire
from catalogsync.sandbox.forms import Form, Parser


@dataclass(frozen=True)
class Call:
    """One API call being answered."""

    db: sqlite3.Connection
    form: Form
    method: str
    dialect: str
    base_url: str
    username: str
    client_ip: str
    vendor_id: str
    coupon_page_info: bool = True
    """Whether ``list_coupons`` answers with ``page_info`` (the recorded real answer has none, §8.7)."""

    @property
    def strict(self) -> bool:
        return self.dialect == "strict"

    @property
    def url(self) -> str:
        """This method's own URL (``page_info`` links point back to it)."""
        return f"{self.base_url}/{self.method}"

    def record(self, param: str, parse: Parser, query: str) -> sqlite3.Row | None:
        """The row ``query`` finds for the required ``param``, or None with the problem in the form.

        Every problem is reported together (§8.3): a missing or invalid parameter, or no such record:
        RECORD_NOT_FOUND, but FORBIDDEN for an unknown coupon code in the strict dialect, as the only live
        evidence answered (reference §3.25).
        """
        key = self.form.required(param, parse)
        if key is None:
            return None
        row: sqlite3.Row | None = self.db.execute(query, (key,)).fetchone()
        if row is None:
            if param == "coupon_code" and self.strict:
                self.form.add(wire.error("FORBIDDEN", "Access denied to coupon."))
            else:
                self.form.add(wire.error("RECORD_NOT_FOUND", "Unable to find record."))
        return row

    def target(self, param: str, parse: Parser, query: str) -> sqlite3.Row:
        """:meth:`record` for calls with no other parameter: problems are raised at once."""
        row = self.record(param, parse, query)
        self.form.check()
        assert row is not None  # a None row comes with a form problem
        return row

    def check_known(self, param: str, ids: list[int] | None, table: str) -> None:
        """PARAMETER_INVALID ``param`` when an id in ``ids`` is not a ``param`` of ``table`` (links)."""
        if not ids:
            return
        query = f"SELECT {param} FROM {table} WHERE {param} IN ({','.join('?' * len(ids))})"
        if set(ids) - {row[0] for row in self.db.execute(query, ids)}:
            self.form.invalid(param)
