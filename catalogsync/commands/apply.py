"""``apply``: make the account match the catalog, or apply a saved plan only while it is still exact."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from catalogsync.applylock import apply_lock
from catalogsync.breaker import request_deadline, unanswered
from catalogsync.commands.account import build_plan, check_account, read_live
from catalogsync.commands.inputs import read_catalog_input
from catalogsync.console import Console, confirm, stop_on_signals
from catalogsync.errors import CatalogsyncError, OutputError, PlanError, SettingsError, StalePlanError
from catalogsync.execute import ApplyReport, Outcome, execute
from catalogsync.inflight import Journal, journal_path, wait_for_settled
from catalogsync.live import LiveState
from catalogsync.outputs import check_output, write_whole
from catalogsync.plan import Plan, check_safety
from catalogsync.progress import progress
from catalogsync.reading import what_to_read
from catalogsync.render import render_text
from catalogsync.report import LISTED, format_report, report_json, work_done
from catalogsync.saved import first_difference, saved_plan, stale_reasons
from catalogsync.selection import Selection
from catalogsync.settings import account_address, open_client, sandbox_path


def run(args: argparse.Namespace, console: Console) -> int:
    check_output("--report", args.report, [args.target, args.catalog, sandbox_path(args), args.log_file])
    saved = saved_plan(args.target)
    if saved and (args.only or args.exclude):
        raise CatalogsyncError("--only/--exclude apply when planning; a saved plan is applied whole")
    if not saved and args.catalog:
        raise CatalogsyncError(
            f"--catalog names the catalog of a saved plan; {args.target} is a catalog: apply it alone"
        )
    selection = Selection.parse(*saved.selection) if saved else Selection.parse(args.only, args.exclude)
    catalog_path = (args.catalog or saved.catalog_path) if saved else args.target
    if saved:
        _check_saved_account(saved, account_address(args))
        _check_saved_catalog(catalog_path, given=bool(args.catalog))
    catalog, source = read_catalog_input(
        catalog_path, expected_sha256=saved.catalog_sha256 if saved else None
    )
    with open_client(args) as (client, address), apply_lock(address, console.info):
        # a second apply of the account reads it once this one ends
        check_account(catalog, client, address)
        journal = Journal(journal_path(address), request_deadline(client))
        wait_for_settled(journal.path, console.info)
        settled = True
        try:
            live = read_live(client, address, console, what_to_read(catalog, selection))
            plan = _replanned(saved, catalog, source.digest, catalog_path, live, selection)
            if saved:
                _refuse_unless_the_same(saved, plan, live)
            if not plan.empty or not saved:
                console.out(_shown_before_apply(plan, args, console, unattended=bool(saved) or args.yes))
            check_safety(plan, catalog.settings.safety, force=args.force)
            if plan.empty:
                if saved:
                    console.out("No changes. The account matches the catalog.\n")
                _write_report(args.report, ApplyReport(), console)
                return 0
            if not saved and not args.yes and not confirm(console):
                console.info("Apply cancelled; nothing was changed.")
                return 1
            settled = False
            report = _execute(plan, live, client, console, journal)
            settled = not any(o.status == "failed" and unanswered(o.cause) for o in report.outcomes)
        finally:  # unsettled, a write without an answer may still be in flight: its journal expires
            if settled:
                journal.close()
    try:
        _write_report(args.report, report, console)
    finally:  # what was done is shown even when the report cannot be written
        console.out("\n" + format_report(report, full=console.verbosity > 0))
    return 0 if report.ok else 1


def _write_report(path: str | None, report: ApplyReport, console: Console) -> None:
    """The outcome as JSON in ``path`` (``--report``), also when there was nothing to change."""
    if path is None:
        return
    try:
        write_whole(path, report_json(report))
    except OutputError as error:
        raise OutputError(f"--report: {error}; what the apply did is in its summary") from None
    console.info(f"Report written to {path}")


def _replanned(
    saved: Plan | None, catalog: Any, digest: str, catalog_path: str, live: LiveState, selection: Selection
) -> Plan:
    """The plan now; for a saved plan, a plan that cannot be made any more is stale (exit 4): the catalog is
    the same (its hash was checked), so the account changed since (a key a rename needs came to be taken), or
    the plan file's selection was edited."""
    try:
        return build_plan(catalog, digest, catalog_path, live, selection)
    except PlanError as error:
        if saved is None:
            raise
        raise StalePlanError(
            "saved plan refused: its catalog and selection no longer make a plan (the account changed since,"
            f" or the plan file was edited): {error}. Plan again."
        ) from None


def _check_saved_account(saved: Plan, here: str) -> None:
    """A saved plan applies to the account it was made on: flags that name another address (another API URL,
    a mistyped ``--sandbox-db``) are refused before anything is opened, so no request is sent and no
    sandbox database is made. The vendor id, known once connected, is checked then (a pin first)."""
    if saved.account.base_url != here:
        raise StalePlanError(
            f"saved plan refused: the plan is for {saved.account.base_url}, not {here}; nothing was opened or"
            " read. Plan again."
        )


def _check_saved_catalog(path: str, *, given: bool) -> None:
    """The catalog a saved plan records is there (its bytes are checked as they are read)."""
    if not given and not os.path.exists(path):  # False too for a path the system refuses
        raise SettingsError(
            f"the plan's catalog {path} (recorded relative to the plan) is not found:"
            " give it with --catalog CATALOG"
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
