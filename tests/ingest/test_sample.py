"""The sample database: deterministic, valid identifiers, and the seed article's figures."""

import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.idcodes import credit_code_problem, id_problem
from fupin_core.ingest import sample
from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import overview_kpis, reported
from fupin_core.metrics.overview import fund_kpis, household_kpis


@pytest.fixture(scope="module")
def frames():
    return sample.generate(1)


def test_same_seed_same_data(frames):
    again = sample.generate(1)
    assert frames.keys() == again.keys()
    for key, frame in frames.items():
        assert frame.equals(again[key]), key


def test_other_seed_other_data(frames):
    other = sample.generate(1, seed=7)
    assert not frames["households"].equals(other["households"])


def test_every_dataset_present_with_catalog_columns(frames):
    for ds in catalog.DATASETS:
        assert frames[ds.key].columns == list(ds.column_names), ds.key
        assert frames[ds.key].height > 0, ds.key
        assert not frames[ds.key].select(ds.natural_key).is_duplicated().any(), ds.key


def test_identifiers_are_valid_and_synthetic(frames):
    ids = frames["households"]["head_id_number"]
    assert ids.n_unique() == ids.len()
    assert all(id_problem(v) is None for v in ids.to_list())
    assert all(v.startswith("611002") for v in ids.to_list())
    assert all(credit_code_problem(v) is None for v in frames["entities"]["credit_code"].to_list())
    assert frames["households"]["head_name"].str.contains("某").all()


def test_references_resolve(frames):
    for ds in catalog.DATASETS:
        for col in ds.columns:
            if not col.references:
                continue
            values = frames[ds.key][col.name].drop_nulls().unique()
            known = frames[col.references[0]][col.references[1]]
            assert values.is_in(known.implode()).all(), f"{ds.key}.{col.name}"


def test_plausible_distributions(frames):
    projects = frames["projects"]
    village_pv = projects.filter(pl.col("project_type") == "村级电站")["scale"]
    assert village_pv.min() >= 100 and village_pv.max() <= 300
    assert projects.filter(pl.col("project_type") == "集中式电站")["scale"].to_list() == [20000.0]
    assert frames["households"]["family_size"].is_between(1, 9).all()
    assert (frames["funds"]["spent_wan"] <= frames["funds"]["allocated_wan"]).all()
    pilots = frames["pilots"]
    assert (pilots["poor_shareholder_households"] <= pilots["shareholder_households"]).all()
    assert (frames["dividends"]["paid_yuan"] < frames["dividends"]["due_yuan"]).any(), "some dividends are overdue"
    posts = frames["linkages"].filter(pl.col("mechanism") == "公益岗位", pl.col("year") == 2017)
    assert dict(posts.group_by("sub_type").len().iter_rows()) == {"生态护林员": 1070, "保洁员": 750, "公益性岗位": 718}


def test_seed_figures(sample_con):
    k = overview_kpis(sample_con, Scope.of(2017))
    for key in (
        "households_registered", "people_registered", "households_exited_cum", "people_exited_cum",
        "households_exited_year", "people_exited_year", "poverty_villages", "deep_poverty_villages",
        "villages_exited_year", "linked_households", "linked_people", "pilot_villages", "pilot_funds_wan",
        "pv_target_mw", "fungus_target_wan", "artichoke_target_mu",
    ):  # fmt: skip
        assert k[key] == sample.SEED_FIGURES[key], key
    assert k["fungus_bags_wan"] == sample.FUNGUS_BAGS_2017_WAN and k["artichoke_mu"] == sample.ARTICHOKE_AREA_2017_MU
    assert fund_kpis(sample_con, Scope.of(2017))["allocated_wan"] == 19840


def test_issue_12_figures_through_the_registry(sample_con):
    """`fupin kpi --year 2017 --json` on the sample: 全覆盖 of the households with labour capacity (and how
    many it counts), total income against the line, PV 扶贫 stations, labour and 专项扶贫资金 as published."""
    k = reported(overview_kpis(sample_con, Scope.of(2017)))
    assert k["coverage_rate"] == 1.0 and k["covered_households"] == k["coverage_base_households"] > 20000
    assert k["uncovered_households"] == 0
    assert (k["poor_labourers"], k["labourers_employed"]) == (30340, 23283)
    assert k["special_funds_spent_wan"] == 21489
    assert (k["integrated_funds_allocated_wan"], k["integrated_funds_spent_wan"], k["integrated_funds_spend_rate"]) == (19840, 17867, 0.901)
    assert 0 < k["exited_below_poverty_line"] < 50 < k["households_below_poverty_line"]  # only a deliberate few exited ones
    assert k["pv_stations_poverty"] == k["pv_village_stations"]  # the 20 MW station is commercial (and still 在建)
    assert k["pv_commercial_mw"] == 0 and k["poverty_incidence"] is not None
    # After the sample's last year nothing is reported: 未上报, never 0.
    later = reported(overview_kpis(sample_con, Scope.of(2018)))
    assert later["linked_households"] is None and later["coverage_rate"] is None and later["households_below_poverty_line"] is None


def test_named_villages_are_pilots(sample_con):
    rows = sample_con.execute(
        """SELECT t.township_name, v.village_name, p.district_funds_wan FROM pilots p
           JOIN villages v USING (village_code) JOIN townships t USING (township_code)
           WHERE v.village_name IN ('何家塬村', '香铺村') ORDER BY 1"""
    ).fetchall()
    assert rows == [("夜村镇", "何家塬村", 30), ("牧护关镇", "香铺村", 30)]


def test_scale_multiplies_every_figure():
    import duckdb

    con = duckdb.connect(":memory:")
    sample.load_sample(con, scale=2)
    h = household_kpis(con, Scope.of(2017), 2952.0)
    assert (h["households_registered"], h["people_registered"], h["linked_households"]) == (57060, 186370, 25200)
    assert con.execute("SELECT count(DISTINCT substr(township_code, 1, 6)) FROM townships").fetchone()[0] == 2
    assert con.execute("SELECT sum(target_value) FROM targets WHERE industry = '光伏'").fetchone()[0] == 200


# --- The data model of issue 12 and the seed's further statements, checked on the generated frames ---

WORKING = list(catalog.WORKING_CAPACITIES)
INCOME_SOURCES = ("wage_income_yuan", "business_income_yuan", "property_income_yuan", "transfer_income_yuan")
LINE_2017 = 2952


def _registered(frames, year: int) -> pl.DataFrame:
    return frames["households"].filter(pl.col("identified_year") <= year)


def _linkages(frames, year: int) -> pl.DataFrame:
    return frames["linkages"].filter(pl.col("year") == year)


def _per_person_income(frames, year: int) -> pl.DataFrame:
    return (
        frames["household_income"]
        .filter(pl.col("year") == year)
        .join(frames["households"], on="household_id")
        .with_columns(per_person=pl.sum_horizontal(INCOME_SOURCES) / pl.col("family_size"))
    )


def _funds(frames, year: int, category: str) -> pl.DataFrame:
    return frames["funds"].filter(pl.col("year") == year, pl.col("fund_category") == category)


def test_labour_capacity_reported_for_every_household(frames):
    capacity = frames["households"]["labour_capacity"]
    assert capacity.is_in(catalog.LABOUR_CAPACITIES).all()
    assert 0.10 <= (capacity == "无劳动能力").mean() <= 0.20
    assert (capacity == "弱劳动能力").sum() > 0


def test_industry_support_covers_every_household_with_labour_2017(frames):
    # 产业全覆盖: registered by 2017 with labour capacity, exited ones included (脱贫不脱政策).
    working = _registered(frames, 2017).filter(pl.col("labour_capacity").is_in(WORKING))
    covered = _linkages(frames, 2017).select("household_id").unique()
    assert working.join(covered, on="household_id", how="anti").height == 0
    rate = working.join(covered, on="household_id").height / working.height
    assert rate == sample.SEED_FIGURES["coverage_rate"] == 1.0
    assert working.filter(pl.col("exit_year") < 2017).join(covered, on="household_id").height > 0
    # Coverage is not income: many arrangements paid nothing yet.
    earning = _linkages(frames, 2017).filter(pl.col("income_yuan") > 0).select("household_id").unique()
    assert working.join(earning, on="household_id", how="anti").height > 1000


def test_households_without_labour_earn_from_assets_only(frames):
    without = frames["households"].filter(pl.col("labour_capacity") == "无劳动能力").select("household_id")
    links = frames["linkages"].join(without, on="household_id")
    assert set(links["mechanism"].unique()) <= {"分红", "土地流转"}
    linked_2017 = links.filter(pl.col("year") == 2017)["household_id"].n_unique()
    assert 0 < linked_2017 < without.height  # some have linkages, not all


def test_income_linkage_2017_is_the_seeds(frames):
    earning = _linkages(frames, 2017).filter(pl.col("income_yuan") > 0).select("household_id").unique()
    households = frames["households"].join(earning, on="household_id")
    assert (households.height, households["family_size"].sum()) == (
        sample.SEED_FIGURES["linked_households"],
        sample.SEED_FIGURES["linked_people"],
    )


def test_poor_labourers_and_employment_2017(frames):
    income = frames["household_income"].filter(pl.col("year") == 2017).join(frames["households"], on="household_id")
    assert income["labourers"].sum() == sample.POOR_LABOURERS_2017 == 30340
    assert income["employed_labourers"].sum() == sample.LABOURERS_EMPLOYED_2017 == 23283
    assert (income.filter(pl.col("labour_capacity") == "无劳动能力")["labourers"] == 0).all()
    assert (income.filter(pl.col("labour_capacity").is_in(WORKING))["labourers"] >= 1).all()
    assert (income["employed_labourers"] <= income["labourers"]).all()
    assert (income["labourers"] <= income["family_size"]).all()
    # Someone earning wages from a linkage (务工, 公益岗位) is in work.
    wage_earners = (
        _linkages(frames, 2017)
        .filter(pl.col("mechanism").is_in(["务工", "公益岗位"]), pl.col("income_yuan") > 0)
        .select("household_id")
        .unique()
    )
    assert (income.join(wage_earners, on="household_id")["employed_labourers"] >= 1).all()
    assert (income.filter(pl.col("wage_income_yuan") > 0)["employed_labourers"] >= 1).all()


def test_household_income_for_2016_and_2017_only(frames):
    income = frames["household_income"]
    assert sorted(income["year"].unique()) == [2016, 2017]
    for year in (2016, 2017):
        rows = income.filter(pl.col("year") == year)["household_id"]
        assert rows.sort().equals(_registered(frames, year)["household_id"].sort()), year
    # Yearly figures are not copied from one year to the next.
    both = income.filter(pl.col("year") == 2016).join(income.filter(pl.col("year") == 2017), on="household_id", suffix="_2017")
    same = both.filter(pl.all_horizontal(pl.col(c) == pl.col(f"{c}_2017") for c in INCOME_SOURCES))
    assert same.height < 0.01 * both.height
    assert income.filter(pl.col("year") == 2016)["employed_labourers"].sum() < sample.LABOURERS_EMPLOYED_2017


def test_income_sources_include_the_linkage_income(frames):
    kinds = {"务工": "wage", "公益岗位": "wage", "分红": "property", "土地流转": "property"}
    linked = (
        frames["linkages"]
        .with_columns(kind=pl.col("mechanism").replace_strict(kinds, default="business"))
        .group_by("household_id", "year")
        .agg(pl.col("income_yuan").filter(pl.col("kind") == k).sum().alias(k) for k in ("wage", "business", "property"))
    )
    both = frames["household_income"].join(linked, on=["household_id", "year"])
    assert both.height > 10000
    for kind in ("wage", "business", "property"):
        assert (both[f"{kind}_income_yuan"] >= both[kind].round(2)).all(), kind  # dividends are kept to the 分


def test_total_income_against_the_poverty_line(frames):
    lines = dict(frames["poverty_lines"].select("year", "line_yuan").iter_rows())
    assert lines[2017] == LINE_2017
    income = _per_person_income(frames, 2017)
    exited = income.filter(pl.col("exit_year") <= 2017)
    # 脱贫不达标: exactly the deliberate set, for an alert to find.
    assert exited.filter(pl.col("per_person") < LINE_2017).height == sample.EXITED_BELOW_LINE_2017 == 15
    not_exited = income.filter(pl.col("exit_year").is_null())
    assert 0.6 < (not_exited["per_person"] < LINE_2017).mean() < 0.95
    exited_2016 = _per_person_income(frames, 2016).filter(pl.col("exit_year") <= 2016)
    assert (exited_2016["per_person"] >= lines[2016]).all()
    assert (pl.concat([income, exited_2016])["per_person"] > 0).all()


def test_poverty_lines_are_the_national_standard(frames):
    lines = frames["poverty_lines"]
    assert dict(lines.select("year", "line_yuan").iter_rows()) == {
        2014: 2800, 2015: 2855, 2016: 2952, 2017: 2952, 2018: 2995, 2019: 3218, 2020: 4000
    }  # fmt: skip
    assert lines["standard"].unique().to_list() == ["国家现行农村贫困标准"]


def test_agri_population_gives_a_plausible_incidence(frames):
    villages, households = frames["villages"], frames["households"]
    assert (villages["agri_population"] > 0).all()
    not_exited_2017 = households.filter(pl.col("exit_year").is_null() | (pl.col("exit_year") > 2017))["family_size"].sum()
    assert 0.13 < not_exited_2017 / villages["agri_population"].sum() < 0.17
    for year in range(2014, 2018):
        poor = (
            households.filter(pl.col("identified_year") <= year, pl.col("exit_year").is_null() | (pl.col("exit_year") > year))
            .group_by("village_code")
            .agg(pl.col("family_size").sum())
            .join(villages, on="village_code")
        )
        assert (poor["family_size"] < poor["agri_population"]).all(), year


def test_integrated_funds_2017_and_deep_villages(frames):
    integrated = _funds(frames, 2017, catalog.INTEGRATED_FUNDS)
    allocated, spent = integrated["allocated_wan"].sum(), integrated["spent_wan"].sum()
    assert (round(allocated, 1), round(spent, 1)) == (19840, 17867)
    assert round(spent / allocated, 3) == sample.SEED_FIGURES["integrated_funds_spend_rate"]
    east_west = frames["funds"].filter(pl.col("year") == 2017, pl.col("fund_source") == "苏陕协作资金")
    assert round(east_west["allocated_wan"].sum(), 1) == sample.SEED_FIGURES["sushaan_funds_wan"]
    # Each 深度贫困村: at least 500万元 of integrated funds on the projects in the village.
    per_village = integrated.join(frames["projects"], on="project_id").group_by("village_code").agg(pl.col("allocated_wan").sum())
    deep = frames["villages"].filter(pl.col("is_deep_poverty_village") == "是").join(per_village, on="village_code", how="left")
    assert deep.height == 34
    assert (deep["allocated_wan"].fill_null(0) >= sample.DEEP_VILLAGE_MIN_INTEGRATED_WAN).all()


def test_special_poverty_funds_spent_2017(frames):
    special = _funds(frames, 2017, catalog.SPECIAL_POVERTY_FUNDS)
    assert round(special["spent_wan"].sum(), 1) == sample.SPECIAL_FUNDS_SPENT_2017_WAN == 21489


def test_fund_sources_and_categories(frames):
    fiscal = list(catalog.FISCAL_SOURCES)
    pooled_or_special = [catalog.INTEGRATED_FUNDS, catalog.SPECIAL_POVERTY_FUNDS]
    funds = frames["funds"]
    investments = frames["investments"].with_columns(year=pl.col("invest_date").dt.year())
    for name, frame in (("funds", funds), ("investments", investments)):
        assert frame["fund_source"].is_in(catalog.FUND_SOURCES).all(), name
        assert frame["fund_category"].is_in(catalog.FUND_CATEGORIES).all(), name
        assert frame.filter(pl.col("fund_category").is_in(pooled_or_special), ~pl.col("fund_source").is_in(fiscal)).is_empty(), name
        integrated = frame.filter(pl.col("fund_category") == catalog.INTEGRATED_FUNDS)
        assert integrated["year"].min() == catalog.INTEGRATION_FIRST_YEAR, name
    assert set(funds.filter(pl.col("year") == 2015)["fund_category"]) == {catalog.SPECIAL_POVERTY_FUNDS}
    # 企业自筹 only on the commercial station, which has no other money.
    commercial = frames["projects"].filter(pl.col("poverty_project") == "否")["project_id"]
    assert funds.filter(pl.col("fund_source") == "企业自筹")["project_id"].unique().to_list() == commercial.to_list()
    assert funds.filter(pl.col("project_id").is_in(commercial.implode()))["fund_source"].unique().to_list() == ["企业自筹"]
    assert "企业自筹" not in investments["fund_source"].to_list()


def test_values_are_what_the_catalog_accepts(frames):
    for ds in catalog.DATASETS:
        frame = frames[ds.key]
        for col in ds.columns:
            values = frame[col.name]
            where = f"{ds.key}.{col.name}"
            if col.required:
                assert values.null_count() == 0, where
            if col.enum:
                assert values.drop_nulls().is_in(col.enum).all(), where
            if "year" in col.checks:
                assert values.drop_nulls().is_between(catalog.MIN_YEAR, catalog.MAX_YEAR).all(), where
            if "non_negative" in col.checks:
                assert (values.drop_nulls() >= 0).all(), where


def test_sample_keeps_every_ingest_rule(frames):
    from fupin_core.ingest import rules

    for ds in catalog.DATASETS:
        for name, rule in rules.rules_of(ds).items():
            assert frames[ds.key].filter(rule.broken()).is_empty(), f"{ds.key}: {name}"


def test_welfare_posts_paid_by_their_own_lines(frames):
    posts = _linkages(frames, 2017).filter(pl.col("mechanism") == "公益岗位").join(frames["projects"], on="project_id")
    by_post = {post: group for (post,), group in posts.group_by("sub_type")}
    assert (by_post["保洁员"]["project_type"] == "村级电站").all()  # 村级清洁人员 from village PV revenue
    funds_2017 = frames["funds"].filter(pl.col("year") == 2017)
    for post in ("生态护林员", "公益性岗位"):
        group = by_post[post]
        assert (group["industry"] == "其他").all(), post
        wages = group.group_by("project_id").agg(wan=pl.col("income_yuan").sum() / 10000, holders=pl.len())
        paid = funds_2017.join(wages, on="project_id")
        assert paid["fund_source"].is_in(catalog.FISCAL_SOURCES).all(), post
        assert (paid["fund_category"] == catalog.OTHER_FUNDS).all(), post
        assert paid.select("project_id").unique().height == wages.height, post
        assert ((paid["allocated_wan"] - paid["wan"]).abs() < 1e-6).all(), post
        scales = frames["projects"].join(wages, on="project_id")
        assert (scales["scale"] == scales["holders"]).all(), post


def test_commercial_station_and_station_counts(frames):
    projects = frames["projects"]
    central = projects.filter(pl.col("project_type") == "集中式电站")
    assert central.select("scale", "poverty_project", "station_count").rows() == [(20000.0, "否", 1)]
    assert (projects.filter(pl.col("project_type") != "集中式电站")["poverty_project"] == "是").all()
    assert (projects.filter(pl.col("project_type") == "村级电站")["station_count"] == 1).all()
    rooftop = projects.filter(pl.col("project_type") == "户用光伏")
    assert (rooftop["station_count"] * 3 == rooftop["scale"]).all()  # 3 kW a household
    assert projects.filter(pl.col("industry") != "光伏")["station_count"].is_null().all()


def test_entities_exist_from_their_established_year(frames):
    entities, projects = frames["entities"], frames["projects"]
    assert entities["established_year"].is_not_null().all()
    # A village's 股份经济合作社 is founded with its PV station (2015–2017), never listed earlier.
    collectives = entities.filter(pl.col("entity_type") == "村股份经济合作社")
    stations = projects.filter(pl.col("project_type") == "村级电站").select("village_code", pv_year="build_year")
    joined = collectives.join(stations, on="village_code")
    assert joined.height == collectives.height == 124
    assert (joined["established_year"] == joined["pv_year"]).all()
    assert collectives["established_year"].is_between(2015, 2017).all()
    operated = projects.join(entities, left_on="operator_credit_code", right_on="credit_code")
    assert (operated["established_year"] <= operated["build_year"]).all()
    invested = frames["investments"].join(entities, left_on="entity_credit_code", right_on="credit_code")
    assert (invested["established_year"] <= invested["invest_date"].dt.year()).all()


def test_pilots_in_town_poverty_villages(frames):
    pilots = frames["pilots"].join(frames["villages"], on="village_code")
    assert (pilots["is_poverty_village"] == "是").all()
    assert (pilots["township_code"].str.slice(6, 1) != "0").all()  # 三变 is rural: none in the 4 街道


def test_township_targets_split_the_district_targets(frames):
    split = frames["township_targets"]
    towns = frames["townships"].filter(pl.col("township_code").str.slice(6, 1) != "0")["township_code"]
    assert set(split["township_code"]) == set(towns) and towns.len() == 14  # the 4 街道 have none
    sums = split.group_by("industry", "indicator", "unit", "target_year").agg(pl.col("target_value").sum().round(1))
    assert sorted(sums.rows()) == sorted(frames["targets"].select("industry", "indicator", "unit", "target_year", "target_value").rows())


def test_yearly_data_ends_with_2017(frames):
    # The sample reports up to 2017: a 2018 page shows 未上报, never 2017's figures again.
    for key in ("funds", "linkages", "household_income", "artichoke_output", "dividends"):
        assert frames[key]["year"].max() == 2017, key
    for key in ("pv_output", "fungus_output"):
        assert frames[key]["period"].str.slice(0, 4).cast(pl.Int64).max() == 2017, key


def test_new_figures_scale_with_n():
    one, two = sample.generate(1), sample.generate(2)

    def figures(frames) -> dict:
        income = frames["household_income"].filter(pl.col("year") == 2017)
        below = _per_person_income(frames, 2017).filter(pl.col("exit_year") <= 2017, pl.col("per_person") < LINE_2017)
        return {
            "labourers": income["labourers"].sum(),
            "employed": income["employed_labourers"].sum(),
            "special_spent": round(_funds(frames, 2017, catalog.SPECIAL_POVERTY_FUNDS)["spent_wan"].sum(), 1),
            "integrated": round(_funds(frames, 2017, catalog.INTEGRATED_FUNDS)["allocated_wan"].sum(), 1),
            "exited_below_line": below.height,
            "agri_population": frames["villages"]["agri_population"].sum(),
            "township_targets": round(frames["township_targets"]["target_value"].sum(), 1),
            "deep_villages": frames["villages"].filter(pl.col("is_deep_poverty_village") == "是").height,
            "without_labour": (frames["households"]["labour_capacity"] == "无劳动能力").sum() > 0,
        }

    single, double = figures(one), figures(two)
    assert double == {k: v * 2 if not isinstance(v, bool) else v for k, v in single.items()}
    assert two["poverty_lines"].height == 7  # one national table, not one per district
    assert sorted(two["targets"]["target_value"]) == [200.0, 2000.0, 20000.0]


# --- Dividends reconcile down to households (issue 13) ---


def test_entity_dividends_reach_households_but_the_named_gaps(sample_con):
    from fupin_core.ingest import sample_dividends
    from fupin_core.metrics import assets

    earlier = assets.dividend_reconciliation(sample_con, Scope.of(2016))
    assert not earlier.is_empty() and earlier["说明"].is_null().all()
    rec = assets.dividend_reconciliation(sample_con, Scope.of(2017))
    gaps = rec.filter(pl.col("说明").is_not_null())
    assert gaps.height == sample_dividends.DIVIDEND_GAP_ENTITIES
    assert gaps["说明"].str.starts_with("到户少").all()
    # The gap entities passed on the agreed share; everyone else's paid dividends reach households to the 分.
    assert ((gaps["分红到户(元)"] - gaps["实付分红(元)"] * sample_dividends.DIVIDEND_GAP_SHARE).abs() < 0.01).all()
    # Every entity that paid reached households; one whose dividend is wholly unpaid (overdue) reached none.
    paying = rec.filter(pl.col("实付分红(元)") > 0)
    assert (paying["到户户数(户)"] > 0).all()
    assert rec.filter(pl.col("实付分红(元)") == 0)["到户户数(户)"].to_list() == [0]


def test_investment_beneficiaries_are_the_households_reached(sample_con, frames):
    from fupin_core.metrics import assets

    rec = assets.dividend_reconciliation(sample_con, Scope.of(2017)).filter(pl.col("实付分红(元)") > 0)
    rec = rec.select("统一社会信用代码", "到户户数(户)")
    beneficiaries = frames["investments"].group_by("entity_credit_code").agg(pl.col("beneficiary_households").sum())
    both = rec.join(beneficiaries, left_on="统一社会信用代码", right_on="entity_credit_code")
    assert both.height == rec.height
    assert (both["到户户数(户)"] == both["beneficiary_households"]).all()


def test_pilot_poor_shareholders_are_the_households_paid(sample_con):
    from fupin_core.metrics import pilots

    villages = pilots.pilot_villages(sample_con, Scope.of(2017))
    assert (villages["贫困户股东户数(户)"] == villages["分红到户户数(户)"]).all()
    assert (villages["分红到户户数(户)"] > 0).all()
    # The poor shareholders' dividends are part of the village's 年度分红 (the rest: other shareholders, 集体留存).
    assert (villages["分红到户金额(元)"] <= villages["年度分红(万元)"] * 10000).all()
