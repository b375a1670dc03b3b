"""One apply of an account at a time on this machine: an exclusive lock per account in the cache folder.

Two applies of one account started together (two people, a CI job re-run while the first still runs) would
both read the account before either writes, and both create the same products, or apply a saved plan made
stale by the other. Apply therefore holds ``apply-<digest>.lock`` in the cache folder (beside the in-flight
journal of :mod:`catalogsync.inflight`, named by the same digest of the account's address) from before it
reads the account until it has applied: an ``fcntl.flock`` lock, exclusive, with the holder's pid written
in the file. A second apply tells once that it waits (and for which pid), then waits until the first ends;
it reads the account only then, so a saved plan the first made stale is refused as such. Ctrl-C interrupts
the wait. The lock goes with its process, however it ends (``kill -9`` too): the file stays, empty or with a
dead pid, and is taken again at once.

The limit: the lock is in the user's cache folder (``$XDG_CACHE_HOME/catalogsync``), so it keeps apart the
applies that share that folder on one machine only; applies from two machines or runners are serialised by
the CI templates (docs/ci.md). A cache folder that cannot be made or opened, or a file system without locks,
is told once and apply goes on without the lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from catalogsync.inflight import account_digest, cache_dir
from catalogsync.shown import printable


def lock_path(address: str) -> Path:
    """The lock of the account at ``address`` (an API URL, or ``sandbox /abs/path.db``)."""
    return cache_dir() / f"apply-{account_digest(address)}.lock"


@contextmanager
def apply_lock(address: str, info: Callable[[str], None]) -> Iterator[None]:
    """Hold the account's lock meanwhile, waiting (told through ``info``) while another process holds it."""
    descriptor = _take(lock_path(address), info)
    try:
        yield
    finally:
        if descriptor is not None:
            _release(descriptor)


def _holder(descriptor: int) -> int | None:
    """The pid the lock file holds, or None when it holds none (yet) or cannot be read."""
    try:
        text = os.pread(descriptor, 32, 0).decode("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() and int(text) > 0 else None


def _take(path: Path, info: Callable[[str], None]) -> int | None:
    """The lock file, open and locked, with this process's pid in it; None, told, when it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        _without(path, error, info)
        return None
    try:
        _wait_for(descriptor, info)
    except OSError as error:  # a file system without locks
        os.close(descriptor)
        _without(path, error, info)
        return None
    except BaseException:  # Ctrl-C while waiting: the CLI says "interrupted"
        os.close(descriptor)
        raise
    try:
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode("ascii"), 0)
    except OSError:  # the pid only tells a waiting apply whom it waits for
        pass
    return descriptor


def _wait_for(descriptor: int, info: Callable[[str], None]) -> None:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _holder(descriptor)
        by = f" (pid {pid})" if pid is not None else ""
        info(f"waiting for another apply of this account on this machine to finish{by}")
        fcntl.flock(descriptor, fcntl.LOCK_EX)


def _release(descriptor: int) -> None:
    """Empty the file (no pid of an ended apply is shown) and close it, which releases the lock."""
    try:
        os.ftruncate(descriptor, 0)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _without(path: Path, error: OSError, info: Callable[[str], None]) -> None:
    info(
        f"cannot lock {printable(str(path))} ({error.strerror or error}): going on without the lock against"
        " a second apply on this machine"
    )
