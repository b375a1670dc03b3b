"""The return-key and INS hash checks against every test vector of reference §5, positive and negative, and a
table of wrong types for every argument of every public hash check (a message fails, a setting is refused)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catalogsync.api import Client, hashes, validate_ins_hash, validate_return_key
from catalogsync.api.hashes import ins_hash, return_key
from catalogsync.errors import SettingsError

RETURN_VECTORS = [  # secret, sid, order_number, total, key
    ("tango", "1817037", "4774380224", "0.01", "7AB926D469648F3305AE361D5BD2C3CB"),
    ("tango", "1817037", "1", "0.01", "1BC47EA0D63EB76496E294F434138AD3"),
    ("tango", "1817037", "4789848870", "0.01", "CDF3E502AA1597DD4401760783432337"),
    ("tango", "1817037", "4819138002", "1.00", "37497D9861B21618CDB9AEE6AC96E30A"),
]
INS_VECTORS = [  # sale_id, vendor_id, invoice_id, secret, md5_hash
    ("4774380224", "1817037", "4774380233", "tango", "566C45D68B75357AD43F9010CFFE8CF5"),
    ("4789848870", "1817037", "4789848879", "tango", "827220324C722873694758F38D8D3624"),
    ("4632527448", "1817037", "4632527490", "tango", "4FB7CD1CD57BBEFCCA462F3DE823C50A"),
    ("4819138002", "1817037", "4343434343", "tango", "A152B3D993B4F97E2E2A41552A4769A8"),
    (
        "4707205055",
        "532001",
        "4707205064",
        "tHeBroWnFoXjUmpSoVerTheLazyDoG",
        "04215808D538E94DF856949489D0D8CA",
    ),
]
OMNI_SECRET = "MzBjODg5YTUtNzcwMS00N2NlLWFkODMtNzQ2YzllZWRjMzBj"


def passback(sid: str, order_number: str, total: str, key: str, **extra: str) -> dict[str, str]:
    return {"sid": sid, "order_number": order_number, "total": total, "key": key, **extra}


def ins(sale_id: str, vendor_id: str, invoice_id: str, md5_hash: str) -> dict[str, str]:
    return {"sale_id": sale_id, "vendor_id": vendor_id, "invoice_id": invoice_id, "md5_hash": md5_hash}


@pytest.mark.parametrize(("secret", "sid", "order_number", "total", "key"), RETURN_VECTORS)
def test_return_key_vectors(secret: str, sid: str, order_number: str, total: str, key: str) -> None:
    assert return_key(secret, sid, order_number, total) == key
    assert validate_return_key(passback(sid, order_number, total, key), secret)


@pytest.mark.parametrize(("sale_id", "vendor_id", "invoice_id", "secret", "md5_hash"), INS_VECTORS)
def test_ins_hash_vectors(sale_id: str, vendor_id: str, invoice_id: str, secret: str, md5_hash: str) -> None:
    assert ins_hash(sale_id, vendor_id, invoice_id, secret) == md5_hash
    assert validate_ins_hash(ins(sale_id, vendor_id, invoice_id, md5_hash), secret)


def test_the_java_return_key_fails_with_another_total() -> None:
    params = passback("1817037", "4819138002", "5.00", "37497D9861B21618CDB9AEE6AC96E30A")
    assert not validate_return_key(params, "tango")


def test_the_java_ins_hash_fails_when_one_digit_differs() -> None:
    params = ins("4819138002", "1817037", "4343434343", "A152B3D993B4F97E2E2A41552A4769A7")
    assert not validate_ins_hash(params, "tango")


def test_omnipay_ins_vector_hashes_with_the_configured_vendor_id() -> None:
    params = ins("9093727242912", "532001", "9093727242921", "F6F69F6039DBF8CC26A5388157685931")
    assert not validate_ins_hash(params, OMNI_SECRET)
    assert validate_ins_hash(params, OMNI_SECRET, vendor_id="901290261")


def test_demo_sales_use_order_number_one() -> None:
    demo_key = "1BC47EA0D63EB76496E294F434138AD3"
    params = passback("1817037", "4774380224", "0.01", demo_key)
    assert not validate_return_key(params, "tango")
    assert validate_return_key(params, "tango", demo=True)
    assert validate_return_key({**params, "demo": "Y"}, "tango")
    assert not validate_return_key({**params, "demo": "N"}, "tango")


def test_a_real_key_fails_in_demo_mode() -> None:
    params = passback("1817037", "4774380224", "0.01", "7AB926D469648F3305AE361D5BD2C3CB")
    assert not validate_return_key(params, "tango", demo=True)


def test_keys_compare_case_insensitively() -> None:
    params = passback("1817037", "4774380224", "0.01", "7ab926d469648f3305ae361d5bd2c3cb")
    assert validate_return_key(params, "tango")


@pytest.mark.parametrize("missing", ["sid", "order_number", "total", "key"])
def test_a_passback_missing_a_field_fails(missing: str) -> None:
    params = passback("1817037", "4774380224", "0.01", "7AB926D469648F3305AE361D5BD2C3CB")
    assert not validate_return_key({k: v for k, v in params.items() if k != missing}, "tango")
    assert not validate_return_key({**params, missing: ""}, "tango")


@pytest.mark.parametrize("missing", ["sale_id", "vendor_id", "invoice_id", "md5_hash"])
def test_an_ins_message_missing_a_field_fails(missing: str) -> None:
    params = ins("4774380224", "1817037", "4774380233", "566C45D68B75357AD43F9010CFFE8CF5")
    assert not validate_ins_hash({k: v for k, v in params.items() if k != missing}, "tango")


def test_a_wrong_secret_fails_and_garbage_keys_do_not_raise() -> None:
    params = passback("1817037", "4774380224", "0.01", "7AB926D469648F3305AE361D5BD2C3CB")
    assert not validate_return_key(params, "other")
    assert not validate_return_key({**params, "key": "é" * 32}, "tango")


@pytest.mark.parametrize("secret", [None, ""])
def test_no_secret_is_a_settings_error_not_a_pass(secret: str | None) -> None:
    params = passback("1817037", "4774380224", "0.01", "7AB926D469648F3305AE361D5BD2C3CB")
    with pytest.raises(SettingsError):
        validate_return_key(params, secret)
    with pytest.raises(SettingsError):
        validate_ins_hash(ins("1", "2", "3", "X"), secret)


def test_client_checks_use_its_secret_and_demo_mode() -> None:
    with (
        Client("https://api.example.com/api", "u", "p", secret="tango") as client,
        Client("https://api.example.com/api", "u", "p", secret="tango", demo=True) as demo,
        Client("https://api.example.com/api", "u", "p") as no_secret,
    ):
        real = passback("1817037", "4774380224", "0.01", "7AB926D469648F3305AE361D5BD2C3CB")
        assert client.validate_return(real)
        assert not demo.validate_return(real)
        assert demo.validate_return({**real, "key": "1BC47EA0D63EB76496E294F434138AD3"})
        assert client.validate_ins(
            ins("4774380224", "1817037", "4774380233", "566C45D68B75357AD43F9010CFFE8CF5")
        )
        assert not client.validate_ins(ins("4774380224", "1817037", "4774380233", "0" * 32))
        with pytest.raises(SettingsError):
            no_secret.validate_ins(ins("4774380224", "1817037", "4774380233", "0" * 32))
        assert client.requests_made == 0


FIELDS = ["sid", "order_number", "total", "key", "demo", "sale_id", "vendor_id", "invoice_id", "md5_hash"]


VALUES = (
    st.text(st.characters(exclude_categories=[]), min_size=1, max_size=10)
    | st.sampled_from(["\ud800", "0\udcff1"])  # what json.loads makes of "\ud800": rare in any text
    | st.integers()
    | st.none()
)


@settings(max_examples=300, deadline=None)
@given(params=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, VALUES)))
def test_any_message_is_genuine_or_not_and_never_raises(params: dict[str, object]) -> None:
    """Untrusted input: any text (lone surrogates too), a number or null in any field."""
    assert validate_return_key(params, "tango") in (True, False)  # type: ignore[arg-type]
    assert validate_ins_hash(params, "tango") in (True, False)  # type: ignore[arg-type]


# -- arguments of the wrong type --------------------------------------------------------------------------

PASSBACK = passback(*RETURN_VECTORS[0][1:])
INS = ins(*INS_VECTORS[0][:3], INS_VECTORS[0][4])
CHECKER = Client("http://127.0.0.1:9/api", "u", "pw", secret="tango")  # makes no request
CHECKS: dict[str, tuple[Callable[..., bool], dict[str, Any]]] = {
    "validate_return_key": (validate_return_key, {"params": PASSBACK, "secret": "tango"}),
    "validate_ins_hash": (validate_ins_hash, {"params": INS, "secret": "tango"}),
    "Client.validate_return": (CHECKER.validate_return, {"params": PASSBACK}),
    "Client.validate_ins": (CHECKER.validate_ins, {"params": INS}),
}
"""Every public hash check, with arguments that pass."""
MESSAGES: list[Any] = [None, b"sid=1&key=x", "sid=1&key=x", 1817037, [("sid", "1")], {1, 2}, object()]
"""What an untrusted message may be instead of a mapping of text: the check fails."""
WRONG: dict[str, list[Any]] = {
    "params": MESSAGES,
    "secret": [123, b"tango", ["tango"], True],
    "demo": ["no", "Y", 1, None],
    "vendor_id": [1.5, b"1817037", ["1817037"], True],
}
"""Wrong types for every argument; all but the message are the caller's own settings: SettingsError."""


def test_every_argument_of_every_hash_check_has_rows() -> None:
    public = {name for name in vars(hashes) if name.startswith("validate_")}
    assert public | {"Client.validate_return", "Client.validate_ins"} == set(CHECKS)
    for check, _ in CHECKS.values():
        assert set(inspect.signature(check).parameters) <= set(WRONG)


@pytest.mark.parametrize(
    ("name", "argument", "value"),
    [
        (name, argument, value)
        for name, (check, _) in CHECKS.items()
        for argument in inspect.signature(check).parameters
        for value in WRONG[argument]
    ],
    ids=repr,
)
def test_a_wrong_type_fails_the_check_or_is_a_settings_error(name: str, argument: str, value: Any) -> None:
    check, good = CHECKS[name]
    assert check(**good) is True
    if argument == "params":
        assert check(**{**good, argument: value}) is False
    else:
        with pytest.raises(
            SettingsError, match=f"^{argument if argument != 'secret' else 'the secret word'} "
        ):
            check(**{**good, argument: value})


@pytest.mark.parametrize("vendor_id", [1817037, "1817037"])
def test_a_configured_vendor_id_may_be_a_whole_number(vendor_id: str | int) -> None:
    assert validate_ins_hash({**INS, "vendor_id": "0"}, "tango", vendor_id=vendor_id)


def _return_check(secret: str, sid: str, order_number: str, total: str, _: str) -> Callable[[str], bool]:
    return lambda key: validate_return_key(passback(sid, order_number, total, key), secret)


def _ins_check(sale_id: str, vendor_id: str, invoice_id: str, secret: str, _: str) -> Callable[[str], bool]:
    return lambda md5_hash: validate_ins_hash(ins(sale_id, vendor_id, invoice_id, md5_hash), secret)


VECTOR_CHECKS = [
    *((_return_check(*vector), vector[-1]) for vector in RETURN_VECTORS),
    *((_ins_check(*vector), vector[-1]) for vector in INS_VECTORS),
]
"""A check of every vector of reference §5 with the key or hash it is given, and the vendor's one."""
LOOKALIKES = ["", "\ufb00", "ß", "\u0131", "İ", "\u212a", "\uff21", "é"]
"""Choices beside a character and its lower case: left out, or text whose Unicode case maps differ
("\ufb00".upper() is "FF", "\u212a" (Kelvin) lowers to "k", "\uff21" is a full-width A)."""
FORGED = [0] * 32
FORGED[25:27] = [2, 3]  # 566C45D68B75357AD43F9010C[FF]E8CF5 written with one U+FB00 for "FF"


@settings(max_examples=300)
@given(
    vector=st.integers(0, len(VECTOR_CHECKS) - 1),
    choices=st.lists(st.integers(0, len(LOOKALIKES) + 1), min_size=32, max_size=32),
)
@example(vector=len(RETURN_VECTORS), choices=FORGED)
def test_a_key_passes_only_as_the_vendor_wrote_it_in_either_case(vector: int, choices: list[int]) -> None:
    """Any text in the key's place: genuine exactly when it is the vendor's key, character for character,
    in upper or lower ASCII case (Unicode upper-casing let "\ufb00" stand for "FF")."""
    check, expected = VECTOR_CHECKS[vector]
    key = "".join([c, c.lower(), *LOOKALIKES][n] for c, n in zip(expected, choices, strict=True))
    genuine = len(key) == len(expected) and all(
        k in (e, e.lower()) for k, e in zip(key, expected, strict=False)
    )
    assert check(key) is genuine
