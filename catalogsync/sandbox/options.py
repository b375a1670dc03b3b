"""products/*_option(s): options and their ordered values (reference §3.17-3.21, §8.8)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from catalogsync.sandbox import wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.forms import Form, amount, ident
from catalogsync.sandbox.listing import Table, page_ids, read_page
from catalogsync.sandbox.state import next_id

SORT_COLS = {"option_id": "option_id", "option_name": "option_name"}
TABLE = Table("options", "option_id", SORT_COLS, "option_id")
OPTION = ("option_id", ident, "SELECT * FROM options WHERE option_id = ?")
FOREIGN_VALUE = "Specified option_value_id does not belong to specifed option_id."


def options_by_id(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, wire.JSON]:
    """The wire shape of each option, values in insertion order; three queries whatever the count."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    rows = db.execute(f"SELECT * FROM options WHERE option_id IN ({marks})", wanted).fetchall()
    values: dict[int, list[sqlite3.Row]] = {}
    query = f"SELECT * FROM option_values WHERE option_id IN ({marks}) ORDER BY option_value_id"
    for value in db.execute(query, wanted):
        values.setdefault(value["option_id"], []).append(value)
    return {row["option_id"]: wire.option(row, values.get(row["option_id"], [])) for row in rows}


def create_option(call: Call) -> wire.JSON:
    form = call.form
    name = form.required("option_name")
    pairs = _value_pairs(form, required=True)
    form.check()
    option_id = next_id(call.db)
    call.db.execute("INSERT INTO options (option_id, option_name) VALUES (?, ?)", (option_id, name))
    _add_values(call.db, option_id, pairs)
    return wire.ok("Option created successfully", option_id=str(option_id))


def update_option(call: Call) -> wire.JSON:
    """Rename; change (id + name + surcharge), delete (id alone) or add (name + surcharge) values (§8.8)."""
    form, db = call.form, call.db
    row = call.record(*OPTION)
    option_id = None if row is None else row["option_id"]
    name = form.required("option_name") if call.strict else form.field("option_name")
    if name is None and not call.strict:
        form.missing("option_name")
    value_ids = form.values("option_value_id", ident) or []
    pairs = _value_pairs(form, required=False)
    query = "SELECT option_value_id FROM option_values WHERE option_id = ?"
    owned = {r[0] for r in db.execute(query, (option_id,))}
    if option_id is not None and any(value_id not in owned for value_id in value_ids):
        form.invalid("option_value_id", FOREIGN_VALUE)
    if value_ids and pairs and len(pairs) != len(value_ids):
        form.invalid("option_value_id")
    form.check()
    if isinstance(name, str):
        db.execute("UPDATE options SET option_name = ? WHERE option_id = ?", (name, option_id))
    for index, value_id in enumerate(value_ids):
        if pairs:
            sql = "UPDATE option_values SET name = ?, surcharge = ? WHERE option_value_id = ?"
            db.execute(sql, (*pairs[index], value_id))
        else:
            db.execute("DELETE FROM option_values WHERE option_value_id = ?", (value_id,))
    if not value_ids:
        _add_values(db, option_id, pairs)
    return wire.ok("Option updated successfully", option_id=str(option_id))


def delete_option(call: Call) -> wire.JSON:
    """Refused while a product still uses the option (§8.6)."""
    option_id = call.target(*OPTION)["option_id"]
    query = "SELECT product_id FROM product_options WHERE option_id = ? ORDER BY product_id"
    users = [str(r[0]) for r in call.db.execute(query, (option_id,))]
    if users:
        message = f"Option is attached to products: {', '.join(users)}"
        raise wire.ApiFailure(400, [wire.invalid("option_id", message)])
    call.db.execute("DELETE FROM option_values WHERE option_id = ?", (option_id,))
    call.db.execute("DELETE FROM options WHERE option_id = ?", (option_id,))
    return wire.ok("Option deleted successfully")


def detail_option(call: Call) -> wire.JSON:
    option_id = call.target(*OPTION)["option_id"]
    return wire.ok(
        "Option detail retrieved successfully.", option=[options_by_id(call.db, [option_id])[option_id]]
    )


def list_options(call: Call) -> wire.JSON:
    form = call.form
    page = read_page(form, SORT_COLS, ("option_name", "option_value_name"))
    where, args = [], []
    if isinstance(name := form.field("option_name"), str):
        where.append("option_name = ?")
        args.append(name)
    if isinstance(value := form.field("option_value_name"), str):
        where.append(
            "EXISTS (SELECT 1 FROM option_values v WHERE v.option_id = options.option_id AND v.name = ?)"
        )
        args.append(value)
    form.check()
    info, ids = page_ids(call.db, page, call.url, TABLE, where, args)
    shapes = options_by_id(call.db, ids)
    return wire.ok(
        "Option information retrieved successfully.", options=[shapes[i] for i in ids], page_info=info
    )


def _value_pairs(form: Form, *, required: bool) -> list[tuple[str, int]]:
    """``option_value_name`` / ``option_value_surcharge`` paired by position (counts must match)."""
    names = form.values("option_value_name")
    surcharges = form.values("option_value_surcharge", amount)
    for param in ("option_value_name", "option_value_surcharge"):
        if (required or names or surcharges) and not any(form.params.all(param)):
            form.missing(param)
    if not names or not surcharges:
        return []
    if len(names) != len(surcharges):
        form.invalid("option_value_surcharge")
        return []
    return list(zip(names, surcharges, strict=True))


def _add_values(db: sqlite3.Connection, option_id: int | None, pairs: list[tuple[str, int]]) -> None:
    for name, surcharge in pairs:
        sql = "INSERT INTO option_values (option_value_id, option_id, name, surcharge) VALUES (?, ?, ?, ?)"
        db.execute(sql, (next_id(db), option_id, name, surcharge))
