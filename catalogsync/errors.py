"""The error tree of catalogsync.

Every error the package raises on purpose derives from :class:`CatalogsyncError`; the CLI turns each one into
a message and an exit code in one place (``catalogsync.cli``)::

    CatalogsyncError                 exit 1 unless noted
    +-- CatalogError                 the YAML catalog is invalid: every Problem with file:line:column
    +-- InputError                   a catalog file or folder cannot be read (missing, unreadable, no part)
    +-- SettingsError                connection settings missing or unsafe
    +-- ClientError                  anything the API client raises
    |   +-- ApiError                 the vendor answered with errors: method, HTTP status, every vendor error
    |   +-- TransportError           no usable answer: cannot connect, connection lost, timeout, non-JSON,
    |                                too large or too deeply nested body
    +-- PlanError                    a plan cannot be made or used
    |   +-- SafetyError              refused by a safety rule (exit 3)
    |   +-- StalePlanError           saved plan no longer matches the account or catalog (exit 4)
    +-- ApplyError                   apply finished with failures; carries the report
    +-- OutputError                  an output (stdout, a file) could not be written
        +-- OutputClosed             stdout's reader went away (``| head``): nothing more to say

Messages never contain credentials: the client redacts them before an error is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class CatalogsyncError(Exception):
    """Root of every error raised by catalogsync."""

    exit_code = 1

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its attributes, not through ``__init__`` (whose keyword-only arguments the default,
        ``cls(*args)``, does not give): an error crosses a process pool or a task queue whole."""
        return _restored, (type(self), self.args, dict(self.__dict__))


def _restored(cls: type[CatalogsyncError], args: tuple[Any, ...], state: dict[str, Any]) -> CatalogsyncError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog file, located precisely."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class CatalogError(CatalogsyncError):
    """The catalog file is invalid; ``problems`` lists every problem found in one pass."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the catalog"
        super().__init__("\n".join([head, *(f"  {p}" for p in self.problems)]))


class InputError(CatalogsyncError):
    """A catalog file or folder cannot be read as one: missing, unreadable, not a regular file, holding no
    part, or holding a saved plan. One line naming the path; what is *in* a readable file is a
    :class:`CatalogError`."""


class SettingsError(CatalogsyncError):
    """Connection settings are missing or unsafe."""


class ClientError(CatalogsyncError):
    """Base of the API client's errors."""

    def __init__(self, message: str, *, method: str) -> None:
        self.method = method
        super().__init__(message)


@dataclass(frozen=True)
class VendorError:
    """One item of the vendor's ``errors`` array."""

    code: str
    message: str
    parameter: str | None = None

    @classmethod
    def from_wire(cls, item: Any) -> VendorError:
        if not isinstance(item, dict):
            return cls(code="UNKNOWN", message=str(item))
        parameter = item.get("parameter")
        return cls(
            code=str(item.get("code") or "UNKNOWN"),
            message=str(item.get("message") or ""),
            parameter=None if parameter is None else str(parameter),
        )

    def __str__(self) -> str:
        suffix = f" (parameter {self.parameter})" if self.parameter else ""
        return f"{self.code}: {self.message}{suffix}"


class ApiError(ClientError):
    """The API answered with an error: the method, the HTTP status and every vendor error.

    ``hint`` (in parentheses at the end of the message) says what to check when the status points at the
    settings rather than the call: a 404 for an unknown method (the base URL), a 401 (the credentials).
    """

    def __init__(
        self, *, method: str, status: int, errors: Sequence[VendorError], hint: str | None = None
    ) -> None:
        self.status = status
        self.errors = list(errors)
        self.hint = hint
        detail = "; ".join(str(e) for e in self.errors) or "no error details in the response"
        suffix = f" ({hint})" if hint else ""
        super().__init__(f"{method} failed with HTTP {status}: {detail}{suffix}", method=method)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


class TransportError(ClientError):
    """No usable response: the request may or may not have reached the API.

    ``unreachable`` is true when no connection could be made (refused, name not resolved, no connection
    within the timeout): then the request certainly did not reach the API. ``transient`` is false when asking
    again would only get the same answer (a body over the size limit, JSON nested too deeply): such a read
    is not retried.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        status: int | None = None,
        unreachable: bool = False,
        transient: bool = True,
    ) -> None:
        self.status = status
        self.unreachable = unreachable
        self.transient = transient
        super().__init__(f"{method}: {message}", method=method)


class PlanError(CatalogsyncError):
    """A plan cannot be made or used."""


class SafetyError(PlanError):
    """The plan breaks a safety rule (thresholds, protected keys); ``--force`` may override some."""

    exit_code = 3


class StalePlanError(PlanError):
    """A saved plan no longer matches the account or the catalog."""

    exit_code = 4


class ApplyError(CatalogsyncError):
    """Apply finished with failures; ``report`` says what was applied, failed and skipped."""

    def __init__(self, message: str, report: object) -> None:
        self.report = report
        super().__init__(message)


class OutputError(CatalogsyncError):
    """An output could not be written: standard output, a saved plan, a report, an export, the log."""


class OutputClosed(OutputError):
    """Standard output's reader went away (``catalogsync export | head``): the command stops quietly."""
