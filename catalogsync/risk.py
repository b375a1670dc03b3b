"""Why a reviewer should look twice at a change: a delete, a price change, a coupon that widens or grows.

:data:`RULES` says it once for every field of every kind (docs/ci.md, 'Machine-readable output', lists it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from catalogsync.diff import MOVES, Change
from catalogsync.shown import Mark, as_is, shown, shown_value

Rule = Callable[[Any, Any, Mark], str | None]
"""What a field's change from ``old`` to ``new`` does that a reviewer should see, or None."""
TOP = re.compile(r"[.\[]")
"""Where a field's path leaves its top-level field (``recurring.startup_fee``, ``values[1].name``)."""


def _number(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _from_to(old: Any, new: Any, mark: Mark) -> str:
    return f"{mark(shown_value(old))} -> {mark(shown_value(new))}"


def _price(old: Any, new: Any, mark: Mark) -> str:
    return f"changes its price ({_from_to(old, new, mark)})"


def _raised(name: str) -> Rule:
    def rule(old: Any, new: Any, mark: Mark) -> str | None:
        grows = _number(new) > _number(old)
        return f"raises its discount ({name} {_from_to(old, new, mark)})" if grows else None

    return rule


def _lower_minimum(old: Any, new: Any, mark: Mark) -> str | None:
    lower = _number(new) < _number(old)
    return f"lowers its minimum purchase ({_from_to(old, new, mark)})" if lower else None


def _later(old: Any, new: Any, mark: Mark) -> str | None:
    return f"expires later ({_from_to(old, new, mark)})" if str(new) > str(old) else None


def _more_products(old: Any, new: Any, mark: Mark) -> str | None:
    added = [key for key in new or () if key not in (old or ())]
    names = ", ".join(mark(shown(key)) for key in added)
    return f"now applies to more products ({names})" if added else None


def _all_products(old: Any, new: Any, mark: Mark) -> str | None:
    return "now applies to all products" if new is True else None


def _whole_sale(old: Any, new: Any, mark: Mark) -> str | None:
    return f"now applies to the whole sale (type {_from_to(old, new, mark)})" if new == "sale" else None


RULES: dict[str, dict[str, Rule | None]] = {
    "option": {"values": None},
    "product": {
        "price": _price,
        **dict.fromkeys(
            (
                *("name", "description", "long_description", "tangible", "weight", "handling", "recurring"),
                *("commission", "approved_url", "pending_url", "options", "categories"),
            )
        ),
    },
    "coupon": {
        "type": _whole_sale,
        "expires": _later,
        "percent_off": _raised("percent_off"),
        "value_off": _raised("value_off"),
        "minimum_purchase": _lower_minimum,
        "products": _more_products,
        "all_products": _all_products,
    },
}
"""Each top-level field of each kind: the rule of its changes, or None when no change of it is a risk."""


def risk(change: Change, mark: Mark = as_is) -> str | None:
    """Why a reviewer should look twice at this change, if at all; ``mark`` sets apart keys and values."""
    what = f"{change.kind} {mark(shown(change.key))}"
    if change.op == "delete":
        return f"deletes {what}"
    if change.op not in ("update", *MOVES):
        return None
    rules = RULES[change.kind]
    found = [
        rule(f.old, f.new, mark) for f in change.fields if (rule := rules[TOP.split(f.path, maxsplit=1)[0]])
    ]
    reasons = [reason for reason in found if reason]
    return f"{what} {'; '.join(reasons)}" if reasons else None
