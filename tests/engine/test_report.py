"""The apply report: failures in full, large groups counted, every outcome in the JSON report (pure)."""

from __future__ import annotations

import json

from catalogsync.diff import Change
from catalogsync.execute import ApplyReport, Outcome
from catalogsync.report import LISTED, format_report, report_json, work_done


def outcomes(count: int, status: str, detail: str = "", op: str = "create") -> list[Outcome]:
    return [
        Outcome(Change(op, "product", f"P{n:04}"), status, detail, str(4700000000 + n)) for n in range(count)
    ]


def test_a_small_report_lists_every_outcome():
    report = ApplyReport(outcomes(2, "applied") + outcomes(1, "failed", "HTTP 400: PARAMETER_INVALID"))
    assert format_report(report).splitlines() == [
        "Applied (2):",
        "  create product P0000",
        "  create product P0001",
        "Failed (1):",
        "  create product P0000: HTTP 400: PARAMETER_INVALID",
        "Apply incomplete: 2 applied, 1 failed, 0 skipped.",
    ]


def test_a_large_report_counts_what_worked_and_groups_what_was_skipped():
    failed = outcomes(3, "failed", "products/create_product failed with HTTP 500")
    skipped = outcomes(1500, "skipped", "interrupted before it started") + outcomes(
        30, "skipped", "depends on option:Size, which failed", op="update"
    )
    report = ApplyReport(outcomes(2000, "applied") + failed + skipped, interrupted=True)
    lines = format_report(report).splitlines()
    assert lines == [
        "Applied (2,000):",
        "  create product (2,000): P0000, P0001, P0002 and 1,997 more",
        "Failed (3):",
        *(f"  create product P000{n}: products/create_product failed with HTTP 500" for n in range(3)),
        "Skipped (1,530):",
        "  interrupted before it started (1,500): create product P0000, create product P0001, create product"
        " P0002 and 1,497 more",
        "  depends on option:Size, which failed (30): update product P0000, update product P0001, update"
        " product P0002 and 27 more",
        "Interrupted: the changes marked skipped were not started. Run apply again.",
        "Apply incomplete: 2,000 applied, 3 failed, 1,530 skipped.",
    ]
    assert len(format_report(report, full=True).splitlines()) == 2000 + 3 + 1530 + 5


def test_exactly_the_listing_limit_is_still_listed():
    assert len(format_report(ApplyReport(outcomes(LISTED, "applied"))).splitlines()) == LISTED + 2


def test_the_json_report_holds_every_outcome():
    report = ApplyReport(outcomes(3, "applied") + outcomes(2, "skipped", "interrupted before it started"))
    data = json.loads(report_json(report))
    assert data["format_version"] == 1
    assert (data["ok"], data["interrupted"]) == (False, False)
    assert data["summary"] == {"applied": 3, "failed": 0, "skipped": 2}
    assert data["outcomes"][0] == {
        "op": "create",
        "kind": "product",
        "key": "P0000",
        "status": "applied",
        "detail": "",
        "vendor_id": "4700000000",
    }


def test_work_done_counts_applied_and_failed_not_skipped():
    done = outcomes(715, "applied") + outcomes(2, "failed") + outcomes(1283, "skipped")
    assert work_done(done) == 717


def test_giving_up_and_duplicates_are_reported():
    report = ApplyReport(
        outcomes(1, "applied"),
        gave_up="not started: the server stopped answering (3 changes in a row got no answer; the last: x)",
        duplicates=["product MUG is held by ids 1, 2: delete the extra ones"],
    )
    lines = format_report(report).splitlines()
    assert (
        "Gave up: the server stopped answering (3 changes in a row got no answer; the last: x). Run apply"
        " again once it answers." in lines
    )
    assert lines[-3:-1] == [
        "Keys now held by several resources (1):",
        "  product MUG is held by ids 1, 2: delete the extra ones",
    ]
    data = json.loads(report_json(report))
    assert data["gave_up"].startswith("not started: the server stopped answering")
    assert data["duplicates"] == ["product MUG is held by ids 1, 2: delete the extra ones"]


def test_renames_and_adoptions_are_named_by_what_they_move():
    rename = Change("rename", "product", "TEE-2027", source="TEE")
    adopt = Change("adopt", "product", "API-PRODUCT", source="4635212971")
    report = ApplyReport([Outcome(rename, "applied", "", "4700000001"), Outcome(adopt, "failed", "HTTP 400")])
    assert format_report(report).splitlines()[:4] == [
        "Applied (1):",
        "  rename product TEE -> TEE-2027",
        "Failed (1):",
        "  adopt product 4635212971 as API-PRODUCT: HTTP 400",
    ]
    data = json.loads(report_json(report))["outcomes"]
    assert [(o["op"], o["key"], o["from"]) for o in data] == [
        ("rename", "TEE-2027", "TEE"),
        ("adopt", "API-PRODUCT", "4635212971"),
    ]
