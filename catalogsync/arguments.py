"""The command line's grammar: commands, options and their help; usage errors exit 1.

Exit 2 means "changes present" under ``plan --detailed-exitcode``, so argparse's usual 2 for a usage error
would make a drift job with a typo report drift.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Sequence
from typing import Any, ClassVar

from catalogsync import __version__
from catalogsync.messages import did_you_mean
from catalogsync.paths import output_argument, path_argument
from catalogsync.settings import add_connection_arguments

EXIT_USAGE = 1


SECRET_FLAG = "password"
"""The flag whose value is a secret (``--password``), without its dashes."""
SECRET_SPELLINGS = frozenset({"pw", "pwd", "passwd"})
"""Other names a hand may give it: each is masked though none is a flag."""
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
"""What a flag may begin with once pasted from rendered text (hyphens, en and em dashes, minus)."""


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on exit 1 (exit 2 means "changes present" under --detailed-exitcode) that
    never repeat a secret given on the command line (``unrecognized arguments: --pasword ***``)."""

    secrets: ClassVar[tuple[str, ...]] = ()
    """The secret values of the command line being parsed: class-wide, since a subcommand's parser reports
    the errors of its own part."""

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: Any = None
    ) -> Any:
        words = list(sys.argv[1:] if args is None else args)
        _Parser.secrets = secret_values(words)
        parsed, extras = self.parse_known_args(words, namespace)
        command = self.command(getattr(parsed, "command", None))
        if extras:  # reported by the subcommand's parser: its usage line, its flags suggested
            command.error(f"unrecognized arguments: {' '.join(extras)}{_closest_flag(extras, command)}")
        for parser in (self, command):
            _refuse_empty(parser, parsed)
        return parsed

    def error(self, message: str) -> Any:
        self.print_usage(sys.stderr)
        text = f"{message}{_suggestion(message)}"
        if self.secrets:  # the client's redaction: a secret masked where it stands as a word, in every form
            from catalogsync.api.redact import Redactor

            text = Redactor(self.secrets).text(text)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {text}\n")

    def command(self, name: str | None) -> argparse.ArgumentParser:
        """The parser of a subcommand (this one when there is none), for errors found after parsing."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                found: argparse.ArgumentParser = action.choices[name]
                return found
        return self


def _refuse_empty(parser: argparse.ArgumentParser, parsed: argparse.Namespace) -> None:
    """An empty value is an error, never "not given": ``--api-url "$URL"`` with the variable unset must not
    fall back to the real API, nor ``plan ""`` read the current folder as the catalog."""
    for action in parser._actions:
        value = getattr(parsed, action.dest, None)
        if value == "" or (isinstance(value, list) and "" in value):
            flag = "/".join(action.option_strings)
            name, advice = (flag, "give one, or leave the flag out") if flag else (action.metavar, "give one")
            parser.error(f"argument {name}: an empty value (an unset variable?): {advice}")


def secret_values(words: Sequence[str]) -> tuple[str, ...]:
    """The values given to what looks like the secret flag: as written, abbreviated (``--pass``, ``-p``),
    mistyped (``--pasword``, ``--pwd``), pasted with an en or em dash, joined by ``=`` or ``:``, or after a
    joined empty value (``--password= VALUE``)."""
    found = []
    for index, word in enumerate(words):
        if not word[:1] or word[0] not in DASHES:
            continue
        name, value = _joined(word.lstrip(DASHES))
        if not _secret_flag(name.lower()):
            continue
        if value:
            found.append(value)
        elif index + 1 < len(words):
            found.append(words[index + 1])
    return tuple(value for value in found if value)


def _joined(flag: str) -> tuple[str, str]:
    """The name and the value of ``name=value`` or ``name:value`` (whichever separator comes first)."""
    cut = min((i for i in (flag.find("="), flag.find(":")) if i >= 0), default=len(flag))
    return flag[:cut], flag[cut + 1 :]


def _secret_flag(name: str) -> bool:
    return bool(name) and (
        SECRET_FLAG.startswith(name)
        or name in SECRET_SPELLINGS
        or (len(name) >= 3 and difflib.SequenceMatcher(None, name, SECRET_FLAG).ratio() >= 0.75)
    )


def _closest_flag(words: Sequence[str], parser: argparse.ArgumentParser) -> str:
    """`` (did you mean '--sandbox'?)`` for the first unrecognized word that is close to one of the flags."""
    flags = [flag for action in parser._actions for flag in action.option_strings if flag.startswith("--")]
    for word in words:
        if word.startswith("--"):
            suggestion = did_you_mean(word.partition("=")[0], flags)
            if suggestion:
                return suggestion
    return ""


def _suggestion(message: str) -> str:
    """``(did you mean 'plan'?)`` for a mistyped command."""
    if not message.startswith("argument COMMAND: invalid choice: "):
        return ""
    typed = message.split("'")[1] if message.count("'") >= 2 else ""
    return did_you_mean(typed, list(EXAMPLES))


EXAMPLES = {
    "validate": "catalogsync validate catalog.yaml other.yaml\n"
    "  catalogsync validate catalog/                      # a folder: its *.yaml files are one catalog",
    "plan": "catalogsync plan catalog.yaml --sandbox\n"
    "  catalogsync plan catalog.yaml --out plan.json --format markdown > plan.md\n"
    "  catalogsync plan catalog.yaml --detailed-exitcode   # drift check: exit 2 when the account differs",
    "apply": "catalogsync apply catalog.yaml --sandbox --yes\n"
    "  catalogsync apply plan.json                         # the saved plan, refused if stale",
    "export": "catalogsync export -o catalog.yaml --sandbox\n"
    "  catalogsync export -o catalog/ --sandbox          # one file per section in the folder",
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

    validate = command("validate", "check a catalog offline; every problem in one pass")
    validate.add_argument(
        "catalogs", metavar="CATALOG", nargs="+", type=path_argument, help="catalog files or folders to check"
    )

    plan = command("plan", "show what apply would change in the account")
    plan.add_argument("catalog", metavar="CATALOG", type=path_argument, help="the catalog file or folder")
    plan.add_argument(
        "--out", metavar="PLAN", type=path_argument, help="save the plan for a later 'apply PLAN'"
    )
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
    apply.add_argument(
        "target",
        metavar="CATALOG|PLAN",
        type=path_argument,
        help="a catalog file or folder, or a plan saved by 'plan --out'",
    )
    apply.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    apply.add_argument("--force", action="store_true", help="go past safety thresholds")
    apply.add_argument(
        "--catalog",
        metavar="CATALOG",
        type=path_argument,
        help="catalog of a saved plan (default: the path it records)",
    )
    apply.add_argument(
        "--report",
        metavar="FILE",
        type=path_argument,
        help="write the whole outcome as JSON (every change, its status and id)",
    )
    add_show_unmanaged(apply)
    add_selection_arguments(apply)
    add_connection_arguments(apply)

    export = command("export", "write the live account as a catalog")
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE|FOLDER/",
        type=output_argument,
        help="write here instead of stdout ('-': stdout); a folder (existing, or ending in /) gets one file"
        " per section",
    )
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
