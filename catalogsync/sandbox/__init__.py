"""A faithful local server of the legacy 2Checkout admin API: real HTTP on loopback, state in SQLite.

Independent of the client (it imports nothing from ``catalogsync.api`` or ``catalogsync.kinds``); its wire
format lives in :mod:`catalogsync.sandbox.wire` (and ``wire_sales``) and is held to the recorded vendor
payloads. Reference §8 is the contract.
"""

from catalogsync.sandbox.faults import ALL_FAULTS, Faults
from catalogsync.sandbox.server import Sandbox

__all__ = ["ALL_FAULTS", "Faults", "Sandbox"]
