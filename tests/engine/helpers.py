"""Build catalogs and live states in memory for the pure engine tests."""

from __future__ import annotations

from typing import Any

from catalogsync.catalog import Catalog
from catalogsync.kinds import KINDS, WireObject
from catalogsync.live import LiveState, Stray


def catalog(**sections: Any) -> Catalog:
    return Catalog.model_validate(sections)


def live(data: Catalog | None = None, *, strays: tuple[Stray, ...] = ()) -> LiveState:
    """A live state holding ``data`` with made-up ids (every field declared, as fetch produces)."""
    data = data or Catalog()
    resources: dict[str, dict[str, WireObject[Any]]] = {}
    counter = 1000000000
    for kind in KINDS:
        objs = {}
        for key, model in data.section(kind.section).items():
            counter += 10
            full = kind.model.model_validate(model.model_dump())
            parts = tuple(str(counter + i + 1) for i in range(len(getattr(model, "values", []))))
            objs[key] = WireObject(
                key=key, id=key if kind.name == "coupon" else str(counter), model=full, part_ids=parts
            )
        resources[kind.name] = objs
    return LiveState(
        vendor_id="1311348", base_url="http://127.0.0.1:1/api", resources=resources, strays=strays
    )
