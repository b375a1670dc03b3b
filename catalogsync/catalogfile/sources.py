"""Where a catalog's text comes from: one file, or a folder whose YAML files are the parts of one catalog.

A folder's parts are its ``*.yaml`` / ``*.yml`` files at any depth, sorted by relative path; hidden files and
folders (``.git``, ``.cache``...) are skipped. Each part is read once; the digest a saved plan records covers
every part's relative name and bytes, so adding, removing, renaming or editing any part changes it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from catalogsync.errors import InputError

SUFFIXES = (".yaml", ".yml")
SAVED_PLAN_OPENING = b'{\n  "format_version"'
"""How a saved plan (:mod:`catalogsync.saved`, JSON) begins; a catalog is YAML."""


@dataclass(frozen=True)
class Part:
    """One file of a catalog: its name in problems (the folder as given, then its relative path), bytes."""

    name: str
    raw: bytes


@dataclass(frozen=True)
class Source:
    """A catalog as read: its parts in order, whether it is a folder, and the digest of all its parts."""

    parts: tuple[Part, ...]
    folder: bool
    digest: str


def read_catalog(path: str) -> Source:
    """The catalog file or folder at ``path``, every part read once."""
    if not os.path.isdir(path):  # False too for a path the system refuses: read_part says why
        raw = read_part(path)
        return Source((Part(path, raw),), folder=False, digest=hashlib.sha256(raw).hexdigest())
    names = part_names(path)
    if not names:
        raise InputError(f"{path}: the folder holds no catalog file (*.yaml or *.yml; hidden ones skipped)")
    parts = tuple(Part(os.path.join(path, name), read_part(os.path.join(path, name))) for name in names)
    return Source(parts, folder=True, digest=folder_digest(names, parts))


def part_names(folder: str | Path) -> list[str]:
    """The relative paths (with ``/``) of the catalog files in ``folder``, sorted; hidden entries skipped."""
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if not name.startswith(".")]
        relative = Path(top).relative_to(folder)
        found += [
            (relative / name).as_posix()
            for name in files
            if name.endswith(SUFFIXES) and not name.startswith(".")
        ]
    return sorted(found)


def is_part_of(folder: str | Path, path: str | Path) -> bool:
    """Whether a file written at ``path`` would become a part of the catalog folder ``folder``."""
    try:
        relative = Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return relative.name.endswith(SUFFIXES) and not any(p.startswith(".") for p in relative.parts)


def read_part(path: str | Path) -> bytes:
    """The bytes of one catalog file; one that cannot be read is an :class:`InputError` naming it."""
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(f"{path}: no such file or folder") from None
    except OSError as error:
        raise _unreadable(path, error) from None
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):  # a read would block
        raise InputError(f"{path}: not a regular file (a pipe or a device?)")
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None


def _unreadable(path: str | Path, error: OSError) -> InputError:
    return InputError(f"{path}: cannot read the catalog file: {error.strerror or type(error).__name__}")


def folder_digest(names: list[str], parts: tuple[Part, ...]) -> str:
    """SHA-256 over each part's relative name, size and bytes, in order (unambiguous: sizes delimit bytes)."""
    digest = hashlib.sha256()
    for name, part in zip(names, parts, strict=True):
        digest.update(f"{name}\0{len(part.raw)}\0".encode())
        digest.update(part.raw)
    return digest.hexdigest()


def is_saved_plan(raw: bytes) -> bool:
    """Whether a file's bytes are a saved plan rather than a catalog part."""
    return raw.lstrip().startswith(SAVED_PLAN_OPENING)
