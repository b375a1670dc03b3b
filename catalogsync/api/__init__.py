"""A client of the legacy 2Checkout admin API: account, sales, products, options, coupons and the hash checks.

::

    from catalogsync.api import Client

    with Client("https://www.2checkout.com/api", "apiuser", "secret-password") as client:
        products = client.products.list_all()

Errors are :class:`ApiError` (the vendor answered with errors) and :class:`TransportError` (no usable
answer), both from :mod:`catalogsync.errors`. See ``docs/client.md``.
"""

from catalogsync.api.client import Client
from catalogsync.api.hashes import validate_ins_hash, validate_return_key
from catalogsync.errors import ApiError, TransportError

__all__ = ["ApiError", "Client", "TransportError", "validate_ins_hash", "validate_return_key"]
