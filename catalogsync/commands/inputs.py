"""What ``validate``, ``plan`` and ``apply`` read from disk: the catalog file or folder, read once."""

from __future__ import annotations

from typing import Any

from catalogsync.catalogfile.loader import load_parts
from catalogsync.catalogfile.sources import Source, is_saved_plan, read_catalog
from catalogsync.errors import InputError, StalePlanError
from catalogsync.gcpause import gc_paused


def read_catalog_input(path: str, *, expected_sha256: str | None = None) -> tuple[Any, Source]:
    """The catalog file or folder at ``path`` and its source (parts and digest), each part read once. With
    ``expected_sha256`` (a saved plan's), parts that hash otherwise are refused before they are parsed: none
    of their bytes reach a message."""
    source = read_catalog(path)
    if expected_sha256 is not None and source.digest != expected_sha256:
        how = "a file in it was added, removed, renamed or edited" if source.folder else "its SHA-256 differs"
        raise StalePlanError(
            f"saved plan refused: {path} is not the catalog the plan was made from ({how}). Plan again."
        )
    for part in source.parts:
        if is_saved_plan(part.raw):
            raise InputError(
                f"{part.name}: a saved plan inside the catalog folder {path}, of which every *.yaml / *.yml"
                " file is a part: move it out of the folder"
                if source.folder
                else f"{path}: this is a saved plan, not a catalog; apply it with: catalogsync apply {path}"
            )
    with gc_paused(freeze=True):  # the catalog lives to the end of the command
        return load_parts(source.parts), source
