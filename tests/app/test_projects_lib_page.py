"""The 项目库 page under AppTest: stage counts, the stuck list (limits adjustable on the page), a
project's timeline, and a 镇办-scoped viewer who sees only the 镇办's projects."""

import pytest

from fupin_core.metrics import Scope, projects_lib
from tests.app.pages import assert_registry_cards, open_page, table_with


def _open(app, township=None):
    return open_page(app, "pages/projects_lib.py", township)


@pytest.mark.parametrize(("township", "place"), [(None, "商州区"), ("611002111", "牧护关镇")])
def test_library_page_shows_stages_and_stuck_projects(app, sample_con, township, place):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    assert at.title[0].value == f"{place}2017年项目库"
    assert_registry_cards(at, sample_con, scope, ["projects_in_library", "stuck_projects", "unsettled_assets", "assets"])
    counts = table_with(at, "阶段")
    expected = projects_lib.stage_counts(sample_con, scope)
    assert counts["项目数(个)"].to_list()[1:] == expected["项目数(个)"].to_list()  # after the 合计 row
    current = table_with(at, "文号")
    assert sorted(current["项目编号"]) == sorted(projects_lib.current_stages(sample_con, scope)["项目编号"])


def test_stuck_list_and_its_limits(app, sample_con):
    at = _open(app)
    stuck = projects_lib.stuck_projects(sample_con, Scope.of(2017))
    assert stuck.height > 0
    assert list(table_with(at, "超期天数")["项目编号"]) == stuck["项目编号"].to_list()
    # A looser 实施 limit leaves only the projects stuck in other stages.
    at.number_input(key="limit_实施").set_value(3000).run()
    assert not at.exception
    looser = projects_lib.stuck_projects(sample_con, Scope.of(2017), {"实施": 3000})
    assert 0 < looser.height < stuck.height
    assert list(table_with(at, "超期天数")["项目编号"]) == looser["项目编号"].to_list()


def test_timeline_of_the_chosen_project(app, sample_con):
    at = _open(app)
    current = projects_lib.current_stages(sample_con, Scope.of(2017))
    done = current.filter(current["当前阶段"] == "资产移交")["项目编号"][0]
    at.selectbox(key="library_project").set_value(done).run()
    assert not at.exception
    line = table_with(at, "公示天数(天)")
    assert list(line["阶段"]) == ["申报", "入库", "立项", "实施", "验收", "报账", "资产移交"]
    assert (line["公示天数(天)"].dropna() >= 10).all()


def test_a_township_viewer_sees_only_its_projects(login, sample_con):
    at = _open(login("lib_viewer", "viewer", ["611002101"]))
    current = table_with(at, "文号")
    assert set(current["镇办"]) == {"夜村镇"}
    assert len(current) == projects_lib.current_stages(sample_con, Scope.of(2017, "611002101")).height
