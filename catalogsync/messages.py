"""Plain-language messages for the validation errors of the catalog models."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, get_args, get_origin

if TYPE_CHECKING:  # pydantic is imported by the models, not by the command line's did-you-mean
    from pydantic import BaseModel
    from pydantic_core import ErrorDetails

EXPECTED = {
    "bool_type": "true or false",
    "int_type": "a whole number",
    "string_type": "text",
    "date_type": "a date written YYYY-MM-DD without quotes",
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
}

LIMITS = {
    "greater_than_equal": "must be {ge} or more, got {value}",
    "too_short": "needs at least {min_length} item",
    "string_too_short": "must not be empty",
    "string_too_long": "must be at most {max_length} characters",
}


def describe(model: type[BaseModel], detail: ErrorDetails) -> str:
    """The message for one pydantic error raised while validating ``model``."""
    kind, value = detail["type"], detail["input"]
    context: dict[str, Any] = dict(detail.get("ctx") or {})
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        loc = detail["loc"]
        return "unknown field" + did_you_mean(str(loc[-1]), fields_at(model, loc[:-1]))
    if kind == "value_error":
        return str(context["error"])
    if kind == "literal_error":
        return f"expected {context['expected']}, got {show(value)}"
    if kind in LIMITS:
        return LIMITS[kind].format(value=show(value), **context)
    if kind in EXPECTED:
        hint = " (quote it)" if kind == "string_type" and not isinstance(value, dict | list) else ""
        return f"expected {EXPECTED[kind]}, got {show(value)}{hint}"
    return str(detail["msg"])


def show(value: Any) -> str:
    """A short rendering of a YAML value in a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, str):
        from catalogsync.shown import VALUE_LENGTH, named  # not for the command line's did-you-mean

        return named(value, VALUE_LENGTH)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def did_you_mean(name: str, choices: Collection[str]) -> str:
    """`` (did you mean 'price'?)`` when a choice is close to ``name``, else nothing."""
    close = closest(name, choices)
    return f" (did you mean {close!r}?)" if close else ""


def closest(name: str, choices: Collection[str]) -> str | None:
    """The choice close to ``name`` that :func:`did_you_mean` suggests, if any."""
    close = difflib.get_close_matches(name, list(choices), n=1)
    return close[0] if close else None


def misspelt(model: type[BaseModel], details: Sequence[ErrorDetails]) -> set[tuple[str | int, ...]]:
    """Where a required field is missing because an unknown field next to it is suggested for it (``Name:``
    for ``name:``): that one problem is told once, at the unknown field."""
    found = set()
    for detail in details:
        if detail["type"] == "extra_forbidden":
            *parent, name = detail["loc"]
            close = closest(str(name), fields_at(model, parent))
            if close is not None:
                found.add((*parent, close))
    return found


def fields_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The field names of the model found at ``loc`` inside ``model`` (list indexes are skipped)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current else None
        current = inner_model(field.annotation) if field else None
    return list(current.model_fields) if current else []


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as ``Recurring | None`` or ``list[OptionValue]``."""
    from pydantic import BaseModel

    if get_origin(annotation) is None and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = inner_model(argument)
        if found is not None:
            return found
    return None
