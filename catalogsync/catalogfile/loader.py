"""Read a catalog file: YAML -> :class:`~catalogsync.catalog.Catalog`, or one error listing every problem.

A single pass collects YAML problems (:mod:`~catalogsync.catalogfile.yamlread`), the structure of the top
level, model validation of every resource (strict: no ``"yes"`` for ``true``, no number for a string) and the
cross-field rules (:mod:`~catalogsync.catalogfile.rules`); each problem carries the file, line, column and
path of what is wrong.
Resources are validated from the mapping as written, so ``model.declared()`` is exactly the fields the file
names.
"""

from __future__ import annotations

import codecs
from pathlib import Path as FilePath
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from catalogsync.catalog import Catalog, Settings
from catalogsync.catalogfile.rules import Finding, check
from catalogsync.catalogfile.yamlmarks import Path, format_path
from catalogsync.catalogfile.yamlread import Document, fast_reads, parse
from catalogsync.errors import CatalogError, Problem
from catalogsync.kinds import KINDS, AnyKind, Model
from catalogsync.messages import describe, did_you_mean

M = TypeVar("M", bound=Model)

SECTIONS = ("settings", *(kind.section for kind in KINDS))


def load(path: str | FilePath) -> Catalog:
    """Read and validate the catalog file at ``path``."""
    return load_bytes(read_source(path), str(path))


def read_source(path: str | FilePath) -> bytes:
    """The bytes of the catalog file at ``path``; a file that cannot be read is a located problem."""
    try:
        return FilePath(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        problem = Problem(str(path), 1, 1, "", f"cannot read the catalog file: {reason}")
        raise CatalogError([problem]) from None


def load_bytes(raw: bytes, filename: str) -> Catalog:
    """Validate a catalog file's bytes (read once by callers that also hash them)."""
    return loads(_decode(raw, filename), filename)


def loads(text: str, filename: str = "<string>") -> Catalog:
    """Validate catalog YAML given as text; ``filename`` is used in problems.

    The fast reader (libyaml) serves valid files; a file with any problem is read again by PyYAML, so that
    every problem is located and worded the same whichever reader is installed.
    """
    if not fast_reads(text):
        return _loads(text, filename, careful=True)
    try:
        return _loads(text, filename, careful=False)
    except CatalogError:
        return _loads(text, filename, careful=True)


def _loads(text: str, filename: str, *, careful: bool) -> Catalog:
    document = parse(text, filename, careful=careful)
    if not document.readable:
        raise CatalogError(document.problems)
    reader = _Reader(filename, document)
    catalog = reader.catalog()
    if reader.problems:
        raise CatalogError(sorted(reader.problems, key=lambda p: (p.line, p.column)))
    return catalog


def _decode(raw: bytes, filename: str) -> str:
    """UTF-8 text (a byte order mark is allowed); anything else is a located problem."""
    body = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        start = error.start
        line = body.count(b"\n", 0, start) + 1
        column = start - (body.rfind(b"\n", 0, start) + 1) + 1
        message = f"the file is not UTF-8 text (byte 0x{body[start]:02x})"
        raise CatalogError([Problem(filename, line, column, "", message)]) from None


class _Reader:
    """Builds the catalog from a parsed document, collecting every problem on the way."""

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

    def catalog(self) -> Catalog:
        sections = self.sections()
        settings = self.validate(Settings, sections.get("settings", {}), ("settings",)) or Settings()
        resources = {kind.section: self.resources(kind, sections.get(kind.section, {})) for kind in KINDS}
        catalog = Catalog.model_validate({"settings": settings, **resources})
        keys = {kind.section: set(sections.get(kind.section, {})) for kind in KINDS}
        for finding in check(catalog, keys):
            self.report_finding(finding)
        return catalog

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
            for detail in error.errors(include_url=False):
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
