"""Files the commands write (a saved plan, an export, an apply report, the request log): checked before any
request, written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from catalogsync.errors import SettingsError


def check_output(flag: str, path: str | None) -> None:
    """Refuse, before anything is read or written, an output path that cannot be written as a file."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise SettingsError(f"{flag} {path}: is a folder; name a file in it")
    folder = target.parent
    if not folder.is_dir():
        raise SettingsError(f"{flag} {path}: the folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise SettingsError(f"{flag} {path}: the folder {folder} is not writable")


def write_whole(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that a reader never sees a
    half-written file and an interrupted write leaves the old one."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
