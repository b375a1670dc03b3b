"""``validate``: check catalogs offline, every problem with file:line:column."""

from __future__ import annotations

import argparse

from catalogsync.commands.inputs import read_catalog_input
from catalogsync.console import Console
from catalogsync.errors import CatalogError, InputError
from catalogsync.kinds import KINDS
from catalogsync.shown import counted


def run(args: argparse.Namespace, console: Console) -> int:
    invalid = 0
    for path in args.catalogs:
        try:
            catalog, source = read_catalog_input(path)
        except (CatalogError, InputError) as error:
            console.error(str(error))
            invalid += 1
            continue
        counts = ", ".join(counted(len(catalog.section(kind.section)), kind.name) for kind in KINDS)
        files = f"{counted(len(source.parts), 'file')}; " if source.folder else ""
        console.out(f"{path}: valid ({files}{counts})\n")
    return 1 if invalid else 0
