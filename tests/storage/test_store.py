"""Versioned storage: batches, unchanged rows, updates and rollback."""

import polars as pl
import pytest

from fupin_core import catalog
from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.storage import store
from tests import tiny_data


def _townships(rows):
    return pl.DataFrame(rows, schema={"township_code": pl.String, "township_name": pl.String}, orient="row")


def test_commit_update_unchanged_and_rollback(fresh_con):
    con = fresh_con
    first = store.commit_rows(con, "townships", _townships([("611002001", "城关街道"), ("611002101", "夜村镇")]), user="a")
    assert (first.rows_new, first.rows_updated, first.rows_unchanged) == (2, 0, 0)
    again = store.commit_rows(con, "townships", _townships([("611002001", "城关街道"), ("611002101", "夜村镇")]), user="a")
    assert again.batch_id is None and again.rows_unchanged == 2
    assert con.execute("SELECT count(*) FROM batches").fetchone()[0] == 1
    upd = store.commit_rows(con, "townships", _townships([("611002001", "城关街道办"), ("611002104", "沙河子镇")]), user="b")
    assert (upd.rows_new, upd.rows_updated) == (1, 1)
    names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
    assert names == {"611002001": "城关街道办", "611002101": "夜村镇", "611002104": "沙河子镇"}
    assert con.execute("SELECT count(*) FROM townships_history").fetchone()[0] == 4
    store.rollback_batch(con, upd.batch_id, user="b")
    names = dict(con.execute("SELECT township_code, township_name FROM townships").fetchall())
    assert names == {"611002001": "城关街道", "611002101": "夜村镇"}
    with pytest.raises(store.StoreError, match="已经回滚"):
        store.rollback_batch(con, upd.batch_id, user="b")


def test_rollback_of_an_older_batch_keeps_a_newer_version(fresh_con):
    con = fresh_con
    b1 = store.commit_rows(con, "townships", _townships([("611002001", "一")]), user="a").batch_id
    b2 = store.commit_rows(con, "townships", _townships([("611002001", "二")]), user="a").batch_id
    store.commit_rows(con, "townships", _townships([("611002001", "三")]), user="a")
    store.rollback_batch(con, b2, user="a")
    assert con.execute("SELECT township_name FROM townships").fetchone()[0] == "三"
    store.rollback_batch(con, b1, user="a")
    assert con.execute("SELECT township_name, count(*) OVER () FROM townships").fetchone() == ("三", 1)


def test_duplicate_keys_in_one_batch_rejected(fresh_con):
    with pytest.raises(store.StoreError, match="重复"):
        store.commit_rows(fresh_con, "townships", _townships([("611002001", "一"), ("611002001", "二")]), user="a")
    assert fresh_con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0


def test_rollback_restores_every_kpi(tiny_con):
    before = overview_kpis(tiny_con, Scope.of(2017))
    extra = tiny_data.frame("linkages").head(1).with_columns(pl.lit("H4").alias("household_id"), pl.lit(999.0).alias("income_yuan"))
    result = store.commit_rows(tiny_con, "linkages", extra, user="a")
    changed = overview_kpis(tiny_con, Scope.of(2017))
    assert changed["linked_households"] == 3 and changed != before
    store.rollback_batch(tiny_con, result.batch_id, user="a")
    assert overview_kpis(tiny_con, Scope.of(2017)) == before


def test_change_labels_write_nothing(tiny_con):
    frame = tiny_data.frame("townships").with_columns(pl.Series("township_name", ["改名", "夜村镇"]))
    labelled = store.change_labels(tiny_con, catalog.dataset("townships"), frame)
    assert labelled["change"].to_list() == ["updated", "unchanged"]
    assert tiny_con.execute("SELECT count(*) FROM townships WHERE township_name = '改名'").fetchone()[0] == 0


def test_original_file_kept_once(fresh_con):
    rows = _townships([("611002001", "城关街道")])
    store.commit_rows(fresh_con, "townships", rows, user="a", file_name="t.xlsx", sha256="abc", file_bytes=b"xyz")
    rows = _townships([("611002001", "城关")])
    store.commit_rows(fresh_con, "townships", rows, user="a", file_name="t.xlsx", sha256="abc", file_bytes=b"xyz")
    assert fresh_con.execute("SELECT count(*), any_value(content) FROM stored_files").fetchone() == (1, b"xyz")
    assert store.list_batches(fresh_con)["sha256"].to_list() == ["abc", "abc"]


def test_batch_ids_come_from_the_counter_row_without_gaps(tiny_con):
    last = tiny_con.execute("SELECT max(batch_id) FROM batches").fetchone()[0]
    assert tiny_con.execute("SELECT last_value FROM id_counters WHERE name = 'batch_id'").fetchone()[0] == last
    unchanged = store.commit_rows(tiny_con, "townships", tiny_data.frame("townships"), user="a")
    assert unchanged.batch_id is None  # nothing stored: the claimed id went back with the rollback
    renamed = tiny_data.frame("townships").with_columns(pl.Series("township_name", ["改名", "夜村镇"]))
    result = store.commit_rows(tiny_con, "townships", renamed, user="a")
    assert result.batch_id == last + 1
    store.rollback_batch(tiny_con, result.batch_id, user="a")
    again = store.commit_rows(tiny_con, "townships", renamed, user="a")
    assert again.batch_id == last + 2  # a rolled-back batch keeps its id; ids are never reused


def test_a_store_without_the_counter_asks_for_fupin_init(fresh_con):
    fresh_con.execute("DROP TABLE id_counters")
    with pytest.raises(store.StoreError, match="fupin init"):
        store.commit_rows(fresh_con, "townships", _townships([("611002001", "一")]), user="a")
    assert fresh_con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0


def _current(con) -> list[tuple]:
    return sorted(con.execute("SELECT township_code, township_name, batch_id FROM townships").fetchall())


def test_commit_writes_what_refresh_current_would_derive(fresh_con):
    """Commits put their rows into the current table directly; that must equal deriving the newest
    committed version of every key from the history (what rollbacks do)."""
    con = fresh_con
    store.commit_rows(con, "townships", _townships([("611002001", "城关街道"), ("611002101", "夜村镇")]), user="a")
    rolled = store.commit_rows(con, "townships", _townships([("611002101", "夜村")]), user="a")
    store.rollback_batch(con, rolled.batch_id, user="a")
    last = store.commit_rows(
        con, "townships", _townships([("611002001", "城关"), ("611002101", "夜村镇"), ("611002104", "沙河子镇")]), user="b"
    )
    assert (last.rows_new, last.rows_updated, last.rows_unchanged) == (1, 1, 1)
    written = _current(con)
    store.refresh_current(con, catalog.BY_KEY["townships"], last.batch_id)
    store.refresh_current(con, catalog.BY_KEY["townships"], rolled.batch_id)
    assert _current(con) == written
    assert written == [("611002001", "城关", last.batch_id), ("611002101", "夜村镇", 1), ("611002104", "沙河子镇", last.batch_id)]


def _labels(frame: pl.DataFrame, change: str) -> pl.DataFrame:
    return pl.DataFrame({"source_row": list(range(1, frame.height + 1)), "change": [change] * frame.height})


def test_commit_reuses_the_dry_run_labels_while_nothing_changed(fresh_con):
    con = fresh_con
    rows = _townships([("611002001", "城关街道"), ("611002101", "夜村镇")])
    # Labels that are plainly wrong ("unchanged" for new keys) show that they were used, not recomputed.
    known = store.KnownChanges(_labels(rows, "unchanged"), store.data_version(con))
    result = store.commit_rows(con, "townships", rows, user="a", known=known)
    assert (result.batch_id, result.rows_unchanged) == (None, 2)
    assert con.execute("SELECT count(*) FROM townships").fetchone()[0] == 0


def test_commit_recomputes_the_labels_after_another_commit(fresh_con):
    con = fresh_con
    rows = _townships([("611002001", "城关街道"), ("611002101", "夜村镇")])
    known = store.KnownChanges(_labels(rows, "new"), store.data_version(con))
    store.commit_rows(con, "townships", _townships([("611002001", "城关街道")]), user="b")  # in between
    result = store.commit_rows(con, "townships", rows, user="a", known=known)
    assert (result.rows_new, result.rows_unchanged) == (1, 1)
    assert con.execute("SELECT count(*) FROM townships_history").fetchone()[0] == 2


def test_labels_for_other_rows_are_not_used(fresh_con):
    con = fresh_con
    rows = _townships([("611002001", "城关街道"), ("611002101", "夜村镇")])
    known = store.KnownChanges(_labels(rows.head(1), "unchanged"), store.data_version(con))
    assert store.commit_rows(con, "townships", rows, user="a", known=known).rows_new == 2


def test_change_labels_keep_the_rows_order_and_write_nothing(fresh_con):
    con = fresh_con
    store.commit_rows(con, "townships", _townships([("611002001", "城关街道"), ("611002101", "夜村镇")]), user="a")
    rows = _townships([("611002104", "沙河子镇"), ("611002101", "夜村"), ("611002001", "城关街道")]).with_columns(
        pl.Series("source_row", [9, 4, 7])
    )
    labels = store.change_labels(con, catalog.dataset("townships"), rows)
    assert labels.rows() == [(9, "new"), (4, "updated"), (7, "unchanged")]
    assert con.execute("SELECT count(*) FROM townships_history").fetchone()[0] == 2
    with pytest.raises(store.StoreError, match="重复"):
        store.change_labels(
            con, catalog.dataset("townships"), pl.concat([rows, rows.head(1).with_columns(pl.lit(10, pl.Int64).alias("source_row"))])
        )


def test_commit_reports_its_stages_and_trusts_unique_keys_only_for_the_labelled_rows(fresh_con):
    con = fresh_con
    rows = _townships([("611002001", "城关街道"), ("611002101", "夜村镇")])
    timings: dict[str, float] = {}
    known = store.KnownChanges(_labels(rows, "new"), store.data_version(con), keys_unique=True)
    result = store.commit_rows(con, "townships", rows, user="a", known=known, timings=timings)
    assert result.rows_new == 2
    assert {"labels", "write_history", "write_current", "commit"} <= set(timings) and min(timings.values()) >= 0
    # Labels of other rows: the duplicate check runs again, whatever the labels claim.
    twice = _townships([("611002104", "一"), ("611002104", "二")])
    stale = store.KnownChanges(_labels(twice.head(1), "new"), store.data_version(con), keys_unique=True)
    with pytest.raises(store.StoreError, match="重复"):
        store.commit_rows(con, "townships", twice, user="a", known=stale)


def _funds(rows):
    return pl.DataFrame(
        rows,
        schema={"project_id": pl.String, "fund_source": pl.String, "fund_category": pl.String, "year": pl.Int64,
                "allocated_wan": pl.Float64, "spent_wan": pl.Float64},
        orient="row",
    )  # fmt: skip


def test_rows_of_a_year_not_stored_are_new_without_a_comparison(fresh_con):
    """A key with a year: only rows of a year the current table holds are compared (a file of next
    year's rows is all new); a row of a stored year is updated or unchanged as before."""
    con = fresh_con
    ds = catalog.dataset("funds")
    store.commit_rows(
        con,
        "funds",
        _funds([("P1", "区级财政", "财政专项扶贫资金", 2017, 10.0, 5.0), ("P2", "区级财政", "财政专项扶贫资金", 2016, 8.0, 8.0)]),
        user="a",
    )
    rows = _funds(
        [
            ("P1", "区级财政", "财政专项扶贫资金", 2018, 10.0, 5.0),  # same project, a year not stored: new
            ("P1", "区级财政", "财政专项扶贫资金", 2017, 10.0, 6.0),  # updated
            ("P2", "区级财政", "财政专项扶贫资金", 2016, 8.0, 8.0),  # unchanged
            ("P3", "区级财政", "财政专项扶贫资金", 2017, 1.0, 1.0),  # a stored year, a new key: new
            ("P4", "区级财政", "财政专项扶贫资金", None, 1.0, 1.0),  # no year matches nothing: new
        ]
    )
    assert store.rows_that_may_exist(con, ds, rows).get_column("year").to_list() == [2017, 2016, 2017]
    labels = store.change_labels(con, ds, rows)
    assert labels.get_column("change").to_list() == ["new", "updated", "unchanged", "new", "new"]
    assert store.rows_that_may_exist(con, ds, rows.filter(pl.col("year") == 2018)).is_empty()
    assert store.change_labels(con, ds, rows.filter(pl.col("year") == 2018)).get_column("change").to_list() == ["new"]


def test_original_files_are_kept_compressed_when_smaller_and_read_back_whole(fresh_con):
    from fupin_core.ingest import history

    csv = ("户编号,项目编号,联结方式,年度,收益金额(元)\n" + "".join(f"H{i},P1,分红,2017,{i}.5\n" for i in range(2000))).encode()
    rows = _townships([("611002001", "城关街道")])
    store.commit_rows(fresh_con, "townships", rows, user="a", file_name="a.csv", sha256="a" * 64, file_bytes=csv)
    stored, size = fresh_con.execute("SELECT content, size_bytes FROM stored_files WHERE sha256 = ?", ["a" * 64]).fetchone()
    assert size == len(csv) and len(stored) < len(csv) // 5  # a CSV shrinks several times
    assert history.stored_file(fresh_con, "a" * 64) == ("a.csv", csv)
    # Bytes that do not shrink (an xlsx is already a zip) are kept as they are.
    noise = bytes(range(256))
    assert store.stored_form(noise) == noise and store.original_content(noise, len(noise)) == noise
    # A file stored before compression (content as long as the file) reads back as it is.
    fresh_con.execute("INSERT INTO stored_files VALUES (?, 'old.csv', 3, 'abc'::BLOB, current_timestamp)", ["b" * 64])
    assert history.stored_file(fresh_con, "b" * 64) == ("old.csv", b"abc")
