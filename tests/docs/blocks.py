"""The code blocks of the Markdown docs and the commands in them: pure parsing, no I/O.

A block is a fenced code block at the start of a line (```` ```LANG ```` ... ```` ``` ````). The line just
before its opening fence may hold one directive, an HTML comment that the rendered page does not show:

* ``<!-- no-test: REASON -->``: the block is not run (a real account, installing packages, minutes of work);
* ``<!-- file: NAME -->``: the block is a file the doc talks about ("This ``catalog.yaml``: ..."); later
  blocks of the same doc run with it written as NAME in their directory;
* ``<!-- exit: N -->``: a transcript whose command exits N (the ``$`` line cannot say it itself);
* ``<!-- account: WHERE -->``: the block's commands run where an account is configured (a CI job's
  secrets): they get the sandbox's connection in ``TWOCHECKOUT_*``. Every other block runs as a new user's
  shell does, with no connection settings, so a command that needs ``--sandbox`` and lacks it fails.

Shell lines state their exit code in a trailing comment, ``(exit N)``; without one it is 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SHELL_LANGS = frozenset({"sh", "bash", "shell"})
PYTHON_LANGS = frozenset({"python", "py"})
TEXT_LANGS = frozenset({"text", ""})
"""A bare fence is text: run if it is a transcript, like a ```` ```text ```` block."""
DATA_LANGS = frozenset({"yaml", "yml", "json", "toml"})
"""Files and fragments shown for reading: never run."""
KNOWN_LANGS = SHELL_LANGS | PYTHON_LANGS | TEXT_LANGS | DATA_LANGS

FENCE = re.compile(r"^(`{3,})([^`]*)$")
DIRECTIVE = re.compile(r"^<!--\s*(no-test|file|exit|account):\s*(.*?)\s*-->\s*$")
DIRECTIVE_NAMES = ("<!-- no-test", "<!-- file:", "<!-- exit:", "<!-- account:")
EXIT_COMMENT = re.compile(r"\(exit (\d+)\)")
PROMPT = "$ "
SETUP_STEPS = (
    re.compile(r"^python3? -m venv\b"),
    re.compile(r"^(\S*/)?pip3? install\b"),
    re.compile(r"^(source|\.) (\S*/)?bin/activate$"),
)
"""Segments of a line that make the environment the suite itself runs in: skipped; the rest of the line
runs."""


class DocError(ValueError):
    """A doc's Markdown that the harness cannot read (an unclosed fence, a directive without a value)."""


@dataclass(frozen=True)
class Block:
    """One fenced block: ``line`` is the 1-based line of its opening fence."""

    doc: str
    index: int
    lang: str
    text: str
    line: int
    no_test: str | None = None
    file: str | None = None
    exit: int | None = None
    account: str | None = None
    """Where the block's commands find an account configured (``<!-- account: WHERE -->``)."""

    @property
    def kind(self) -> str:
        """``shell``, ``python``, ``transcript`` (run) or ``data`` (read only)."""
        if self.lang in SHELL_LANGS:
            return "shell"
        if self.lang in PYTHON_LANGS:
            return "python"
        if self.lang in TEXT_LANGS and self.text.startswith(PROMPT):
            return "transcript"
        return "data"

    @property
    def where(self) -> str:
        return f"{self.doc}:{self.line}"


@dataclass(frozen=True)
class Command:
    """One shell line to run: the text given to bash, the doc line it comes from, what it must exit with."""

    text: str
    line: int
    exit: int = 0
    background: bool = False


def parse_blocks(doc: str, markdown: str) -> list[Block]:
    """Every fenced block of ``markdown`` in order, with the directive of the line before it."""
    blocks: list[Block] = []
    lines = markdown.splitlines()
    at = 0
    while at < len(lines):
        opening = FENCE.match(lines[at])
        if not opening:
            before_fence = at + 1 < len(lines) and FENCE.match(lines[at + 1])
            if lines[at].lstrip().startswith(DIRECTIVE_NAMES) and not before_fence:
                raise DocError(f"{doc}:{at + 1}: a directive belongs on the line just before a fence")
            at += 1
            continue
        ticks, lang = opening.group(1), opening.group(2).strip()
        end = next((i for i in range(at + 1, len(lines)) if lines[i].rstrip() == ticks), None)
        if end is None:
            raise DocError(f"{doc}:{at + 1}: the code block is never closed")
        directives = _directive(doc, at, lines[at - 1] if at else "")
        text = "".join(line + "\n" for line in lines[at + 1 : end])
        blocks.append(Block(doc, len(blocks), lang, text, at + 1, **directives))
        at = end + 1
    return blocks


def _directive(doc: str, at: int, line: str) -> dict[str, str | int]:
    found = DIRECTIVE.match(line.strip())
    if not found:
        if line.strip().startswith("<!-- no-test"):
            raise DocError(f"{doc}:{at}: write the marker as <!-- no-test: REASON -->")
        return {}
    name, value = found.groups()
    if not value:
        raise DocError(f"{doc}:{at}: <!-- {name}: --> needs a value (a no-test marker needs its reason)")
    if name == "no-test":
        return {"no_test": value}
    if name in ("file", "account"):
        return {name: value}
    if not value.isdigit():
        raise DocError(f"{doc}:{at}: <!-- exit: N --> takes a number, not {value!r}")
    return {"exit": int(value)}


def split_comment(line: str) -> tuple[str, str]:
    """``(code, comment)``: the line cut at its first ``#`` that starts a shell comment (outside quotes, at
    the start or after a blank); ``comment`` is what follows the ``#``."""
    quote, i = "", 0
    while i < len(line):
        char = line[i]
        if char == "\\" and quote != "'":
            i += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip(), line[i + 1 :].strip()
        i += 1
    return line.rstrip(), ""


def split_and(code: str) -> list[str]:
    """The segments of ``code`` joined by ``&&`` (outside quotes)."""
    segments, quote, start = [], "", 0
    i = 0
    while i < len(code):
        char = code[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif code.startswith("&&", i):
            segments.append(code[start:i].strip())
            start = i + 2
            i += 1
        i += 1
    segments.append(code[start:].strip())
    return segments


def is_setup(segment: str) -> bool:
    return any(step.search(segment) for step in SETUP_STEPS)


def expected_exit(comment: str) -> int:
    found = EXIT_COMMENT.search(comment)
    return int(found.group(1)) if found else 0


def shell_commands(block: Block) -> list[Command]:
    """The lines of a shell block to run, setup steps left out; a line with a trailing ``&`` runs in the
    background. Comment lines and blank lines are not commands."""
    commands: list[Command] = []
    for offset, raw in enumerate(block.text.splitlines(), start=1):
        code, comment = split_comment(raw)
        if not code:
            continue
        if raw.rstrip().endswith("\\"):
            raise DocError(f"{block.doc}:{block.line + offset}: continued lines are not supported")
        background = code.endswith("&") and not code.endswith("&&")
        if background:
            code = code[:-1].rstrip()
        kept = [segment for segment in split_and(code) if not is_setup(segment)]
        if kept:
            commands.append(
                Command(" && ".join(kept), block.line + offset, expected_exit(comment), background)
            )
    return commands


def setup_steps(block: Block) -> list[str]:
    """The setup segments that :func:`shell_commands` leaves out of the block."""
    return [
        segment
        for raw in block.text.splitlines()
        for segment in split_and(split_comment(raw)[0].removesuffix("&"))
        if segment and is_setup(segment)
    ]


@dataclass(frozen=True)
class Transcript:
    """A ```` ```text ```` block that starts with ``$ COMMAND``: the command and the output shown after it."""

    command: Command
    output: str


def transcript(block: Block) -> Transcript:
    first, _, output = block.text.partition("\n")
    code, comment = split_comment(first.removeprefix(PROMPT))
    if any(line.startswith(PROMPT) for line in output.splitlines()):
        raise DocError(f"{block.where}: a transcript shows one command")
    exit_code = block.exit if block.exit is not None else expected_exit(comment)
    return Transcript(Command(code, block.line + 1, exit_code), output)


PYTHON_SUBSTITUTIONS = (
    ("https://www.2checkout.com/api", "{url}"),
    ('"apiuser"', '"{username}"'),
    ('"api-password"', '"{password}"'),
)
"""What a Python block's text has replaced before it runs, and by what: the vendor's base URL by the
sandbox's, the docs' placeholder credentials by the sandbox's. Nothing else is rewritten."""


def for_sandbox(code: str, url: str, username: str, password: str) -> str:
    for real, placeholder in PYTHON_SUBSTITUTIONS:
        code = code.replace(real, placeholder.format(url=url, username=username, password=password))
    return code
