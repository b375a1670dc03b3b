"""What a method handler gets: the open database, the request's form and the server's settings."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from catalogsync.sandbox.forms import Form


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

    @property
    def strict(self) -> bool:
        return self.dialect == "strict"

    @property
    def url(self) -> str:
        """This method's own URL (``page_info`` links point back to it)."""
        return f"{self.base_url}/{self.method}"
