"""A faithful local server of the legacy 2Checkout admin API: real HTTP on loopback, state in SQLite.

Independent of the client (it imports nothing from ``catalogsync.api`` or ``catalogsync.kinds``); its wire
format lives in :mod:`catalogsync.sandbox.wire` (and ``wire_sales``) and is held to the recorded vendor
payloads. Reference §8 is the contract.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from catalogsync.sandbox.faults import ALL_FAULTS, Faults
    from catalogsync.sandbox.server import Sandbox

__all__ = ["ALL_FAULTS", "Faults", "Sandbox"]

_HOMES = {"ALL_FAULTS": "faults", "Faults": "faults", "Sandbox": "server"}


def __getattr__(name: str) -> Any:
    """Import the server on first use: the command line defines ``catalogsync sandbox``'s flags without it."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"catalogsync.sandbox.{_HOMES[name]}"), name)
