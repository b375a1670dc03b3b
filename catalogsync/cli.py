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

from catalogsync import __version__
from catalogsync.errors import CatalogError, CatalogsyncError, SettingsError, StalePlanError
from catalogsync.execute import ApplyReport, Outcome, execute
from catalogsync.fetch import fetch
from catalogsync.kinds import KINDS
from catalogsync.live import LiveState
from catalogsync.messages import did_you_mean
from catalogsync.outputs import check_output, write_whole
from catalogsync.plan import Plan, catalog_digest, check_safety, make_plan
from catalogsync.progress import progress
from catalogsync.render import render, render_text
from catalogsync.saved import first_difference, save_plan, saved_plan, stale_reasons
from catalogsync.selection import Selection
from catalogsync.settings import add_connection_arguments, open_client, sandbox_conflicts
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
EXIT_USAGE = 1


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on exit 1 (exit 2 means "changes present" under --detailed-exitcode)."""

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}{_suggestion(message)}\n")

    def command(self, name: str | None) -> argparse.ArgumentParser:
        """The parser of a subcommand (this one when there is none), for errors found after parsing."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                found: argparse.ArgumentParser = action.choices[name]
                return found
        return self


def _suggestion(message: str) -> str:
    """``(did you mean 'plan'?)`` for a mistyped command."""
    if not message.startswith("argument COMMAND: invalid choice: "):
        return ""
    typed = message.split("'")[1] if message.count("'") >= 2 else ""
    return did_you_mean(typed, list(COMMANDS))


EXAMPLES = {
    "validate": "catalogsync validate catalog.yaml other.yaml",
    "plan": "catalogsync plan catalog.yaml --sandbox\n"
    "  catalogsync plan catalog.yaml --out plan.json --format markdown > plan.md\n"
    "  catalogsync plan catalog.yaml --detailed-exitcode   # drift check: exit 2 when the account differs",
    "apply": "catalogsync apply catalog.yaml --sandbox --yes\n"
    "  catalogsync apply plan.json                         # the saved plan, refused if stale",
    "export": "catalogsync export -o catalog.yaml --sandbox",
    "schema": "catalogsync schema > catalog.schema.json",
    "sandbox": "catalogsync sandbox --seed demo --port 8484",
}


def build_parser() -> _Parser:
    parser = _Parser(
        prog="catalogsync",
        description="Catalog-as-code for 2Checkout: declare options, products and coupons in YAML, "
        "review the plan, apply it.",
        epilog="examples:\n  catalogsync plan examples/catalog.yaml --sandbox\n"
        "  catalogsync apply examples/catalog.yaml --sandbox --yes\n"
        "  catalogsync export -o catalog.yaml\n\n"
        "exit codes: 0 ok, 1 error, 2 changes (plan --detailed-exitcode), 3 safety refusal, 4 stale plan",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"catalogsync {__version__}")
    add_output_arguments(parser, default=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if name in ("plan", "apply", "export"):  # their output can be made quieter, louder or plain
            add_output_arguments(sub, default=False, colour=name != "export")
        return sub

    validate = command("validate", "check a catalog file offline; every problem in one pass")
    validate.add_argument("catalogs", metavar="FILE", nargs="+", help="catalog files to check")

    plan = command("plan", "show what apply would change in the account")
    plan.add_argument("catalog", metavar="FILE", help="the catalog file")
    plan.add_argument("--out", metavar="PLAN", help="save the plan for a later 'apply PLAN'")
    plan.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text for a terminal, markdown for a pull request, json for programs (default: %(default)s)",
    )
    plan.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when there are changes")
    plan.add_argument("--force", action="store_true", help="do not fail on safety thresholds")
    add_show_unmanaged(plan)
    add_selection_arguments(plan)
    add_connection_arguments(plan)

    apply = command("apply", "make the account match a catalog or a saved plan")
    apply.add_argument("target", metavar="FILE|PLAN", help="a catalog file, or a plan saved by 'plan --out'")
    apply.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    apply.add_argument("--force", action="store_true", help="go past safety thresholds")
    apply.add_argument(
        "--catalog", metavar="FILE", help="catalog of a saved plan (default: the path it records)"
    )
    apply.add_argument(
        "--report", metavar="FILE", help="write the whole outcome as JSON (every change, its status and id)"
    )
    add_show_unmanaged(apply)
    add_selection_arguments(apply)
    add_connection_arguments(apply)

    export = command("export", "write the live account as a catalog")
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    add_connection_arguments(export)

    command("schema", "print the JSON Schema of the catalog format")

    from catalogsync.sandbox import cli as sandbox_cli

    sandbox_cli.add_arguments(command("sandbox", "serve a local sandbox of the 2Checkout admin API"))
    return parser


def add_output_arguments(parser: argparse.ArgumentParser, *, default: bool, colour: bool = True) -> None:
    """``-v``, ``-q`` and ``--no-color``, before the command or after it (only given values override)."""
    unset: dict[str, Any] = {} if default else {"default": argparse.SUPPRESS}
    verbose = {"default": 0} if default else unset
    parser.add_argument("-v", "--verbose", action="count", help="more detail (repeatable)", **verbose)
    parser.add_argument("-q", "--quiet", action="store_true", help="only results and errors", **unset)
    if colour:
        parser.add_argument(
            "--no-color", action="store_true", help="no colour (also: NO_COLOR set, TERM=dumb)", **unset
        )


def add_show_unmanaged(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--show-unmanaged",
        action="store_true",
        help="list every resource left alone (default: counted by kind and reason, a few named)",
    )


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection (never deletes what it does not select)")
    group.add_argument(
        "--only", action="append", metavar="KIND[:GLOB]", help="e.g. product:TSHIRT-* (repeatable)"
    )
    group.add_argument(
        "--exclude", action="append", metavar="KIND[:GLOB]", help="e.g. coupon:OLD-* (repeatable)"
    )


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
    from catalogsync.loader import load

    invalid = 0
    for path in args.catalogs:
        try:
            _refuse_saved_plan(path)
            catalog = load(path)
        except (CatalogError, SettingsError) as error:
            console.error(str(error))
            invalid += 1
            continue
        counts = ", ".join(f"{len(catalog.section(s))} {s}" for s in ("options", "products", "coupons"))
        console.out(f"{path}: valid ({counts})\n")
    return 1 if invalid else 0


def _read_catalog(path: str) -> tuple[Any, str]:
    from catalogsync.loader import load

    _refuse_saved_plan(path)
    catalog = load(path)
    return catalog, catalog_digest(Path(path).read_bytes())


def _refuse_saved_plan(path: str) -> None:
    if saved_plan(path) is not None:
        raise SettingsError(
            f"{path}: this is a saved plan, not a catalog; apply it with: catalogsync apply {path}"
        )


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
        _check_saved_catalog(saved, catalog_path, given=bool(args.catalog))
    catalog, digest = _read_catalog(catalog_path)
    with open_client(args) as (client, address):
        live = _read_live(client, address, console)
        plan = _plan(catalog, digest, catalog_path, live, selection)
        if saved:
            _refuse_unless_the_same(saved, plan, live, digest)
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
        report = _execute(plan, live, client, console)
    if args.report:
        write_whole(args.report, report_json(report))
        console.info(f"Report written to {args.report}")
    console.out("\n" + format_report(report, full=console.verbosity > 0))
    return 0 if report.ok else 1


def _check_saved_catalog(saved: Plan, path: str, *, given: bool) -> None:
    """The catalog of a saved plan is there and is, byte for byte, the one the plan was made from; nothing of
    a file that is not is read further (its contents never reach a message)."""
    if not given and not Path(path).is_file():
        raise SettingsError(
            f"the plan's catalog {path} (recorded relative to the plan) is not found:"
            " give it with --catalog FILE"
        )
    try:
        digest = catalog_digest(Path(path).read_bytes())
    except OSError as error:
        raise SettingsError(f"{path}: cannot read the catalog: {error.strerror}") from None
    if digest != saved.catalog_sha256:
        raise StalePlanError(
            f"saved plan refused: {path} is not the catalog the plan was made from (its SHA-256 differs)."
            " Plan again."
        )


def _refuse_unless_the_same(saved: Plan, fresh: Plan, live: LiveState, digest: str) -> None:
    """A saved plan applies only while it is exactly what the catalog plans against the account now."""
    reasons = stale_reasons(saved, live, digest) or [first_difference(saved, fresh) or ""]
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


def _execute(plan: Plan, live: LiveState, client: Any, console: Console) -> ApplyReport:
    """Apply with progress on stderr; Ctrl-C or SIGTERM stop it cleanly."""
    outcomes: list[Outcome] = []

    counter = progress(
        sys.stderr, "Applying", lambda: work_done(outcomes), total=len(plan.changes), enabled=console.chatty
    )
    with stop_on_signals() as stop, counter:
        return execute(
            plan, live, client, parallelism=client.parallelism, stop=stop, on_outcome=outcomes.append
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

    from catalogsync.schema import catalog_schema

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
