"""Options (§3.17-3.21, §8.6, §8.8): value pairs, per-value updates, renames, the strict dialect, deletes."""

from __future__ import annotations

from typing import Any

from catalogsync.sandbox import Sandbox
from tests.sandbox.sandbox_support import Api

DECIBELS, VOLUME = "4688355343", "4688550010"
FOREIGN = "Specified option_value_id does not belong to specifed option_id."


def values(api: Api, option_id: str) -> list[tuple[str, str]]:
    [option] = api.ok("products/detail_option", option_id=option_id)["option"]
    return [(v["option_value_name"], v["option_value_surcharge"]) for v in option["option_values"]]


def value_ids(api: Api, option_id: str) -> list[str]:
    [option] = api.ok("products/detail_option", option_id=option_id)["option"]
    return [v["option_value_id"] for v in option["option_values"]]


def create(api: Api, **params: Any) -> str:
    defaults = {
        "option_name": "Size",
        "option_value_name": ["S", "M"],
        "option_value_surcharge": ["0", "1.5"],
    }
    return str(api.ok("products/create_option", **{**defaults, **params})["option_id"])


def test_create_pairs_values_by_position(api: Api) -> None:
    assert values(api, create(api)) == [("S", "0.00"), ("M", "1.50")]


def test_create_needs_name_and_matching_value_lists(api: Api) -> None:
    assert api.errors("products/create_option") == [
        ("PARAMETER_MISSING", "option_name"),
        ("PARAMETER_MISSING", "option_value_name"),
        ("PARAMETER_MISSING", "option_value_surcharge"),
    ]
    mismatched = {"option_value_name": ["a", "b"], "option_value_surcharge": "1"}
    assert api.errors("products/create_option", option_name="X", **mismatched) == [
        ("PARAMETER_INVALID", "option_value_surcharge")
    ]
    assert api.errors(
        "products/create_option", option_name="X", option_value_name="a", option_value_surcharge="x"
    ) == [("PARAMETER_INVALID", "option_value_surcharge")]


def test_value_names_may_repeat(api: Api) -> None:
    option_id = create(api, option_value_name=["Same", "Same"], option_value_surcharge=["1", "2"])
    assert values(api, option_id) == [("Same", "1.00"), ("Same", "2.00")]


def test_update_changes_a_value_in_place(api: Api) -> None:
    option_id = create(api)
    first, second = value_ids(api, option_id)
    api.ok(
        "products/update_option",
        option_id=option_id,
        option_name="Size",
        option_value_id=second,
        option_value_name="L",
        option_value_surcharge="3",
    )
    assert values(api, option_id) == [("S", "0.00"), ("L", "3.00")]
    assert value_ids(api, option_id) == [first, second]


def test_update_with_a_value_id_alone_deletes_it(api: Api) -> None:
    option_id = create(api)
    first, second = value_ids(api, option_id)
    body = api.ok("products/update_option", option_id=option_id, option_name="Size", option_value_id=first)
    assert body["response_message"] == "Option updated successfully"
    assert value_ids(api, option_id) == [second]


def test_update_without_value_id_adds_values_in_order(api: Api) -> None:
    option_id = create(api)
    api.ok(
        "products/update_option",
        option_id=option_id,
        option_name="Size",
        option_value_name=["XL", "XXL"],
        option_value_surcharge=["4", "5"],
    )
    assert values(api, option_id) == [("S", "0.00"), ("M", "1.50"), ("XL", "4.00"), ("XXL", "5.00")]
    ids = value_ids(api, option_id)
    assert ids == sorted(ids, key=int)


def test_value_of_another_option_is_refused_with_the_vendor_message(api: Api) -> None:
    foreign = value_ids(api, VOLUME)[0]
    params = {"option_id": DECIBELS, "option_name": "decibels", "option_value_id": foreign}
    assert api.errors("products/update_option", **params) == [("PARAMETER_INVALID", "option_value_id")]
    assert api.error_messages("products/update_option", **params) == [FOREIGN]
    assert len(value_ids(api, VOLUME)) == 3


def test_update_value_with_name_but_no_surcharge_is_refused(api: Api) -> None:
    option_id = create(api)
    first = value_ids(api, option_id)[0]
    params = {
        "option_id": option_id,
        "option_name": "Size",
        "option_value_id": first,
        "option_value_name": "Z",
    }
    assert api.errors("products/update_option", **params) == [("PARAMETER_MISSING", "option_value_surcharge")]


def test_update_renames(api: Api) -> None:
    api.ok("products/update_option", option_id=VOLUME, option_name="Loudness")
    assert api.ok("products/detail_option", option_id=VOLUME)["option"][0]["option_name"] == "Loudness"
    product = api.ok("products/detail_product", product_id="4274737762")["product"]
    assert product["options"][0]["option_name"] == "Loudness"


def test_lenient_update_may_omit_the_name_strict_may_not(sandbox: Sandbox, api: Api) -> None:
    option_id = create(api)
    first = value_ids(api, option_id)[0]
    api.ok("products/update_option", option_id=option_id, option_value_id=first)
    sandbox.dialect = "strict"
    assert api.errors("products/update_option", option_id=option_id) == [("PARAMETER_MISSING", "option_name")]
    assert api.errors("products/update_option", option_id=option_id, option_name="") == [
        ("PARAMETER_MISSING", "option_name")
    ]


def test_unknown_option(api: Api) -> None:
    for method in ("products/detail_option", "products/update_option", "products/delete_option"):
        assert api.errors(method, option_id="1000000000", option_name="x") == [("RECORD_NOT_FOUND", None)]


def test_option_in_use_cannot_be_deleted(api: Api) -> None:
    assert api.error_messages("products/delete_option", option_id=VOLUME) == [
        "Option is attached to products: 4274737762"
    ]
    api.ok("products/update_product", product_id="4274737762", option_id="")
    assert (
        api.ok("products/delete_option", option_id=VOLUME)["response_message"]
        == "Option deleted successfully"
    )
    assert api.errors("products/detail_option", option_id=VOLUME) == [("RECORD_NOT_FOUND", None)]
