"""``validate``: check catalogs offline, every problem with file:line:column."""

from __future__ import annotations

import argparse

from catalogsync.commands.inputs import read_catalog_input
from catalogsync.console import Console
from catalogsync.errors import CatalogError, SettingsError


def run(args: argparse.Namespace, console: Console) -> int:
    invalid = 0
    for path in args.catalogs:
        try:
            catalog, source = read_catalog_input(path)
        except (CatalogError, SettingsError) as error:
            console.error(str(error))
            invalid += 1
            continue
        counts = ", ".join(f"{len(catalog.section(s))} {s}" for s in ("options", "products", "coupons"))
        files = f"{len(source.parts)} file{'s' if len(source.parts) != 1 else ''}; " if source.folder else ""
        console.out(f"{path}: valid ({files}{counts})\n")
    return 1 if invalid else 0
