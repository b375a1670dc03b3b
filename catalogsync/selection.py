"""``--only`` / ``--exclude``: narrow a plan to some resources by kind and key glob (``product:TSHIRT-*``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from catalogsync.catalog import Catalog
from catalogsync.errors import SettingsError
from catalogsync.kinds import BY_NAME, BY_SECTION, KINDS
from catalogsync.live import LiveState


@dataclass(frozen=True)
class Pattern:
    kind: str
    glob: str

    @classmethod
    def parse(cls, text: str) -> Pattern:
        kind, colon, glob = text.partition(":")
        kind = BY_SECTION[kind].name if kind in BY_SECTION else kind
        if kind not in BY_NAME:
            names = ", ".join(k.name for k in KINDS)
            raise SettingsError(f"selection {text!r}: kind must be one of {names} (as in product:TSHIRT-*)")
        if colon and not glob:  # "product:$PATTERN" with the variable unset must not mean every product
            raise SettingsError(
                f"selection {text!r}: nothing after ':' (an unset variable?): give a glob, or {kind} alone"
                f" for every {kind}"
            )
        return cls(kind, glob or "*")

    def matches(self, kind: str, key: str) -> bool:
        return kind == self.kind and fnmatchcase(key, self.glob)

    def __str__(self) -> str:
        return f"{self.kind}:{self.glob}"


@dataclass(frozen=True)
class Selection:
    """Resources in ``only`` (everything when empty) and not in ``exclude``."""

    only: tuple[Pattern, ...] = ()
    exclude: tuple[Pattern, ...] = ()

    @classmethod
    def parse(cls, only: Sequence[str] | None, exclude: Sequence[str] | None) -> Selection:
        return cls(tuple(map(Pattern.parse, only or ())), tuple(map(Pattern.parse, exclude or ())))

    @property
    def everything(self) -> bool:
        return not self.only and not self.exclude

    def __str__(self) -> str:
        flags = [f"--only {p}" for p in self.only] + [f"--exclude {p}" for p in self.exclude]
        return " ".join(flags) or "everything"

    def patterns(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The ``--only`` and ``--exclude`` patterns as written (for a saved plan)."""
        return tuple(map(str, self.only)), tuple(map(str, self.exclude))

    @staticmethod
    def empty(desired: Catalog, live: LiveState) -> bool:
        """Whether a narrowed catalog and account hold nothing at all."""
        return not any(desired.section(k.section) for k in KINDS) and not any(live.resources.values())

    def selects(self, kind: str, key: str) -> bool:
        included = not self.only or any(p.matches(kind, key) for p in self.only)
        return included and not any(p.matches(kind, key) for p in self.exclude)

    def narrow(self, desired: Catalog, live: LiveState) -> tuple[Catalog, LiveState]:
        """Both sides without the unselected resources, which can then be neither changed nor deleted."""
        if self.everything:
            return desired, live
        sections: dict[str, Any] = {
            k.section: {key: m for key, m in desired.section(k.section).items() if self.selects(k.name, key)}
            for k in KINDS
        }
        resources = {
            kind: {key: obj for key, obj in objs.items() if self.selects(kind, key)}
            for kind, objs in live.resources.items()
        }
        narrowed = LiveState(live.vendor_id, live.base_url, resources, live.strays)
        return desired.model_copy(update=sections), narrowed
