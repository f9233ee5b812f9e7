"""利益联结 metrics: known answers on the hand-made database, consistency with overview on the sample.

tiny_data, 2017: H2 (4 people, 甲村) earns 100 元 分红 from P1 and H1 (3 people, 甲村) 500 元 as 保洁员
(公益岗位) from P1 — both 光伏; H3's 务工 at P4 paid 0 (not linked). 2016: H3 (2 people, 乙村) 3,000 元 务工.
Total income 2017 (household_income): H1 3,166.67 per person, H2 and H3 2,500, H4 not reported.
"""

import polars as pl
import pytest

from fupin_core.catalog import INDUSTRIES, LINK_MECHANISMS
from fupin_core.metrics import Scope, indicators, overview
from fupin_core.metrics import linkage as m
from fupin_core.metrics import poverty_line as poverty_line_module
from fupin_core.storage import store
from tests import tiny_data
from tests.tiny_data import T1, T2, V2

Y = Scope.of(2017)


def _add_linkages(con, rows: list[dict]) -> None:
    frame = pl.DataFrame(rows, schema=tiny_data.frame("linkages").schema, orient="row")
    store.commit_rows(con, "linkages", frame, user="测试", file_name="追加.xlsx")


def _linkage(household: str, project: str, mechanism: str, income: float, year: int = 2017, sub=None) -> dict:
    return {"household_id": household, "project_id": project, "mechanism": mechanism, "sub_type": sub, "year": year, "income_yuan": income}


def test_poverty_line_per_year(tiny_con):
    assert m.poverty_line(tiny_con, 2017) == 2952
    assert m.poverty_line(tiny_con, 2016) == 2952
    assert m.poverty_line(tiny_con, 2019) == 3218
    table = poverty_line_module.NATIONAL_POVERTY_LINE_YUAN
    assert m.poverty_line(tiny_con, 2005) == table[min(table)]  # before the table: its first year
    assert m.poverty_line(tiny_con, 2030) == table[max(table)]


def test_a_reported_line_overrides_the_national_one(tiny_con):
    """A provincial standard uploaded for 2017 replaces 2,952 元: H1 (3,166.67 per person) falls below."""
    tiny_con.execute("INSERT INTO poverty_lines VALUES (2017, 3200, '省定扶贫标准', 1)")
    assert indicators.poverty_line(tiny_con, 2017) == (3200.0, "省定扶贫标准")
    assert m.below_poverty_line(tiny_con, Y)["户编号"].to_list() == ["H1", "H2", "H3"]
    assert indicators.values(tiny_con, Y)["households_below_poverty_line"] == 3


def test_summary(tiny_con):
    assert m.summary(tiny_con, Y) == {
        "linked_households": 2,
        "linked_people": 7,
        "linked_income_yuan": 600.0,
        "income_per_person_yuan": 85.71,  # 600 / 7
        "poverty_line_yuan": 2952.0,
    }
    in_t2 = m.summary(tiny_con, Scope.of(2017, T2))
    assert (in_t2["linked_households"], in_t2["income_per_person_yuan"]) == (0, None)
    assert m.summary(tiny_con, Scope.of(2016))["income_per_person_yuan"] == 1500  # H3: 3,000 / 2


def test_linkage_income_alone_never_makes_a_household_poor(tiny_con):
    """H4 earns 2,952 × 5 from linkages but reported no income: not in the below-line list. H1 earns
    166.67 per person from linkages, yet its total income is above the line."""
    _add_linkages(tiny_con, [_linkage("H4", "P4", "务工", 2952 * 5)])
    assert m.below_poverty_line(tiny_con, Y)["户编号"].to_list() == ["H2", "H3"]
    assert m.income_bands(tiny_con, Y)["户数"].to_list() == [2, 0, 0, 0, 1]
    by_township = m.income_by_township(tiny_con, Y)
    assert by_township["人均联结收益(元)"].to_list() == [85.71, 2952.0]
    assert by_township["低于贫困线户数"].to_list() == [1, 1]  # H2 in 城关街道, H3 in 夜村镇: total income


def test_by_mechanism_in_catalog_order(tiny_con):
    frame = m.by_mechanism(tiny_con, Y)
    assert frame["联结方式"].to_list() == list(LINK_MECHANISMS)
    rows = {r["联结方式"]: r for r in frame.iter_rows(named=True)}
    assert (rows["分红"]["户数"], rows["分红"]["人数"], rows["分红"]["收益金额(万元)"]) == (1, 4, 0.01)
    assert (rows["公益岗位"]["户数"], rows["公益岗位"]["人数"], rows["公益岗位"]["户均收益(元)"]) == (1, 3, 500.0)
    assert rows["务工"]["户数"] == 0 and rows["务工"]["户均收益(元)"] is None  # H3's zero income does not count
    assert m.by_mechanism(tiny_con, Scope.of(2016)).filter(pl.col("联结方式") == "务工")["收益金额(万元)"].to_list() == [0.3]


def test_a_household_with_two_mechanisms_counts_in_each(tiny_con):
    _add_linkages(tiny_con, [_linkage("H2", "P1", "务工", 50.0)])
    frame = m.by_mechanism(tiny_con, Y)
    assert frame.filter(pl.col("联结方式").is_in(["分红", "务工", "公益岗位"]))["户数"].to_list() == [1, 1, 1]
    assert m.summary(tiny_con, Y)["linked_households"] == 2  # still two households


def test_by_programme_and_welfare_posts(tiny_con):
    frame = m.by_programme(tiny_con, Y)
    assert frame["产业"].to_list() == list(INDUSTRIES)
    assert frame["户数"].to_list() == [2, 0, 0, 0, 0]
    assert frame["户均收益(元)"].to_list()[0] == 300.0
    posts = m.welfare_posts(tiny_con, Y)
    assert posts.rows() == [("保洁员", 1, 3, 0.05)]


def test_income_by_township_and_bands(tiny_con):
    frame = m.income_by_township(tiny_con, Y)
    assert frame["镇办"].to_list() == ["城关街道", "夜村镇"]
    assert frame["带动户数"].to_list() == [2, 0]
    assert frame["带动人数"].to_list() == [7, 0]
    assert frame["收益金额(元)"].to_list() == [600.0, 0.0]
    assert frame["人均联结收益(元)"].to_list() == [85.71, None]
    assert frame["贫困线(元)"].to_list() == [2952.0, 2952.0]
    assert m.income_by_township(tiny_con, Scope.of(2017, T2))["镇办"].to_list() == ["夜村镇"]
    bands = m.income_bands(tiny_con, Y)
    assert bands["人均联结收益"].to_list() == ["738元以下", "738–1,476元", "1,476–2,214元", "2,214–2,952元", "2,952元及以上"]
    assert bands["户数"].to_list() == [2, 0, 0, 0, 0]
    assert bands["人数"].to_list() == [7, 0, 0, 0, 0]
    assert m.income_bands(tiny_con, Scope.of(2016))["户数"].to_list() == [0, 0, 1, 0, 0]  # 1,500 元/人


def test_by_township(tiny_con):
    frame = m.by_township(tiny_con, Y)
    mechanisms = [m.mechanism_column(x) for x in LINK_MECHANISMS]
    assert frame.columns == [
        "镇办代码", "镇办", "带动增收户数(户)", "带动增收人数(人)", *mechanisms,
        "收益金额(万元)", "有劳动能力户数(户)", "产业覆盖户数(户)", "未覆盖户数(户)", "产业覆盖率",
    ]  # fmt: skip
    by_mechanism = dict(zip(mechanisms, zip(*frame.select(mechanisms).rows(), strict=True), strict=True))
    # 城关街道: H2 (分红 100元) and H1 (保洁员 500元), 7 people; 夜村镇: H3's 务工 paid 0 — not linked.
    assert {k: v for k, v in by_mechanism.items() if any(v)} == {"分红(户)": (1, 0), "公益岗位(户)": (1, 0)}
    assert frame.select("镇办", "带动增收户数(户)", "带动增收人数(人)", "收益金额(万元)").rows() == [
        ("城关街道", 2, 7, 0.06),
        ("夜村镇", 0, 0, 0.0),
    ]
    # Coverage of households with labour capacity: H1, H2 in 城关街道 (covered); H3 (covered) and H4 in 夜村镇.
    assert frame.select("有劳动能力户数(户)", "产业覆盖户数(户)", "未覆盖户数(户)", "产业覆盖率").rows() == [(2, 2, 0, 1.0), (2, 1, 1, 0.5)]
    assert m.by_township(tiny_con, Scope.of(2017, T2))["镇办"].to_list() == ["夜村镇"]
    assert m.by_township(tiny_con, Scope.of(2016))["务工(户)"].to_list() == [0, 1]  # H3, 3,000 元 in 2016


def test_below_poverty_line(tiny_con):
    frame = m.below_poverty_line(tiny_con, Y)
    assert frame["户编号"].to_list() == ["H2", "H3"]
    assert frame["人均纯收入(元)"].to_list() == [2500.0, 2500.0]
    assert frame["差距(元)"].to_list() == [452.0, 452.0]
    assert frame["脱贫年度"].to_list() == [2017, None]
    assert m.exited_below_poverty_line(tiny_con, Y)["户编号"].to_list() == ["H2"]
    assert m.below_poverty_line(tiny_con, Scope.of(2017, T1))["户编号"].to_list() == ["H2"]
    assert m.below_poverty_line(tiny_con, Scope.of(2016)).is_empty()  # no income reported for 2016


def test_gap_by_township_and_village(tiny_con):
    assert m.gap_by_township(tiny_con, Y)["未覆盖户数"].to_list() == [0, 1]
    by_village = m.gap_by_village(tiny_con, Y)
    assert by_village.rows() == [("夜村镇", "乙村", 1, 5)]  # H4 (5 people)
    assert m.gap_by_village(tiny_con, Scope.of(2017, T1)).is_empty()


def test_household_lookup(tiny_con):
    found = m.household_lookup(tiny_con, "H3", Y)
    assert found.matches == 1 and found.households["户主姓名"].to_list() == ["丙某"]
    assert found.linkages["年度"].to_list() == [2017, 2016]  # every linkage, newest first, a zero income too
    assert found.linkages["收益金额(元)"].to_list() == [0.0, 3000.0]
    assert m.household_lookup(tiny_con, "611002195001030011", Y).households["户编号"].to_list() == ["H3"]
    assert m.household_lookup(tiny_con, " 丙某 ", Y).households["户编号"].to_list() == ["H3"]
    assert m.household_lookup(tiny_con, "某", Y).matches == 5
    assert m.household_lookup(tiny_con, "丙某", Scope.of(2017, T1)).matches == 0  # outside the user's 镇办
    assert m.household_lookup(tiny_con, "H3", Scope.of(2017, None, V2)).matches == 1
    for nothing in ("", "   ", "%", "6110021950010300"):  # no wildcards, no partial ID numbers
        found = m.household_lookup(tiny_con, nothing, Y)
        assert found.matches == 0 and found.households.is_empty() and found.linkages.is_empty()


def test_household_lookup_caps_the_list(tiny_con, monkeypatch):
    monkeypatch.setattr(m, "MAX_LOOKUP", 2)
    found = m.household_lookup(tiny_con, "某", Y)
    assert (found.matches, found.households["户编号"].to_list()) == (5, ["H1", "H2"])
    assert set(found.linkages["户编号"].to_list()) == {"H1", "H2"}


@pytest.mark.parametrize("township", [None, "611002111"])
def test_consistent_with_overview_on_the_sample(sample_con, township):
    scope = Scope.of(2017, township)
    kpis = indicators.values(sample_con, scope)
    s = m.summary(sample_con, scope)
    assert (s["linked_households"], s["linked_people"]) == (kpis["linked_households"], kpis["linked_people"])
    by_township = m.income_by_township(sample_con, scope)
    assert by_township["带动户数"].sum() == kpis["linked_households"]
    assert by_township["低于贫困线户数"].sum() == kpis["households_below_poverty_line"] == m.below_poverty_line(sample_con, scope).height
    assert m.income_bands(sample_con, scope)["户数"].sum() == kpis["linked_households"]
    assert by_township["收益金额(元)"].sum() == pytest.approx(s["linked_income_yuan"])
    assert m.by_mechanism(sample_con, scope)["收益金额(万元)"].sum() * 10_000 == pytest.approx(s["linked_income_yuan"], abs=50 * 7)
    # Mechanisms overlap (a household can have two), but each category counts a household once.
    assert m.by_mechanism(sample_con, scope)["户数"].sum() >= kpis["linked_households"]
    table = m.by_township(sample_con, scope)
    assert (table["带动增收户数(户)"].sum(), table["带动增收人数(人)"].sum()) == (kpis["linked_households"], kpis["linked_people"])
    assert table["收益金额(万元)"].sum() * 10_000 == pytest.approx(s["linked_income_yuan"], abs=1)
    assert (table["有劳动能力户数(户)"].sum(), table["产业覆盖户数(户)"].sum()) == (
        kpis["coverage_base_households"],
        kpis["covered_households"],
    )
    households = dict(m.by_mechanism(sample_con, scope).select("联结方式", "户数").iter_rows())
    assert {x: table[m.mechanism_column(x)].sum() for x in LINK_MECHANISMS} == households
    gap_townships = m.gap_by_township(sample_con, scope)
    gap_villages = m.gap_by_village(sample_con, scope)
    assert gap_townships["未覆盖户数"].sum() == kpis["uncovered_households"] == gap_villages["未覆盖户数"].sum()
    per_township = gap_villages.group_by("镇办").agg(pl.col("未覆盖户数").sum())
    joined = gap_townships.join(per_township, on="镇办", how="left", suffix="_村合计").fill_null(0)
    assert joined["未覆盖户数"].to_list() == joined["未覆盖户数_村合计"].to_list()
    # Counted in SQL, the villages agree with the full downloadable list grouped by village.
    listed = (
        overview.coverage_gap(sample_con, scope)
        .group_by("镇办", "村", maintain_order=True)
        .agg(pl.len().alias("未覆盖户数"), pl.col("家庭人口").sum().alias("未覆盖人数"))
    )
    assert gap_villages.rows() == listed.rows()


def test_sample_welfare_posts_are_the_seed_figures(sample_con):
    posts = m.welfare_posts(sample_con, Y)
    assert dict(zip(posts["细分类型"].to_list(), posts["户数"].to_list(), strict=True)) == {
        "生态护林员": 1070,
        "保洁员": 750,
        "公益性岗位": 718,
    }


def test_below_poverty_line_preview_is_the_head_of_the_full_list(sample_con):
    scope = Scope.of(2017)
    full = m.below_poverty_line(sample_con, scope)
    assert full.height > 500  # not-exited households below the line
    assert m.below_poverty_line(sample_con, scope, limit=500).equals(full.head(500))
