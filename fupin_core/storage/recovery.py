"""Repair a DuckDB store after a process died in the middle of a commit or a rollback.

DuckDB 1.5.5 can replay the first part of a transaction whose write-ahead log was cut short by a
crash (upstream duckdb/duckdb#25931): rows of a batch may reappear in one table and not in another,
and a batch row may keep only some of the columns a rollback set. The versioned store can always be
put right from its own invariants, so on opening a file that was not closed cleanly (its .wal is
still there) we check them and undo whatever no complete batch explains:

1. history rows of a batch id past the newest batch (its batch row was lost) are removed;
2. the newest batch, if its history rows do not number rows_new + rows_updated or the original file
   it names is missing, was never completed: its rows and its batch row are removed;
3. a batch row a rollback wrote only part of (status, rolled_back_at and rolled_back_by disagree) is
   put back to 已导入: its rollback did not complete, and it can be rolled back again;
4. a current table that differs from "newest committed version per key" is rebuilt from history,
   which also completes the rollback of a batch whose row says 已回滚 in full;
5. stored original files that no batch names (left by an import that did not survive) are removed;
6. the id counters are moved past every id in use (batches, audit entries).
After it, a batch is 已回滚 exactly when its rollback is recorded in full and none of its versions is
current. Only the last transaction can be torn, so no older batch is deleted, only reported.

PostgreSQL needs none of this: its transactions are atomic across a crash.
"""

from __future__ import annotations

import duckdb

from fupin_core.catalog import DATASETS, Dataset
from fupin_core.storage import schema, summary_tables
from fupin_core.storage.store import current_versions_sql, quoted_names
from fupin_core.storage.writes import transaction

# A batch row that a rollback wrote in part: rollback_batch sets status, time and user together.
_TORN_BATCH_ROW = """(status = 'committed' AND (rolled_back_at IS NOT NULL OR rolled_back_by IS NOT NULL))
                  OR (status = 'rolled_back' AND (rolled_back_at IS NULL OR rolled_back_by IS NULL))"""


def _newest_batch(con) -> tuple[int, str | None]:
    row = con.execute("SELECT batch_id, dataset FROM batches ORDER BY batch_id DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row else (0, None)


def _remove_torn_history(con, ds: Dataset, newest: int) -> tuple[int, int]:
    """Delete history rows of a batch id past the newest batch (the torn commit's); count, and leave,
    rows of a missing older batch, which no crash of the last transaction can explain."""
    orphan = f'FROM "{ds.history_table}" AS h WHERE NOT EXISTS (SELECT 1 FROM batches AS b WHERE b.batch_id = h.batch_id)'
    torn, older = con.execute(
        f"SELECT count(*) FILTER (WHERE h.batch_id > ?), count(*) FILTER (WHERE h.batch_id <= ?) {orphan}", [newest, newest]
    ).fetchone()
    if torn:
        con.execute(f'DELETE FROM "{ds.history_table}" WHERE batch_id > ?', [newest])
    return torn, older


def _newest_is_incomplete(con, ds: Dataset, batch_id: int) -> bool:
    (history_rows,) = con.execute(f'SELECT count(*) FROM "{ds.history_table}" WHERE batch_id = ?', [batch_id]).fetchone()
    expected, file_missing = con.execute(
        """SELECT rows_new + rows_updated,
                  sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stored_files AS f WHERE f.sha256 = b.sha256)
           FROM batches AS b WHERE batch_id = ?""",
        [batch_id],
    ).fetchone()
    # commit_rows stores the original file with the batch whenever it names one (uploads do; the
    # sample names none), in the same transaction: a named file that is missing was torn off.
    return history_rows != expected or file_missing


def _settle_torn_rollbacks(con) -> list[str]:
    """A batch row that a rollback wrote only part of goes back to 已导入 (the current tables are then
    rebuilt with its rows): the rollback did not complete, and the batch can be rolled back again."""
    torn = con.execute(f"SELECT batch_id FROM batches WHERE {_TORN_BATCH_ROW} ORDER BY batch_id").fetchall()
    messages = []
    for (batch_id,) in torn:
        con.execute("UPDATE batches SET status = 'committed', rolled_back_at = NULL, rolled_back_by = NULL WHERE batch_id = ?", [batch_id])
        messages.append(f"批次 {batch_id} 的回滚没有完成，已恢复为“已导入”（其数据仍是当前数据，可以重新回滚）")
    return messages


def _newest_committed(ds: Dataset) -> str:
    keys = quoted_names(ds.natural_key)
    return f"""SELECT {keys}, max(h.batch_id) AS batch_id FROM "{ds.history_table}" AS h
               JOIN batches AS b ON b.batch_id = h.batch_id AND b.status = 'committed' GROUP BY ALL"""


def _current_is_exact(con, ds: Dataset) -> bool:
    """Compare (key, batch id) pairs only: a current row is a copy of its batch's history row, so the
    pairs decide it, at a third of the cost of comparing whole rows (7 s instead of 18 s at scale 100)."""
    current = f'SELECT {quoted_names(ds.natural_key)}, batch_id FROM "{ds.table}"'
    newest = _newest_committed(ds)
    (differences,) = con.execute(
        f"""SELECT (SELECT count(*) FROM ({current} EXCEPT ALL {newest}))
                 + (SELECT count(*) FROM ({newest} EXCEPT ALL {current}))"""
    ).fetchone()
    return differences == 0


def _rollback_being_completed(con, ds: Dataset) -> int | None:
    """The rolled-back batch whose rollback the rebuild of an inexact current table completes: one
    whose rows are still current, or one that wrote a newer version of a key whose committed version
    is missing from the current table (its rows were removed, the older versions not yet put back).
    Only the last transaction can be torn, so the latest such rollback is the one."""
    keys = quoted_names(ds.natural_key)
    current = f'SELECT {keys}, batch_id FROM "{ds.table}"'
    row = con.execute(
        f"""WITH still_current AS (SELECT DISTINCT batch_id FROM ({current} EXCEPT ALL {_newest_committed(ds)})),
                 missing AS ({_newest_committed(ds)} EXCEPT ALL {current}),
                 superseded AS (
                     SELECT DISTINCT h.batch_id FROM "{ds.history_table}" AS h
                     JOIN missing AS m ON {" AND ".join(f'h."{k}" = m."{k}"' for k in ds.natural_key)} AND h.batch_id > m.batch_id)
            SELECT b.batch_id FROM batches AS b
            WHERE b.status = 'rolled_back'
              AND (b.batch_id IN (SELECT batch_id FROM still_current) OR b.batch_id IN (SELECT batch_id FROM superseded))
            ORDER BY b.rolled_back_at DESC LIMIT 1"""
    ).fetchone()
    return int(row[0]) if row else None


def _rebuild_current(con, ds: Dataset) -> None:
    con.execute(f'DELETE FROM "{ds.table}"')
    con.execute(f'INSERT INTO "{ds.table}" ({quoted_names(ds.column_names)}, batch_id) {current_versions_sql(ds)}')


def _remove_orphan_files(con) -> int:
    """Original files no batch names (an import that did not survive stored its file); a file of any
    batch, rolled back or not, stays."""
    where = "WHERE NOT EXISTS (SELECT 1 FROM batches AS b WHERE b.sha256 = f.sha256)"
    (orphans,) = con.execute(f"SELECT count(*) FROM stored_files AS f {where}").fetchone()
    if orphans:
        con.execute(f"DELETE FROM stored_files AS f {where}")
    return orphans


def repair(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Put the store back to its last complete batch; returns what was found, in Chinese (empty when
    everything was already consistent). Only the last transaction can have been torn, so only the
    newest batch is ever undone; anything older that looks wrong is reported, never deleted. One
    transaction: a crash during the repair itself leaves the store to be repaired on the next open."""
    found: list[str] = []
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    if not {"batches", "stored_files", schema.COUNTER_TABLE} <= tables:
        return found  # not initialised, or from before migration 5: `fupin init` migrates it first
    # A dataset added to the catalog after this file was made has no tables until `fupin init` runs.
    datasets = [ds for ds in DATASETS if {ds.table, ds.history_table} <= tables]
    with transaction(con):
        newest, newest_dataset = _newest_batch(con)
        for ds in datasets:
            torn, older = _remove_torn_history(con, ds, newest)
            if torn:
                found.append(f"{ds.title}：删除了未完成批次的 {torn} 行历史记录")
            if older:
                found.append(f"{ds.title}：有 {older} 行历史记录属于不存在的批次（未改动，请管理员核查）")
            if ds.key == newest_dataset and _newest_is_incomplete(con, ds, newest):
                con.execute(f'DELETE FROM "{ds.history_table}" WHERE batch_id = ?', [newest])
                con.execute("DELETE FROM batches WHERE batch_id = ?", [newest])
                found.append(f"{ds.title}：撤销了未完成的批次 {newest}")
        found += _settle_torn_rollbacks(con)
        for ds in datasets:
            if not _current_is_exact(con, ds):
                completed = _rollback_being_completed(con, ds)
                _rebuild_current(con, ds)
                found.append(f"{ds.title}：按已提交批次重建了当前数据")
                if completed is not None:
                    found.append(f"批次 {completed} 已记为“已回滚”但回滚没有做完，已补全回滚（其数据不再是当前数据）")
        orphans = _remove_orphan_files(con)
        if orphans:
            found.append(f"删除了 {orphans} 个不属于任何批次的原始文件（未完成的上传留下的）")
        schema.advance_counters(con, create_missing=False)
        # Summaries are keyed by data version, which a repair may leave unchanged: build them again.
        summary_tables.clear(con, tables)
    return found
