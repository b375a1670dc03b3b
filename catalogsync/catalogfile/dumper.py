"""Catalog -> YAML text that :func:`~catalogsync.catalogfile.loader.loads` reads back to the same catalog.

The output is stable: settings (only what differs from the defaults), adopt (when not empty), then options,
products and coupons, keys sorted, fields in model order; a folder gets one file per section. A resource is
written with exactly its declared fields, so an exported live resource (every field declared) says
``description: null`` where the account has no description, and a plan of the exported file is empty. Amounts
are plain two-decimal scalars (``19.99``, ``0.50``), dates ``YYYY-MM-DD``; strings that YAML would read as
something else (``"yes"``, ``"null"``, ``"123"``) are quoted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

import yaml

from catalogsync.catalog import Catalog
from catalogsync.catalogfile.yamlcore import add_core_resolvers
from catalogsync.kinds import KINDS, Model
from catalogsync.kinds.base import format_amount

TAG = "tag:yaml.org,2002:"
ESCAPED = "\r\x85\u2028\u2029"


class _Flow(dict[str, Any]):
    """A mapping written on one line: ``{name: Small, surcharge: 0.00}``."""


class _FlowList(list[Any]):
    """A list written on one line: ``[Size, Color]``."""


class _Dumper(yaml.SafeDumper):
    """The safe dumper with exact amounts, one-line small collections and literal multi-line text.

    Text is quoted when YAML 1.1 or the loader's YAML 1.2 rules would read it as something else.
    """

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent block lists under their key."""
        super().increase_indent(flow, False)


def _amount(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar(TAG + "float", format_amount(abs(value)))


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Multi-line text as a literal block; rarer line breaks escaped in double quotes (PyYAML folds them)."""
    if any(char in value for char in ESCAPED):
        return dumper.represent_scalar(TAG + "str", value, style='"')
    return dumper.represent_scalar(TAG + "str", value, style="|" if "\n" in value else None)


def _flow_mapping(dumper: yaml.SafeDumper, value: _Flow) -> yaml.MappingNode:
    return dumper.represent_mapping(TAG + "map", value, flow_style=True)


def _flow_list(dumper: yaml.SafeDumper, value: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence(TAG + "seq", value, flow_style=True)


add_core_resolvers(_Dumper)
_Dumper.add_representer(Decimal, _amount)
_Dumper.add_representer(str, _text)
_Dumper.add_representer(_Flow, _flow_mapping)
_Dumper.add_representer(_FlowList, _flow_list)


PARTS = {
    "settings.yaml": ("settings",),
    **{f"{kind.section}.yaml": (kind.section,) for kind in KINDS},
}
"""The files of a catalog written as a folder, and the sections of each."""
ADOPT_PART = "products.yaml"
"""Where a folder's ``adopt`` section goes: only products are adopted, and export writes each keyless product
beside its adopt line, so the entry and the line that gives it its key are reviewed, and the section deleted
after the apply, in one file."""


def dump_catalog(
    catalog: Catalog, *, header: Sequence[str] = (), sections: Sequence[str] | None = None
) -> str:
    """The catalog as YAML (only ``sections``, in catalog order, when given); each ``header`` line becomes a
    ``# ...`` comment on top. Settings are written where they differ from the defaults, adopt if not empty."""
    document: dict[str, Any] = {}
    for name, part in (("settings", catalog.settings), ("adopt", catalog.adopt)):
        written = part.model_dump(exclude_defaults=True)
        if written and (sections is None or name in sections):
            document[name] = {key: _styled(value) for key, value in written.items()}
    for kind in KINDS:
        if sections is None or kind.section in sections:
            resources = sorted(catalog.section(kind.section).items())
            document[kind.section] = {key: dict(_declared(model)) for key, model in resources}
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1 << 16)
    comments = "".join(f"# {line}".rstrip() + "\n" for text in header for line in text.split("\n"))
    return comments + body


def dump_folder(catalog: Catalog, *, header: Sequence[str] = ()) -> dict[str, str]:
    """The catalog as the files of a folder (:data:`PARTS`), by file name, each with the header."""
    return {
        name: dump_catalog(
            catalog, header=header, sections=(*sections, "adopt") if name == ADOPT_PART else sections
        )
        for name, sections in PARTS.items()
    }


def _declared(model: Model) -> Iterator[tuple[str, Any]]:
    """The declared fields of a model in model order, styled for output."""
    for name in type(model).model_fields:
        if name in model.model_fields_set:
            yield name, _styled(getattr(model, name))


def _styled(value: Any) -> Any:
    """Nested models as mappings; mappings and lists of scalars on one line."""
    if isinstance(value, Model):
        value = dict(_declared(value))
    if isinstance(value, dict):
        mapping = {key: _styled(item) for key, item in value.items()}
        return _Flow(mapping) if all(_scalar(item) for item in mapping.values()) else mapping
    if isinstance(value, list):
        items = [_styled(item) for item in value]
        return _FlowList(items) if all(_scalar(item) for item in items) else items
    return value


def _scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)
