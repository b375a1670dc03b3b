"""``plan``: what apply would change, as text, Markdown or JSON; ``--out`` saves it for ``apply``."""

from __future__ import annotations

import argparse
import shlex

from catalogsync.commands.account import build_plan, check_account, read_live
from catalogsync.commands.inputs import read_catalog_input
from catalogsync.console import Console
from catalogsync.errors import SafetyError
from catalogsync.outputs import check_output
from catalogsync.plan import check_safety
from catalogsync.reading import what_to_read
from catalogsync.render import render
from catalogsync.saved import save_plan
from catalogsync.selection import Selection
from catalogsync.settings import account_flags, open_client, sandbox_path

EXIT_CHANGES = 2
"""``--detailed-exitcode``: the plan has changes."""


def run(args: argparse.Namespace, console: Console) -> int:
    check_output("--out", args.out, [args.catalog, sandbox_path(args), args.log_file])
    selection = Selection.parse(args.only, args.exclude)
    catalog, source = read_catalog_input(args.catalog)
    with open_client(args) as (client, address):
        check_account(catalog, client, address)
        live = read_live(client, address, console, what_to_read(catalog, selection))
        plan = build_plan(catalog, source.digest, args.catalog, live, selection)
    show = args.show_unmanaged or console.verbosity > 0
    console.out(render(plan, args.format, colour=console.colour, show_unmanaged=show))
    if args.out:
        save_plan(plan, args.out)
    try:
        check_safety(plan, catalog.settings.safety, force=args.force)
    except SafetyError:
        if args.out:
            console.info(f"Plan saved to {args.out}; past the safety thresholds: {_apply(args, '--force')}")
        raise
    if args.out:
        console.info(f"Plan saved to {args.out}; apply it with: {_apply(args)}")
    return EXIT_CHANGES if args.detailed_exitcode and not plan.empty else 0


def _apply(args: argparse.Namespace, *extra: str) -> str:
    """The command that applies the saved plan to the account this plan read."""
    return shlex.join(["catalogsync", "apply", args.out, *account_flags(args), *extra])
