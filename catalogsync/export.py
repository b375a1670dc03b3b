"""Write the live account as a catalog that plans to no changes."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.dumper import dump_catalog
from catalogsync.kinds import BY_NAME, KINDS
from catalogsync.live import LiveState


def export_text(live: LiveState) -> str:
    """The live account as catalog YAML; what cannot be written as a valid catalog is listed in the header."""
    catalog, unlinkable = exportable(live.as_catalog())
    notes = [f"  {stray}" for stray in live.strays] + unlinkable
    header = [f"catalogsync export of vendor {live.vendor_id} at {live.base_url}"]
    if notes:
        header += [
            "",
            "Not exported (catalogsync manages resources by key; see docs/catalog.md, 'Adopting resources'):",
        ]
        header += notes
    return dump_catalog(catalog, header=header)


def exportable(catalog: Catalog) -> tuple[Catalog, list[str]]:
    """The catalog without what it cannot declare: resources the catalog's rules refuse as they are (an option
    without values), and resources that link to something not exported (a product without a key...)."""
    kept: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for kind in KINDS:  # in rank order: what a resource links to is decided before it
        kept[kind.section] = {}
        for key, model in catalog.section(kind.section).items():
            missing = [r for r in kind.references(model) if r.key not in kept[BY_NAME[r.kind].section]]
            refused = _refused(model)
            if refused:
                notes.append(f"  {kind.name} {key!r}: cannot be declared as it is ({refused})")
            elif missing:
                links = ", ".join(f"{r.kind} {r.key}" for r in missing)
                notes.append(
                    f"  {kind.name} {key!r}: links to {links}, which is not exported; adopt that first"
                )
            else:
                kept[kind.section][key] = model
    return catalog.model_copy(update=kept), notes


def _refused(model: Any) -> str | None:
    """Why the catalog's rules refuse a live resource as it is, or None."""
    try:
        type(model).model_validate(model.model_dump())
    except ValidationError as error:
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
    return None
