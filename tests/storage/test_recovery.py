"""Repair after a torn commit: each invariant broken by hand the way a cut-short WAL replay breaks
it, and put right by recovery.repair (and by db.connect when the file was not closed cleanly)."""

from __future__ import annotations

import itertools
import shutil

import duckdb
import polars as pl
import pytest

from fupin_core.catalog import DATASETS
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.scope import Scope
from fupin_core.storage import db, recovery, store
from tests import tiny_data


@pytest.fixture
def tiny_file(tmp_path):
    path = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(path))
    tiny_data.build(con)
    con.close()
    return path


def _snapshot(con) -> tuple:
    return (
        con.execute("SELECT count(*), max(batch_id) FROM batches").fetchone(),
        con.execute("SELECT * FROM households ORDER BY household_id").fetchall(),
        con.execute("SELECT count(*) FROM households_history").fetchone(),
        con.execute("SELECT last_value FROM id_counters WHERE name = 'batch_id'").fetchone(),
    )


def _history_rows(con) -> int:
    return sum(con.execute(f'SELECT count(*) FROM "{ds.history_table}"').fetchone()[0] for ds in DATASETS)


def test_a_consistent_store_is_left_alone(tiny_file):
    con = duckdb.connect(str(tiny_file))
    before = _snapshot(con)
    assert recovery.repair(con) == []
    assert _snapshot(con) == before


def test_the_sample_database_is_consistent(sample_db_path, tmp_path):
    copy = tmp_path / "sample.duckdb"
    shutil.copy(sample_db_path, copy)
    con = duckdb.connect(str(copy))
    assert recovery.repair(con) == []


def test_current_rows_of_a_batch_that_never_committed_are_removed(tiny_file):
    con = duckdb.connect(str(tiny_file))
    before = _snapshot(con)
    # What the crash left: a new household and a changed one in the current table, batch 99 nowhere.
    con.execute("INSERT INTO households SELECT * REPLACE ('H9' AS household_id, 99 AS batch_id) FROM households WHERE household_id = 'H1'")
    con.execute("UPDATE households SET family_size = 9, batch_id = 99 WHERE household_id = 'H2'")
    con.execute("DELETE FROM households WHERE household_id = 'H3'")
    messages = recovery.repair(con)
    assert messages == ["贫困户：按已提交批次重建了当前数据"]
    assert _snapshot(con) == before


def test_history_rows_of_the_lost_newest_batch_are_removed(tiny_file):
    con = duckdb.connect(str(tiny_file))
    before = _snapshot(con)
    con.execute("INSERT INTO households_history SELECT * REPLACE (99 AS batch_id) FROM households_history LIMIT 2")
    assert recovery.repair(con) == ["贫困户：删除了未完成批次的 2 行历史记录"]
    assert _snapshot(con) == before


def test_older_oddities_are_reported_never_deleted(tiny_file):
    """Only the last transaction can be torn: an older batch that looks wrong is not the crash's."""
    con = duckdb.connect(str(tiny_file))
    oldest = con.execute("SELECT min(batch_id) FROM batches").fetchone()[0]
    con.execute("DELETE FROM batches WHERE batch_id = ?", [oldest])  # its history rows lose their batch
    con.execute("UPDATE batches SET rows_new = rows_new + 5 WHERE batch_id = (SELECT min(batch_id) FROM batches)")
    history = _history_rows(con)
    messages = recovery.repair(con)
    assert any("属于不存在的批次（未改动" in m for m in messages), messages
    assert not any("撤销" in m for m in messages), messages
    assert _history_rows(con) == history


def test_a_batch_with_part_of_its_rows_is_undone_and_the_counter_moves_past_it(tiny_file):
    con = duckdb.connect(str(tiny_file))
    before = _snapshot(con)
    (last,) = before[3]
    batch = last + 1
    # The batch row and one of its three history rows made it; the counter update did not.
    con.execute(
        """INSERT INTO batches SELECT * REPLACE (? AS batch_id, 3 AS rows_new, 0 AS rows_updated)
           FROM batches WHERE dataset = 'households' LIMIT 1""",
        [batch],
    )
    con.execute(
        "INSERT INTO households_history SELECT * REPLACE (? AS batch_id, 'H8' AS household_id) FROM households_history LIMIT 1", [batch]
    )
    assert recovery.repair(con) == [f"贫困户：撤销了未完成的批次 {batch}"]
    assert _snapshot(con) == before
    # A counter left behind a batch id that is in use is moved forward.
    con.execute("UPDATE id_counters SET last_value = 1 WHERE name = 'batch_id'")
    recovery.repair(con)
    assert con.execute("SELECT last_value FROM id_counters WHERE name = 'batch_id'").fetchone() == (last,)


def test_connect_repairs_a_file_left_with_its_write_ahead_log(tiny_file, tmp_path):
    con = duckdb.connect(str(tiny_file))
    con.execute("SET wal_autocheckpoint = '1TB'")  # keep the change in the WAL, as a crash would
    con.execute("INSERT INTO households SELECT * REPLACE ('H9' AS household_id, 99 AS batch_id) FROM households WHERE household_id = 'H1'")
    # Copying the file and its WAL while the connection is open is what a crash leaves behind.
    crashed = tmp_path / "crashed.duckdb"
    shutil.copy(tiny_file, crashed)
    shutil.copy(f"{tiny_file}.wal", f"{crashed}.wal")
    con.close()

    reopened = db.connect(str(crashed))
    assert reopened.execute("SELECT count(*) FROM households WHERE household_id = 'H9'").fetchone() == (0,)
    assert reopened.execute("SELECT count(*) FROM households").fetchone() == (5,)


def test_a_store_from_before_the_id_counter_is_not_touched(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("CREATE TABLE batches (batch_id BIGINT)")
    assert recovery.repair(con) == []


def test_connect_leaves_a_file_this_process_already_has_open(tiny_file, monkeypatch):
    first = db.connect(str(tiny_file))
    first.execute("SET wal_autocheckpoint = '1TB'")
    first.execute("UPDATE settings SET value = value")  # a live WAL of this process, not a crash's
    first.execute("INSERT INTO settings VALUES ('probe', '1')")
    assert (tiny_file.parent / f"{tiny_file.name}.wal").exists()

    def not_expected(con):
        raise AssertionError("repair ran on a file this process holds")

    monkeypatch.setattr(recovery, "repair", not_expected)
    second = db.connect(str(tiny_file))
    assert second.execute("SELECT value FROM settings WHERE key = 'probe'").fetchone() == ("1",)


def test_a_dataset_without_tables_yet_is_skipped(tiny_file):
    con = duckdb.connect(str(tiny_file))
    con.execute("DROP TABLE targets")  # a file from before that dataset joined the catalog
    con.execute("DROP TABLE targets_history")
    con.execute("INSERT INTO households SELECT * REPLACE ('H9' AS household_id, 99 AS batch_id) FROM households WHERE household_id = 'H1'")
    assert recovery.repair(con) == ["贫困户：按已提交批次重建了当前数据"]


def test_a_repair_that_fails_is_tried_again_at_the_next_open(tiny_file, tmp_path, monkeypatch):
    con = duckdb.connect(str(tiny_file))
    con.execute("SET wal_autocheckpoint = '1TB'")
    con.execute("INSERT INTO households SELECT * REPLACE ('H9' AS household_id, 99 AS batch_id) FROM households WHERE household_id = 'H1'")
    crashed = tmp_path / "crashed.duckdb"
    shutil.copy(tiny_file, crashed)
    shutil.copy(f"{tiny_file}.wal", f"{crashed}.wal")
    con.close()

    real_repair = recovery.repair

    def failing(con):
        raise duckdb.CatalogException("模拟修复失败")

    monkeypatch.setattr(recovery, "repair", failing)
    first = db.connect(str(crashed))  # opens anyway; the replayed WAL is now in the file, the WAL gone
    first.close()
    del first
    assert not (tmp_path / "crashed.duckdb.wal").exists()
    assert (tmp_path / f"crashed.duckdb{db.REPAIR_PENDING}").exists()

    monkeypatch.setattr(recovery, "repair", real_repair)
    db._open_in_this_process.clear()  # as a new process would start
    second = db.connect(str(crashed))
    assert second.execute("SELECT count(*) FROM households WHERE household_id = 'H9'").fetchone() == (0,)
    assert not (tmp_path / f"crashed.duckdb{db.REPAIR_PENDING}").exists()


def test_the_audit_counter_moves_past_a_kept_entry(tiny_file):
    con = duckdb.connect(str(tiny_file))
    con.execute("UPDATE id_counters SET last_value = 0 WHERE name = 'audit_entry'")
    con.execute("INSERT INTO audit_log (entry_id, logged_at, user_name, action) VALUES (7, current_timestamp, 'x', 'login')")
    recovery.repair(con)
    assert con.execute("SELECT last_value FROM id_counters WHERE name = 'audit_entry'").fetchone() == (7,)


# A rollback cut short: any part of what rollback_batch writes may have survived the WAL replay.
ROLLBACK_ROW_PARTS = {
    "status": "status = 'rolled_back'",
    "time": "rolled_back_at = TIMESTAMP '2026-11-30 08:00:00'",
    "user": "rolled_back_by = '管理员'",
}
ROLLBACK_CURRENT_PARTS = ("rows_removed", "older_versions_back")
UPDATED_FILE = "ab" * 32


def _subsets(names) -> list[tuple[str, ...]]:
    return [combo for n in range(len(names) + 1) for combo in itertools.combinations(names, n)]


def _figures(con) -> tuple:
    """What a reader sees: the current households and every KPI that depends on them."""
    return (
        con.execute("SELECT * FROM households ORDER BY household_id").fetchall(),
        overview_kpis(con, Scope.of(2017)),
    )


@pytest.fixture(scope="module")
def updating_batch(tmp_path_factory):
    """The tiny database plus a households batch that changes H2 and adds H9; the figures with the
    batch and after rolling it back properly."""
    folder = tmp_path_factory.mktemp("torn_rollback")
    path = folder / "before.duckdb"
    con = duckdb.connect(str(path))
    tiny_data.build(con)
    rows = tiny_data.frame("households").filter(pl.col("household_id") == "H2").with_columns(pl.lit(9).alias("family_size"))
    rows = pl.concat([rows, rows.with_columns(pl.lit("H9").alias("household_id"), pl.lit(2016, pl.Int64).alias("exit_year"))])
    batch = store.commit_rows(con, "households", rows, user="录入员", file_name="户.xlsx", sha256=UPDATED_FILE, file_bytes=b"x").batch_id
    before = _figures(con)
    con.close()
    done = folder / "after.duckdb"
    shutil.copy(path, done)
    con = duckdb.connect(str(done))
    store.rollback_batch(con, batch, user="管理员")
    after = _figures(con)
    con.close()
    assert before != after
    return path, batch, before, after


@pytest.mark.parametrize("current_parts", _subsets(ROLLBACK_CURRENT_PARTS), ids=lambda p: "+".join(p) or "current_untouched")
@pytest.mark.parametrize("row_parts", _subsets(list(ROLLBACK_ROW_PARTS)), ids=lambda p: "+".join(p) or "row_untouched")
def test_a_torn_rollback_leaves_the_batch_either_rolled_back_or_imported(updating_batch, tmp_path, row_parts, current_parts):
    """Whatever part of a rollback survived: 已回滚 exactly when the batch row says so in full, and
    then none of its versions is current; otherwise 已导入 with all of its rows, and it can be rolled
    back again. A Chinese line says which."""
    path, batch, before, after = updating_batch
    copy = tmp_path / "torn.duckdb"
    shutil.copy(path, copy)
    con = duckdb.connect(str(copy))
    for part in row_parts:
        con.execute(f"UPDATE batches SET {ROLLBACK_ROW_PARTS[part]} WHERE batch_id = ?", [batch])
    if "older_versions_back" in current_parts:  # H2's version from before the batch, beside (or instead of) the batch's
        con.execute(
            "INSERT INTO households SELECT * EXCLUDE (source_row) FROM households_history WHERE household_id = 'H2' AND batch_id < ?",
            [batch],
        )
    if "rows_removed" in current_parts:
        con.execute("DELETE FROM households WHERE batch_id = ?", [batch])

    messages = recovery.repair(con)

    status, rolled_at, rolled_by = con.execute(
        "SELECT status, rolled_back_at, rolled_back_by FROM batches WHERE batch_id = ?", [batch]
    ).fetchone()
    if len(row_parts) == len(ROLLBACK_ROW_PARTS):  # the rollback is on record in full: it is completed
        assert (status, rolled_by) == ("rolled_back", "管理员") and rolled_at is not None
        assert _figures(con) == after
        if len(current_parts) < len(ROLLBACK_CURRENT_PARTS):
            assert f"批次 {batch} 已记为“已回滚”但回滚没有做完，已补全回滚（其数据不再是当前数据）" in messages, messages
        else:
            assert messages == []
    else:  # not on record in full: imported, every row of it current, and it can still be rolled back
        assert (status, rolled_at, rolled_by) == ("committed", None, None)
        assert _figures(con) == before
        torn_row = f"批次 {batch} 的回滚没有完成，已恢复为“已导入”（其数据仍是当前数据，可以重新回滚）"
        assert (torn_row in messages) == bool(row_parts), messages
        assert ("贫困户：按已提交批次重建了当前数据" in messages) == bool(current_parts), messages
        assert not any("补全" in m for m in messages), messages
        store.rollback_batch(con, batch, user="管理员")
        assert _figures(con) == after
    assert recovery.repair(con) == []  # nothing left to put right


def _stored_files(con) -> set[str]:
    return {r[0] for r in con.execute("SELECT sha256 FROM stored_files").fetchall()}


def test_an_orphan_stored_file_is_removed_and_files_of_batches_stay(tiny_file):
    con = duckdb.connect(str(tiny_file))
    township = tiny_data.frame("townships").head(1)
    live = store.commit_rows(
        con,
        "townships",
        township.with_columns(pl.lit("新名").alias("township_name")),
        user="a",
        file_name="a.xlsx",
        sha256="a" * 64,
        file_bytes=b"a",
    )
    rolled = store.commit_rows(
        con,
        "townships",
        township.with_columns(pl.lit("又一名").alias("township_name")),
        user="a",
        file_name="b.xlsx",
        sha256="b" * 64,
        file_bytes=b"b",
    )
    store.rollback_batch(con, rolled.batch_id, user="a")  # a rolled-back batch keeps its file (上传记录 offers it)
    # What a torn import leaves: its file, and no batch naming it.
    con.execute("INSERT INTO stored_files VALUES (?, 'c.xlsx', 1, 'c'::BLOB, current_timestamp)", ["c" * 64])
    assert live.batch_id and _stored_files(con) == {"a" * 64, "b" * 64, "c" * 64}

    assert recovery.repair(con) == ["删除了 1 个不属于任何批次的原始文件（未完成的上传留下的）"]
    assert _stored_files(con) == {"a" * 64, "b" * 64}
    assert con.execute("SELECT content FROM stored_files WHERE sha256 = ?", ["a" * 64]).fetchone() == (b"a",)


def test_the_newest_batch_without_the_file_it_names_is_undone(tiny_file):
    con = duckdb.connect(str(tiny_file))
    before = _snapshot(con)
    rows = tiny_data.frame("households").head(1).with_columns(pl.lit(8).alias("family_size"))
    batch = store.commit_rows(con, "households", rows, user="a", file_name="h.xlsx", sha256="d" * 64, file_bytes=b"d").batch_id
    con.execute("DELETE FROM stored_files")  # the part of the commit the replay lost
    assert recovery.repair(con) == [f"贫困户：撤销了未完成的批次 {batch}", "贫困户：按已提交批次重建了当前数据"]
    assert _snapshot(con)[:3] == before[:3]  # the counter stays past the id the batch had taken


def test_connect_removes_a_file_the_write_ahead_log_kept_without_its_batch(tiny_file, tmp_path):
    con = duckdb.connect(str(tiny_file))
    con.execute("SET wal_autocheckpoint = '1TB'")
    con.execute("INSERT INTO stored_files VALUES (?, 'c.xlsx', 1, 'c'::BLOB, current_timestamp)", ["c" * 64])
    crashed = tmp_path / "crashed.duckdb"
    shutil.copy(tiny_file, crashed)
    shutil.copy(f"{tiny_file}.wal", f"{crashed}.wal")
    con.close()

    reopened = db.connect(str(crashed))
    assert _stored_files(reopened) == set()


def test_a_rollback_must_name_its_user(tiny_con):
    """A rolled-back batch row without its user would read as a rollback cut short after a crash."""
    with pytest.raises(store.StoreError, match="操作人"):
        store.rollback_batch(tiny_con, 3, user="")
    assert tiny_con.execute("SELECT status FROM batches WHERE batch_id = 3").fetchone() == ("committed",)


class _CutShort(RuntimeError):
    """Stands for the process dying in the middle of a write transaction."""


def _linkage_figures(con) -> tuple:
    return (
        con.execute("SELECT status, rolled_back_at, rolled_back_by FROM batches ORDER BY batch_id").fetchall(),
        con.execute("SELECT * FROM linkages ORDER BY household_id, project_id, mechanism, year").fetchall(),
        con.execute("SELECT sha256 FROM stored_files ORDER BY sha256").fetchall(),
        overview_kpis(con, Scope.of(2017)),
    )


def test_a_rollback_cut_short_changes_nothing_on_either_backend(tiny_con, monkeypatch):
    """One transaction: a rollback stopped after it marked the batch and removed its rows leaves the
    batch 已导入 with all of its rows. On PostgreSQL that is all a crash can do (the server aborts the
    transaction of a client that died), so the repair has nothing to find there."""
    (batch,) = tiny_con.execute("SELECT batch_id FROM batches WHERE dataset = 'linkages'").fetchone()
    before = _linkage_figures(tiny_con)

    def remove_then_die(con, ds, batch_id):
        con.execute(f'DELETE FROM "{ds.table}" WHERE batch_id = ?', [batch_id])
        raise _CutShort

    monkeypatch.setattr(store, "refresh_current", remove_then_die)
    with pytest.raises(_CutShort):
        store.rollback_batch(tiny_con, batch, user="管理员")
    assert _linkage_figures(tiny_con) == before
    assert recovery.repair(tiny_con) == []
    monkeypatch.undo()
    store.rollback_batch(tiny_con, batch, user="管理员")  # and it can still be rolled back
    assert tiny_con.execute("SELECT count(*) FROM linkages WHERE batch_id = ?", [batch]).fetchone() == (0,)


def test_an_import_cut_short_keeps_no_file_on_either_backend(tiny_con, monkeypatch):
    """The original file is stored in the commit's transaction: an import stopped after storing it
    leaves neither the batch nor the file."""
    before = _linkage_figures(tiny_con)

    def die(*args, **kwargs):
        raise _CutShort

    monkeypatch.setattr(store, "_apply_to_current", die)
    rows = tiny_data.frame("linkages").with_columns(pl.col("income_yuan") + 1)
    with pytest.raises(_CutShort):
        store.commit_rows(tiny_con, "linkages", rows, user="a", file_name="l.xlsx", sha256="f" * 64, file_bytes=b"f")
    assert _linkage_figures(tiny_con) == before
    assert recovery.repair(tiny_con) == []
