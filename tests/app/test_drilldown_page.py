"""The 镇村明细 page under AppTest: 镇办 → villages → a village's projects → a project's households,
each table equal to its drilldown function, for the district and for one 镇办."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics import drilldown as d
from fupin_core.security.privacy import mask_id_number
from tests.app.pages import open_page, table_with

PAGE = "pages/drilldown.py"


def _open(at, township=None):
    return open_page(at, PAGE, township)


def _table_with(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize("township", [None, "611002101"])
def test_villages_projects_and_households_equal_the_metrics(app, sample_con, township):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    villages = d.villages(sample_con, scope)
    shown = _table_with(at, "未覆盖户数")
    assert shown["村代码"].tolist() == villages["村代码"].to_list()
    assert shown["带动增收户数"].tolist() == villages["带动增收户数"].to_list()
    assert shown["未覆盖户数"].tolist() == villages["未覆盖户数"].to_list()
    assert any(h.value == f"各村情况（{villages.height:,}个村）" for h in at.subheader)
    assert bool(at.info) == (township is None)  # the hint to choose a 镇办

    # Choose the village with the most projects, then its first project.
    village = villages.sort(["项目数", "村代码"], descending=[True, False])["村代码"][0]
    at.selectbox(key=f"drill_village_{township or 'all'}").set_value(village).run()
    assert not at.exception, at.exception
    projects = d.village_projects(sample_con, scope, village)
    assert _table_with(at, "带动本村户数")["项目编号"].tolist() == projects["项目编号"].to_list()
    project = projects["项目编号"][0]
    households = d.project_households(sample_con, scope, project)
    if households.is_empty():  # our own words, not an empty table (Streamlit writes "empty" in English)
        assert "（该项目本年度没有联结的贫困户）" in [c.value for c in at.caption]
    else:
        shown = _table_with(at, "户主身份证号")
        assert shown["户编号"].tolist() == households["户编号"].to_list()
        assert shown["收益金额(元)"].tolist() == households["收益金额(元)"].to_list()
    summary = d.project_summary(sample_con, scope, project)
    assert any(f"共{summary['linkages']:,}项利益联结，其中{summary['linked_households']:,}户有收益" in c.value for c in at.caption)

    second = projects["项目编号"][1]
    at.selectbox(key=f"drill_project_{village}").set_value(second).run()
    assert not at.exception, at.exception
    expected = d.project_households(sample_con, scope, second)["户编号"].to_list()
    if expected:
        assert _table_with(at, "户主身份证号")["户编号"].tolist() == expected
    else:
        assert "（该项目本年度没有联结的贫困户）" in [c.value for c in at.caption]


def test_a_viewer_sees_masked_id_numbers(login, sample_con):
    at = _open(login("drill_viewer", "viewer"), "611002101")
    shown = _table_with(at, "户主身份证号")
    scope = Scope.of(2017, "611002101")
    village = d.villages(sample_con, scope)["村代码"][0]
    project = d.village_projects(sample_con, scope, village)["项目编号"][0]
    full = d.project_households(sample_con, scope, project)["户主身份证号"].to_list()
    assert shown["户主身份证号"].tolist() == [mask_id_number(n) for n in full]


@pytest.mark.parametrize("township", [None, "611002101"])
def test_all_projects_of_the_scope_are_counted_only_when_asked(app, sample_con, township):
    at = _open(app, township)
    assert "带动户数" not in {c for frame in (d.value for d in at.dataframe) for c in frame.columns}
    at.toggle(key="drill_all_projects").set_value(True).run()
    assert not at.exception, at.exception
    expected = d.township_projects(sample_con, Scope.of(2017, township))
    assert _table_with(at, "带动户数")["项目编号"].tolist() == expected["项目编号"].to_list()


def test_too_many_villages_for_one_list_ask_for_a_township_first(app, sample_con, monkeypatch):
    from fupin_ui import filters

    villages = d.villages(sample_con, Scope.of(2017))
    monkeypatch.setattr(filters, "MAX_VILLAGES_LISTED", villages.height - 1)
    at = _open(app)
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key == "drill_village_all"]
    assert any(f"共{villages.height:,}个村，一个列表选不过来" in info.value for info in at.info)


def test_a_chosen_township_lists_its_villages_however_many(app, sample_con, monkeypatch):
    from fupin_ui import filters

    monkeypatch.setattr(filters, "MAX_VILLAGES_LISTED", 1)
    at = _open(app, "611002101")
    assert not at.exception, at.exception
    assert [s for s in at.selectbox if s.key == "drill_village_611002101"]
