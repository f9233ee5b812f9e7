"""The sample database: deterministic, valid identifiers, and the seed article's figures."""

import polars as pl
import pytest

from fupin_core import catalog, sample
from fupin_core.idcodes import credit_code_problem, id_problem
from fupin_core.metrics import Scope
from fupin_core.metrics.overview import fund_kpis, household_kpis, overview_kpis


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
        "villages_exited_year", "linked_households", "linked_people", "integrated_funds_allocated_wan",
        "integrated_funds_spent_wan", "integrated_funds_spend_rate", "pilot_villages", "pilot_funds_wan",
        "pv_target_mw", "fungus_target_wan", "artichoke_target_mu",
    ):  # fmt: skip
        assert k[key] == sample.SEED_FIGURES[key], key
    assert fund_kpis(sample_con, Scope.of(2017), "苏陕协作资金")["allocated_wan"] == 2200
    assert k["fungus_bags_wan"] == sample.FUNGUS_BAGS_2017_WAN and k["artichoke_mu"] == sample.ARTICHOKE_AREA_2017_MU


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
    h = household_kpis(con, Scope.of(2017))
    assert (h["households_registered"], h["people_registered"], h["linked_households"]) == (57060, 186370, 25200)
    assert con.execute("SELECT count(DISTINCT substr(township_code, 1, 6)) FROM townships").fetchone()[0] == 2
    assert con.execute("SELECT sum(target_value) FROM targets WHERE industry = '光伏'").fetchone()[0] == 200
