"""Write the live account as a catalog that plans to no changes."""

from __future__ import annotations

from catalogsync.dumper import dump_catalog
from catalogsync.live import LiveState


def export_text(live: LiveState) -> str:
    """The live account as catalog YAML; resources that cannot be keyed are listed in the header."""
    header = [f"catalogsync export of vendor {live.vendor_id} at {live.base_url}"]
    if live.strays:
        header += [
            "",
            "Not exported (catalogsync manages resources by key; see docs/catalog.md, 'Adopting resources'):",
            *(f"  {s.kind} id {s.id} {s.label!r}: {_why(s.reason)}" for s in live.strays),
        ]
    return dump_catalog(live.as_catalog(), header=header)


def _why(reason: str) -> str:
    if reason == "duplicate":
        return "shares its key with another live resource"
    return "has no key (set its vendor_product_id in the admin pages or with update_product)"
