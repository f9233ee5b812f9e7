"""The 利益联结 page under AppTest: its figures equal the metrics functions for the district and for
one 镇办, and the household lookup masks ID numbers for a viewer."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics import linkage as m
from fupin_core.metrics.overview import coverage_gap
from fupin_core.security.privacy import mask_id_number
from tests.app.pages import assert_registry_cards, open_page, table_with

PAGE = "pages/linkage.py"


def _open(at, township=None):
    return open_page(at, PAGE, township)


def _table_with(at, column: str):
    return table_with(at, column)


@pytest.mark.parametrize("township", [None, "611002111"])
def test_figures_equal_the_metrics(app, sample_con, township):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    keys = ["coverage_rate", "linked_households", "linked_people", "linked_income_wan", "linked_income_per_household_yuan"]
    keys += ["households_below_poverty_line", "exited_below_poverty_line", "poverty_line_yuan"]
    assert_registry_cards(at, sample_con, scope, keys)
    assert at.title[0].value.endswith("2017年利益联结")
    mechanisms = _table_with(at, "联结方式")
    expected = m.by_mechanism(sample_con, scope)
    assert mechanisms["联结方式"].tolist() == expected["联结方式"].to_list()
    assert mechanisms["户数"].tolist() == expected["户数"].to_list()
    assert _table_with(at, "产业")["户数"].tolist() == m.by_programme(sample_con, scope)["户数"].to_list()
    gap_villages = m.gap_by_village(sample_con, scope)
    if gap_villages.height:
        assert _table_with(at, "未覆盖人数")["未覆盖户数"].tolist() == gap_villages["未覆盖户数"].to_list()
    else:  # 全覆盖 (the sample in 2017): no empty table, a sentence of our own
        assert not [d for d in at.dataframe if "未覆盖人数" in d.value.columns]
    gap = coverage_gap(sample_con, scope).height
    assert any(h.value == f"产业未覆盖户（{gap:,}户）" for h in at.subheader)
    below = m.below_poverty_line(sample_con, scope)
    assert any(e.label == f"人均纯收入低于贫困线的全部建档立卡户（{below.height:,}户）" for e in at.expander)
    exited = m.exited_below_poverty_line(sample_con, scope)
    assert any(e.label == f"已脱贫户收入未达标（{exited.height:,}户）" for e in at.expander)
    assert _table_with(at, "差距(元)")["户编号"].tolist() == exited["户编号"].head(500).to_list()


def _a_linked_household(sample_con) -> tuple[str, str]:
    return sample_con.execute(
        """SELECT h.household_id, h.head_id_number FROM households AS h JOIN linkages AS l ON l.household_id = h.household_id
           WHERE l.year = 2017 AND l.income_yuan > 0 ORDER BY h.household_id LIMIT 1"""
    ).fetchone()


@pytest.mark.parametrize(("role", "masked"), [("viewer", True), ("admin", False)])
def test_lookup_by_id_number_masks_it_for_a_viewer(login, sample_con, role, masked):
    household_id, id_number = _a_linked_household(sample_con)
    at = _open(login(f"lookup_{role}", role))
    at.text_input(key="lookup_query").input(id_number).run()
    assert not at.exception, at.exception
    found = _table_with(at, "户主身份证号")
    assert found["户编号"].tolist() == [household_id]
    assert found["户主身份证号"].tolist() == [mask_id_number(id_number) if masked else id_number]
    assert mask_id_number(id_number) == f"{id_number[:6]}********{id_number[-4:]}"
    linkages = _table_with(at, "项目编号")
    expected = m.household_lookup(sample_con, id_number, Scope.of(2017)).linkages
    assert linkages["项目编号"].tolist() == expected["项目编号"].to_list() and len(linkages) > 0
    # 脱贫年度 of a household not yet out of poverty is empty: it reads "—", not Streamlit's "None".
    assert {d.proto.placeholder for d in at.dataframe} == {"—"}


def test_lookup_outside_the_users_township_finds_nothing(login, sample_con):
    household_id, _ = _a_linked_household(sample_con)
    township = sample_con.execute(
        "SELECT v.township_code FROM households AS h JOIN villages AS v ON v.village_code = h.village_code WHERE h.household_id = ?",
        [household_id],
    ).fetchone()[0]
    other = "611002001" if township != "611002001" else "611002002"
    at = _open(login("lookup_scoped", "viewer", [other]), other)
    at.text_input(key="lookup_query").input(household_id).run()
    assert not at.exception, at.exception
    assert any("没有找到" in i.value for i in at.info)
