"""来源 of a table: the batches behind its current rows, narrowed to the chosen 镇办."""

import polars as pl

from fupin_core.metrics import Scope
from fupin_core.metrics.provenance import combined, sources
from fupin_core.storage import store
from tests import tiny_data


def test_each_dataset_names_its_batch_file_and_row_count(tiny_con):
    frame = sources(tiny_con, ("projects", "households"), Scope(2017))
    assert sorted(frame["文件名"].to_list()) == ["households.xlsx", "projects.xlsx"]
    households = frame.filter(pl.col("文件名") == "households.xlsx")
    assert households["本范围行数"].to_list() == [len(tiny_data.ROWS["households"])]
    assert households["上传人"].to_list() == ["测试"]


def test_township_scope_counts_only_its_rows_through_references(tiny_con):
    # Households reach their 镇办 through the village: T2 has V2 (H3, H4) and V3 (H5).
    frame = sources(tiny_con, ("households",), Scope(2017, (tiny_data.T2,)))
    assert frame["本范围行数"].to_list() == [3]
    frame = sources(tiny_con, ("households",), Scope(2017, (tiny_data.T1,)))
    assert frame["本范围行数"].to_list() == [2]


def test_a_new_batch_appears_and_disappears_after_rollback(tiny_con):
    changed = tiny_data.frame("households").with_columns(
        pl.when(pl.col("household_id") == "H1").then(9).otherwise(pl.col("family_size")).alias("family_size")
    )
    result = store.commit_rows(tiny_con, "households", changed, user="乙", file_name="更正.xlsx")
    frame = sources(tiny_con, ("households",), Scope(2017))
    assert frame.filter(pl.col("批次号") == result.batch_id)["本范围行数"].to_list() == [1]
    assert frame["批次号"].to_list()[0] == result.batch_id  # newest first
    store.rollback_batch(tiny_con, result.batch_id, user="乙")
    frame = sources(tiny_con, ("households",), Scope(2017))
    assert result.batch_id not in frame["批次号"].to_list()
    assert frame["本范围行数"].sum() == len(tiny_data.ROWS["households"])


def test_sources_asked_one_dataset_at_a_time_combine_to_the_same_table(tiny_con):
    """The pages ask per dataset (one cached call each) and combine: the same table as one call."""
    keys = ("projects", "households", "linkages")
    for scope in (Scope(2017), Scope(2017, (tiny_data.T2,))):
        together = sources(tiny_con, keys, scope)
        one_by_one = combined([sources(tiny_con, (key,), scope) for key in keys])
        assert one_by_one.equals(together)
        assert one_by_one["批次号"].to_list() == sorted(one_by_one["批次号"].to_list(), reverse=True)
