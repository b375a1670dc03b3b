"""The harness of the docs tests on its own: parsing Markdown (no I/O), then the runner on synthetic docs with
commands that fail, so that the docs tests are known to be able to fail."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from catalogsync.sandbox import Sandbox
from tests.docs.blocks import (
    Block,
    Command,
    DocError,
    for_sandbox,
    parse_blocks,
    setup_steps,
    shell_commands,
    split_and,
    split_comment,
    transcript,
)
from tests.docs.runner import (
    ROOT,
    DocCommandFailed,
    Notebook,
    _accepts,
    environment,
    prepare,
    run_shell_block,
    run_transcript,
)

DOC = """\
# Title

```sh
python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/catalogsync plan x.yaml --sandbox
source .venv/bin/activate
catalogsync apply plan.json   # refused (exit 4)

catalogsync sandbox &         # http://127.0.0.1:8484/api
```

<!-- no-test: needs a real account -->
```python
print("never")
```

<!-- file: catalog.yaml -->
```yaml
products: {}
```

<!-- exit: 1 -->
```text
$ catalogsync validate catalog.yaml
Error: one problem
```

```
plain sample
```
"""


def test_blocks_with_their_lines_languages_and_directives() -> None:
    blocks = parse_blocks("doc.md", DOC)
    assert [(b.index, b.lang, b.line, b.kind) for b in blocks] == [
        (0, "sh", 3, "shell"),
        (1, "python", 12, "python"),
        (2, "yaml", 17, "data"),
        (3, "text", 22, "transcript"),
        (4, "", 27, "data"),
    ]
    assert blocks[1].no_test == "needs a real account"
    assert blocks[2].file == "catalog.yaml" and blocks[2].text == "products: {}\n"
    assert blocks[3].exit == 1
    assert blocks[0].where == "doc.md:3"


def test_shell_lines_skip_setup_and_read_exit_codes_and_background() -> None:
    (block, *_) = parse_blocks("doc.md", DOC)
    assert shell_commands(block) == [
        Command(".venv/bin/catalogsync plan x.yaml --sandbox", 4),
        Command("catalogsync apply plan.json", 6, exit=4),
        Command("catalogsync sandbox", 8, background=True),
    ]
    assert setup_steps(block) == [
        "python3 -m venv .venv",
        ".venv/bin/pip install .",
        "source .venv/bin/activate",
    ]


def test_a_block_of_setup_only_has_no_command() -> None:
    (block,) = parse_blocks("doc.md", "```sh\npip install catalogsync   # or: pip install -e .\n```\n")
    assert shell_commands(block) == [] and setup_steps(block) == ["pip install catalogsync"]


@pytest.mark.parametrize(
    ("line", "code", "comment"),
    [
        ("a b  # c (exit 2)", "a b", "c (exit 2)"),
        ("# only a comment", "", "only a comment"),
        ("curl http://h/#frag", "curl http://h/#frag", ""),
        ("echo '# not' \"# nor\" # yes", "echo '# not' \"# nor\"", "yes"),
        ('echo "a\\" # b"', 'echo "a\\" # b"', ""),
        ("echo \\# x", "echo \\# x", ""),
    ],
)
def test_comments_are_cut_outside_quotes(line: str, code: str, comment: str) -> None:
    assert split_comment(line) == (code, comment)


def test_and_lists_are_split_outside_quotes() -> None:
    assert split_and("a && b 'c && d' &&e") == ["a", "b 'c && d'", "e"]


def test_a_transcript_is_its_command_and_output() -> None:
    block = parse_blocks("doc.md", DOC)[3]
    shown = transcript(block)
    assert shown.command == Command("catalogsync validate catalog.yaml", 23, exit=1)
    assert shown.output == "Error: one problem\n"
    (plain,) = parse_blocks("d.md", "```text\n$ tool  # prints (exit 3)\nout\n```\n")
    assert transcript(plain).command.exit == 3


@pytest.mark.parametrize(
    ("markdown", "message"),
    [
        ("```sh\necho\n", "doc.md:1: the code block is never closed"),
        ("<!-- no-test: -->\n```sh\nx\n```\n", "needs a value"),
        ("<!-- no-test REASON -->\n```sh\nx\n```\n", "write the marker as"),
        ("<!-- exit: one -->\n```text\n$ x\n```\n", "takes a number"),
        ("<!-- no-test: far away -->\n\n```sh\nx\n```\n", "doc.md:1: a directive belongs on the line"),
    ],
)
def test_markdown_the_harness_cannot_read_is_an_error(markdown: str, message: str) -> None:
    with pytest.raises(DocError, match=re.escape(message)):
        parse_blocks("doc.md", markdown)


def test_python_blocks_get_the_sandbox_url_and_credentials_only() -> None:
    code = 'Client("https://www.2checkout.com/api", "apiuser", "api-password")  # apiuser'
    assert for_sandbox(code, "http://127.0.0.1:1/api", "u", "p") == (
        'Client("http://127.0.0.1:1/api", "u", "p")  # apiuser'
    )


# The runner, on synthetic docs; ``sandbox`` is the suite's fixture (tests/conftest.py).


def shell(markdown: str) -> Block:
    (block,) = [b for b in parse_blocks("synthetic.md", markdown) if b.kind == "shell"]
    return block


def test_a_failing_line_names_the_doc_the_line_and_the_code(tmp_path: Path, sandbox: Sandbox) -> None:
    block = shell("Intro\n\n```sh\ntrue\nfalse     # fails (exit 1)\nexit 3\necho never\n```\n")
    env = environment(tmp_path, sandbox, account=True)
    with pytest.raises(DocCommandFailed, match=r"^synthetic\.md:6: `exit 3` exited 3, expected 0"):
        run_shell_block(block, prepare(tmp_path / "work", {}), env, tmp_path / "logs")


def test_an_unexpected_success_fails_too(tmp_path: Path, sandbox: Sandbox) -> None:
    block = shell("```sh\ntrue  # refused (exit 4)\n```\n")
    with pytest.raises(DocCommandFailed, match=r"synthetic\.md:2: `true` exited 0, expected 4"):
        run_shell_block(
            block, prepare(tmp_path / "work", {}), environment(tmp_path, sandbox, account=True), tmp_path
        )


def test_commands_see_the_sandbox_a_terminal_with_answers_and_the_scratch_copy(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    check = (
        "import os, sys; assert sys.stdin.isatty() and input() == 'yes';"
        " assert os.environ['TWOCHECKOUT_API_URL'].startswith('http://127.0.0.1:')"
        " and os.environ['NO_COLOR'] == '1'"
    )
    block = shell(
        f'```sh\npython -c "{check}"\n'
        "test -f catalog.yaml && test -f examples/ci/gitlab-ci.yml && test -x .venv/bin/catalogsync\n"
        "cp catalog.yaml edited.yaml && $EDITOR edited.yaml && ! cmp -s catalog.yaml edited.yaml\n```\n"
    )
    run_shell_block(
        block, prepare(tmp_path / "work", {}), environment(tmp_path, sandbox, account=True), tmp_path / "logs"
    )


def test_the_editor_raises_the_first_price(tmp_path: Path, sandbox: Sandbox) -> None:
    work = prepare(tmp_path / "work", {"a.yaml": "x:\n  price: 19.99\n  y: {price: 1}\n"})
    run_shell_block(
        shell("```sh\n$EDITOR a.yaml\n```\n"), work, environment(tmp_path, sandbox, account=True), tmp_path
    )
    assert (work / "a.yaml").read_text() == "x:\n  price: 20.99\n  y: {price: 1}\n"


def test_background_servers_are_killed_when_the_block_fails(tmp_path: Path, sandbox: Sandbox) -> None:
    block = shell(
        "```sh\ncatalogsync sandbox --port 0 --seed empty &\ncurl -fsS -o /dev/null -u sandbox:sandbox"
        " \"$(grep -o 'http://[^ ]*' ../logs/*.log)/acct/detail_company_info\"\nfalse\n```\n"
    )
    logs = tmp_path / "logs"
    with pytest.raises(DocCommandFailed, match=r"synthetic\.md:4: `false` exited 1"):
        run_shell_block(
            block, prepare(tmp_path / "work", {}), environment(tmp_path, sandbox, account=True), logs
        )
    (log,) = logs.glob("*.log")
    port = int(re.search(r"127\.0\.0\.1:(\d+)", log.read_text()).group(1))
    assert not _accepts("127.0.0.1", port)


def test_a_background_line_that_does_not_serve_fails(tmp_path: Path, sandbox: Sandbox) -> None:
    block = shell("```sh\nexit 7 &\n```\n")
    with pytest.raises(DocCommandFailed, match=r"synthetic\.md:2: `exit 7 &` ended with exit 7"):
        run_shell_block(
            block, prepare(tmp_path / "work", {}), environment(tmp_path, sandbox, account=True), tmp_path
        )


def test_a_transcript_must_show_the_output(tmp_path: Path, sandbox: Sandbox) -> None:
    work = prepare(tmp_path / "work", {})
    env = environment(tmp_path, sandbox, account=True)
    good, bad, wrong_code = (
        b
        for b in parse_blocks(
            "synthetic.md",
            "```text\n$ echo hi; echo err >&2\nhi\nerr\n```\n\n"
            "```text\n$ echo hello\nhi\n```\n\n"
            "<!-- exit: 2 -->\n```text\n$ echo hi\nhi\n```\n",
        )
    )
    run_transcript(good, work, env, sandbox)
    with pytest.raises(
        DocCommandFailed, match=r"synthetic\.md:8: `echo hello` exited 0 \(expected 0\); its output"
    ):
        run_transcript(bad, work, env, sandbox)
    with pytest.raises(DocCommandFailed, match=r"exited 0 \(expected 2\)$"):
        run_transcript(wrong_code, work, env, sandbox)


def test_python_blocks_share_a_namespace_and_a_failure_stops_the_rest(tmp_path: Path) -> None:
    blocks = parse_blocks(
        "synthetic.md",
        "```python\nanswer = 41\n```\n\n```python\nassert answer + 1 == 42\nassert answer == 0\n```\n\n"
        "```python\nprint('after')\n```\n",
    )
    notebook = Notebook(blocks, prepare(tmp_path / "work", {}))
    try:
        notebook.run_through(blocks[0])
        with pytest.raises(DocCommandFailed, match=r'(?s)synthetic\.md:5: .*File "synthetic\.md", line 7'):
            notebook.run_through(blocks[1])
        with pytest.raises(
            DocCommandFailed, match=r"synthetic\.md:10: not run, the block at synthetic\.md:5"
        ):
            notebook.run_through(blocks[2])
    finally:
        notebook.close()


def test_a_broken_readme_command_fails(tmp_path: Path, sandbox: Sandbox) -> None:
    """The real README's tour, one command broken in a copy of its text."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "catalogsync validate mycatalog.yaml" in readme
    broken = readme.replace("catalogsync validate mycatalog.yaml", "catalogsync validate nosuch.yaml")
    (tour,) = [b for b in parse_blocks("README.md", broken) if "nosuch.yaml" in b.text]
    line = broken.splitlines().index(next(ln for ln in broken.splitlines() if "nosuch.yaml" in ln)) + 1
    with pytest.raises(
        DocCommandFailed, match=rf"^README\.md:{line}: `catalogsync validate nosuch\.yaml` exited 1"
    ):
        run_shell_block(
            tour,
            prepare(tmp_path / "work", {}),
            environment(tmp_path, sandbox, account=True),
            tmp_path / "logs",
        )


def test_only_a_block_marked_account_finds_the_connection_in_the_environment(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """A doc's command that needs ``--sandbox`` and lacks it fails, as in a new user's shell; a block marked
    as run where an account is configured (a CI job) gets the sandbox's connection."""
    plan = "catalogsync plan catalog.yaml"
    marked = shell(f"<!-- account: a CI job -->\n```sh\n{plan}\n```\n")
    bare = shell(f"```sh\n{plan}   # no connection: the error names --sandbox (exit 1)\n```\n")
    assert (marked.account, bare.account) == ("a CI job", None)
    for block in (marked, bare):
        env = environment(tmp_path, sandbox, account=block.account is not None)
        assert ("TWOCHECKOUT_API_URL" in env) == (block is marked)
        run_shell_block(block, prepare(tmp_path / f"work-{block.line}", {}), env, tmp_path / "logs")
