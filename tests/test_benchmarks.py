"""The benchmarks' own logic, without running them: bounds, option parsing, the report and its raw figures."""

from __future__ import annotations

import argparse
import json

import pytest

from benchmarks import bounds, scale, stages
from benchmarks.generate import shape


def test_an_update_reads_its_resource_the_round_before_it_writes() -> None:
    assert bounds.updates((3, 17), parallelism=8) == bounds.Bound(requests=40, rounds=2 * 1 + 2 * 3)
    assert bounds.updates((), parallelism=8) == bounds.Bound(0, 0)


def test_the_per_resource_read_runs_at_the_given_parallelism() -> None:
    sizes = shape(1000)
    assert bounds.per_resource(sizes, 32).requests == bounds.per_resource(sizes, 8).requests == 1150
    assert bounds.per_resource(sizes, 32).rounds == 36


@pytest.mark.parametrize("text", ["", "10,x", "0", "20,-5"])
def test_a_list_of_numbers_is_refused_in_one_line(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        scale.numbers(text, float)


def test_a_list_of_numbers_is_read() -> None:
    assert scale.numbers("20,150", float) == [20.0, 150.0]


def fake_run() -> scale.Run:
    sizes = shape(1000)
    setting = scale.Setting(20.0, 8)
    plan = stages.Result(wall=1.0, requests=163, cpu_load=0.2, cpu_decode=0.05, ids={"product": ["1"]})
    refresh = stages.Result(wall=4.0, requests=1150)
    setting.rows += [
        scale.Row(scale.PLAN, plan, bounds.Bound(163, 25), 163, {"products/list_products": 10}, 1.0),
        scale.Row(scale.REFRESH, refresh, bounds.per_resource(sizes, 8), 1150, {}, 0.5),
    ]
    return scale.Run(sizes, stages.Result(wall=0.5, cpu_total=0.4, rss_mb=50), [setting], converged=True)


def test_the_report_compares_each_stage_with_its_bound_and_the_plan_with_the_per_resource_read() -> None:
    text = scale.report(fake_run())
    plan_line = next(line for line in text.splitlines() if line.strip().startswith(scale.PLAN))
    assert plan_line.split()[4:8] == ["1.00", "0.50", "2.00", "163"]  # wall, bound, ratio, requests
    assert "parallelism 8: 4.0x" in text
    assert "validate: 0.50 s wall, 0.40 s CPU, peak RSS 50 MB" in text


def test_the_raw_figures_are_json_with_every_stage_and_no_ids() -> None:
    figures = json.loads(json.dumps([scale.raw(fake_run())]))
    stages_of = figures[0]["settings"][0]["stages"]
    assert [s["stage"] for s in stages_of] == [scale.PLAN, scale.REFRESH]
    assert stages_of[0]["served_by_method"] == {"products/list_products": 10}
    assert stages_of[0]["bound_s"] == pytest.approx(0.5)
    assert "ids" not in stages_of[0]
    assert figures[0]["settings"][0]["speedup"] == pytest.approx(4.0)
