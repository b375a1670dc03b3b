"""Paths a user gives on the command line, refused at once when the system could not take them."""

from __future__ import annotations

import argparse
import errno
import os

UNUSABLE = {errno.ENAMETOOLONG: "too long for this system", errno.ELOOP: "a loop of symbolic links"}
STDIO = "-"
"""Standard input or output to most command-line tools; a file of that name is written ``./-``."""


def path_argument(text: str) -> str:
    """``text`` as given, when the system can look it up (a missing file is the command's to report);
    argparse names the flag in front of the message. ``-`` is refused: taken as a file name, it would read
    or write a file called ``-`` where standard input or output was meant."""
    if text == STDIO:
        raise argparse.ArgumentTypeError("'-' (standard input or output) is not taken here: name a file")
    try:
        os.stat(text)
    except OSError as error:
        if error.errno in UNUSABLE:
            raise argparse.ArgumentTypeError(
                f"the path is {UNUSABLE[error.errno]} ({error.strerror})"
            ) from None
    except ValueError:  # a NUL byte: possible only from a script calling main() itself
        raise argparse.ArgumentTypeError("the path holds a NUL byte") from None
    return text


def output_argument(text: str) -> str | None:
    """A file or folder to write, or None for standard output (``-``, as when the flag is not given)."""
    return None if text == STDIO else path_argument(text)
