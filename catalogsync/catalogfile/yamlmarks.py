"""Where things are in a YAML file: 1-based positions, and paths such as ``options.Size.values[1]``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from catalogsync.shown import KEY_LENGTH, cut, escaped

Path = tuple[str | int, ...]
"""A place in the document: mapping keys and list indexes from the top."""

LINE_BREAKS = "\n\r\x85\u2028\u2029"
"""What ends a line for PyYAML (YAML 1.1), whose marks place every problem; CR LF is one break."""
LINE_BREAK = re.compile(f"\r\n|[{LINE_BREAKS}]")


def format_path(path: Path) -> str:
    """``products.TSHIRT-RED.price``, ``options.Size.values[1]``; odd keys as ``products["a.b"]``; a key
    longer than :data:`~catalogsync.shown.KEY_LENGTH` cut to it."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
            continue
        part = cut(part, KEY_LENGTH)
        if part and part.isprintable() and not re.search(r'[.\[\]"\s]', part):
            text += f".{part}" if text else part
        else:  # a line break or a terminal escape in a key never splits or colours the message
            text += f'["{escaped(part)}"]'
    return text


@dataclass(frozen=True)
class Spot:
    """A 1-based position in the file."""

    line: int
    column: int


START = Spot(1, 1)


class Unplaced(Exception):
    """A position was asked of a document read without positions: the reader has a problem to report, so
    the document must be read again carefully (with them)."""


@dataclass
class Marks:
    """Where each value (and each mapping key) of the document was written.

    A fast read keeps none (``kept`` False): most catalogs have no problem to locate, and one that has is read
    again carefully, so asking such marks for a position raises :class:`Unplaced` rather than guess.
    """

    values: dict[Path, Spot] = field(default_factory=dict)
    keys: dict[Path, Spot] = field(default_factory=dict)
    kept: bool = True

    def value(self, path: Path) -> Spot:
        """The value's position, else that of its nearest written ancestor."""
        if not self.kept:
            raise Unplaced(format_path(path))
        for end in range(len(path), -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return START

    def key(self, path: Path) -> Spot:
        """The position of the key that introduces ``path``, else its value's."""
        return self.keys.get(path) or self.value(path)


def spot(mark: Any) -> Spot:
    """The position of a PyYAML mark (0-based)."""
    return Spot(mark.line + 1, mark.column + 1)


def offset_spot(text: str, offset: int) -> Spot:
    """The position of the character at ``offset`` in ``text``, counted as PyYAML's marks count it: lines at
    :data:`LINE_BREAKS`, columns in characters."""
    line, start = 1, 0
    for found in LINE_BREAK.finditer(text, 0, offset):
        line, start = line + 1, found.end()
    return Spot(line, offset - start + 1)
