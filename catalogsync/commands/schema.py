"""``schema``: the catalog's JSON Schema, for editors."""

from __future__ import annotations

import argparse
import json

from catalogsync.catalogfile.schema import catalog_schema
from catalogsync.console import Console


def run(args: argparse.Namespace, console: Console) -> int:
    console.out(json.dumps(catalog_schema(), indent=2) + "\n")
    return 0
