"""Write the live account as a catalog that plans to no changes."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pydantic import ValidationError

from catalogsync.catalog import Adopt, Catalog
from catalogsync.catalogfile.rules import fields_of, key_too_long
from catalogsync.kinds import BY_NAME, KINDS, AnyKind, Reference
from catalogsync.live import ADOPTABLE, LiveState, Stray, settle_shared
from catalogsync.moves import Move, rekeyed
from catalogsync.shown import KEY_LENGTH, cut, shown


def exported(live: LiveState) -> tuple[Catalog, list[str]]:
    """The live account as a catalog, and the header that says where it is from and what it leaves out.

    Resources without a key are exported under suggested keys, with the ``adopt`` entries that give them
    those keys: the export covers the whole account but for keys several resources share.
    """
    moves = suggested_adoptions(live)
    view = rekeyed(live, moves)
    catalog, unlinkable = exportable(view.as_catalog())
    adopt = {
        kind.section: {
            m.key: m.source for m in moves if m.kind == kind.name and m.key in catalog.section(kind.section)
        }
        for kind in KINDS
        if kind.name in ADOPTABLE
    }
    catalog = catalog.model_copy(
        update={
            "settings": catalog.settings.model_copy(update={"account": live.vendor_id}),
            "adopt": Adopt.model_validate(adopt),
        }
    )
    notes = [f"  {stray}" for stray in view.strays] + unlinkable
    header = [f"catalogsync export of vendor {live.vendor_id} at {live.base_url}"]
    adopted = sum(len(entries) for entries in adopt.values())
    if adopted:
        header += [
            "",
            f"Adopts {adopted} resource(s) without a key under the suggested keys of the adopt section:"
            " review them, apply, then delete the adopt section.",
        ]
    if notes:
        header += [
            "",
            "Not exported (catalogsync manages resources by key; see docs/catalog.md, 'Adopting resources'):",
        ]
        header += notes
    shared = {stray.kind for stray in view.strays if stray.reason == "duplicate"}
    if shared & set(ADOPTABLE):
        header += [
            "Resources that share a key cannot be told apart by it: adopt them by id the same way, each under"
            " a key of its own (one of them may keep the shared key once the others have moved).",
        ]
    header += [
        f"{kind.capitalize()}s that share a key: {settle_shared(kind)}."
        for kind in sorted(shared - set(ADOPTABLE))
    ]
    return catalog, header


SLUG_LENGTH = 40
"""Longest suggested key: a code to read and type, far below what the API reads back in a URL."""


def suggested_adoptions(live: LiveState) -> list[Move]:
    """Each resource without a key adopted under a key from its name (upper-case words joined by ``-``) that
    no live resource holds and no other suggestion takes: ``API product`` -> ``API-PRODUCT``, ``...-2``."""
    moves: list[Move] = []
    for kind in KINDS:
        if kind.name not in ADOPTABLE:
            continue
        taken = set(live.resources.get(kind.name, {})) | live.ambiguous(kind.name)
        for stray in sorted(live.strays, key=_oldest_first):
            if stray.kind == kind.name and stray.reason == "no key" and stray.obj is not None:
                key = _unique(_slug(stray.label) or kind.name.upper(), taken)
                taken.add(key)
                moves.append(Move("adopt", kind.name, key, stray.id))
    return moves


def _oldest_first(stray: Stray) -> tuple[int, str]:
    """Vendor ids grow with time: the oldest resource gets a name's first suggestion, whatever came later."""
    return (int(stray.id), stray.id) if stray.id.isdigit() else (0, stray.id)


def _slug(name: str) -> str:
    """``API product`` -> ``API-PRODUCT``, ``Café crème`` -> ``CAFE-CREME``: ASCII letters and digits, at most
    :data:`SLUG_LENGTH` characters (cut between words where it can be)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[A-Z0-9]+", plain.upper()))
    if len(slug) <= SLUG_LENGTH:
        return slug
    cut = slug[:SLUG_LENGTH]
    return cut.rsplit("-", 1)[0] if "-" in cut else cut


def _unique(key: str, taken: set[str]) -> str:
    number = 1
    found = key
    while found in taken:
        number += 1
        found = f"{key}-{number}"
    return found


def exportable(catalog: Catalog) -> tuple[Catalog, list[str]]:
    """The catalog without what it cannot declare: resources the catalog's rules refuse as they are (an option
    without values, a key too long for a URL), and resources that link to something not exported (a product
    without a key...)."""
    kept: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for kind in KINDS:  # in rank order: what a resource links to is decided before it
        kept[kind.section] = {}
        for key, model in catalog.section(kind.section).items():
            missing = [r for r in kind.references(model) if r.key not in kept[BY_NAME[r.kind].section]]
            refused = key_too_long(kind, key) or _refused(kind, key, model)
            if not refused and not missing:
                kept[kind.section][key] = model
                continue
            named = f"{kind.name} {cut(key, KEY_LENGTH)!r}"
            if refused:
                notes.append(f"  {named}: cannot be declared as it is ({refused})")
            else:
                notes.append(f"  {named}: links to {_unexported(missing, catalog)}")
    return catalog.model_copy(update=kept), notes


def _refused(kind: AnyKind, key: str, model: Any) -> str | None:
    """Why the catalog's rules refuse a live resource as it is (its model's, and those between its fields),
    or None."""
    try:
        type(model).model_validate(model.model_dump())
    except ValidationError as error:
        return "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
    return "; ".join(finding.message for finding in fields_of(kind, key, model)) or None


def _unexported(missing: list[Reference], catalog: Catalog) -> str:
    """The resources a kept one would link to, and why each is not there: its own line says so, or it is
    one of several that share a key (what to do about those depends on the kind)."""
    parts = []
    for ref in missing:
        known = ref.key in catalog.section(BY_NAME[ref.kind].section)
        why = "not exported (its line says why)" if known else f"shared by several: {settle_shared(ref.kind)}"
        parts.append(f"{ref.kind} {shown(cut(ref.key, KEY_LENGTH))}, {why}")
    return "; ".join(parts)
