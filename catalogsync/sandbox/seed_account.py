"""The demo account's own documents: company and contact info, the pending payment, past payments (§3.1-3.4).

Shaped like the recorded ``acct.*`` answers; the vendor id is the one of the recorded product list.
"""

from __future__ import annotations

from typing import Any

VENDOR_ID = "1311348"

COMPANY = {
    "affiliate_url": "http://www.fake-company.com",
    "currency_code": "USD",
    "currency_name": "US Dollars",
    "currency_symbol": "$",
    "demo": "P",
    "pending_return_url": "http://www.fake-company.com",
    "return_method": "1",
    "return_url": "http://www.fake-company.com",
    "secret_word": "tango",
    "site_category": "Electronics",
    "site_description": "Fake company for testing!",
    "site_title": "Fake Company",
    "soft_descriptor": "Test",
    "url": "www.fake-company.com",
    "vendor_id": VENDOR_ID,
    "vendor_name": "Fake Company",
}

_ADDRESS = {"address_1": "855 Grandview Avenue", "address_2": "Suite 11", "city": "Columbus"}
CONTACT = {
    "2co_account_level_id": "3",
    "customer_service_email": "support@fake-company.com",
    "customer_service_phone": "555-555-5555",
    "customer_service_phone_ext": "null",
    **{f"{kind}_{key}": value for kind in ("mailing", "physical") for key, value in _ADDRESS.items()},
    "mailing_address_id": "2436561523",
    "mailing_country_code": "USA",
    "mailing_postal_code": "43215",
    "mailing_state": "OH",
    "office_email": "no-reply@fake-company.com",
    "office_phone": "555-555-5555",
    "office_phone_ext": None,
    "physical_address_id": "2436561526",
    "physical_country_code": "USA",
    "physical_postal_code": "43215",
    "physical_state": "OH",
    "vendor_id": VENDOR_ID,
}

_TOTALS = (
    "total_adjustments",
    "total_balance_forward",
    "total_chargeback_fees",
    "total_commissions",
    "total_fees",
    "total_outgoing_commissions",
    "total_refunds",
    "total_reserve_released",
    "total_sales",
)
PENDING_PAYMENT = {
    "amount": "999.99",
    "payment_fee": "0.00",
    "payment_id": "2436561667",
    "payment_method": "ach",
    "release_level": "15",
    "reserve_held": "14.19",
    **dict(
        zip(
            _TOTALS,
            ("61.07", "0.00", "0.00", "0.21", "86.92", "4.35", "275.36", "0.00", "283.86"),
            strict=True,
        )
    ),
}


def _payment(payment_id: str, paid: str, amount: str, sales: str) -> dict[str, Any]:
    return {
        "amount": amount,
        "date_paid": paid,
        "date_reserve_released": None,
        "date_voided": None,
        "payment_id": payment_id,
        "payment_identifier": f"wire_{payment_id[-6:]}{paid[:4]}",
        "payment_type": "wire",
        "reserve_held": "0.00",
        **dict.fromkeys(_TOTALS, "0.00"),
        "total_sales": sales,
        "void": None,
    }


PAYMENTS = [
    _payment("2436560011", "2013-01-15", "412.30", "436.10"),
    _payment("2436560023", "2013-02-15", "288.75", "305.00"),
    _payment("2436560035", "2013-03-15", "97.12", "102.80"),
]
