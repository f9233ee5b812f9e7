"""metrics.programme: the linkage breakdown of a programme page (one scan) against the rows."""

import polars as pl
import pytest

from fupin_core.metrics import Scope, artichoke, fungus, programme, pv

INDUSTRIES = (pv.PV, fungus.FUNGUS, artichoke.ARTICHOKE)


def _from_rows(con, scope: Scope, industry: str) -> dict:
    """Per 联结方式 and whole: distinct households and income, from the year's linkages in polars."""
    links = con.execute(
        "SELECT l.household_id, l.mechanism, l.income_yuan, p.township_code, p.village_code FROM linkages AS l "
        "JOIN projects AS p ON p.project_id = l.project_id WHERE p.industry = ? AND l.year = ? AND l.income_yuan > 0",
        [industry, scope.year],
    ).pl()
    if scope.townships is not None:
        links = links.filter(pl.col("township_code").is_in(list(scope.townships)))
    per = links.group_by("mechanism").agg(pl.col("household_id").n_unique(), pl.col("income_yuan").cast(pl.Float64).sum())
    expected = {m: (n, pytest.approx(amount)) for m, n, amount in per.iter_rows()}
    expected[None] = (links["household_id"].n_unique(), pytest.approx(float(links["income_yuan"].cast(pl.Float64).sum())))
    return expected


@pytest.mark.parametrize("township", [None, "611002111", "611002001"])
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_the_breakdown_and_its_whole_equal_the_rows(sample_con, industry, township):
    scope = Scope.of(2017, township)
    found = programme.linked_breakdown(sample_con, scope, industry)
    assert found == _from_rows(sample_con, scope, industry)


def test_the_summaries_carry_the_same_breakdown_as_their_tables(sample_con):
    scope = Scope.of(2017)
    fungus_summary = fungus.fungus_summary(sample_con, scope)
    assert fungus_summary["linked_by_mechanism"].equals(fungus.linked_by_mechanism(sample_con, scope))
    whole = _from_rows(sample_con, scope, fungus.FUNGUS)[None]
    assert (fungus_summary["households_reached"], fungus_summary["household_income_yuan"]) == whole
    artichoke_summary = artichoke.artichoke_summary(sample_con, scope)
    assert artichoke_summary["linked_by_mechanism"].equals(artichoke.linked_by_mechanism(sample_con, scope))
    order = _from_rows(sample_con, scope, artichoke.ARTICHOKE)[artichoke.ORDER_FARMING]
    assert (artichoke_summary["order_households"], artichoke_summary["order_income_yuan"]) == order


def test_a_year_without_linkages_reads_zero_households():
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE linkages (household_id TEXT, project_id TEXT, mechanism TEXT, year INT, income_yuan DECIMAL(14,2))")
    con.execute("CREATE TABLE projects (project_id TEXT, industry TEXT, township_code TEXT, village_code TEXT)")
    found = programme.linked_breakdown(con, Scope.of(2017), pv.PV)
    assert found == {None: (0, 0.0)}
    assert programme.by_mechanism_frame(found, ("分红",)).rows() == [("分红", 0, 0.0, None)]


@pytest.mark.parametrize("township", [None, "611002111"])
def test_pv_summary_reaches_the_households_of_its_distribution_table(sample_con, township):
    scope = Scope.of(2017, township)
    summary = pv.pv_summary(sample_con, scope)
    whole = _from_rows(sample_con, scope, pv.PV)[None]
    assert (summary["households_reached"], summary["household_income_yuan"]) == whole
    distribution = summary["revenue_distribution"]
    assert distribution.equals(pv.revenue_distribution(sample_con, scope))
    links = sample_con.execute(
        "SELECT l.household_id, l.mechanism, coalesce(l.sub_type, '') AS sub, l.income_yuan, p.township_code FROM linkages AS l "
        "JOIN projects AS p ON p.project_id = l.project_id WHERE p.industry = ? AND l.year = 2017 AND l.income_yuan > 0",
        [pv.PV],
    ).pl()
    if township:
        links = links.filter(pl.col("township_code") == township)
    per = links.group_by("mechanism", "sub").agg(pl.col("household_id").n_unique().alias("户数"))
    expected = {(m, sub): n for m, sub, n in per.iter_rows()}
    shown = {(m, sub or ""): n for m, sub, n in distribution.select("联结方式", "细分类型", "户数").iter_rows()}
    assert shown == expected and shown
