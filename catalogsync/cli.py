"""The command line: with catalogsync.terminal the only code that prints; the one place exit codes are set.

Exit codes: 0 success (no changes), 1 error, usage error or failed apply, 2 changes present
(``plan --detailed-exitcode``), 3 refused by a safety rule, 4 saved plan is stale, 130 interrupted before
anything was applied. Usage errors exit 1, not argparse's 2, which a drift job would read as "changes".
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from catalogsync.arguments import EXIT_USAGE, build_parser
from catalogsync.breaker import request_deadline, unanswered
from catalogsync.errors import CatalogError, CatalogsyncError, SettingsError, StalePlanError
from catalogsync.execute import ApplyReport, Outcome, execute
from catalogsync.fetch import fetch
from catalogsync.inflight import Journal, journal_path, wait_for_settled
from catalogsync.kinds import KINDS
from catalogsync.live import LiveState
from catalogsync.outputs import check_output, write_whole
from catalogsync.plan import Plan, catalog_digest, check_safety, make_plan
from catalogsync.progress import progress
from catalogsync.render import render, render_text
from catalogsync.saved import first_difference, is_saved_plan, save_plan, saved_plan, stale_reasons
from catalogsync.selection import Selection
from catalogsync.settings import open_client, sandbox_conflicts
from catalogsync.terminal import (
    LISTED,
    Console,
    confirm,
    format_report,
    report_json,
    stop_on_signals,
    work_done,
)

EXIT_CHANGES = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        command = parser.command(args.command)
        if args.quiet and args.verbose:
            command.error("-q and -v ask for less and more output: give one of them")
        conflicts = sandbox_conflicts(args)
        if conflicts:
            joined = ", ".join(conflicts)
            command.error(f"--sandbox runs an embedded sandbox: it cannot be combined with {joined}")
    except SystemExit as stop:  # --help, --version and usage errors
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    console = Console(-1 if args.quiet else args.verbose, _colour(args))
    handler: Callable[[argparse.Namespace, Console], int] = COMMANDS[args.command]
    try:
        return handler(args, console)
    except CatalogsyncError as error:
        console.error(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130


def _colour(args: argparse.Namespace) -> bool:
    """Colour on a terminal, unless --no-color, NO_COLOR set to anything (no-color.org) or TERM=dumb."""
    if args.no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def cmd_validate(args: argparse.Namespace, console: Console) -> int:

    invalid = 0
    for path in args.catalogs:
        try:
            catalog, _ = _read_catalog(path)
        except (CatalogError, SettingsError) as error:
            console.error(str(error))
            invalid += 1
            continue
        counts = ", ".join(f"{len(catalog.section(s))} {s}" for s in ("options", "products", "coupons"))
        console.out(f"{path}: valid ({counts})\n")
    return 1 if invalid else 0


def _read_catalog(path: str, *, expected_sha256: str | None = None) -> tuple[Any, str]:
    """The catalog at ``path`` and the SHA-256 of its bytes, read once. With ``expected_sha256`` (a saved
    plan's), bytes that hash otherwise are refused before they are parsed: none of them reach a message."""
    from catalogsync.catalogfile.loader import load_bytes, read_source

    raw = read_source(path)
    digest = catalog_digest(raw)
    if expected_sha256 is not None and digest != expected_sha256:
        raise StalePlanError(
            f"saved plan refused: {path} is not the catalog the plan was made from (its SHA-256 differs)."
            " Plan again."
        )
    if is_saved_plan(raw):
        raise SettingsError(
            f"{path}: this is a saved plan, not a catalog; apply it with: catalogsync apply {path}"
        )
    return load_bytes(raw, path), digest


def _read_live(client: Any, address: str, console: Console) -> LiveState:
    console.debug(f"reading the account at {address}")

    def total() -> int | None:
        """Known once page 1 of every list has told its size (the details follow from the items)."""
        expected, lists = client.requests_expected
        return max(expected + 1, client.requests_made) if lists >= len(KINDS) else None  # + company info

    reading = progress(
        sys.stderr,
        "Reading the account",
        lambda: client.requests_made,
        total=total,
        unit=" requests",
        enabled=console.chatty,
    )
    with reading:
        return fetch(client, base_url=address)


def _plan(catalog: Any, digest: str, catalog_path: str, live: LiveState, selection: Selection) -> Plan:
    """The one path from a command's inputs to a plan: ``plan`` and ``apply`` both build it here."""
    return make_plan(catalog, live, catalog_sha256=digest, catalog_path=catalog_path, selection=selection)


def cmd_plan(args: argparse.Namespace, console: Console) -> int:
    check_output("--out", args.out)
    selection = Selection.parse(args.only, args.exclude)
    catalog, digest = _read_catalog(args.catalog)
    with open_client(args) as (client, address):
        plan = _plan(catalog, digest, args.catalog, _read_live(client, address, console), selection)
    show = args.show_unmanaged or console.verbosity > 0
    console.out(render(plan, args.format, colour=console.colour, show_unmanaged=show))
    if args.out:
        save_plan(plan, args.out)
        console.info(f"Plan saved to {args.out}; apply it with: catalogsync apply {args.out}")
    check_safety(plan, catalog.settings.safety, force=args.force)
    return EXIT_CHANGES if args.detailed_exitcode and not plan.empty else 0


def cmd_apply(args: argparse.Namespace, console: Console) -> int:
    check_output("--report", args.report)
    saved = saved_plan(args.target)
    if saved and (args.only or args.exclude):
        raise CatalogsyncError("--only/--exclude apply when planning; a saved plan is applied whole")
    selection = Selection.parse(*saved.selection) if saved else Selection.parse(args.only, args.exclude)
    catalog_path = (args.catalog or saved.catalog_path) if saved else args.target
    if saved:
        _check_saved_catalog(catalog_path, given=bool(args.catalog))
    catalog, digest = _read_catalog(catalog_path, expected_sha256=saved.catalog_sha256 if saved else None)
    with open_client(args) as (client, address):
        journal = Journal(journal_path(address), request_deadline(client))
        wait_for_settled(journal.path, console.info)
        settled = True
        try:
            live = _read_live(client, address, console)
            plan = _plan(catalog, digest, catalog_path, live, selection)
            if saved:
                _refuse_unless_the_same(saved, plan, live)
            if not plan.empty or not saved:
                console.out(_shown_before_apply(plan, args, console, unattended=bool(saved) or args.yes))
            check_safety(plan, catalog.settings.safety, force=args.force)
            if plan.empty:
                if saved:
                    console.out("No changes. The account matches the catalog.\n")
                return 0
            if not saved and not args.yes and not confirm(console):
                console.info("Apply cancelled; nothing was changed.")
                return 1
            settled = False
            report = _execute(plan, live, client, console, journal)
            settled = not any(o.status == "failed" and unanswered(o.cause) for o in report.outcomes)
        finally:
            if (
                settled
            ):  # else a write without an answer may still be in flight: its journal expires by itself
                journal.close()
    if args.report:
        write_whole(args.report, report_json(report))
        console.info(f"Report written to {args.report}")
    console.out("\n" + format_report(report, full=console.verbosity > 0))
    return 0 if report.ok else 1


def _check_saved_catalog(path: str, *, given: bool) -> None:
    """The catalog a saved plan records is there (its bytes are checked as they are read)."""
    if not given and not Path(path).is_file():
        raise SettingsError(
            f"the plan's catalog {path} (recorded relative to the plan) is not found:"
            " give it with --catalog FILE"
        )


def _refuse_unless_the_same(saved: Plan, fresh: Plan, live: LiveState) -> None:
    """A saved plan applies only while it is exactly what the catalog plans against the account now."""
    reasons = stale_reasons(saved, live) or [first_difference(saved, fresh) or ""]
    if any(reasons):
        raise StalePlanError("saved plan refused: " + "; ".join(reasons) + ". Plan again.")


def _shown_before_apply(plan: Plan, args: argparse.Namespace, console: Console, *, unattended: bool) -> str:
    """Every change in full before the question; unattended (--yes, or a reviewed saved plan) a summary of a
    large plan (the changes in full with -v; every outcome is in --report)."""
    verbose = console.verbosity > 0
    return render_text(
        plan,
        colour=console.colour,
        show_unmanaged=args.show_unmanaged or verbose,
        brief=unattended and not verbose and len(plan.changes) > LISTED,
    )


def _execute(plan: Plan, live: LiveState, client: Any, console: Console, journal: Journal) -> ApplyReport:
    """Apply with progress on stderr; Ctrl-C or SIGTERM stop it cleanly."""
    outcomes: list[Outcome] = []

    counter = progress(
        sys.stderr, "Applying", lambda: work_done(outcomes), total=len(plan.changes), enabled=console.chatty
    )
    with stop_on_signals() as stop, counter:
        return execute(
            plan,
            live,
            client,
            parallelism=client.parallelism,
            stop=stop,
            on_outcome=outcomes.append,
            on_write=journal.record,
        )


def cmd_export(args: argparse.Namespace, console: Console) -> int:
    from catalogsync.export import export_text

    check_output("-o", args.output)
    with open_client(args) as (client, address):
        text = export_text(_read_live(client, address, console))
    if args.output:
        write_whole(args.output, text)
        console.info(f"Wrote {args.output}")
    else:
        console.out(text)
    return 0


def cmd_schema(args: argparse.Namespace, console: Console) -> int:
    import json

    from catalogsync.catalogfile.schema import catalog_schema

    console.out(json.dumps(catalog_schema(), indent=2) + "\n")
    return 0


def cmd_sandbox(args: argparse.Namespace, console: Console) -> int:
    from catalogsync.sandbox import cli as sandbox_cli

    return sandbox_cli.run(args)


COMMANDS: dict[str, Callable[[argparse.Namespace, Console], int]] = {
    "validate": cmd_validate,
    "plan": cmd_plan,
    "apply": cmd_apply,
    "export": cmd_export,
    "schema": cmd_schema,
    "sandbox": cmd_sandbox,
}
