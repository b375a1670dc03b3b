"""Paths a user gives on the command line, refused at once when the system could not take them."""

from __future__ import annotations

import argparse
import errno
import os

UNUSABLE = {errno.ENAMETOOLONG: "too long for this system", errno.ELOOP: "a loop of symbolic links"}


def path_argument(text: str) -> str:
    """``text`` as given, when the system can look it up (a missing file is the command's to report);
    argparse names the flag in front of the message."""
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
