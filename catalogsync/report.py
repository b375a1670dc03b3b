"""The apply report: as text for the terminal (summarised at scale) and as JSON for CI artifacts."""

from __future__ import annotations

import json

from catalogsync.execute import STATUSES, ApplyReport, Outcome
from catalogsync.render import grouped
from catalogsync.shown import shown

LISTED = 20
"""Up to this many outcomes of a status are listed one by one; more are grouped."""


def format_report(report: ApplyReport, *, full: bool = False) -> str:
    """Every failure in full; above :data:`LISTED`, applied changes counted by operation and kind and skipped
    ones grouped by reason (``full``: every outcome listed)."""
    lines: list[str] = []
    for status in STATUSES:
        outcomes = report.with_status(status)
        if not outcomes:
            continue
        lines.append(f"{status.capitalize()} ({len(outcomes):,}):")
        if full or status == "failed" or len(outcomes) <= LISTED:
            lines += [f"  {_outcome(o)}" + (f": {o.detail}" if o.detail else "") for o in outcomes]
        else:
            lines += [
                f"  {grouped(f'{label} ({len(names):,})', names)}"
                for label, names in _groups(outcomes, status).items()
            ]
    if report.gave_up:
        lines.append(
            f"Gave up: {report.gave_up.removeprefix('not started: ')}. Run apply again once it answers."
        )
    if report.duplicates:
        lines.append(f"Keys now held by several resources ({len(report.duplicates):,}):")
        lines += [f"  {line}" for line in report.duplicates]
    if report.interrupted:
        lines.append("Interrupted: the changes marked skipped were not started. Run apply again.")
    counts = ", ".join(f"{len(report.with_status(s)):,} {s}" for s in STATUSES)
    lines.append(f"Apply {'complete' if report.ok else 'incomplete'}: {counts}.")
    return "\n".join(lines) + "\n"


def work_done(outcomes: list[Outcome]) -> int:
    """Changes applied or failed: skipped ones are not work done (Ctrl-C at 715 of 2,000 ends on 715)."""
    return sum(1 for outcome in outcomes if outcome.status != "skipped")


def _outcome(outcome: Outcome) -> str:
    return outcome.change.label


def _groups(outcomes: list[Outcome], status: str) -> dict[str, list[str]]:
    """Applied changes by operation and kind; skipped ones by reason."""
    groups: dict[str, list[str]] = {}
    for o in outcomes:
        label = f"{o.change.op} {o.change.kind}" if status == "applied" else o.detail or "skipped"
        groups.setdefault(label, []).append(shown(o.change.key) if status == "applied" else _outcome(o))
    return groups


REPORT_VERSION = 1


def report_json(report: ApplyReport) -> str:
    """The whole outcome of an apply, for CI artifacts: every change with status, detail and vendor id."""
    data = {
        "format_version": REPORT_VERSION,
        "ok": report.ok,
        "interrupted": report.interrupted,
        "gave_up": report.gave_up,
        "duplicates": report.duplicates,
        "summary": {status: len(report.with_status(status)) for status in STATUSES},
        "outcomes": [
            {
                "op": o.change.op,
                "kind": o.change.kind,
                "key": o.change.key,
                **({"from": o.change.source} if o.change.source else {}),
                "status": o.status,
                "detail": o.detail,
                "vendor_id": o.vendor_id,
            }
            for o in report.outcomes
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
