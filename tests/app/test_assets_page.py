"""The 扶贫资产 page under AppTest: register, value by type/owner, problems, distributions and their
reconciliation, 村集体经济收入 with an adjustable 薄弱村 threshold, scoped by role."""

import pytest

from fupin_core.metrics import Scope, assets
from tests.app.pages import assert_registry_cards, cards, open_page, table_with


def _open(app, township=None, year=2017):
    return open_page(app, "pages/assets.py", township, year)


@pytest.mark.parametrize(("township", "place"), [(None, "商州区"), ("611002111", "牧护关镇")])
def test_assets_page_shows_the_register_and_the_problems(app, sample_con, township, place):
    at = _open(app, township)
    scope = Scope.of(2017, township)
    assert at.title[0].value == f"{place}2017年扶贫资产"
    keys = ["assets", "asset_value_wan", "unsettled_assets", "troubled_assets", "asset_income_wan", "collective_income_wan"]
    assert_registry_cards(at, sample_con, scope, keys + ["asset_income_distributed_wan", "distribution_gap_projects"])
    register = table_with(at, "确权主体")
    expected = assets.register(sample_con, scope)
    assert register["资产编号"].tolist()[1:] == expected["资产编号"].to_list()  # after the 合计 row
    assert register["原值(万元)"].iloc[0] == pytest.approx(expected["原值(万元)"].sum())
    by_type = table_with(at, "光伏电站(万元)")
    assert by_type["合计(万元)"].iloc[0] == pytest.approx(expected["原值(万元)"].sum())


def test_unsettled_troubled_and_reconciliation_gaps_are_listed(app, sample_con):
    at = _open(app)
    scope = Scope.of(2017)
    assert list(table_with(at, "验收后天数")["资产编号"]) == assets.unsettled(sample_con, scope)["资产编号"].to_list()
    assert set(table_with(at, "资产状态")["资产状态"]) >= {"闲置", "损毁"}
    gaps = assets.reconciliation_gaps(sample_con, scope)
    assert gaps.height > 0 and f"{gaps.height}项资产有差额" in at.warning[0].value
    shown = table_with(at, "到户差额(元)")
    assert sorted(n for n in shown["说明"].tolist()[1:] if n) == sorted(gaps["说明"].to_list())  # after the 合计 row


def test_weak_village_threshold_is_a_setting(app, sample_con):
    at = _open(app)
    before = cards(at)
    at.number_input(key="assets_weak_threshold").set_value(20.0).run()
    assert not at.exception
    frame = assets.collective_income(sample_con, Scope.of(2017), 20.0)
    after = cards(at)
    label = "收入低于20万元的村（不含未破零）"
    assert after[label] == f"{frame.filter(frame['情况'] == '薄弱村').height:,}个"
    assert after["未破零村"] == before["未破零村"]


def test_a_year_without_distributions_says_so(app):
    at = _open(app, year=2015)
    assert any("未上报" in i.value for i in at.info)
    assert cards(at)["村集体经济收入"] == "未上报"


def test_a_township_viewer_sees_only_its_assets(login, sample_con):
    at = _open(login("assets_viewer", "viewer", ["611002101"]))
    register = table_with(at, "确权主体")
    assert set(register["镇办"].tolist()[1:]) == {"夜村镇"}


def test_cards_of_a_village_are_listed_for_download(app, sample_con):
    from fupin_core.reports import cards

    at = _open(app, "611002101")
    villages = cards.villages_with_cards(sample_con, Scope.of(2017, "611002101"))
    village = villages["村代码"][1]
    at.selectbox(key="cards_village").set_value(village).run()
    assert not at.exception
    expected = cards.household_cards(sample_con, 2017, village=village)
    shown = table_with(at, "人均(元)")
    assert list(shown["户编号"]) == [c["household_id"] for c in expected]
    assert at.selectbox(key="cards_household").options == [f"{c['head_name']}（{c['household_id']}）" for c in expected]


def test_too_many_villages_for_one_list_ask_for_a_township_first(app, sample_con, monkeypatch):
    from fupin_core.reports import cards
    from fupin_ui import filters

    villages = cards.villages_with_cards(sample_con, Scope.of(2017))
    monkeypatch.setattr(filters, "MAX_VILLAGES_LISTED", villages.height - 1)
    at = _open(app)
    assert not at.exception
    assert "cards_village" not in [s.key for s in at.selectbox]
    assert any(f"共{villages.height:,}个村有收益明白卡" in info.value for info in at.info)
    monkeypatch.setattr(filters, "MAX_VILLAGES_LISTED", villages.height)
    at = _open(app)
    labels = at.selectbox(key="cards_village")
    first = villages.row(0, named=True)
    assert labels.options[0] == f"{first['镇办']}{first['村']}（{first['户数(户)']}户）"
