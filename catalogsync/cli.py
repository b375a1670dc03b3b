"""The command line: parse, run one command, turn its errors into one line and an exit code.

Exit codes: 0 success (no changes), 1 error, usage error or failed apply, 2 changes present
(``plan --detailed-exitcode``), 3 refused by a safety rule, 4 saved plan is stale, 130 interrupted before
anything was applied. Usage errors exit 1, not argparse's 2, which a drift job would read as "changes".

Only argument parsing is imported up front: a command's module (:mod:`catalogsync.commands`) is imported when
it runs, so ``--version`` and ``--help`` start as fast as the interpreter and ``validate`` never imports the
HTTP client, the diff or the sandbox.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from catalogsync.arguments import EXIT_USAGE, build_parser
from catalogsync.console import Console, Terminated, sigterm_interrupts
from catalogsync.errors import CatalogsyncError, OutputClosed, OutputError
from catalogsync.settings import sandbox_conflicts

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace, Console], int]


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
        code = stop.code if isinstance(stop.code, int) else EXIT_USAGE
        return code or _written(Console(0, colour=False))
    console = Console(-1 if args.quiet else args.verbose, _colour(args))
    try:
        with sigterm_interrupts():
            return handler(args.command)(args, console)
    except OutputClosed:
        _silence_stdout()
        return 1
    except CatalogsyncError as error:
        console.error(str(error))
        return error.exit_code
    except Terminated:
        console.error("terminated (SIGTERM)")
        return 143
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130


def _written(console: Console) -> int:
    """0 once what ``--help`` or ``--version`` printed has reached stdout; 1, said, when it cannot."""
    try:
        console.out("")
    except OutputError as error:
        _silence_stdout()
        if not isinstance(error, OutputClosed):
            console.error(str(error))
        return 1
    return 0


def handler(command: str) -> Handler:
    """The ``run`` function of a command, imported now."""
    module = importlib.import_module(f"catalogsync.commands.{command}")
    run: Handler = module.run
    return run


def _colour(args: argparse.Namespace) -> bool:
    """Colour on a terminal, unless --no-color, NO_COLOR set to anything (no-color.org) or TERM=dumb."""
    if args.no_color or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout is not None and sys.stdout.isatty()


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):  # no descriptor: tests capture stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
