"""Render a plan as text (terminal), Markdown (pull-request comment) or JSON, from one row model."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from catalogsync.diff import LINKED, MOVES, Change
from catalogsync.plan import FORMAT_VERSION, Plan
from catalogsync.risk import risk
from catalogsync.shown import KEY_LENGTH, Mark, as_is, counted, cut, named, shown, shown_value

MARKDOWN_LIMIT = 60_000
EXAMPLES = 3
"""Examples shown per group of a summary (resources left alone, changes of an unattended apply)."""
MARKDOWN_SAMPLE = 50
"""Resources left alone listed in the collapsed sample of a Markdown plan."""
RISKS_SHOWN = 20
"""Risky changes named in a plan's summary; the others are counted there (all are in the changes below)."""
BACKTICKS = re.compile(r"`+")
SYMBOLS = {"create": "+", "update": "~", "delete": "-", "rename": "~", "adopt": "~"}
DIFF_MARKS = {"create": "+", "update": "!", "delete": "-", "rename": "!", "adopt": "!"}
"""Markdown ``diff`` blocks highlight ``+``, ``-`` and ``!`` lines (``~`` would show plain)."""
COLOURS = {"create": "32", "update": "33", "delete": "31", "rename": "33", "adopt": "33"}
BASIC = ("create", "update", "delete")
"""Operations every summary counts; renames and adoptions are counted when a plan has some."""


@dataclass(frozen=True)
class Row:
    """One change as every renderer sees it."""

    op: str
    kind: str
    key: str
    lines: tuple[str, ...]
    risk: str | None
    label: str
    """``update product TEE``, ``rename product OLD -> NEW``, ``adopt product 4635212971 as NEW``."""

    @property
    def headline(self) -> str:
        """What follows the symbol: ``product TEE``; a move names what it moves (``rename product A -> B``)"""
        return self.label if self.op in MOVES else f"{self.kind} {shown(self.key)}"


def rows(plan: Plan) -> list[Row]:
    return [Row(c.op, c.kind, c.key, _detail_lines(c), risk(c), c.label) for c in plan.changes]


def counted_ops(plan: Plan) -> tuple[str, ...]:
    """The operations a summary counts: create, update and delete, and renames and adoptions if any."""
    return BASIC + tuple(op for op in MOVES if plan.count(op))


def summary(plan: Plan) -> str:
    if plan.empty:
        return "No changes. The account matches the catalog."
    counts = ", ".join(f"{plan.count(op):,} to {op}" for op in counted_ops(plan))
    return f"Plan: {counts}."


def _detail_lines(change: Change) -> tuple[str, ...]:
    if change.op in ("update", *MOVES):
        return tuple(f"{f.path}: {shown_value(f.old)} -> {shown_value(f.new)}" for f in change.fields)
    if change.op == "create":
        return tuple(f"{name}: {shown_value(value)}" for name, value in (change.after or {}).items())
    return ()


def _others(plan: Plan, mark: Mark = as_is) -> list[str]:
    """What a plan leaves alone, one line each; ``mark`` sets apart keys and names."""
    lines = [f"{u.kind} {mark(shown(u.key))}: {_reason(u.reason, mark)}" for u in plan.unmanaged]
    lines += [f"{s.described(mark)}; left alone (docs/catalog.md, 'Adopting resources')" for s in plan.strays]
    return lines


def _reason(reason: str, mark: Mark) -> str:
    """Why a resource is left alone, with the resources still linking to it (if that is why) marked."""
    holders = reason.removeprefix(LINKED)
    return reason if holders == reason else LINKED + mark(holders)


def left_alone_groups(plan: Plan) -> dict[tuple[str, str], list[str]]:
    """What a plan leaves alone, by (kind, reason): keys, or ids of resources without a usable key (a key or
    name over :data:`KEY_LENGTH` characters cut to it: the summary names a few, the full list all of them)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in plan.unmanaged:
        reason = "kept: still linked" if item.reason.startswith(LINKED) else item.reason
        groups.setdefault((item.kind, reason), []).append(shown(cut(item.key, KEY_LENGTH)))
    for stray in plan.strays:
        reason = "sharing a key with another" if stray.reason == "duplicate" else "without a key"
        label = named(stray.label) if stray.label else "'without a name'"
        groups.setdefault((stray.kind, reason), []).append(f"id {stray.id} {label}")
    return groups


def grouped(label: str, names: list[str]) -> str:
    """``label: first, second, third and N more``."""
    shown = ", ".join(names[:EXAMPLES])
    if len(names) > EXAMPLES:
        shown += f" and {len(names) - EXAMPLES:,} more"
    return f"{label}: {shown}"


def _left_alone_text(plan: Plan, *, full: bool) -> list[str]:
    others = _others(plan)
    if not others:
        return []
    if full:
        return ["", f"Left alone ({len(others):,}):", *(f"    {line}" for line in others)]
    lines = ["", f"Left alone ({len(others):,}; all of them with --show-unmanaged or -v):"]
    for (kind, reason), names in left_alone_groups(plan).items():
        lines.append(f"    {grouped(counted(len(names), kind, reason), names)}")
    if plan.strays:
        lines.append("    (catalogsync manages resources by key: docs/catalog.md, 'Adopting resources')")
    return lines


def render_text(
    plan: Plan, *, colour: bool = False, show_unmanaged: bool = False, brief: bool = False
) -> str:
    """Every change in full (``brief``: counted by kind, the risky ones named), then the resources left alone
    summarised by kind and reason (listed one by one with ``show_unmanaged``)."""

    def paint(op: str, text: str) -> str:
        return f"\x1b[{COLOURS[op]}m{text}\x1b[0m" if colour else text

    out: list[str] = []
    if brief:
        out += _brief_changes(plan, paint)
    else:
        for row in rows(plan):
            out.append(paint(row.op, f"{SYMBOLS[row.op]} {row.headline}"))
            out.extend(f"    {line}" for line in row.lines)
    out += _left_alone_text(plan, full=show_unmanaged)
    out += ["", summary(plan)]
    return "\n".join(out).lstrip("\n") + "\n"


def _brief_changes(plan: Plan, paint: Any) -> list[str]:
    """Changes counted by operation and kind, with the first few keys, then every risky change."""
    by_group: dict[tuple[str, str], list[str]] = {}
    for change in plan.changes:
        by_group.setdefault((change.op, change.kind), []).append(shown(change.key))
    lines = [
        paint(op, f"{SYMBOLS[op]} {grouped(f'{op} {counted(len(keys), kind)}', keys)}")
        for (op, kind), keys in by_group.items()
    ]
    risky = [text for text in (r.risk for r in rows(plan)) if text]
    if risky:
        lines += [
            "",
            f"To review closely ({len(risky):,}):",
            *(f"    {text}" for text in risky[:RISKS_SHOWN]),
        ]
        if len(risky) > RISKS_SHOWN:
            lines.append(f"    and {len(risky) - RISKS_SHOWN:,} more (catalogsync plan shows them all)")
    return lines


def render_markdown(plan: Plan, *, limit: int = MARKDOWN_LIMIT, artifact: str = "the plan artifact") -> str:
    """Summary table and risks first, then one collapsible section per kind; cut to ``limit`` characters."""
    all_rows = rows(plan)
    head = ["## catalogsync plan", "", summary(plan), ""]
    if all_rows:
        ops = counted_ops(plan)
        head += ["| kind | " + " | ".join(ops) + " |", "| --- |" + " ---: |" * len(ops)]
        for kind in dict.fromkeys(r.kind for r in all_rows):
            counts = [sum(1 for r in all_rows if r.kind == kind and r.op == op) for op in ops]
            head.append(f"| {kind} | " + " | ".join(f"{count:,}" for count in counts) + " |")
        head.append("")
    risky = [text for text in (risk(c, code) for c in plan.changes) if text]
    if risky:
        head += [f"**:warning: {len(risky):,} change(s) to review closely**", ""]
        head += [*_risks(risky, budget=limit // 2, artifact=artifact), ""]
    body: list[str] = []
    fence = _fence(all_rows)
    for kind in dict.fromkeys(r.kind for r in all_rows):
        kind_rows = [r for r in all_rows if r.kind == kind]
        body += [f"<details><summary>{kind}: {len(kind_rows):,} change(s)</summary>", "", f"{fence}diff"]
        for row in kind_rows:
            mark = DIFF_MARKS[row.op]
            body.append(f"{mark} {row.headline}")
            body.extend(f"{mark}     {line}" for line in row.lines)
        body += [fence, "", "</details>", ""]
    others = _others(plan, code)
    if others:
        tally = [
            counted(len(names), kind, reason) for (kind, reason), names in left_alone_groups(plan).items()
        ]
        head += [f"Left alone: {len(others):,} ({'; '.join(tally)})", ""]
        sample = others[:MARKDOWN_SAMPLE]
        more = f", the first {len(sample)}" if len(sample) < len(others) else ""
        body += [f"<details><summary>Left alone: {len(others):,}{more}</summary>", ""]
        body += [f"- {line}" for line in sample]
        if len(sample) < len(others):
            body.append(f"- and {len(others) - len(sample):,} more (all of them in the JSON plan)")
        body += ["", "</details>", ""]
    return _cut("\n".join(head), "\n".join(body), limit, artifact, fence)


def _risks(risky: list[str], *, budget: int, artifact: str) -> list[str]:
    """The first :data:`RISKS_SHOWN` risky changes as list items, fewer if they would pass ``budget``
    characters (keys may be thousands long), then how many more there are: the summary of a comment must
    leave room for the changes themselves, and GitHub refuses a comment over 65,536 characters."""
    shown_items: list[str] = []
    for text in risky[:RISKS_SHOWN]:
        budget -= len(text) + 3
        if budget < 0:
            break
        shown_items.append(f"- {text}")
    more = len(risky) - len(shown_items)
    return shown_items + ([f"- and {more:,} more (the full plan is in {artifact})"] if more else [])


def _fence(all_rows: list[Row]) -> str:
    """A code fence longer than any run of backticks in the changes, so that no key or value can close it."""
    longest = max((_backticks(line) for r in all_rows for line in (r.headline, *r.lines)), default=0)
    return "`" * max(3, 1 + longest)


def code(text: str) -> str:
    """``text`` as a Markdown code span, shown as written: GitHub makes no link, image, mention, emoji or HTML
    of what is in code. Its fence is longer than any run of backticks in it; a space pads what begins or ends
    with a backtick or a space (CommonMark takes one off each side)."""
    fence = "`" * (1 + _backticks(text))
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _backticks(text: str) -> int:
    """The longest run of backticks in ``text``: a fence or code span must be longer to hold it."""
    return max(map(len, BACKTICKS.findall(text)), default=0)


def _cut(head: str, body: str, limit: int, artifact: str, fence: str) -> str:
    """Keep whole lines of the body while the comment, closed properly and with the note, fits."""
    text = f"{head}\n{body}".rstrip() + "\n"
    if len(text) <= limit:
        return text
    note = f"\n_Plan cut to fit a comment ({limit:,} characters); the full plan is in {artifact}._\n"
    kept: list[str] = []
    for line in body.split("\n"):
        if len(_closed(head, [*kept, line], fence)) + len(note) > limit:
            break
        kept.append(line)
    return _closed(head, kept, fence) + note


def _closed(head: str, lines: list[str], fence: str) -> str:
    """Head and body lines with any open code fence and details section closed (the body's own lines: no
    key can open or close either, a fence being longer than any backticks of a key and keys in code spans)."""
    text = "\n".join([head, *lines])
    if sum(line == f"{fence}diff" for line in lines) > sum(line == fence for line in lines):
        text += f"\n{fence}"
    if sum(line.startswith("<details>") for line in lines) > lines.count("</details>"):
        text += "\n\n</details>"
    return text.rstrip() + "\n"


def render_json(plan: Plan) -> str:
    data = {
        "format_version": FORMAT_VERSION,
        "summary": {op: plan.count(op) for op in SYMBOLS}
        | {"unmanaged": len(plan.unmanaged), "strays": len(plan.strays)},
        "changes": [
            {
                "op": c.op,
                "kind": c.kind,
                "key": c.key,
                **({"from": c.source} if c.op in MOVES else {}),
                "before": c.before,
                "after": c.after,
                "fields": [{"path": f.path, "old": f.old, "new": f.new} for f in c.fields],
                "risk": risk(c),
            }
            for c in plan.changes
        ],
        "unmanaged": [{"kind": u.kind, "key": u.key, "reason": u.reason} for u in plan.unmanaged],
        "strays": [{"kind": s.kind, "id": s.id, "label": s.label, "reason": s.reason} for s in plan.strays],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(plan: Plan, fmt: str, *, colour: bool = False, show_unmanaged: bool = False) -> str:
    if fmt == "markdown":
        return render_markdown(plan)
    if fmt == "json":
        return render_json(plan)
    return render_text(plan, colour=colour, show_unmanaged=show_unmanaged)
