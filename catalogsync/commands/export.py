"""``export``: the live account as a catalog file, or as a folder of one file per kind."""

from __future__ import annotations

import argparse

from catalogsync.catalogfile.dumper import PARTS, dump_catalog, dump_folder
from catalogsync.commands.account import read_live
from catalogsync.console import Console
from catalogsync.export import exported
from catalogsync.outputs import check_folder_output, check_output, is_folder, write_folder, write_whole
from catalogsync.settings import open_client, sandbox_path


def run(args: argparse.Namespace, console: Console) -> int:
    folder = args.output is not None and is_folder(args.output)
    uses = [sandbox_path(args), args.log_file]
    if folder:
        check_folder_output("-o", args.output, PARTS, uses)
    else:
        check_output("-o", args.output, uses)
    with open_client(args) as (client, address):
        catalog, header = exported(read_live(client, address, console))
    if folder:
        write_folder(args.output, dump_folder(catalog, header=header))
        console.info(f"Wrote {', '.join(PARTS)} in {args.output}")
    elif args.output:
        write_whole(args.output, dump_catalog(catalog, header=header))
        console.info(f"Wrote {args.output}")
    else:
        console.out(dump_catalog(catalog, header=header))
    return 0
