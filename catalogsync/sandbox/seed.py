"""The demo account: the recorded catalog (15 products, 2 options, 4 coupons), account data and sales.

Deterministic: fixed ids, the same every time (sale dates are relative to the day the account is seeded).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from catalogsync.sandbox.seed_account import COMPANY, CONTACT, PAYMENTS, PENDING_PAYMENT
from catalogsync.sandbox.seed_sales import seed_sales
from catalogsync.sandbox.state import save_doc, set_sequence


@dataclass(frozen=True)
class SeedProduct:
    """A product of the recorded list (``products.list_products.json``); tangible when it has a weight."""

    product_id: int
    assigned: int
    code: str
    name: str
    price: str
    weight: str | None = None
    handling: str | None = "0.00"
    recurrence: str | None = None
    description: str | None = None
    long_description: str | None = None
    pending_url: str | None = None


def _product(product_id: int, assigned: int, code: str, name: str, price: str, **rest: Any) -> SeedProduct:
    return SeedProduct(product_id, assigned, code, name, price, **rest)


PRODUCTS = [
    _product(
        3970322775,
        3,
        "LTP-003",
        "Live Test Product",
        "10.00",
        description="The Short Description",
        long_description="The Long Description",
    ),
    _product(
        3987434616,
        4,
        "BRSRNG",
        "Brass Ring",
        "1.00",
        weight="0.50",
        description="A metallic ring",
        long_description="A hand-crafted ring produced from locally sourced material.",
    ),
    _product(4124411144, 5, "OMG-0001", "Anonymous Online Magazine", "24.00", recurrence="1 Month"),
    _product(
        4166247708,
        6,
        "LW-500",
        "Lead weights",
        "25.00",
        description="Lead fishing weights",
        long_description="Exceptional lead fishing weights, not to be eaten under any circumstance.",
    ),
    _product(
        4186286355,
        7,
        "AFY",
        "Patriotic photo frame",
        "14.95",
        weight="1.00",
        handling="1.00",
        long_description="photo frame with laser etched eagle motif.",
    ),
    _product(4257793915, 8, "HEX-001", "Hexagonal aluminum extrusion", "3490.00", weight="50.00"),
    _product(4257794737, 9, "HEX-002", "Hexagonal forged iron", "0.00"),
    _product(4274737762, 10, "OP-T", "OPTION TEST", "100.00", description="Product with options."),
    _product(
        4297595302,
        11,
        "JHB55AAE",
        "Buddha Painting (5x5)",
        "39.95",
        weight="2.00",
        description="Authentic painting.",
        pending_url="",
    ),
    _product(4297596160, 12, "J-A", "Jar of Air", "50.00", description="A small jar of air", pending_url=""),
    _product(
        4297596451,
        13,
        "YA-TP",
        "YA-TestProduct",
        "1.00",
        recurrence="1 Week",
        description="Yet another test product.",
        long_description="Yet another long description.",
        pending_url="",
    ),
    _product(
        4485343981,
        14,
        "AS-12M",
        "Annual Subscription",
        "29.00",
        recurrence="1 Month",
        description="12-month subscription",
        long_description="12-month subscription to the best magazine ever.",
        pending_url="",
    ),
    _product(4485343987, 15, "One Month Ad", "Classified Ad 1 month", "29.00", pending_url=""),
    _product(
        4504052346,
        19,
        "123456789",
        "Example Product",
        "10.00",
        recurrence="1 Month",
        description="example short description",
        long_description="no",
    ),
    _product(
        4654080950,
        23,
        "DRT",
        "Casino Royale - Double Room",
        "1.00",
        description="Rental for a Double Room in Casino Royale",
        long_description="Really cool.",
    ),
    _product(4635212971, 24, "", "API product", "10.00", handling=None, description="An API created product"),
]
CATEGORY_LINKS = [(4124411144, 80), (3987434616, 2), (3970322775, 2), (4274737762, 17)]
OPTIONS = [
    (
        4688550010,
        "Volume",
        [(4688550013, "Low", 100), (4688550016, "Medium", 200), (4688550019, "High", 300)],
    ),
    (
        4688355343,
        "decibels",
        [(4688355346, "150dB", 1100), (4688441332, "200dB", 2200), (4688441335, "250dB", 3300)],
    ),
]
OPTION_LINKS = [(4274737762, 4688550010), (4635212971, 4688355343)]
# code, type, date_expire, percentage_off (hundredths of a %), value_off, minimum_purchase (cents), products
COUPONS: list[tuple[Any, ...]] = [
    ("COUPON", "product", "3000-02-25", 1000, None, 100, [4274737762]),
    ("SAVEJUNE", "product", "2013-03-31", None, 10000, 299999, [4297595302, 4186286355]),
    ("APITEST002", "sale", "2012-12-31", 500, None, 500, []),
    ("FREESHIP", "shipping", "2030-12-31", None, None, None, []),
]


def seed(db: sqlite3.Connection, kind: str) -> None:
    """Load the ``demo`` or ``empty`` account into a new database (inside the caller's transaction)."""
    if kind == "demo":
        _seed_catalog(db)
        save_doc(db, "pending_payment", PENDING_PAYMENT)
        save_doc(db, "payments", PAYMENTS)
        seed_sales(db, COMPANY["vendor_id"])
    save_doc(db, "contact", CONTACT)
    save_doc(db, "company", COMPANY)


def _cents(value: str | None) -> int | None:
    return None if value is None else int(value.replace(".", ""))


def _seed_catalog(db: sqlite3.Connection) -> None:
    for p in PRODUCTS:
        row = {
            "product_id": p.product_id,
            "assigned_product_id": p.assigned,
            "vendor_product_id": p.code,
            "name": p.name,
            "name_folded": p.name.casefold(),
            "price": _cents(p.price),
            "tangible": int(p.weight is not None),
            "weight": _cents(p.weight),
            "handling": _cents(p.handling),
            "recurring": int(p.recurrence is not None),
            "recurrence": p.recurrence,
            "duration": p.recurrence and "Forever",
            "description": p.description,
            "long_description": p.long_description,
            "pending_url": p.pending_url,
            "commission": 0,
        }
        db.execute(
            f"INSERT INTO products ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    set_sequence(db, "assigned", max(p.assigned for p in PRODUCTS))
    db.executemany("INSERT INTO product_categories (product_id, category_id) VALUES (?, ?)", CATEGORY_LINKS)
    for option_id, option_name, values in OPTIONS:
        db.execute("INSERT INTO options (option_id, option_name) VALUES (?, ?)", (option_id, option_name))
        db.executemany(
            "INSERT INTO option_values (option_value_id, option_id, name, surcharge) VALUES (?, ?, ?, ?)",
            [(value_id, option_id, name, surcharge) for value_id, name, surcharge in values],
        )
    db.executemany("INSERT INTO product_options (product_id, option_id) VALUES (?, ?)", OPTION_LINKS)
    for code, kind, expires, percentage, value_off, minimum, products in COUPONS:
        db.execute(
            "INSERT INTO coupons (coupon_code, type, date_expire, percentage_off, value_off, "
            "minimum_purchase, select_all) VALUES (?, ?, ?, ?, ?, ?, 0)",
            (code, kind, expires, percentage, value_off, minimum),
        )
        db.executemany(
            "INSERT INTO coupon_products (coupon_code, product_id) VALUES (?, ?)",
            [(code, p) for p in products],
        )
