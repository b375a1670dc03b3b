"""Properties of the two questions a plan asks of every live resource it reads: does it already hold what the
catalog declares (``Kind.matches``), and what is its digest (``fingerprint``, which a saved plan records)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from catalogsync.catalog import Catalog
from catalogsync.catalogfile import rules
from catalogsync.catalogfile.loader import load
from catalogsync.kinds import BY_NAME, KINDS, AnyKind, Model, WireObject
from catalogsync.live import fingerprint
from tests.catalog.strategies import OPTIONS, coupons, products

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "catalog.yaml"
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LINKED = {"options": ["Colour", "Size", "Ünïcode ☕"], "products": ["TEE", "MUG"]}
MODELS = {
    "option": OPTIONS,
    "product": products(LINKED["options"]),
    "coupon": coupons(LINKED["products"]),
}


def live_copy(kind: AnyKind, model: Model) -> Any:
    """A live model (every field declared, as fetch decodes one) holding the values of ``model``."""
    return kind.model.live(model.model_dump(mode="json"))


@st.composite
def desired_and_live(draw: st.DrawFn) -> tuple[AnyKind, Any, Any]:
    """A kind, a declared resource and a live one; the declared fields are often the live values."""
    kind = BY_NAME[draw(st.sampled_from(sorted(MODELS)))]
    live = live_copy(kind, draw(MODELS[kind.name]))
    declared = draw(MODELS[kind.name])
    ours, theirs = declared.model_dump(mode="json"), live.model_dump(mode="json")
    taken = {name: theirs[name] if draw(st.booleans()) else ours[name] for name in declared.declared()}
    try:
        desired = kind.model.model_validate(taken)
    except ValidationError:  # a mix the catalog's rules refuse (a tangible product without weight)
        assume(False)
    return kind, desired, live


@SETTINGS
@given(desired_and_live())
def test_matches_is_merging_changes_nothing(case: tuple[AnyKind, Any, Any]) -> None:
    kind, desired, live = case
    assert kind.matches(desired, live) == (kind.merge(desired, live) == live)


def broken(kind: AnyKind, model: Model) -> list[rules.Finding]:
    """The rules between fields that ``model`` breaks, as a catalog's resource."""
    return rules.check(Catalog(**{kind.section: {"K": model}}), {**LINKED, kind.section: ["K"]})


@SETTINGS
@given(desired_and_live())
def test_a_merge_is_a_resource_the_account_can_hold(case: tuple[AnyKind, Any, Any]) -> None:
    """A merge the plan does not refuse offline is a resource every rule between fields accepts: the left-out
    fields the declared ones exclude are dropped (a sale coupon's product links, a shipping one's amount)."""
    kind, desired, live = case
    merged = kind.merge(desired, live)
    assume(not broken(kind, desired) and kind.refusal("update", merged) is None)
    assert not broken(kind, merged)


@SETTINGS
@given(desired_and_live(), st.data())
def test_a_resource_matches_any_part_of_itself(case: tuple[AnyKind, Any, Any], data: st.DataObject) -> None:
    kind, _, live = case
    names = data.draw(st.sets(st.sampled_from(sorted(live.declared()))))
    part = kind.model.model_construct(_fields_set=names, **dict(live))
    assert part.declared() == names and kind.matches(part, live)
    if names:
        name = data.draw(st.sampled_from(sorted(names)))
        other = kind.model.model_construct(_fields_set=names, **{**dict(live), name: object()})
        assert not kind.matches(other, live)


def as_read(obj: WireObject[Any]) -> tuple[Any, ...]:
    """What a fingerprint stands for: the id, the parts' ids and every value of the model."""
    return obj.id, obj.part_ids, obj.model.model_dump(mode="json")


@st.composite
def live_pairs(draw: st.DrawFn) -> tuple[WireObject[Any], WireObject[Any]]:
    """Two live objects of one kind: often the same values (rebuilt, so not the same object), one value or
    the id apart, or independent."""
    kind = BY_NAME[draw(st.sampled_from(sorted(MODELS)))]
    first = WireObject("K", draw(st.sampled_from(["1", "2"])), live_copy(kind, draw(MODELS[kind.name])))
    how = draw(st.sampled_from(["same", "other id", "other parts", "independent"]))
    model = live_copy(kind, first.model if how != "independent" else draw(MODELS[kind.name]))
    second = WireObject(
        "K",
        first.id if how != "other id" else first.id + "0",
        model,
        ("9",) if how == "other parts" else first.part_ids,
    )
    return first, second


@SETTINGS
@given(live_pairs())
def test_fingerprints_are_equal_exactly_when_what_was_read_is(pair: tuple[WireObject[Any], ...]) -> None:
    first, second = pair
    assert (fingerprint(first) == fingerprint(second)) == (as_read(first) == as_read(second))


PROBE = """
import json, sys
from catalogsync.kinds import BY_NAME, WireObject
from catalogsync.live import fingerprint
cases = json.loads(sys.stdin.read())
print(json.dumps([fingerprint(WireObject("K", "7", BY_NAME[k].model.live(m), ("8",))) for k, m in cases]))
"""


@pytest.mark.parametrize("seed", ["1", "2"])
def test_fingerprints_do_not_depend_on_the_process(seed: str) -> None:
    """A saved plan's fingerprints are compared in another process (``apply PLAN``): hash randomisation must
    not change them. Every resource of the example catalog, as live."""
    example = load(EXAMPLE)
    cases = [
        [kind.name, live_copy(kind, model).model_dump(mode="json")]
        for kind in KINDS
        for model in example.section(kind.section).values()
    ]
    here = [fingerprint(WireObject("K", "7", BY_NAME[k].model.live(m), ("8",))) for k, m in cases]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    child = subprocess.run(
        [sys.executable, "-c", PROBE],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert len(here) > 5 and json.loads(child.stdout) == here
