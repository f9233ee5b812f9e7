"""项目库 on hand-made stages (tests/metrics/fixture_lifecycle.py has the answers)."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin_core.metrics import Scope, projects_lib
from fupin_core.storage import store
from tests.metrics import fixture_lifecycle
from tests.tiny_data import T2


@pytest.fixture
def con(tiny_con):
    fixture_lifecycle.add(tiny_con)
    return tiny_con


def test_current_stage_of_each_project_at_the_end_of_the_year(con):
    current = projects_lib.current_stages(con, Scope.of(2017))
    assert dict(zip(current["项目编号"], current["当前阶段"], strict=True)) == {"P1": "资产移交", "P4": "验收", "P2": "实施", "P5": "申报"}
    assert dict(zip(current["项目编号"], current["停留天数"], strict=True))["P4"] == 305
    earlier = projects_lib.current_stages(con, Scope.of(2016))
    assert dict(zip(earlier["项目编号"], earlier["当前阶段"], strict=True)) == {"P1": "资产移交", "P4": "实施", "P5": "申报"}
    assert projects_lib.current_stages(con, Scope.of(2014)).is_empty()


def test_stuck_projects_beyond_the_limit_of_their_stage(con):
    stuck = projects_lib.stuck_projects(con, Scope.of(2017))
    assert stuck["项目编号"].to_list() == ["P5", "P4"]
    assert stuck["超期天数"].to_list() == [578 - 90, 305 - 90]
    assert stuck.columns[0] == "超期天数"
    # The limits are settings: a stricter 实施 limit lists P2 too, a looser 验收 one drops P4.
    stricter = projects_lib.stuck_projects(con, Scope.of(2017), {"实施": 200, "验收": 400})
    assert stricter["项目编号"].to_list() == ["P5", "P2"]
    assert projects_lib.stuck_projects(con, Scope.of(2017, T2))["项目编号"].to_list() == ["P5", "P4"]
    assert projects_lib.stuck_projects(con, Scope.of(2016))["项目编号"].to_list() == ["P5"]


def test_a_later_stage_takes_the_project_off_the_stuck_list(con):
    store.commit_rows(con, "project_stages", fixture_lifecycle.frame("project_stages", [{"project_id": "P4", "stage": "报账", "stage_date": dt.date(2017, 11, 1),
                                                                         "doc_number": None}]), user="测试", file_name="p.xlsx")  # fmt: skip
    assert projects_lib.stuck_projects(con, Scope.of(2017))["项目编号"].to_list() == ["P5"]


def test_stage_counts_and_timeline(con):
    counts = projects_lib.stage_counts(con, Scope.of(2017))
    assert counts["阶段"].to_list()[0] == "申报" and counts["项目数(个)"].to_list() == [1, 0, 0, 1, 1, 0, 1]
    line = projects_lib.timeline(con, "P1")
    assert line["阶段"].to_list() == ["申报", "入库", "立项", "实施", "验收", "报账", "资产移交"]
    assert line.filter(line["阶段"] == "立项")["公示天数(天)"].to_list() == [10]


def test_as_of_is_the_end_of_the_year_or_today():
    assert projects_lib.as_of(2017, dt.date(2026, 5, 1)) == dt.date(2017, 12, 31)
    assert projects_lib.as_of(2026, dt.date(2026, 5, 1)) == dt.date(2026, 5, 1)
