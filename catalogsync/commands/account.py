"""Reading the account for ``plan`` and ``apply``: the pin first, then the live state, then the plan."""

from __future__ import annotations

import sys
from typing import Any

from catalogsync.console import Console
from catalogsync.errors import SettingsError
from catalogsync.fetch import fetch
from catalogsync.gcpause import gc_paused
from catalogsync.kinds import KINDS
from catalogsync.live import LiveState
from catalogsync.plan import Plan, make_plan
from catalogsync.progress import progress
from catalogsync.reading import EVERYTHING, Reading
from catalogsync.selection import Selection


def check_account(catalog: Any, client: Any, address: str) -> None:
    """A catalog pinned to an account (``settings.account``) is refused by any other, before anything else
    of the account is read."""
    pinned = catalog.settings.account
    if pinned is not None and client.vendor_id != pinned:
        raise SettingsError(
            f"the catalog is for vendor {pinned} (settings.account), but {address} is vendor"
            f" {client.vendor_id}: nothing else was read and nothing was changed"
        )


def read_live(client: Any, address: str, console: Console, wanted: Reading = EVERYTHING) -> LiveState:
    """The account, read in full where ``wanted`` says (``export``: everything)."""
    console.debug(f"reading the account at {address}")

    def total() -> int | None:
        """Known once page 1 of every list has told its size (the details follow from the items)."""
        expected, lists = client.requests_expected
        return max(expected + 1, client.requests_made) if lists >= len(KINDS) else None  # + company info

    reading = progress(
        sys.stderr,
        "Reading the account",
        lambda: client.requests_made,
        total=total,
        unit=" requests",
        enabled=console.chatty,
    )
    with reading, gc_paused(freeze=True):  # the live state lives to the end of the command
        return fetch(client, base_url=address, reading=wanted)


def build_plan(catalog: Any, digest: str, catalog_path: str, live: LiveState, selection: Selection) -> Plan:
    """The one path from a command's inputs to a plan: ``plan`` and ``apply`` both build it here."""
    return make_plan(catalog, live, catalog_sha256=digest, catalog_path=catalog_path, selection=selection)
