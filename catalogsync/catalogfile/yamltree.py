"""Plain YAML trees read straight from libyaml's events: the fast read of nearly every catalog.

A catalog is nearly always a plain tree of mappings, lists and untagged scalars. This reader builds its data
from the events of libyaml's parser, without PyYAML's composer and node graph (most of the time and memory
of a read), and gives exactly the data :mod:`~catalogsync.catalogfile.yamlread` builds from the same text.
Whatever it does not handle it declines (:data:`DECLINED`), for the node reader to read and report: anchors
and aliases, explicit tags, merge keys, keys that are not text, a key written twice, a value that cannot be
read, nesting deeper than :data:`~.yamlcore.MAX_DEPTH`, several documents. A text that libyaml cannot parse
raises its :class:`yaml.YAMLError`, and one it cannot take (a lone surrogate) :class:`UnicodeEncodeError`;
libyaml refuses the escapes that make a lone surrogate (``\\ud83d``), so no value read here holds one.
"""

from __future__ import annotations

from typing import Any

from yaml.events import (
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from catalogsync.catalogfile.yamlcore import (
    MAX_DEPTH,
    STR,
    TEXT_KEY_TAGS,
    RefusedTag,
    resolve_plain,
    scalar_value,
)

DECLINED: Any = object()
"""What :func:`read_tree` returns for a text it leaves to the node reader."""

_KEY = object()
"""In place of a mapping's pending key: a key comes next."""
_ITEM = object()
"""In place of a list's pending key: its items come next."""


def read_tree(text: str) -> Any:
    """The data of a one-document YAML text that is a plain tree, else :data:`DECLINED`; needs libyaml."""
    from yaml._yaml import CParser

    parser = CParser(text)
    try:
        return _build(parser.get_event)
    except (RefusedTag, ValueError):
        return DECLINED
    finally:
        parser.dispose()


def _build(next_event: Any) -> Any:
    next_event()  # the stream's start
    if isinstance(next_event(), StreamEndEvent):  # else the document's start
        return None
    collections: list[Any] = []  # the open mappings and lists, innermost last
    slots: list[Any] = []  # for each: _ITEM, _KEY, or the key whose value comes next
    while True:
        event = next_event()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                return DECLINED
            text = event.value
            tag = resolve_plain(text) if event.implicit[0] else STR
            if slots and slots[-1] is _KEY:
                if tag not in TEXT_KEY_TAGS or text in collections[-1]:
                    return DECLINED
                slots[-1] = text
                continue
            value = scalar_value(tag, text)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None or len(collections) >= MAX_DEPTH:
                return DECLINED
            if slots and slots[-1] is _KEY:  # a mapping or list as a key
                return DECLINED
            mapping = kind is MappingStartEvent
            collections.append({} if mapping else [])
            slots.append(_KEY if mapping else _ITEM)
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = collections.pop()
            slots.pop()
        else:  # an alias
            return DECLINED
        if not collections:  # the root: one document, then the stream ends
            alone = isinstance(next_event(), DocumentEndEvent) and isinstance(next_event(), StreamEndEvent)
            return value if alone else DECLINED
        slot = slots[-1]
        if slot is _ITEM:
            collections[-1].append(value)
        else:
            collections[-1][slot] = value
            slots[-1] = _KEY
