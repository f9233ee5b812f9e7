"""Repair after a torn commit: each invariant broken by hand the way a cut-short WAL replay breaks
it, and put right by recovery.repair (and by db.connect when the file was not closed cleanly)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from fupin_core import db, recovery
from fupin_core.catalog import DATASETS
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
