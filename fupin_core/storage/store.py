"""Versioned storage: every commit is one batch, every version is kept, the current table is exact.

`<dataset>_history` keeps every committed version with its batch id; `<dataset>` holds only the
current version of each natural key (the newest committed batch's row). Commit and rollback refresh
the current table for the keys the batch touched, inside the same transaction, so reading never pays
for versioning.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass

import duckdb
import polars as pl

from fupin_core.catalog import Dataset, dataset
from fupin_core.storage.retry import run_with_retry

# One writer at a time inside a process (Streamlit serves sessions from several threads).
WRITE_LOCK = threading.RLock()


class StoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class KnownChanges:
    """A dry run's labels (source_row, change) and the data_version they were computed at: a commit
    reuses them instead of comparing every row with the current table again, if nothing was
    committed or rolled back since (a million-row file saves most of a second)."""

    changes: pl.DataFrame
    version: tuple


@dataclass(frozen=True)
class CommitResult:
    batch_id: int | None
    rows_new: int
    rows_updated: int
    rows_unchanged: int


def quoted_names(names) -> str:
    """Identifiers (catalog column names), double-quoted and comma-separated."""
    return ", ".join(f'"{n}"' for n in names)


def _key_match(ds: Dataset, left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in ds.natural_key)


def _typed(ds: Dataset) -> str:
    return ", ".join(f'CAST(r."{c.name}" AS {c.sql_type}) AS "{c.name}"' for c in ds.columns)


def _classify_sql(ds: Dataset) -> str:
    """Label each incoming row new / updated / unchanged against the current table."""
    same = " AND ".join(f'i."{c}" IS NOT DISTINCT FROM c."{c}"' for c in ds.column_names)
    first_key = ds.natural_key[0]
    typed = _typed(ds)
    return f"""
        WITH i AS (SELECT {typed}, r.source_row FROM incoming AS r)
        SELECT i.*,
               CASE WHEN c."{first_key}" IS NULL THEN 'new'
                    WHEN {same} THEN 'unchanged'
                    ELSE 'updated' END AS change
        FROM i
        LEFT JOIN "{ds.table}" AS c ON {_key_match(ds, "i", "c")}
    """


def current_versions_sql(ds: Dataset, touched: str | None = None) -> str:
    """SELECT of the current version of each key as the history says it is: the newest committed
    batch's row. `touched` (a subquery of keys) limits it to those keys."""
    cols = quoted_names(ds.column_names)
    partition = ", ".join(f'h."{k}"' for k in ds.natural_key)
    only_touched = f"JOIN {touched} AS t ON {_key_match(ds, 'h', 't')}" if touched else ""
    return f"""
        SELECT {cols}, batch_id FROM (
            SELECT h.*, row_number() OVER (PARTITION BY {partition} ORDER BY h.batch_id DESC) AS version_rank
            FROM "{ds.history_table}" AS h
            JOIN batches AS b ON b.batch_id = h.batch_id AND b.status = 'committed'
            {only_touched}
        ) AS ranked
        WHERE version_rank = 1
    """


def refresh_current(con: duckdb.DuckDBPyConnection, ds: Dataset, batch_id: int) -> None:
    """Make the current table right again for every key that `batch_id` wrote."""
    keys = quoted_names(ds.natural_key)
    touched = f'(SELECT DISTINCT {keys} FROM "{ds.history_table}" WHERE batch_id = ?)'
    con.execute(f'DELETE FROM "{ds.table}" AS c USING {touched} AS t WHERE {_key_match(ds, "c", "t")}', [batch_id])
    con.execute(f'INSERT INTO "{ds.table}" ({quoted_names(ds.column_names)}, batch_id) {current_versions_sql(ds, touched)}', [batch_id])


def _claim_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    """Take the next batch id from the counter row (schema migration 5), as a write transaction's
    first statement. Two writers (replicas on one PostgreSQL) cannot both update that row: the later
    one gets a serialisation failure and is retried from scratch, so batch writes are serialised and
    ids never repeat, where max(batch_id) + 1 would hand both the same id."""
    try:
        con.execute("UPDATE id_counters SET last_value = last_value + 1 WHERE name = 'batch_id'")
        row = con.execute("SELECT last_value FROM id_counters WHERE name = 'batch_id'").fetchone()
    except duckdb.CatalogException:
        row = None
    if row is None:  # a store from before migration 5 that nobody has migrated yet
        raise StoreError("数据库结构需要升级：请先运行 fupin init（会执行迁移，不改动已有数据）")
    return int(row[0])


def _take_write_turn(con: duckdb.DuckDBPyConnection) -> None:
    """Serialise a write that needs no new id (a rollback) with every batch commit: same counter row."""
    con.execute("UPDATE id_counters SET last_value = last_value WHERE name = 'batch_id'")


def _rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    # A failed COMMIT may already have ended the transaction; keep the original error, not this one.
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _apply_to_current(con: duckdb.DuckDBPyConnection, ds: Dataset, batch_id: int, *, has_updates: bool) -> None:
    """After a commit: the batch just claimed the newest id, so its rows simply are the current
    versions of their keys — what refresh_current would derive, without the window over the history
    (which a million new keys made half of the commit's time). Updated keys lose their old row first."""
    if has_updates:
        updated = f"(SELECT {quoted_names(ds.natural_key)} FROM classified WHERE change = 'updated')"
        con.execute(f'DELETE FROM "{ds.table}" AS c USING {updated} AS t WHERE {_key_match(ds, "c", "t")}')
    cols = quoted_names(ds.column_names)
    con.execute(
        f"INSERT INTO \"{ds.table}\" ({cols}, batch_id) SELECT {cols}, ? FROM classified WHERE change <> 'unchanged'",
        [batch_id],
    )


def classify(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    """Return `rows` with a `change` column (new / updated / unchanged); writes nothing."""
    incoming = _prepare(ds, rows)
    con.register("incoming", incoming.to_arrow())
    try:
        return con.execute(_classify_sql(ds)).pl()
    finally:
        con.unregister("incoming")


_POLARS_TYPES = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}


def _prepare(ds: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    # An optional column the rows lack (a frame made before the column was added) is empty: 未上报.
    absent = [c for c in ds.columns if c.name not in rows.columns and not c.required]
    if absent:
        rows = rows.with_columns(pl.lit(None, dtype=_POLARS_TYPES[c.type]).alias(c.name) for c in absent)
    missing = [c for c in ds.column_names if c not in rows.columns]
    if missing:
        raise StoreError(f"{ds.title} 缺少列：{', '.join(ds.header_of(c) for c in missing)}")
    if "source_row" not in rows.columns:
        rows = rows.with_row_index("source_row", offset=1)
    frame = rows.select([*ds.column_names, pl.col("source_row").cast(pl.Int64)])
    if frame.select(ds.natural_key).is_duplicated().any():
        raise StoreError(f"{ds.title} 的同一批数据中有重复的 {'+'.join(ds.header_of(k) for k in ds.natural_key)}")
    return frame


def commit_rows(
    con: duckdb.DuckDBPyConnection,
    dataset_key: str,
    rows: pl.DataFrame,
    *,
    user: str,
    file_name: str | None = None,
    sha256: str | None = None,
    kind: str = "upload",
    rows_read: int | None = None,
    rows_rejected: int = 0,
    file_bytes: bytes | None = None,
    known: KnownChanges | None = None,
) -> CommitResult:
    """Write `rows` (catalog column names) as one atomic batch.

    Rows identical to their current version are counted as unchanged and stored nowhere, so the
    same file committed twice creates no new version and no batch. A write conflict with another
    process is retried (fupin_core.storage.retry).
    """
    ds = dataset(dataset_key)
    incoming = _prepare(ds, rows)
    labelled = _labelled(incoming, known)

    def attempt() -> CommitResult:
        con.execute("BEGIN TRANSACTION")
        try:
            claimed_id = _claim_batch_id(con)
            if labelled is not None and data_version(con) == known.version:
                con.register("incoming", labelled.to_arrow())
                con.execute(f"CREATE OR REPLACE TEMP TABLE classified AS SELECT {_typed(ds)}, r.source_row, r.change FROM incoming AS r")
            else:
                con.register("incoming", incoming.to_arrow())
                con.execute(f"CREATE OR REPLACE TEMP TABLE classified AS {_classify_sql(ds)}")
            counts = dict(con.execute("SELECT change, count(*) FROM classified GROUP BY change").fetchall())
            n_new, n_upd, n_same = counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0)
            batch_id = None
            if n_new + n_upd:
                batch_id = claimed_id
                cols = quoted_names(ds.column_names)
                con.execute(
                    f"""INSERT INTO "{ds.history_table}" ({cols}, batch_id, source_row)
                        SELECT {cols}, ?, source_row FROM classified WHERE change <> 'unchanged'""",
                    [batch_id],
                )
                con.execute(
                    """INSERT INTO batches VALUES (?, ?, ?, ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, 'committed', NULL, NULL)""",
                    [
                        batch_id,
                        ds.key,
                        kind,
                        file_name,
                        sha256,
                        user,
                        rows_read if rows_read is not None else incoming.height + rows_rejected,
                        n_new,
                        n_upd,
                        n_same,
                        rows_rejected,
                    ],
                )
                if file_bytes is not None and sha256:
                    _store_file(con, sha256, file_name or "", file_bytes)
                _apply_to_current(con, ds, batch_id, has_updates=bool(n_upd))
                con.execute("DROP TABLE IF EXISTS classified")
                con.execute("COMMIT")
            else:
                con.execute("ROLLBACK")  # nothing to store: gives the claimed id back too
        except Exception:
            _rollback_quietly(con)
            raise
        finally:
            con.unregister("incoming")
        return CommitResult(batch_id, n_new, n_upd, n_same)

    with WRITE_LOCK:
        return run_with_retry(attempt)


def _labelled(incoming: pl.DataFrame, known: KnownChanges | None) -> pl.DataFrame | None:
    """`incoming` with the dry run's change labels, or None when they do not cover exactly its rows."""
    if known is None or known.changes.height != incoming.height:
        return None
    labelled = incoming.join(known.changes.select(pl.col("source_row").cast(pl.Int64), "change"), on="source_row", how="left")
    return None if labelled.get_column("change").null_count() else labelled


def _store_file(con: duckdb.DuckDBPyConnection, sha256: str, file_name: str, content: bytes) -> None:
    if con.execute("SELECT 1 FROM stored_files WHERE sha256 = ?", [sha256]).fetchone():
        return
    con.execute(
        "INSERT INTO stored_files VALUES (?, ?, ?, ?, current_timestamp)",
        [sha256, file_name, len(content), content],
    )


def rollback_batch(con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str) -> None:
    """Mark a batch rolled back; the earlier version of every key it touched becomes current again.

    The batch row gets status, time and user together: crash repair (fupin_core.storage.recovery) reads a
    row with only some of them as a rollback cut short, so a rollback must always name its user."""
    if not user:
        raise StoreError("回滚必须记录操作人")

    def attempt() -> None:
        con.execute("BEGIN TRANSACTION")
        try:
            _take_write_turn(con)
            row = con.execute("SELECT dataset, status FROM batches WHERE batch_id = ?", [batch_id]).fetchone()
            if row is None:
                raise StoreError(f"没有编号为 {batch_id} 的批次")
            if row[1] != "committed":
                raise StoreError(f"批次 {batch_id} 已经回滚过，无需再次回滚")
            ds = dataset(row[0])
            con.execute(
                "UPDATE batches SET status = 'rolled_back', rolled_back_at = current_timestamp, rolled_back_by = ? WHERE batch_id = ?",
                [user, batch_id],
            )
            refresh_current(con, ds, batch_id)
            con.execute("COMMIT")
        except Exception:
            _rollback_quietly(con)
            raise

    with WRITE_LOCK:
        run_with_retry(attempt)


def list_batches(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.execute(
        """SELECT batch_id, dataset, kind, file_name, sha256, user_name, created_at, rows_read, rows_new,
                  rows_updated, rows_unchanged, rows_rejected, status, rolled_back_at, rolled_back_by
           FROM batches ORDER BY batch_id DESC"""
    ).pl()


def has_sample_data(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT count(*) FROM batches WHERE kind = 'sample' AND status = 'committed'").fetchone()
    return bool(row and row[0])


def data_version(con: duckdb.DuckDBPyConnection) -> tuple:
    """Changes whenever a batch is committed or rolled back (by any process or replica)."""
    return con.execute("SELECT count(*), coalesce(max(batch_id), 0), count(*) FILTER (WHERE status <> 'committed') FROM batches").fetchone()
