"""PyYAML's scanner, reading plain scalars in flow collections as libyaml does.

PyYAML ends a plain scalar inside ``[...]`` or ``{...}`` at a ``?``; libyaml (0.2.5, every PyPI wheel) reads
the ``?`` as part of it, as YAML 1.1 says: only ``,[]{}`` end a plain scalar in a flow collection, and a ``?``
is a key indicator only where a token starts (libyaml pull request 105; PyYAML issue 128, open). So
``{name: Why?}`` was a product named ``Why?`` to the fast readers and a syntax error to the careful one, which
reported that error instead of the file's real problem, and refused the file where libyaml is missing.
"""

from __future__ import annotations

from yaml.reader import Reader
from yaml.scanner import Scanner
from yaml.tokens import ScalarToken

BLANK_OR_END = "\0 \t\r\n\x85\u2028\u2029"
FLOW_INDICATORS = ",[]{}"


class FlowScanner(Reader, Scanner):
    """:meth:`Scanner.scan_plain` with one change: in a flow collection, ``?`` does not end the scalar."""

    def scan_plain(self) -> ScalarToken:
        chunks: list[str] = []
        start_mark = end_mark = self.get_mark()
        indent = self.indent + 1
        spaces: list[str] | None = []
        ends_colon = BLANK_OR_END + (FLOW_INDICATORS if self.flow_level else "")  # what a ":" ends before
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                ch = self.peek(length)
                if (
                    ch in BLANK_OR_END
                    or (ch == ":" and self.peek(length + 1) in ends_colon)
                    or (self.flow_level and ch in FLOW_INDICATORS)
                ):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces or [])
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or self.peek() == "#" or (not self.flow_level and self.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)
