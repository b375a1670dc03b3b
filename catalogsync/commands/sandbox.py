"""``sandbox``: serve the local sandbox of the API."""

from __future__ import annotations

import argparse

from catalogsync.console import Console
from catalogsync.sandbox import cli as sandbox_cli


def run(args: argparse.Namespace, console: Console) -> int:
    return sandbox_cli.run(args)
