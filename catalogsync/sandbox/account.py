"""acct/*: company and contact info, the pending payment and past payments (reference §3.1-3.4)."""

from __future__ import annotations

from collections.abc import Callable

from catalogsync.sandbox import wire
from catalogsync.sandbox.call import Call
from catalogsync.sandbox.state import load_doc


def _answer(document: str, member: str, message: str) -> Callable[[Call], wire.JSON]:
    """A method answering one stored account document; RECORD_NOT_FOUND when it is absent or empty."""

    def handle(call: Call) -> wire.JSON:
        body = load_doc(call.db, document)
        if not body:
            raise wire.not_found()
        return wire.ok(message, **{member: body})

    handle.__name__ = f"answer_{document}"
    return handle


detail_company_info = _answer("company", "vendor_company_info", "company info retrieved")
detail_contact_info = _answer("contact", "vendor_contact_info", "contact info retrieved")
detail_pending_payment = _answer("pending_payment", "payment", "payment info retrieved")
list_payments = _answer("payments", "payments", "payment info retrieved")
