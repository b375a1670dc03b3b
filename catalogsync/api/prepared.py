"""Requests as ``requests`` prepares them, with the work that is the same on every call done once per method.

``Session.request`` merges the session's headers, params, cookies and hooks into every request, re-reads the
environment, re-parses and re-quotes the URL and encodes the Basic credentials again: a quarter to a third
of the client's CPU time per call. The transport's own session has nothing of its own to merge (no headers,
cookies or hooks; its environment read once), so :class:`Preparer` asks the session to prepare each (verb,
method) once, without parameters, and builds every call's request from that template: its URL and headers
(the session's defaults, ``Accept`` and ``Authorization``) as they are, and the pairs encoded as ``requests``
encodes them (``urlencode``), as the query string of a GET or the form body of a POST. Cookies the server
sets are not sent back: every call authenticates by itself (Basic auth, reference §1.2).
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import requests
from requests.auth import AuthBase

from catalogsync.api.codec import Pairs

FORM = "application/x-www-form-urlencoded"


class Preparer:
    """Prepared requests to ``<base_url>/<name>`` of one session, and the session's adapter that sends them
    (``Session.send`` is not needed: see :meth:`Transport._response`); safe to use from many threads."""

    def __init__(
        self, session: requests.Session, base_url: str, headers: Mapping[str, str], auth: AuthBase
    ) -> None:
        self._session, self._base_url = session, base_url
        self.adapter = session.get_adapter(base_url)
        self._headers, self._auth = dict(headers), auth
        self._templates: dict[tuple[str, str], requests.PreparedRequest] = {}

    def request(self, verb: str, name: str, pairs: Pairs) -> requests.PreparedRequest:
        """What ``session.prepare_request`` makes of this call, given the pairs as params (GET) or data."""
        template = self._templates.get((verb, name)) or self._template(verb, name)
        encoded = urlencode(pairs)
        request = requests.PreparedRequest()
        request.method, request.hooks = verb, template.hooks
        request.headers = template.headers.copy()
        request.url = f"{template.url}?{encoded}" if verb == "GET" and encoded else template.url
        if verb != "GET" and encoded:
            request.body = encoded
            request.headers["Content-Length"] = str(len(encoded))  # ASCII: urlencode quotes the rest
            request.headers["Content-Type"] = FORM
        return request

    def _template(self, verb: str, name: str) -> requests.PreparedRequest:
        template = self._session.prepare_request(
            requests.Request(verb, f"{self._base_url}/{name}", headers=self._headers, auth=self._auth)
        )
        self._templates[verb, name] = template  # two threads may both make it: either is the same
        return template
