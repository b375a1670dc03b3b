"""Every error catalogsync raises survives pickling whole (a process pool, a task queue, a worker's result):
the default ``cls(*args)`` failed for every error with keyword-only arguments (``ApiError``,
``TransportError``, ``ClientError``) and lost the attributes of the others."""

from __future__ import annotations

import copy
import importlib
import pickle
import pkgutil
from collections.abc import Iterator

import pytest

import catalogsync
from catalogsync.errors import (
    ApiError,
    ApplyError,
    CatalogError,
    CatalogsyncError,
    ClientError,
    InputError,
    OutputClosed,
    OutputError,
    PlanError,
    Problem,
    SafetyError,
    SettingsError,
    StalePlanError,
    TransportError,
    VendorError,
)

EXAMPLES: list[CatalogsyncError] = [
    CatalogsyncError("plain"),
    CatalogError([Problem("c.yaml", 2, 5, "products.P.price", "must not be negative")]),
    InputError("catalog.yaml: no such file or folder"),
    SettingsError("the API username and password are required"),
    ClientError("not an API method: 'x/y'", method="products/x/y"),
    ApiError(
        method="products/create_product",
        status=400,
        errors=[VendorError("PARAMETER_MISSING", "Required parameter missing", "name")],
        hint="check the base URL",
    ),
    TransportError(
        "connection refused", method="acct/detail_company_info", unreachable=True, transient=False
    ),
    PlanError("plan refused"),
    SafetyError("3 deletes exceed settings.safety.max_deletes (2)"),
    StalePlanError("saved plan refused: changed in the account"),
    ApplyError("apply failed", report={"applied": 1, "failed": 2}),
    OutputError("cannot write plan.json"),
    OutputClosed("standard output was closed by its reader"),
]
"""One of each error class; a class without a row fails the test below."""


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_error_class_has_an_example() -> None:
    for module in pkgutil.walk_packages(catalogsync.__path__, "catalogsync."):
        if module.name != "catalogsync.__main__":  # it runs the command line
            importlib.import_module(module.name)
    assert {type(error) for error in EXAMPLES} == {CatalogsyncError, *_subclasses(CatalogsyncError)}


@pytest.mark.parametrize("error", EXAMPLES, ids=lambda error: type(error).__name__)
def test_an_error_survives_pickling_and_copying_whole(error: CatalogsyncError) -> None:
    for again in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error), copy.copy(error)):
        assert type(again) is type(error)
        assert str(again) == str(error) and again.args == error.args
        assert vars(again) == vars(error)
        assert again.exit_code == error.exit_code
