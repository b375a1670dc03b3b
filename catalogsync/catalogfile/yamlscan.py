"""PyYAML's scanner, reading plain scalars in flow collections as libyaml does, and escapes beyond Unicode
as located errors.

PyYAML ends a plain scalar inside ``[...]`` or ``{...}`` at a ``?``; libyaml (0.2.5, every PyPI wheel) reads
the ``?`` as part of it, as YAML 1.1 says: only ``,[]{}`` end a plain scalar in a flow collection, and a ``?``
is a key indicator only where a token starts (libyaml pull request 105; PyYAML issue 128, open). So
``{name: Why?}`` was a product named ``Why?`` to the fast readers and a syntax error to the careful one, which
reported that error instead of the file's real problem, and refused the file where libyaml is missing.

It also reports a ``\\U`` escape beyond U+10FFFF (``"\\U00110000"``) as a scanner error at its place; PyYAML
raised ``ValueError`` (or ``OverflowError``) from ``chr()``, a traceback instead of a located problem.
"""

from __future__ import annotations

from yaml.reader import Reader
from yaml.scanner import Scanner, ScannerError
from yaml.tokens import ScalarToken

BLANK_OR_END = "\0 \t\r\n\x85\u2028\u2029"
FLOW_INDICATORS = ",[]{}"


class CarefulScanner(Reader, Scanner):
    """PyYAML's scanner, except that in a flow collection ``?`` does not end a plain scalar, and an escape
    beyond Unicode is a :class:`ScannerError`."""

    def scan_flow_scalar(self, style: str) -> ScalarToken:
        start_mark = self.get_mark()
        try:
            token: ScalarToken = super().scan_flow_scalar(style)
        except (ValueError, OverflowError):  # chr() of an escape beyond U+10FFFF
            raise ScannerError(
                "while scanning a quoted scalar", start_mark, "an escape beyond U+10FFFF", self.get_mark()
            ) from None
        return token

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
