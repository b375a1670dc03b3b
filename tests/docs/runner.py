"""Running the blocks of the docs: shell lines in a scratch directory against a sandbox, transcripts, and the
Python blocks of a doc in one shared namespace.

Every command runs through ``bash -c LINE`` in its own process group, stdin a pseudo-terminal already fed with
``yes`` lines (so ``apply`` is answered as a person would), stdout and stderr captured. A line ending in ``&``
runs in the background until the block ends; it must announce a URL (``http://HOST:PORT``) on its output and
serve there within :data:`SERVE_SECONDS`. Every background process group is killed when the block ends, also
when it fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import termios
import time
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from catalogsync.api import Client
from catalogsync.sandbox import Sandbox
from tests.docs.blocks import Block, Command, for_sandbox, shell_commands, transcript

ROOT = Path(__file__).resolve().parents[2]
COMMAND_SECONDS = 60.0
"""A foreground command still running after this long is killed and fails its block."""
SERVE_SECONDS = 10.0
"""How long a background command may take to announce its URL and accept connections."""
ANSWERS = b"yes\n" * 8
ANNOUNCED = re.compile(r"https?://([\w.\-]+):(\d+)")
CLEARED_VARIABLES = ("TWOCHECKOUT_", "CATALOGSYNC_", "VIRTUAL_ENV", "PYTHONPATH")

EDITOR = """\
#!{python}
# The docs' $EDITOR: raises the first price of the file it is given by 1.00, as a person would edit it.
import re, sys
from decimal import Decimal

path = sys.argv[1]
with open(path, encoding="utf-8") as file:
    text = file.read()


def raised(match):
    return match.group(1) + str(Decimal(match.group(2)) + Decimal("1.00"))


text, edits = re.subn(r"(\\bprice: )(\\d+(?:\\.\\d+)?)", raised, text, count=1)
if edits != 1:
    sys.exit(f"editor: no price in {{path}}")
with open(path, "w", encoding="utf-8") as file:
    file.write(text)
"""


class DocCommandFailed(AssertionError):
    """A documented command did not do what its doc says: the message names the doc, the line and the code."""


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


def prepare(work: Path, files: Mapping[str, str]) -> Path:
    """``work``, ready for the docs' commands: ``examples/`` copied, ``catalog.yaml`` (the example catalog,
    for the CI lines), ``.venv`` linked to the venv the suite runs in, the files earlier blocks declared."""
    work.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "examples", work / "examples")
    shutil.copyfile(ROOT / "examples" / "catalog.yaml", work / "catalog.yaml")
    (work / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    for name, text in files.items():
        (work / name).write_text(text, encoding="utf-8")
    return work


def environment(base: Path, sandbox: Sandbox, *, account: bool) -> dict[str, str]:
    """The environment of a block's commands: no colour, HOME and EDITOR of its own, the venv first on PATH,
    nothing of the caller's catalogsync or 2Checkout settings, and with ``account`` the sandbox's connection
    in ``TWOCHECKOUT_*`` (without, a command finds an account only through ``--sandbox``)."""
    home = base / "home"
    home.mkdir(exist_ok=True)
    editor = base / "editor"
    editor.write_text(EDITOR.format(python=sys.executable), encoding="utf-8")
    editor.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_VARIABLES)}
    env.update(
        PATH=f"{Path(sys.prefix) / 'bin'}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        HOME=str(home),
        NO_COLOR="1",
        EDITOR=str(editor),
    )
    if account:
        env.update(
            TWOCHECKOUT_API_URL=sandbox.url, TWOCHECKOUT_USERNAME="sandbox", TWOCHECKOUT_PASSWORD="sandbox"
        )
    return env


def run(command: Command, cwd: Path, env: Mapping[str, str], *, doc: str, merged: bool = False) -> Outcome:
    """One line of ``doc`` through ``bash -c``, stdin a pseudo-terminal holding ``yes`` answers; ``merged``:
    stderr into stdout, in the order written (for transcripts)."""
    master, slave = os.openpty()
    try:
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        os.write(master, ANSWERS)
        with subprocess.Popen(
            ["bash", "-c", command.text],
            cwd=cwd,
            env=dict(env),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merged else subprocess.PIPE,
            start_new_session=True,
        ) as process:
            os.close(slave)
            slave = -1
            try:
                out, err = process.communicate(timeout=COMMAND_SECONDS)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)  # anything the line left running
            except subprocess.TimeoutExpired:
                _kill_group(process)
                out, err = process.communicate()
                raise DocCommandFailed(
                    f"{doc}:{command.line}: `{command.text}` still ran after {COMMAND_SECONDS:.0f} s"
                    " (a server in the foreground? end the line with &)" + _shown(out, err)
                ) from None
    finally:
        os.close(master)
        if slave >= 0:
            os.close(slave)
    return Outcome(
        process.returncode, out.decode("utf-8", "replace"), (err or b"").decode("utf-8", "replace")
    )


@dataclass
class Background:
    """The block's background processes: started by :meth:`start`, all killed by :meth:`stop_all`."""

    logs: Path
    running: list[tuple[Command, subprocess.Popen[bytes], Path]] = field(default_factory=list)

    def start(self, command: Command, cwd: Path, env: Mapping[str, str], doc: str) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"background-{command.line}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                ["bash", "-c", command.text],
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.running.append((command, process, log))
        self._wait_until_serving(command, process, log, doc)

    def _wait_until_serving(
        self, command: Command, process: subprocess.Popen[bytes], log: Path, doc: str
    ) -> None:
        deadline = time.monotonic() + SERVE_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise DocCommandFailed(
                    f"{doc}:{command.line}: `{command.text} &` ended with exit {process.returncode}"
                    " instead of serving" + _shown(log.read_bytes(), b"")
                )
            announced = ANNOUNCED.search(log.read_text(encoding="utf-8", errors="replace"))
            if announced and _accepts(announced.group(1), int(announced.group(2))):
                return
            time.sleep(0.02)
        raise DocCommandFailed(
            f"{doc}:{command.line}: `{command.text} &` did not serve an announced URL"
            f" within {SERVE_SECONDS:.0f} s" + _shown(log.read_bytes(), b"")
        )

    def stop_all(self) -> None:
        while self.running:
            _, process, _ = self.running.pop()
            _kill_group(process)


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group, SIGKILL after 5 s; waits for the process."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever the group's leader left behind
        return


def _shown(out: bytes | str, err: bytes | str | None) -> str:
    def text(value: bytes | str | None) -> str:
        return value.decode("utf-8", "replace") if isinstance(value, bytes) else value or ""

    shown = text(out) + text(err)
    return f"\n--- output ---\n{shown}" if shown.strip() else " (no output)"


def run_shell_block(block: Block, cwd: Path, env: Mapping[str, str], logs: Path) -> list[Outcome]:
    """Every command of the block in order; the first one that exits otherwise than documented fails it."""
    background = Background(logs)
    outcomes: list[Outcome] = []
    try:
        for command in shell_commands(block):
            if command.background:
                background.start(command, cwd, env, block.doc)
                continue
            outcome = run(command, cwd, env, doc=block.doc)
            if outcome.code != command.exit:
                raise DocCommandFailed(
                    f"{block.doc}:{command.line}: `{command.text}` exited {outcome.code},"
                    f" expected {command.exit}" + _shown(outcome.out, outcome.err)
                )
            outcomes.append(outcome)
    finally:
        background.stop_all()
    return outcomes


def normalise(output: str, cwd: Path, sandbox: Sandbox) -> str:
    """The only parts of a transcript's output that vary between runs: the scratch directory and the sandbox's
    port."""
    output = output.replace(f"{cwd}{os.sep}", "").replace(str(cwd), ".")
    return output.replace(f"127.0.0.1:{sandbox.port}", "127.0.0.1:PORT")


def run_transcript(block: Block, cwd: Path, env: Mapping[str, str], sandbox: Sandbox) -> None:
    shown = transcript(block)
    outcome = run(shown.command, cwd, env, doc=block.doc, merged=True)
    output = normalise(outcome.out, cwd, sandbox)
    if outcome.code != shown.command.exit or output != shown.output:
        raise DocCommandFailed(
            f"{block.doc}:{shown.command.line}: `{shown.command.text}` exited {outcome.code}"
            f" (expected {shown.command.exit})"
            + ("" if output == shown.output else f"; its output differs from the doc's:\n{output}")
        )


class Notebook:
    """The Python blocks of one doc, run in order in one namespace against one sandbox, in ``cwd``."""

    def __init__(self, blocks: list[Block], cwd: Path) -> None:
        self.blocks = [block for block in blocks if block.kind == "python"]
        self.files = {block.index: block for block in blocks if block.file}
        self.cwd = cwd
        self.sandbox = Sandbox(seed="demo").start()
        self.namespace: dict[str, Any] = {"__name__": "__docs__"}
        self.done: set[int] = set()
        self.failed: Block | None = None

    def run_through(self, block: Block) -> None:
        """Run every Python block of the doc up to and including ``block`` that has not run yet."""
        for earlier in self.blocks:
            if earlier.index > block.index:
                break
            if earlier.index in self.done or earlier.no_test:
                continue
            if self.failed is not None:
                raise DocCommandFailed(f"{block.where}: not run, the block at {self.failed.where} failed")
            self._run(earlier)

    def _run(self, block: Block) -> None:
        code = for_sandbox(block.text, self.sandbox.url, "sandbox", "sandbox")
        compiled = compile("\n" * block.line + code, block.doc, "exec")  # tracebacks give the doc's lines
        for index, source in self.files.items():
            if index < block.index and source.file:
                (self.cwd / source.file).write_text(source.text, encoding="utf-8")
        with _inside(self.cwd):
            try:
                exec(compiled, self.namespace)
            except Exception as error:
                self.failed = block
                raise DocCommandFailed(
                    f"{block.where}: the Python block raised {type(error).__name__}\n"
                    + "".join(traceback.format_exception(error))
                ) from None
            finally:
                self.done.add(block.index)

    def close(self) -> None:
        """Close what the blocks opened (clients left in the namespace), then the sandbox."""
        for value in self.namespace.values():
            if isinstance(value, Client):
                value.close()
        self.namespace.clear()
        self.sandbox.stop()


@contextlib.contextmanager
def _inside(directory: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous)
