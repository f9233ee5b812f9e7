"""Which 镇办 and years each row touches, followed through the catalog references."""

import polars as pl

from fupin_core.security import row_places
from fupin_core.security.row_places import Period
from tests import tiny_data
from tests.tiny_data import T1, T2


def test_township_of_every_dataset_in_the_tiny_database(tiny_con):
    expected = {
        "townships": [T1, T2],
        "villages": [T1, T2, T2],
        "households": [T1, T1, T2, T2, T2],
        "projects": [T1, T2, T2, T2, T2],
        "funds": [T1, T2, T2, T1],
        "pv_output": [T1],
        "investments": [T2],
        "dividends": [T2, T2],
        "linkages": [T1, T2, T1, T2],  # by the household, not the project
        "pilots": [T2, T1],
        "targets": [None, None, None],
    }
    for key, townships in expected.items():
        assert row_places.townships(tiny_con, key, tiny_data.frame(key)) == townships, key


def test_unknown_references_have_no_township(tiny_con):
    rows = tiny_data.frame("households").head(1).with_columns(pl.lit("611002999201").alias("village_code"))
    assert row_places.townships(tiny_con, "households", rows) == [None]


def test_periods_of_annual_rows_and_registers():
    assert row_places.periods("funds", tiny_data.frame("funds")) == [Period(2017, 2017)] * 3 + [Period(2016, 2016)]
    assert row_places.periods("fungus_output", tiny_data.frame("fungus_output"))[-1] == Period(2016, 2016)  # 2016-05
    # A household counts from its first year on (identified 2014, exited 2016 → every year from 2014).
    assert row_places.periods("households", tiny_data.frame("households"))[:2] == [Period(2014, None), Period(2015, None)]
    assert row_places.periods("investments", tiny_data.frame("investments")) == [Period(2016, None)]
    assert row_places.periods("townships", tiny_data.frame("townships")) == [Period(None, None)] * 2
    assert Period(2016, None).covers(2017) and not Period(2018, None).covers(2017) and Period(None, None).covers(1999)


def test_current_versions_are_found_by_natural_key(tiny_con):
    rows = tiny_data.frame("households").filter(pl.col("household_id").is_in(["H3", "H9"]))
    rows = pl.concat([rows, rows.head(1).with_columns(pl.lit("H9").alias("household_id"))])
    stored = row_places.current_versions(tiny_con, "households", rows)
    assert stored.select(row_places.INDEX, "household_id", "village_code").rows() == [(0, "H3", tiny_data.V2)]
