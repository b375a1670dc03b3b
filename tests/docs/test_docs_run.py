"""Docs that run: every shell block, Python block and transcript of README.md and docs/*.md, run against a
sandbox, so that a doc which drifts from the program fails.

* Every fenced block is collected and the test is parametrised over (doc, block index): a new ```` ```sh ````
  or ```` ```python ```` block is run without anyone listing it. ``<!-- no-test: REASON -->`` on the line
  just before a fence skips the block, with its reason in the report; a fence of a language the harness does
  not know fails.
* Shell blocks (``sh``, ``bash``, ``shell``): each line runs through ``bash -c`` in order, in a scratch copy
  of ``examples/`` plus ``catalog.yaml`` (the example catalog, for the CI lines) and ``.venv`` (a link to the
  venv the suite runs in, first on PATH), with a fresh ``Sandbox(seed="demo")`` running, ``NO_COLOR=1``, a
  HOME of its own and an EDITOR that raises the first ``price:`` by 1.00. stdin is a pseudo-terminal fed
  with ``yes`` lines, so ``apply`` asks and is answered. The sandbox's connection is in ``TWOCHECKOUT_*``
  only for a block marked ``<!-- account: WHERE -->`` (a CI job's secrets): any other runs as a new user's
  shell, where a command reaches an account only through ``--sandbox``. A line must exit 0, or N when its
  comment says ``(exit N)``. A line ending in ``&`` runs in the background until the block ends (it must
  announce its URL and serve there); nothing is left running.
* Setup steps are the environment the suite itself runs in and are not run again: the parts of a line (split
  on ``&&``) that create a venv (``python3 -m venv``), install (``pip install``) or ``source
  .venv/bin/activate`` are left out; the rest of the line runs.
* Transcripts (a ```` ```text ```` block whose first line is ``$ COMMAND``): the command runs as above and its
  output (stdout and stderr as written) must be the block's, after :func:`runner.normalise` (the scratch path,
  the sandbox's port). ``<!-- exit: N -->`` before the fence gives its exit code. Other text blocks are
  samples, not commands.
* Python blocks: the blocks of one doc run in order in one namespace, like a notebook, in a scratch
  directory, against one sandbox per doc; :data:`blocks.PYTHON_SUBSTITUTIONS` is the whole rewriting done to
  their text (the vendor URL and the placeholder credentials become the sandbox's).
* ``<!-- file: NAME -->`` before a block (a catalog the prose shows) writes it as NAME for the later blocks
  of that doc.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from catalogsync.sandbox import Sandbox
from tests.docs.blocks import KNOWN_LANGS, Block, parse_blocks, setup_steps, shell_commands
from tests.docs.runner import ROOT, Notebook, environment, prepare, run_shell_block, run_transcript

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN_KINDS = ("shell", "python", "transcript")


def all_blocks() -> dict[str, list[Block]]:
    return {
        str(doc.relative_to(ROOT)): parse_blocks(str(doc.relative_to(ROOT)), doc.read_text(encoding="utf-8"))
        for doc in DOCS
    }


BLOCKS = all_blocks()
RUNNABLE = [block for blocks in BLOCKS.values() for block in blocks if block.kind in RUN_KINDS]


def files_before(block: Block) -> dict[str, str]:
    return {b.file: b.text for b in BLOCKS[block.doc] if b.file and b.index < block.index}


@pytest.fixture(scope="session")
def notebooks() -> Iterator[dict[str, Notebook]]:
    """One :class:`Notebook` per doc, made when its first Python block runs; all closed at the end."""
    made: dict[str, Notebook] = {}
    yield made
    for notebook in made.values():
        notebook.close()


def test_the_docs_have_runnable_blocks() -> None:
    assert set(BLOCKS) >= {"README.md", "docs/client.md", "docs/ci.md", "docs/sandbox.md"}
    assert {block.kind for block in RUNNABLE} == set(RUN_KINDS)


@pytest.mark.parametrize("block", [b for bs in BLOCKS.values() for b in bs], ids=lambda b: b.where)
def test_every_block_is_of_a_known_language(block: Block) -> None:
    assert block.lang in KNOWN_LANGS, (
        f"{block.where}: a ```{block.lang} block is neither run nor known as data; add the language to"
        " tests/docs/blocks.py or use sh, python or text"
    )
    if block.no_test:
        assert block.kind in RUN_KINDS, f"{block.where}: a no-test marker on a block that is never run"


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda b: f"{b.doc}:{b.line}-{b.kind}")
def test_block_runs(
    block: Block, tmp_path: Path, notebooks: dict[str, Notebook], tmp_path_factory: pytest.TempPathFactory
) -> None:
    if block.no_test:
        pytest.skip(f"{block.where}: {block.no_test}")
    if block.kind == "python":
        if block.doc not in notebooks:
            cwd = prepare(tmp_path_factory.mktemp("notebook") / "work", {})
            notebooks[block.doc] = Notebook(BLOCKS[block.doc], cwd)
        notebooks[block.doc].run_through(block)
        return
    if block.kind == "shell" and not shell_commands(block):
        assert setup_steps(block), f"{block.where}: a shell block without a command"
        pytest.skip(f"{block.where}: only setup steps, which make the environment the suite runs in")
    cwd = prepare(tmp_path / "work", files_before(block))
    with Sandbox(seed="demo") as sandbox:
        env = environment(tmp_path, sandbox, account=block.account is not None)
        if block.kind == "shell":
            run_shell_block(block, cwd, env, tmp_path / "logs")
        else:
            run_transcript(block, cwd, env, sandbox)
