"""Versioned storage: every commit is one batch, every version is kept, the current table is exact.

`<dataset>_history` keeps every committed version with its batch id; `<dataset>` holds only the
current version of each natural key (the newest committed batch's row). Commit and rollback refresh
the current table for the keys the batch touched, inside the same transaction, so reading never pays
for versioning.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import polars as pl
import pyarrow as pa

from fupin_core.catalog import POLARS_TYPES, Dataset, dataset
from fupin_core.storage.writes import Transaction, write


class StoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class KnownChanges:
    """A dry run's labels (source_row, change) and the data_version they were computed at: a commit
    reuses them instead of comparing every row with the current table again, if nothing was
    committed or rolled back since (a million-row file saves most of a second)."""

    changes: pl.DataFrame
    version: tuple
    # The dry run rejected every row whose natural key repeats in the file, so the rows it labelled
    # hold each key once and the commit need not look again.
    keys_unique: bool = False


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


def _apply_to_current(con: duckdb.DuckDBPyConnection, ds: Dataset, batch_id: int, *, has_updates: bool) -> None:
    """After a commit: the batch just claimed the newest id, so its rows simply are the current
    versions of their keys — what refresh_current would derive, without the window over the history
    (which a million new keys made half of the commit's time). Updated keys lose their old row first.
    `incoming` holds the batch's new and updated rows (with their `change`)."""
    if has_updates:
        keys = ", ".join(f'CAST(r."{k}" AS {ds.column(k).sql_type}) AS "{k}"' for k in ds.natural_key)
        updated = f"(SELECT {keys} FROM incoming AS r WHERE r.change = 'updated')"
        con.execute(f'DELETE FROM "{ds.table}" AS c USING {updated} AS t WHERE {_key_match(ds, "c", "t")}')
    con.execute(
        f'INSERT INTO "{ds.table}" ({quoted_names(ds.column_names)}, batch_id) SELECT {_typed(ds)}, ? FROM incoming AS r',
        [batch_id],
    )


ARROW_CHUNK_ROWS = 122_880  # DuckDB's row-group size: one arrow chunk per thread-sized piece of work


def as_arrow(frame: pl.DataFrame) -> pa.Table:
    """`frame` for con.register, cut into chunks DuckDB can scan on several threads (polars hands over
    a large frame as one chunk, which DuckDB reads on one thread)."""
    table = frame.to_arrow()
    if frame.height <= ARROW_CHUNK_ROWS:
        return table
    return pa.Table.from_batches(table.to_batches(max_chunksize=ARROW_CHUNK_ROWS), schema=table.schema)


@contextlib.contextmanager
def timed(timings: dict[str, float] | None, stage: str) -> Iterator[None]:
    """Add the seconds the block takes to timings[stage] (a big import reports its stages)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def rows_that_may_exist(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows whose natural key may already be stored. Where the key has a year, a row of a year the
    current table holds no row of cannot match one: a file of a new year's rows (the yearly upload)
    is then compared with nothing (a million linkages: 0.4 s less), and a row without a year matches
    nothing either, as in the join. The years are bound as a list on the table's own column, which
    PostgreSQL answers by its index."""
    if "year" not in ds.natural_key or rows.is_empty() or not rows.schema["year"].is_integer():
        return rows
    years = rows.get_column("year").drop_nulls().unique().sort().to_list()
    if not years:
        return rows.clear()
    marks = ", ".join("?" for _ in years)
    stored = [r[0] for r in con.execute(f'SELECT DISTINCT "year" FROM "{ds.table}" WHERE "year" IN ({marks})', years).fetchall()]
    return rows.filter(pl.col("year").is_in(stored)) if len(stored) < len(years) else rows


def change_labels(con: duckdb.DuckDBPyConnection, ds: Dataset, rows: pl.DataFrame, *, keys_unique: bool = False) -> pl.DataFrame:
    """(source_row, change) of `rows` — new / updated / unchanged against the current table — in the
    order of `rows`; writes nothing. DuckDB joins the file with the current table and returns only
    the rows whose key is already there (few, in a large file of new rows); every other row is new.
    `keys_unique`: the caller already refused rows whose key repeats (the upload's validation), so
    that is not checked again."""
    incoming = _prepare(ds, rows, check_unique=not keys_unique)
    candidates = rows_that_may_exist(con, ds, incoming)
    if candidates.is_empty():
        return incoming.select("source_row", pl.lit("new").alias("change"))
    # Cast each value to its column's type only where compared: the keys for the join, the other
    # columns only on the (few) rows that matched.
    as_stored = {c.name: f'CAST(r."{c.name}" AS {c.sql_type})' for c in ds.columns}
    on = " AND ".join(f'{as_stored[k]} = c."{k}"' for k in ds.natural_key)
    same = " AND ".join(f'{as_stored[c]} IS NOT DISTINCT FROM c."{c}"' for c in ds.column_names if c not in ds.natural_key) or "TRUE"
    con.register("incoming", as_arrow(candidates))
    try:
        known = con.execute(
            f"""SELECT r.source_row, CASE WHEN {same} THEN 'unchanged' ELSE 'updated' END AS change
                FROM incoming AS r JOIN "{ds.table}" AS c ON {on}"""
        ).pl()
    finally:
        con.unregister("incoming")
    if known.is_empty():  # a file of new keys only
        return incoming.select("source_row", pl.lit("new").alias("change"))
    known = known.select(pl.col("source_row").cast(pl.Int64), pl.col("change").cast(pl.String))
    labels = incoming.select("source_row").join(known, on="source_row", how="left", maintain_order="left")
    return labels.with_columns(pl.col("change").fill_null("new"))


def _prepare(ds: Dataset, rows: pl.DataFrame, *, check_unique: bool = True) -> pl.DataFrame:
    # An optional column the rows lack (a frame made before the column was added) is empty: 未上报.
    absent = [c for c in ds.columns if c.name not in rows.columns and not c.required]
    if absent:
        rows = rows.with_columns(pl.lit(None, dtype=POLARS_TYPES[c.type]).alias(c.name) for c in absent)
    missing = [c for c in ds.column_names if c not in rows.columns]
    if missing:
        raise StoreError(f"{ds.title} 缺少列：{', '.join(ds.header_of(c) for c in missing)}")
    if "source_row" not in rows.columns:
        rows = rows.with_row_index("source_row", offset=1)
    frame = rows.select([*ds.column_names, pl.col("source_row").cast(pl.Int64)])
    if check_unique:
        _check_unique(ds, frame)
    return frame


def _check_unique(ds: Dataset, frame: pl.DataFrame) -> None:
    if frame.select(pl.struct(ds.natural_key).n_unique()).item() < frame.height:
        raise StoreError(f"{ds.title} 的同一批数据中有重复的 {'+'.join(ds.header_of(k) for k in ds.natural_key)}")


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
    timings: dict[str, float] | None = None,
) -> CommitResult:
    """Write `rows` (catalog column names) as one atomic batch.

    Rows identical to their current version are counted as unchanged and stored nowhere, so the
    same file committed twice creates no new version and no batch. A write conflict with another
    process is retried (fupin_core.storage.retry). `timings` (when given) receives the seconds of
    each stage: labels, write_history, write_current, store_file, commit.
    """
    ds = dataset(dataset_key)
    with timed(timings, "labels"):
        incoming = _prepare(ds, rows, check_unique=False)
        labelled = _labelled(incoming, known)
        if labelled is None or not known.keys_unique:  # the dry run refused repeated keys of exactly these rows
            _check_unique(ds, incoming)

    def attempt(tx: Transaction) -> CommitResult:
        with timed(timings, "labels"):
            claimed_id = _claim_batch_id(con)
            if labelled is not None and data_version(con) == known.version:
                source = labelled
            else:
                source = incoming.join(change_labels(con, ds, incoming, keys_unique=True), on="source_row", how="left")
            counts = dict(source.get_column("change").value_counts().iter_rows())
            n_new, n_upd, n_same = counts.get("new", 0), counts.get("updated", 0), counts.get("unchanged", 0)
        if not n_new + n_upd:
            tx.discard()  # nothing to store: gives the claimed id back too
            return CommitResult(None, n_new, n_upd, n_same)
        batch_id = claimed_id
        written = source.filter(pl.col("change") != "unchanged") if n_same else source
        con.register("incoming", as_arrow(written))
        try:
            with timed(timings, "write_history"):
                con.execute(
                    f"""INSERT INTO "{ds.history_table}" ({quoted_names(ds.column_names)}, batch_id, source_row)
                        SELECT {_typed(ds)}, ?, r.source_row FROM incoming AS r""",
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
            with timed(timings, "store_file"):
                if file_bytes is not None and sha256:
                    _store_file(con, sha256, file_name or "", file_bytes)
            with timed(timings, "write_current"):
                _apply_to_current(con, ds, batch_id, has_updates=bool(n_upd))
        finally:
            con.unregister("incoming")
        return CommitResult(batch_id, n_new, n_upd, n_same)

    before = dict(timings or {})
    started = time.perf_counter()
    result = write(con, attempt)
    if timings is not None:  # what write() spent beyond the stages timed inside it: COMMIT (and any retry)
        inside = sum(seconds - before.get(stage, 0.0) for stage, seconds in timings.items())
        timings["commit"] = timings.get("commit", 0.0) + max(time.perf_counter() - started - inside, 0.0)
    return result


def _labelled(incoming: pl.DataFrame, known: KnownChanges | None) -> pl.DataFrame | None:
    """`incoming` with the dry run's change labels, or None when they do not cover exactly its rows."""
    if known is None or known.changes.height != incoming.height:
        return None
    changes = known.changes.select(pl.col("source_row").cast(pl.Int64), "change")
    if changes.get_column("source_row").equals(incoming.get_column("source_row")):
        # The usual case: both in the file's row order, so the labels line up without a join.
        return incoming.with_columns(changes.get_column("change")) if changes.get_column("change").null_count() == 0 else None
    labelled = incoming.join(changes, on="source_row", how="left")
    return None if labelled.get_column("change").null_count() else labelled


# Original files are kept compressed (zstd, level 1) when that is smaller: a CSV shrinks about twelve
# times (a million linkages: 53 MB → 4.3 MB in 0.1 s), so the database grows less with every upload and
# the commit writes (and logs) a twelfth of the bytes; an xlsx, already a zip, stays as it is. Whether a
# row holds the compressed form is told by its length against size_bytes (the original's length), so
# files stored before stay readable and no column was needed.
_FILE_CODEC = pa.Codec("zstd", compression_level=1)


def stored_form(content: bytes) -> bytes:
    """What stored_files.content holds for an original file of these bytes."""
    packed = _FILE_CODEC.compress(content, asbytes=True)
    return packed if len(packed) < len(content) else content


def original_content(stored: bytes, size_bytes: int) -> bytes:
    """The original file's bytes from stored_files.content and size_bytes."""
    if len(stored) < size_bytes:
        return _FILE_CODEC.decompress(stored, decompressed_size=size_bytes, asbytes=True)
    return bytes(stored)


def _store_file(con: duckdb.DuckDBPyConnection, sha256: str, file_name: str, content: bytes) -> None:
    if con.execute("SELECT 1 FROM stored_files WHERE sha256 = ?", [sha256]).fetchone():
        return
    con.execute(
        "INSERT INTO stored_files VALUES (?, ?, ?, ?, current_timestamp)",
        [sha256, file_name, len(content), stored_form(content)],
    )


def rollback_batch(con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str) -> None:
    """Mark a batch rolled back; the earlier version of every key it touched becomes current again.

    The batch row gets status, time and user together: crash repair (fupin_core.storage.recovery) reads a
    row with only some of them as a rollback cut short, so a rollback must always name its user."""
    if not user:
        raise StoreError("回滚必须记录操作人")

    def attempt(_tx: Transaction) -> None:
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

    write(con, attempt)


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
