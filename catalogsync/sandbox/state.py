"""The SQLite store: one connection guarded by one lock, the schema, the id sequences, account documents.

Every request runs its statements inside :meth:`Store.read` or :meth:`Store.write` (a transaction), so
concurrent requests never interleave and a failed write leaves nothing behind.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

FIRST_ID = 4700000000
"""Start of the one increasing sequence of 10-digit ids (above every id of the seed)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS products (
    product_id INTEGER PRIMARY KEY, assigned_product_id INTEGER NOT NULL, name TEXT NOT NULL,
    name_folded TEXT NOT NULL, price INTEGER NOT NULL, vendor_product_id TEXT, description TEXT,
    long_description TEXT, pending_url TEXT, approved_url TEXT, tangible INTEGER NOT NULL, weight INTEGER,
    handling INTEGER, recurring INTEGER NOT NULL, recurrence TEXT, duration TEXT, startup_fee INTEGER,
    commission INTEGER NOT NULL, commission_type TEXT, commission_amount INTEGER);
CREATE INDEX IF NOT EXISTS products_assigned ON products (assigned_product_id);
CREATE INDEX IF NOT EXISTS products_code ON products (vendor_product_id);
CREATE TABLE IF NOT EXISTS options (option_id INTEGER PRIMARY KEY, option_name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS options_name ON options (option_name);
CREATE TABLE IF NOT EXISTS option_values (
    option_value_id INTEGER PRIMARY KEY, option_id INTEGER NOT NULL, name TEXT NOT NULL,
    surcharge INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS option_values_option ON option_values (option_id);
CREATE INDEX IF NOT EXISTS option_values_name ON option_values (name);
CREATE TABLE IF NOT EXISTS product_options (
    product_id INTEGER NOT NULL, option_id INTEGER NOT NULL, PRIMARY KEY (product_id, option_id));
CREATE INDEX IF NOT EXISTS product_options_option ON product_options (option_id);
CREATE TABLE IF NOT EXISTS product_categories (
    product_id INTEGER NOT NULL, category_id INTEGER NOT NULL, PRIMARY KEY (product_id, category_id));
CREATE TABLE IF NOT EXISTS coupons (
    coupon_code TEXT PRIMARY KEY, type TEXT NOT NULL, date_expire TEXT NOT NULL, percentage_off INTEGER,
    value_off INTEGER, minimum_purchase INTEGER, select_all INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS coupon_products (
    coupon_code TEXT NOT NULL, product_id INTEGER NOT NULL, PRIMARY KEY (coupon_code, product_id));
CREATE INDEX IF NOT EXISTS coupon_products_product ON coupon_products (product_id);
CREATE TABLE IF NOT EXISTS sales (
    sale_id INTEGER PRIMARY KEY, body TEXT NOT NULL, preauth INTEGER NOT NULL, reauthorized_on TEXT);
"""


SQLITE_HEADER = b"SQLite format 3\x00"


def check_database(path: Path) -> None:
    """Refuse, without touching it, a path that is neither new (in a folder) nor a sandbox's database
    (ValueError)."""
    if not path.exists():
        if path.parent.exists() and not path.parent.is_dir():
            raise ValueError(f"{path.parent} is a file, where the database's folder would be")
        if not path.parent.is_dir():
            raise ValueError(f"the folder {path.parent} does not exist; create it first")
        return
    if path.is_dir():
        raise ValueError("is a folder, not a sandbox database file")
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        if header != SQLITE_HEADER:
            raise ValueError("is not a sandbox database (not an SQLite file); it was left as it is")
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except (OSError, sqlite3.Error) as error:
        raise ValueError(f"cannot be read as a sandbox database ({error})") from None
    if not {"documents", "products", "options", "coupons"} <= tables:
        raise ValueError("is an SQLite file but not a sandbox database; it was left as it is")


class StoreClosed(Exception):
    """The database was closed (the sandbox stopped) while a request was still on its way in."""


class Store:
    """The sandbox's database; ``path=None`` keeps it in memory."""

    def __init__(self, path: str | Path | None) -> None:
        target = ":memory:" if path is None else str(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._closed = False
        # New until an account is seeded: the seed writes the company document, in the seed's transaction.
        self.is_new = load_doc(self._db, "company") is None

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._check_open()
            yield self._db

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction: committed when the block ends normally, rolled back otherwise."""
        with self._lock:
            self._check_open()
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._db.close()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed


def next_id(db: sqlite3.Connection, sequence: str = "id", first: int = FIRST_ID, step: int = 3) -> int:
    """The next number of a sequence (ids step by 3, as the vendor's did)."""
    row = db.execute("SELECT value FROM sequences WHERE name = ?", (sequence,)).fetchone()
    value = first if row is None else row[0] + step
    db.execute("INSERT OR REPLACE INTO sequences (name, value) VALUES (?, ?)", (sequence, value))
    return int(value)


def set_sequence(db: sqlite3.Connection, sequence: str, value: int) -> None:
    """Make ``value`` the last number handed out by ``sequence``."""
    db.execute("INSERT OR REPLACE INTO sequences (name, value) VALUES (?, ?)", (sequence, value))


def next_assigned(db: sqlite3.Connection) -> int:
    """The next per-account ``assigned_product_id``."""
    return next_id(db, "assigned", first=1, step=1)


def load_doc(db: sqlite3.Connection, name: str) -> Any:
    """An account document (company, contact, pending payment, payments), or None."""
    row = db.execute("SELECT body FROM documents WHERE name = ?", (name,)).fetchone()
    return None if row is None else json.loads(row[0])


def save_doc(db: sqlite3.Connection, name: str, body: Any) -> None:
    db.execute("INSERT OR REPLACE INTO documents (name, body) VALUES (?, ?)", (name, json.dumps(body)))
