"""The :class:`Client`: one account of the legacy 2Checkout admin API, its method groups and hash checks."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import requests

from catalogsync.api import hashes
from catalogsync.api.checks import check_flag, check_secret
from catalogsync.api.codec import Body
from catalogsync.api.limits import MAX_BODY_BYTES, MAX_PARALLELISM
from catalogsync.api.paging import Items, list_all
from catalogsync.api.resources import Account, Products, Sales
from catalogsync.api.transport import Policy, Transport
from catalogsync.errors import SettingsError, TransportError


class Client:
    """A thread-safe client of one account::

        with Client("https://www.2checkout.com/api", "apiuser", "password", secret="tango") as client:
            client.products.list_all()

    ``call()`` is the one path to HTTP; ``account``, ``sales`` and ``products`` (with ``products.options`` and
    ``products.coupons``) name the API's methods. ``parallelism`` bounds the requests in flight at once across
    every thread using the client (``list_all`` pages, the engine's detail reads and writes).

    ``timeout`` is the whole of one HTTP attempt (connecting, waiting for the answer and reading all of it);
    a read is retried, so it may take up to ``(max_retries + 1) * timeout`` plus the back-off pauses. An
    answer larger than ``max_body_bytes`` (default 32 MiB, some 300 times a page of 100 products) is
    refused with :class:`TransportError` as soon as that much has come, and is not asked for again.
    """

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        secret: str | None = None,
        demo: bool = False,
        timeout: float = 30.0,
        log_file: str | os.PathLike[str] | None = None,
        session: requests.Session | None = None,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        parallelism: int = 8,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        if (
            isinstance(parallelism, bool)
            or not isinstance(parallelism, int)
            or not 0 < parallelism <= MAX_PARALLELISM
        ):
            raise SettingsError(
                f"parallelism must be a whole number from 1 to {MAX_PARALLELISM}, not {parallelism!r}"
            )
        check_secret(secret)
        check_flag("demo", demo)
        if session is not None and not isinstance(session, requests.Session):
            raise SettingsError(f"session must be a requests.Session, not {type(session).__name__}")
        self.parallelism = parallelism
        self._secret, self._demo = secret, demo
        self._transport = Transport(
            base_url,
            username,
            password,
            policy=Policy(timeout, max_retries, backoff, max_backoff, max_body_bytes=max_body_bytes),
            session=session,
            pool_size=parallelism,
            max_in_flight=parallelism,
            secrets=(secret,),
            log_file=log_file,
        )
        self._username = username
        self._vendor_lock = threading.Lock()
        self._vendor_id: str | None = None
        self._plan_lock = threading.Lock()
        self._expected = 0
        self._lists_sized = 0
        self.account = Account(self.call)
        self.sales = Sales(self.call, self._list_all)
        self.products = Products(self.call, self._list_all)

    @property
    def base_url(self) -> str:
        return self._transport.base_url

    @property
    def timeout(self) -> float:
        """Seconds one HTTP attempt may take in all (connecting, waiting, reading): after it, none is in
        flight."""
        return self._transport.policy.timeout

    @property
    def requests_made(self) -> int:
        """HTTP requests issued so far, every attempt and retry included."""
        return self._transport.requests_made

    @property
    def log_failure(self) -> str | None:
        """Why the ``log_file`` stopped being written (the disk filled up...): no request fails for it."""
        return self._transport.log_failure

    @property
    def requests_expected(self) -> tuple[int, int]:
        """Requests known to be needed so far (pages of the lists read, and what :meth:`expect` was told),
        and how many ``list_all`` calls have learnt their size: for progress displays."""
        with self._plan_lock:
            return self._expected, self._lists_sized

    def expect(self, requests: int) -> None:
        """Tell the progress count that ``requests`` more requests are coming (detail reads, say)."""
        with self._plan_lock:
            self._expected += requests

    def _sized(self, pages: int) -> None:
        with self._plan_lock:
            self._expected += pages
            self._lists_sized += 1

    def call(
        self, group: str, method: str, params: Mapping[str, Any] | None = None, *, write: bool = False
    ) -> Body:
        """Call ``<group>/<method>`` and return the decoded body of the successful response.

        Reads (``detail_*``, ``list_*``, ``acct/*``) are GETs retried on transient failures; ``write=True``,
        or any other method name, makes a POST that is never retried. Names other than lower-case letters,
        digits and ``_``, ``params`` other than a mapping of text names, a ``write`` other than True or False,
        and parameters that are not UTF-8 text are refused (:class:`ClientError`) before any request.
        """
        return self._transport.call(group, method, params, write=write)

    @property
    def vendor_id(self) -> str:
        """The account's vendor id, read once from ``detail_company_info``."""
        with self._vendor_lock:
            if self._vendor_id is None:
                info = self.account.company_info().get("vendor_company_info")
                vendor_id = info.get("vendor_id") if isinstance(info, dict) else None
                if not vendor_id:
                    raise TransportError(
                        "no vendor_id in the company info", method="acct/detail_company_info"
                    )
                self._vendor_id = str(vendor_id)
            return self._vendor_id

    def validate_ins(self, params: Mapping[str, str]) -> bool:
        """Whether an INS message's ``md5_hash`` is genuine (needs ``secret``); False for anything but a
        mapping of text fields."""
        return hashes.validate_ins_hash(params, self._secret)

    def validate_return(self, params: Mapping[str, str]) -> bool:
        """Whether a checkout passback's ``key`` is genuine (needs ``secret``; demo rule when ``demo``); False
        for anything but a mapping of text fields."""
        return hashes.validate_return_key(params, self._secret, demo=self._demo)

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client({self.base_url!r}, {self._username!r}, password='***')"

    def _list_all(self, group: str, method: str, key: str, filters: Mapping[str, Any]) -> Items:
        def read(params: Mapping[str, Any]) -> Body:
            return self.call(group, method, params)

        return list_all(read, f"{group}/{method}", key, filters, self.parallelism, self._sized)
