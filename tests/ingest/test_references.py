"""References to existing rows, with "did you mean" suggestions."""

from __future__ import annotations

import polars as pl

from fupin_core.catalog import dataset
from fupin_core.ingest import references
from tests.tiny_data import V1


def test_missing_values_are_the_distinct_unknown_codes(tiny_con):
    col = dataset("linkages").column("household_id")
    values = pl.Series(["H1", "H99", "H99", None, "H5", "X1"])
    assert references.missing_values(tiny_con, col, values) == ["H99", "X1"]


def test_a_name_typed_for_its_code(tiny_con):
    col = dataset("households").column("village_code")
    assert references.suggestion(tiny_con, col, "甲村") == f"“甲村”是村名称，它的村代码是 {V1}"


def test_closest_existing_code(tiny_con):
    col = dataset("funds").column("project_id")
    assert references.suggestion(tiny_con, col, "P11") == "是否为 P1？"
    village = dataset("households").column("village_code")
    assert references.suggestion(tiny_con, village, V1[:-1] + "9") == f"是否为 {V1}？"
    assert references.suggestion(tiny_con, col, "全然不同") is None
