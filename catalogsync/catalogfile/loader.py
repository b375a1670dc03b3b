"""Read a catalog (one file, or the parts of a folder): YAML -> :class:`~catalogsync.catalog.Catalog`, or one
error listing every problem.

A single pass collects YAML problems (:mod:`~catalogsync.catalogfile.yamlread`), the structure of the top
level, model validation of every resource (strict: no ``"yes"`` for ``true``, no number for a string) and the
cross-field rules (:mod:`~catalogsync.catalogfile.rules`); each problem carries the file, line, column and
path of what is wrong. The parts of a folder are read as one catalog: a key or a settings section in two
parts is a problem, and the rules across resources run on the whole.
Resources are validated from the mapping as written, so ``model.declared()`` is exactly the fields the file
names.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from pathlib import Path as FilePath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from catalogsync.catalog import Adopt, Catalog, Settings
from catalogsync.catalogfile.rules import Finding, check
from catalogsync.catalogfile.sources import Part, read_part
from catalogsync.catalogfile.yamlmarks import Path, Unplaced, format_path, offset_spot
from catalogsync.catalogfile.yamlread import Document, fast_reads, parse
from catalogsync.errors import CatalogError, Problem
from catalogsync.kinds import KINDS, AnyKind, Model
from catalogsync.messages import describe, did_you_mean, misspelt

M = TypeVar("M", bound=Model)

SECTIONS = ("settings", "adopt", *(kind.section for kind in KINDS))


def load(path: str | FilePath) -> Catalog:
    """Read and validate the catalog file at ``path``."""
    return load_parts([Part(str(path), read_part(path))])


def load_parts(parts: Sequence[Part]) -> Catalog:
    """Validate the parts of a catalog (a file, or the files of a folder) as one catalog.

    A key declared in two parts, and ``settings`` or ``adopt`` in two parts, are problems at the second place
    naming the first; the rules across resources run on the whole, each problem located in its own part.
    """
    texts: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for part in parts:
        try:
            texts.append((part.name, _decode(part.raw, part.name)))
        except CatalogError as error:
            problems += error.problems
    if problems:
        raise CatalogError(problems)
    return _load_texts(texts)


def loads(text: str, filename: str = "<string>") -> Catalog:
    """Validate catalog YAML given as text; ``filename`` is used in problems."""
    return _load_texts([(filename, text)])


def _load_texts(texts: Sequence[tuple[str, str]]) -> Catalog:
    """The fast reader (libyaml, no positions) serves valid catalogs; a catalog with any problem is read again
    by PyYAML, with positions, so that every problem is located and worded the same whichever reader is
    installed. The fast read stops at the first problem that needs a position (:class:`Unplaced`)."""
    if not any(fast_reads(text) for _, text in texts):
        return assemble(texts, careful=True)
    try:
        return assemble(texts, careful=False)
    except (CatalogError, Unplaced):
        return assemble(texts, careful=True)


def assemble(texts: Sequence[tuple[str, str]], *, careful: bool) -> Catalog:
    """The catalog of ``(filename, text)`` parts read by one reader (:func:`~.yamlread.parse`): the careful
    one raises a CatalogError listing every problem; the fast one may instead raise :class:`Unplaced` at the
    first problem it would have to locate."""
    documents = [(name, parse(text, name, careful=careful)) for name, text in texts]
    unreadable = [p for _, document in documents if not document.readable for p in document.problems]
    if unreadable:
        raise CatalogError(unreadable)
    readers = [_Reader(name, document) for name, document in documents]
    catalog = _Whole(readers).catalog()
    problems = [p for reader in readers for p in sorted(reader.problems, key=lambda p: (p.line, p.column))]
    if problems:
        raise CatalogError(problems)
    return catalog


def _decode(raw: bytes, filename: str) -> str:
    """UTF-8 text (a byte order mark is allowed); anything else is a located problem."""
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        before = body[: error.start].decode("utf-8")  # the bytes up to the first wrong one are UTF-8
        where = offset_spot(before, len(before))
        message = f"the file is not UTF-8 text (byte 0x{body[error.start]:02x})"
        raise CatalogError([Problem(filename, where.line, where.column, "", message)]) from None


class _Whole:
    """The parts read as one catalog: each setting section and each resource key belongs to the part that
    declares it first, and problems found on the whole are reported in that part."""

    def __init__(self, readers: Sequence[_Reader]) -> None:
        self.readers = readers
        self.owners: dict[Path, _Reader] = {}

    def catalog(self) -> Catalog:
        found: dict[str, Any] = {kind.section: {} for kind in KINDS}
        keys: dict[str, set[str]] = {kind.section: set() for kind in KINDS}  # valid resources or not
        for reader in self.readers:
            sections = reader.sections()
            for name, model in (("settings", Settings), ("adopt", Adopt)):
                if name in sections and self.claim((name,), reader):
                    found[name] = reader.validate(model, sections[name], (name,))
            for kind in KINDS:
                entries = sections.get(kind.section, {})
                mine = {key: data for key, data in entries.items() if self.claim((kind.section, key), reader)}
                keys[kind.section].update(entries)
                found[kind.section].update(reader.resources(kind, mine))
        found["settings"] = found.get("settings") or Settings()
        found["adopt"] = found.get("adopt") or Adopt()
        catalog = Catalog.model_validate(found)
        for finding in check(catalog, keys):
            self.owner(finding.path).report_finding(finding)
        return catalog

    def claim(self, path: Path, reader: _Reader) -> bool:
        """Whether ``reader`` is the first part to declare ``path``; a second one is a problem there."""
        first = self.owners.setdefault(path, reader)
        if first is reader:
            return True
        where = first.marks.key(path)
        place = f"{first.filename}:{where.line}:{where.column}"
        if len(path) == 1:
            reader.report(path, f"{path[0]} may be written in one file only (also in {place})", on_key=True)
        else:
            reader.report(path, f"declared in two files (also at {place})", on_key=True)
        return False

    def owner(self, path: Path) -> _Reader:
        """The part that declares the resource or section at the start of ``path``."""
        return self.owners.get(path[:2]) or self.owners.get(path[:1]) or self.readers[0]


class _Reader:
    """Reads one parsed part, collecting every problem on the way."""

    def __init__(self, filename: str, document: Document) -> None:
        self.filename = filename
        self.data = document.data
        self.marks = document.marks
        self.broken = document.broken
        self.problems = list(document.problems)

    def report(self, path: Path, message: str, *, on_key: bool = False, at: Path | None = None) -> None:
        """A problem about ``path``, located at its key, its value or at the value of ``at``."""
        where = self.marks.key(path) if on_key else self.marks.value(path if at is None else at)
        self.problems.append(Problem(self.filename, where.line, where.column, format_path(path), message))

    def sections(self) -> dict[str, Any]:
        """The top-level sections; null sections count as empty, unknown ones are problems."""
        if self.data is None:
            return {}
        if not isinstance(self.data, dict):
            self.report((), "the catalog must be a mapping of sections: " + ", ".join(SECTIONS))
            return {}
        for name in self.data:
            if name not in SECTIONS:
                self.report((name,), f"unknown section{did_you_mean(name, SECTIONS)}", on_key=True)
        sections = {
            name: value for name, value in self.data.items() if name in SECTIONS and value is not None
        }
        for kind in KINDS:
            if not isinstance(sections.get(kind.section, {}), dict):
                what = f"a mapping of {kind.name} {kind.key_label}s to {kind.section}"
                self.report((kind.section,), f"expected {what}")
                del sections[kind.section]
        return sections

    def resources(self, kind: AnyKind, entries: dict[str, Any]) -> dict[str, Model]:
        """The valid resources of one section, by key."""
        models = {key: self.validate(kind.model, data, (kind.section, key)) for key, data in entries.items()}
        return {key: model for key, model in models.items() if model is not None}

    def validate(self, model: type[M], data: Any, path: Path) -> M | None:
        """``data`` as a ``model``, or None after reporting every validation error."""
        try:
            return model.model_validate(data, strict=True)
        except ValidationError as error:
            details = error.errors(include_url=False)
            told = misspelt(model, details)
            for detail in details:
                if detail["type"] != "missing" or tuple(detail["loc"]) not in told:
                    self.report_error(model, path, detail)
            return None

    def report_error(self, model: type[BaseModel], path: Path, detail: ErrorDetails) -> None:
        full = (*path, *detail["loc"])
        if full in self.broken:
            return
        if detail["type"] == "missing":
            self.report(full, describe(model, detail), at=full[:-1])
        else:
            self.report(full, describe(model, detail), on_key=detail["type"] == "extra_forbidden")

    def report_finding(self, finding: Finding) -> None:
        path = finding.path
        items = _dig(self.data, path)
        if finding.item is not None and isinstance(items, list) and finding.item in items:
            path = (*path, items.index(finding.item))
        self.report(path, finding.message, on_key=finding.on_key)


def _dig(data: Any, path: Path) -> Any:
    """The raw value at ``path``, or None."""
    for part in path:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data
