"""Files the commands write (a saved plan, an export, an apply report, the request log): checked before any
request, written whole or not at all; an export may also go to a folder, one whole file per section."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path

from catalogsync.catalogfile.sources import is_part_of, part_names
from catalogsync.errors import OutputError, SettingsError


def check_output(flag: str, path: str | None, inputs: Collection[str | Path | None] = ()) -> None:
    """Refuse, before anything is read or written, an output path that cannot be written as a file, that is
    not a regular file (a device, a pipe), or that would overwrite what the command reads (``inputs``: the
    catalog file or folder, a saved plan, the sandbox's database)."""
    if path is None:
        return
    _check_file(flag, path, path, inputs)
    _check_parent(flag, path)


def _check_file(flag: str, given: str, path: str | Path, inputs: Collection[str | Path | None]) -> None:
    """``path`` (``given`` as the flag named it) can be replaced by a file of the command's own."""
    target = Path(path)
    shown = given if str(path) == given else f"{given} ({target.name})"
    if target.is_dir():
        raise SettingsError(f"{flag} {shown}: is a folder; name a file in it")
    if target.exists() and not target.is_file():
        raise SettingsError(f"{flag} {shown}: is not a regular file; name a file to write")
    for source in (Path(i) for i in inputs if i is not None):
        if _same(target, source) or (source.is_dir() and is_part_of(source, target)):
            what = "inside the catalog folder" if source.is_dir() else "the file"
            raise SettingsError(
                f"{flag} {shown}: {what} {source}, which this command uses: write it elsewhere"
            )


def _same(target: Path, source: Path) -> bool:
    """Whether two paths name one file, also through links and ``..``, and also before either exists (a
    sandbox database or a log the command is about to make)."""
    try:
        if target.exists() and source.exists():
            return target.samefile(source)
        return target.resolve() == source.resolve()
    except OSError:
        return False


def written_at(path: str | Path) -> Path:
    """The file a write to ``path`` makes or replaces: the one a symbolic link points to (replacing the link
    would leave that file as it was), else ``path`` itself."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def _check_parent(flag: str, path: str) -> None:
    """The folder that will hold ``path`` (or the file its link points to) exists and takes a file."""
    folder = written_at(path).parent
    if not folder.is_dir():
        raise SettingsError(f"{flag} {path}: the folder {folder} does not exist; create it first")
    _check_writable(flag, path, folder)


def _check_writable(flag: str, path: str, folder: Path) -> None:
    """A file can be made in ``folder``: tried, not guessed from its mode (root may write anywhere by mode,
    and /proc or a read-only mount refuses every new file)."""
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".catalogsync-probe.", suffix=".tmp")
    except OSError as error:
        raise SettingsError(f"{flag} {path}: cannot write in {folder}: {error.strerror or error}") from None
    os.close(handle)
    os.unlink(probe)


def is_folder(path: str) -> bool:
    """Whether an output path names a folder: an existing one, or a path ending in ``/``."""
    return path.endswith(("/", os.sep)) or Path(path).is_dir()


def check_folder_output(
    flag: str, path: str, names: Collection[str], inputs: Collection[str | Path | None] = ()
) -> None:
    """Refuse, before any request, a folder that cannot take the files ``names`` (one of them a folder, or
    what the command uses, ``inputs``), or that holds other catalog files: they would be read as parts of the
    catalog written there (files named ``names`` are replaced)."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise SettingsError(f"{flag} {path}: is a file, not a folder")
    for name in names:
        _check_file(flag, path, folder / name, inputs)
    if not folder.exists():
        _check_parent(flag, path)
        return
    _check_writable(flag, path, folder)
    others = [name for name in part_names(folder) if name not in names]
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise SettingsError(
            f"{flag} {path}: the folder holds other catalog files ({shown}), which would become part of the"
            " exported catalog: move them away, or export to another folder"
        )


def write_folder(path: str, files: Mapping[str, str]) -> None:
    """Create the folder if needed and write each file whole (:func:`write_whole`)."""
    try:
        Path(path).mkdir(exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot make the folder {path}: {error.strerror or error}") from None
    for name, text in files.items():
        write_whole(os.path.join(path, name), text)


def write_whole(path: str, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, so that a reader never sees a
    half-written file and an interrupted write leaves the old one; a failure is an :class:`OutputError`.
    A symbolic link stays one: the file it points to is written (:func:`written_at`)."""
    target = written_at(path)
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, _mode_of(target))
        os.replace(temporary, target)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(
                f"cannot write {path}: {error.strerror or error}; it was left as it was"
            ) from None
        raise


def _mode_of(target: Path) -> int:
    """The permissions a written file gets: those of the file it replaces, else what the umask allows (a
    temporary file is private, 0600, whatever the umask)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
