"""YAML text -> plain Python data, with the line and column of every key and value.

PyYAML's safe loader silently keeps the last of two equal keys, reads ``19.99`` through a binary float and
``no`` as a boolean. This module composes the node graph with the safe loader's parser (no Python tags) and
builds the data itself, with the meaning :mod:`~catalogsync.catalogfile.yamlcore` gives scalars and keys, so
that a duplicate key, a refused tag, a null or boolean key and a runaway alias are problems at their
position.

Three readers, tried in turn: a plain tree is read from libyaml's events
(:mod:`~catalogsync.catalogfile.yamltree`); what that declines (anchors, tags, merge keys, any problem) is
composed by libyaml into nodes; a text with a problem to locate, and any text libyaml refuses, is read by
PyYAML's own parser, whose positions and messages are the ones reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from catalogsync.catalogfile.yamlcore import (
    BOOL,
    IMPLICIT_RESOLVERS,
    MAX_DEPTH,
    MERGE,
    NULL,
    STR,
    SURROGATE,
    TAG,
    TEXT_KEY_TAGS,
    TIMESTAMP,
    RefusedTag,
    scalar_value,
    short,
)
from catalogsync.catalogfile.yamlmarks import (
    LINE_BREAKS,
    START,
    Marks,
    Path,
    Spot,
    format_path,
    offset_spot,
    spot,
)
from catalogsync.catalogfile.yamlscan import CarefulScanner
from catalogsync.catalogfile.yamltree import DECLINED, read_tree
from catalogsync.errors import Problem
from catalogsync.gcpause import gc_paused
from catalogsync.shown import VALUE_LENGTH, has_surrogate, named

MAX_ALIASED = 100_000
"""Most values aliases may add to a document, beyond the values written in it (a guard against 'billion
laughs'): a document of any size without aliases is read whole."""

TAB_INDENT = "tabs cannot indent YAML; use spaces"


class _TooDeep(yaml.composer.ComposerError):
    """The document nests deeper than :data:`MAX_DEPTH`."""


class _Limited(Composer):
    """PyYAML's (recursive) composer with a nesting limit, noting whether the document has anchors."""

    depth = 0
    anchored = False
    """Whether the document names a node (``&name``), which aliases may then use again."""

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.depth >= MAX_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[attr-defined]
            raise _TooDeep(None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1
            if not self.depth:  # the root: every anchor is known (the document's end forgets them)
                self.anchored = bool(self.anchors)


class _Loader(_Limited, CarefulScanner, yaml.SafeLoader):
    """The safe loader with YAML 1.2 booleans and numbers, plain scalars in flow collections as libyaml reads
    them, and a nesting limit in the composer."""


LOADERS: list[type[Composer]] = [_Loader]
"""The loaders tried in turn; the last one's errors are those reported."""

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(_Limited, CParser, Resolver):
        """The same composer and resolvers over libyaml's scanner and parser (about five times faster)."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

    LOADERS.insert(0, _FastLoader)


for _loader in LOADERS:
    _loader.yaml_implicit_resolvers = IMPLICIT_RESOLVERS  # type: ignore[attr-defined]


@dataclass
class Document:
    """The parsed file: plain data, positions (a careful read only), problems, and the paths of values that
    could not be read."""

    data: Any
    marks: Marks
    problems: list[Problem]
    broken: set[Path] = field(default_factory=set)
    readable: bool = True


def parse(text: str, filename: str, *, careful: bool = False) -> Document:
    """Read one YAML document; syntax errors leave ``readable`` False with one located problem.

    ``careful`` reads with PyYAML's own parser only: its marks and errors are the reference (libyaml places a
    few marks differently), so a text with any problem is read carefully before it is reported. Only a careful
    read records the position of every key and value (they are most of the memory a read takes); the problems
    of either read are located.
    """
    with gc_paused():  # a large acyclic tree is built: collections would only scan it again and again
        return _parse(text, filename, careful or not fast_reads(text))


def fast_reads(text: str) -> bool:
    """Whether libyaml may read this text: it is installed and the text has no tab or byte order mark."""
    return len(LOADERS) > 1 and "\t" not in text and "\ufeff" not in text


def _parse(text: str, filename: str, careful: bool) -> Document:
    if not careful:
        try:
            data = read_tree(text)
        except (yaml.YAMLError, UnicodeEncodeError):
            careful = True  # libyaml refuses it: PyYAML's error is the one reported
        else:
            if data is not DECLINED:
                return Document(data, Marks(kept=False), [])
    try:
        root, anchored = _compose(text, careful)
    except yaml.MarkedYAMLError as error:
        message = TAB_INDENT if _at_indenting_tab(text, error) else _syntax_message(error)
        return _unreadable(filename, _error_spot(error), message)
    except yaml.reader.ReaderError as error:
        where = offset_spot(text, error.position)
        return _unreadable(filename, where, f"character U+{error.character:04X} is not allowed in YAML")
    except yaml.YAMLError as error:
        return _unreadable(filename, START, f"YAML error: {error}")
    builder = _Builder(filename, placed=careful, shared=anchored)
    data = builder.build(root)
    return Document(data, builder.marks, builder.problems, builder.broken)


def _compose(text: str, careful: bool) -> tuple[Node | None, bool]:
    """The node graph and whether it has anchors, read by libyaml unless ``careful``; a text it refuses is
    read again by PyYAML, whose errors are the ones reported (so problems read the same with or without
    libyaml)."""
    *fast, reference = LOADERS
    for loader_class in [] if careful else fast:
        try:
            return _compose_with(loader_class, text)
        except yaml.YAMLError:
            pass
    return _compose_with(reference, text)


def _compose_with(loader_class: type[Composer], text: str) -> tuple[Node | None, bool]:
    loader: Any = loader_class(text)  # type: ignore[call-arg]
    try:
        node: Node | None = loader.get_single_node()
        return node, loader.anchored
    finally:
        loader.dispose()


def _unreadable(filename: str, where: Spot, message: str) -> Document:
    return Document(None, Marks(), [Problem(filename, where.line, where.column, "", message)], readable=False)


def _error_spot(error: yaml.MarkedYAMLError) -> Spot:
    mark = error.problem_mark or error.context_mark
    return START if mark is None else spot(mark)


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    parts = [part for part in (error.context, error.problem) if part]
    if isinstance(error, _TooDeep):
        return str(error.problem)
    return "YAML syntax error: " + (", ".join(parts) or "invalid document")


def _at_indenting_tab(text: str, error: yaml.MarkedYAMLError) -> bool:
    """Whether PyYAML stopped at a tab in the leading whitespace of its line (it refuses every tab outside
    quoted and block scalars; one that indents is the common mistake)."""
    mark = error.problem_mark
    index = -1 if mark is None else mark.index
    if not 0 <= index < len(text) or text[index] != "\t":
        return False
    start = max(text.rfind(char, 0, index) for char in LINE_BREAKS) + 1
    return not text[start:index].strip(" \t\ufeff")


class _TooLarge(Exception):
    """Raised to stop building when aliases add more than :data:`MAX_ALIASED` values to the document."""


class _Builder:
    """Turns a node graph into plain data, recording problems, and positions when ``placed``.

    A graph without anchors (not ``shared``) is a tree: each node is built once, and emptied once built, so
    the graph shrinks as the data grows. A shared one is kept whole, and aliases are counted and checked.
    """

    def __init__(self, filename: str, *, placed: bool, shared: bool) -> None:
        self.filename = filename
        self.placed = placed
        self.shared = shared
        self.marks = Marks(kept=placed)
        self.problems: list[Problem] = []
        self.seen: set[tuple[int, int, str]] = set()
        self.broken: set[Path] = set()
        self.built: set[int] = set()
        self.aliased = 0
        self.open: set[int] = set()

    def build(self, root: Node | None) -> Any:
        if root is None:
            return None
        try:
            return self.value(root, ())
        except _TooLarge:
            return None

    def problem(self, node: Node, path: Path, message: str) -> None:
        """Record a problem at ``node`` once, even when an alias makes the builder pass the node again."""
        where = spot(node.start_mark)
        if (where.line, where.column, message) not in self.seen:
            self.seen.add((where.line, where.column, message))
            self.problems.append(Problem(self.filename, where.line, where.column, format_path(path), message))

    def invalid(self, node: Node, path: Path, message: str) -> None:
        """A value that cannot be read: reported here, and read as None that validation must not report."""
        self.problem(node, path, message)
        self.broken.add(path)

    def value(self, node: Node, path: Path) -> Any:
        if self.placed:
            self.marks.values.setdefault(path, spot(node.start_mark))
        if self.shared and not self.enter(node, path):
            return None
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == TAG + "seq":
                data: Any = [self.value(item, (*path, index)) for index, item in enumerate(node.value)]
            elif isinstance(node, MappingNode) and node.tag == TAG + "map":
                data = self.mapping(node, path)
            else:
                self.invalid(node, path, f"the tag {short(node.tag)} is not allowed")
                return None
        finally:
            self.open.discard(id(node))
        if not self.shared:
            node.value = []  # nothing else refers to what it held: free it now that it is built
        return data

    def enter(self, node: Node, path: Path) -> bool:
        """Whether a node of a shared graph may be built at ``path``: aliases build a node again, with all
        under it (at most :data:`MAX_ALIASED` values in all), but not inside itself nor too deep."""
        if id(node) in self.built:
            self.aliased += 1
            if self.aliased > MAX_ALIASED:
                self.problem(node, path, f"aliases expand the document by more than {MAX_ALIASED} values")
                raise _TooLarge
        else:
            self.built.add(id(node))
        if len(path) > MAX_DEPTH:
            self.invalid(node, path, f"nested more than {MAX_DEPTH} levels deep (through aliases)")
            return False
        if id(node) in self.open:
            self.invalid(node, path, "an alias refers to the collection that contains it")
            return False
        return True

    def unused(self, node: Node, path: Path) -> None:
        """Build a value that does not reach the data (a repeated key's) for its problems only: the positions
        and broken paths it records are dropped, so those of the value kept at ``path`` stand."""
        marks, broken = self.marks, self.broken
        self.marks, self.broken = Marks(kept=self.placed), set()
        try:
            self.value(node, path)
        finally:
            self.marks, self.broken = marks, broken

    def mapping(self, node: MappingNode, path: Path) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first: dict[str, Node] = {}  # the node of each key where it is first written
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE:
                merged.append(value_node)
                continue
            key = self.key(key_node, path)
            if key is None:
                continue
            if key in first:
                line = first[key].start_mark.line + 1
                self.problem(
                    key_node, (*path, key), f"duplicate key {named(key)} (first written on line {line})"
                )
                self.unused(value_node, (*path, key))
                continue
            first[key] = key_node
            if self.placed:
                self.marks.keys.setdefault((*path, key), spot(key_node.start_mark))
            result[key] = self.value(value_node, (*path, key))
        for source in self.merge_sources(merged, path):
            self.open.add(id(source))
            try:
                for key, value in self.mapping(source, path).items():
                    result.setdefault(key, value)
            finally:
                self.open.discard(id(source))
        return result

    def merge_sources(self, merged: list[Node], path: Path) -> Iterator[MappingNode]:
        """The mappings named by ``<<:`` keys, earliest first (earlier ones win)."""
        for node in merged:
            items = node.value if isinstance(node, SequenceNode) else [node]
            for item in items:
                if isinstance(item, MappingNode) and item.tag == TAG + "map" and id(item) not in self.open:
                    yield item
                else:
                    self.problem(item, path, "'<<' merges a mapping or a list of mappings")

    def key(self, node: Node, path: Path) -> str | None:
        """A mapping key as text: strings as they are; numbers and dates as written; others refused."""
        if isinstance(node, ScalarNode) and node.tag in TEXT_KEY_TAGS:
            if has_surrogate(str(node.value)):
                self.problem(node, path, SURROGATE)
                return None
            return str(node.value)
        if isinstance(node, ScalarNode) and node.tag in (NULL, BOOL):
            kind = "null" if node.tag == NULL else "a boolean"
            shown = named(node.value, VALUE_LENGTH) if node.value else "(empty)"
            self.problem(node, path, f"the key {shown} is read as {kind}: quote it to use it as text")
        else:
            self.problem(node, path, "a key must be plain text, not a list, mapping or tagged value")
        return None

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        tag, text = node.tag, str(node.value)
        if tag == STR and has_surrogate(text):
            self.invalid(node, path, SURROGATE)
            return None
        try:
            return scalar_value(tag, text)
        except RefusedTag:
            self.invalid(node, path, f"the tag {short(tag)} is not allowed")
        except ValueError as error:
            if tag == TIMESTAMP:
                self.invalid(node, path, f"{named(text, VALUE_LENGTH)} is not a valid date: {error}")
            else:
                self.invalid(node, path, f"{named(text, VALUE_LENGTH)} is not a valid {short(tag)} value")
        return None
