"""DDL derived from the catalog, and named, numbered migrations recorded in `schema_migrations`.

Only portable DDL is used (plain tables, no sequences, indexes or constraints) so the same
statements run on embedded DuckDB and on a PostgreSQL catalog attached to DuckDB.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from fupin_core.catalog import (
    DATASETS,
    FISCAL_SOURCES,
    INTEGRATED_FUNDS,
    INTEGRATION_FIRST_YEAR,
    LEGACY_FUND_SOURCES,
    OTHER_FUNDS,
    SPECIAL_POVERTY_FUNDS,
    Dataset,
)
from fupin_core.storage import summary_tables
from fupin_core.storage.writes import transaction


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[duckdb.DuckDBPyConnection], None]


def _column_ddl(ds: Dataset) -> str:
    return ", ".join(f'"{c.name}" {c.sql_type}' for c in ds.columns)


def create_dataset_tables(con: duckdb.DuckDBPyConnection, ds: Dataset) -> None:
    cols = _column_ddl(ds)
    con.execute(f'CREATE TABLE IF NOT EXISTS "{ds.history_table}" ({cols}, batch_id BIGINT NOT NULL, source_row BIGINT)')
    con.execute(f'CREATE TABLE IF NOT EXISTS "{ds.table}" ({cols}, batch_id BIGINT NOT NULL)')


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of an existing table (portable: works on an attached PostgreSQL catalog too)."""
    return [d[0] for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description]


def sync_dataset_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables of datasets added to the catalog later, and add columns added later (empty:
    an older row has no value for them, which the metrics read as 未上报)."""
    for ds in DATASETS:
        create_dataset_tables(con, ds)
        for table in (ds.table, ds.history_table):
            present = set(table_columns(con, table))
            for col in ds.columns:
                if col.name not in present:
                    con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{col.name}" {col.sql_type}')


def _m001_core(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS batches (
            batch_id BIGINT NOT NULL,
            dataset VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            file_name VARCHAR,
            sha256 VARCHAR,
            user_name VARCHAR,
            created_at TIMESTAMP NOT NULL,
            rows_read BIGINT NOT NULL,
            rows_new BIGINT NOT NULL,
            rows_updated BIGINT NOT NULL,
            rows_unchanged BIGINT NOT NULL,
            rows_rejected BIGINT NOT NULL,
            status VARCHAR NOT NULL,
            rolled_back_at TIMESTAMP,
            rolled_back_by VARCHAR
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS stored_files (
            sha256 VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            size_bytes BIGINT NOT NULL,
            content BLOB NOT NULL,
            stored_at TIMESTAMP NOT NULL
        )
        """
    )
    con.execute("CREATE TABLE IF NOT EXISTS settings (key VARCHAR NOT NULL, value VARCHAR)")


def _m002_datasets(con: duckdb.DuckDBPyConnection) -> None:
    for ds in DATASETS:
        create_dataset_tables(con, ds)


def _m003_accounts(con: duckdb.DuckDBPyConnection) -> None:
    """Users (fupin_core.security.auth), period locks (fupin_core.security.locks) and the audit log (fupin_core.security.audit)."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS users (
            username VARCHAR NOT NULL,
            display_name VARCHAR,
            role VARCHAR NOT NULL,
            townships VARCHAR NOT NULL,
            password_hash VARCHAR NOT NULL,
            disabled BOOLEAN NOT NULL,
            failed_attempts INTEGER NOT NULL,
            locked_until TIMESTAMP,
            created_at TIMESTAMP NOT NULL,
            sessions_valid_after TIMESTAMP NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS period_locks (
            year INTEGER NOT NULL,
            township_code VARCHAR,
            locked_by VARCHAR NOT NULL,
            locked_at TIMESTAMP NOT NULL,
            unlocked_by VARCHAR,
            unlocked_at TIMESTAMP
        )
        """
    )
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS audit_log (
            entry_id BIGINT NOT NULL,
            logged_at TIMESTAMP NOT NULL,
            user_name VARCHAR NOT NULL,
            action VARCHAR NOT NULL,
            target VARCHAR,
            detail VARCHAR
        )
        """
    )


def _m004_header_mappings(con: duckdb.DuckDBPyConnection) -> None:
    """Column mappings made by hand on the 数据上报 page, saved per source (fupin_core.ingest.mapping)."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS header_mappings (
            source VARCHAR NOT NULL,
            dataset VARCHAR NOT NULL,
            header VARCHAR NOT NULL,
            column_name VARCHAR NOT NULL,
            saved_by VARCHAR,
            saved_at TIMESTAMP NOT NULL
        )
        """
    )


def _m005_id_counters(con: duckdb.DuckDBPyConnection) -> None:
    """The batch id counter row (fupin_core.storage.store._claim_batch_id): ids stay unique when several
    processes (app replicas on one PostgreSQL, the CLI) commit at the same time."""
    con.execute("CREATE TABLE IF NOT EXISTS id_counters (name VARCHAR NOT NULL, last_value BIGINT NOT NULL)")
    con.execute("INSERT INTO id_counters SELECT 'batch_id', coalesce(max(batch_id), 0) FROM batches")


def _m006_audit_counter(con: duckdb.DuckDBPyConnection) -> None:
    """The audit entry id counter row (fupin_core.security.audit), for the same reason as migration 5."""
    con.execute("INSERT INTO id_counters SELECT 'audit_entry', coalesce(max(entry_id), 0) FROM audit_log")


# The year a legacy fund row belongs to, per table (investments have a date, not a year).
_FUND_YEAR = {
    "funds": "year",
    "funds_history": "year",
    "investments": "EXTRACT(YEAR FROM invest_date)",
    "investments_history": "EXTRACT(YEAR FROM invest_date)",
}


def split_legacy_fund_sources(con: duckdb.DuckDBPyConnection) -> None:
    """Rows written before 资金类别 existed (an older database, or a backup of one): 统筹整合涉农资金 and
    中央财政专项 were sources of their own. Each gets a level and a category: integrated money from 2016
    on stays 统筹整合涉农资金 (listed under 区级财政, which pools it), earlier "integrated" rows and every
    other fiscal row are 财政专项扶贫资金 (all of this money went to poverty projects), the rest 其他资金."""
    fiscal_legacy = (*LEGACY_FUND_SOURCES, *FISCAL_SOURCES)
    marks = ", ".join("?" for _ in fiscal_legacy)
    legacy = list(LEGACY_FUND_SOURCES.items())
    source_case = "CASE fund_source " + " ".join("WHEN ? THEN ?" for _ in legacy) + " ELSE fund_source END"
    source_params = [v for name, (source, _) in legacy for v in (name, source)]
    for table, year in _FUND_YEAR.items():
        con.execute(
            f"""UPDATE "{table}" SET fund_category = CASE
                    WHEN fund_source = ? AND {year} >= ? THEN ?
                    WHEN fund_source IN ({marks}) THEN ?
                    ELSE ? END
                WHERE fund_category IS NULL""",
            [INTEGRATED_FUNDS, INTEGRATION_FIRST_YEAR, INTEGRATED_FUNDS, *fiscal_legacy, SPECIAL_POVERTY_FUNDS, OTHER_FUNDS],
        )
        con.execute(f'UPDATE "{table}" SET fund_source = {source_case}', source_params)


def _m007_fund_categories(con: duckdb.DuckDBPyConnection) -> None:
    """资金来源 split into 资金来源 (level) and 资金类别 (statistics: split_legacy_fund_sources); the new
    datasets and columns of issue 12 arrive empty (未上报)."""
    sync_dataset_tables(con)
    split_legacy_fund_sources(con)


def _m008_report_rounds(con: duckdb.DuckDBPyConnection) -> None:
    """上报任务 (fupin_core.security.rounds): rounds, the 镇办 each must hear from, and the review events (returns
    with their per-file and per-row comments, approvals). Ids come from id_counters rows made on first use."""
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS report_rounds (
            round_id BIGINT NOT NULL,
            title VARCHAR NOT NULL,
            year INTEGER NOT NULL,
            period_kind VARCHAR NOT NULL,
            period_no INTEGER,
            datasets VARCHAR NOT NULL,
            deadline TIMESTAMP NOT NULL,
            opened_by VARCHAR NOT NULL,
            opened_at TIMESTAMP NOT NULL
        )
        """
    )
    con.execute("CREATE TABLE IF NOT EXISTS report_round_townships (round_id BIGINT NOT NULL, township_code VARCHAR NOT NULL)")
    con.execute(
        """
        CREATE TABLE IF NOT EXISTS report_round_reviews (
            event_id BIGINT NOT NULL,
            round_id BIGINT NOT NULL,
            township_code VARCHAR NOT NULL,
            dataset VARCHAR,
            row_key VARCHAR,
            action VARCHAR NOT NULL,
            comment VARCHAR,
            user_name VARCHAR NOT NULL,
            acted_at TIMESTAMP NOT NULL
        )
        """
    )


def _m010_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Per-village summaries of the household pass, per data version and year (issue 18)."""
    summary_tables.create_tables(con)


def _m013_category_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Per-village summaries of the linkage breakdowns by 联结方式, 产业 and 公益岗位 (issue 18)."""
    summary_tables.create_category_table(con)


def _m014_asset_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Per-asset sums of the linkages that cite an asset, for the asset reconciliation (issue 18)."""
    summary_tables.create_asset_table(con)


# PostgreSQL indexes on the columns the metrics filter on (fupin_core.metrics.scope_keys binds a
# 镇办's project or village list there; the summaries are read by version and 镇办): a pushed-down
# filter then reads a few index pages instead of scanning the table (project_stages of one 镇办 at
# scale 100: 22 ms → 4 ms). Embedded DuckDB scans its compressed columns fast and keeps no such index
# (an ART index would slow every commit), so these are made on PostgreSQL only.
POSTGRES_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("projects", ("township_code",)),
    ("villages", ("township_code",)),
    ("households", ("village_code",)),
    ("linkages", ("household_id",)),  # a list's first page reads the linkages and incomes of its households only
    ("household_income", ("household_id",)),
    ("linkages", ("year",)),  # metrics.overview.available_years walks these two from year to year
    ("households", ("identified_year",)),
    ("entities", ("township_code",)),
    ("project_stages", ("project_id",)),
    ("announcements", ("project_id",)),
    ("funds", ("project_id",)),
    ("pv_output", ("project_id",)),
    ("fungus_output", ("project_id",)),
    ("artichoke_output", ("project_id",)),
    ("assets", ("village_code",)),
    ("asset_income", ("year",)),
    (summary_tables.TABLE, ("v_count", "v_max", "v_rolled", "year", "township_code")),
    (summary_tables.CATEGORY_TABLE, ("v_count", "v_max", "v_rolled", "year", "township_code")),
    (summary_tables.ASSET_TABLE, ("v_count", "v_max", "v_rolled", "year")),
)


def _on_postgres(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute("SELECT type FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return bool(row) and row[0] == "postgres"


def index_name(table: str, columns: tuple[str, ...]) -> str:
    """Name of a migration's index, within PostgreSQL's 63 characters (as PostgreSQL would cut it)."""
    return "_".join(("fupin", table, *columns))[:63]


def c_index_name(table: str, columns: tuple[str, ...]) -> str:
    """Name of the index in byte order ("C"), within PostgreSQL's 63 characters."""
    return index_name(table, columns)[:61] + "_c"


def _create_postgres_index(con: duckdb.DuckDBPyConnection, name: str, table: str, columns_sql: str) -> None:
    # Names and columns are this module's constants; postgres_execute takes the statement as text.
    con.execute("CALL postgres_execute(current_database(), ?)", [f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns_sql})'])


def _m015_postgres_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Indexes for the pushed-down 镇办 filters, on PostgreSQL (issue 18); nothing on DuckDB."""
    if not _on_postgres(con):
        return
    for table, columns in POSTGRES_INDEXES:
        _create_postgres_index(con, index_name(table, columns), table, ", ".join(columns))


# Added by migration 17: the keys the scope's asset lists are bound to (metrics.scope_keys).
POSTGRES_KEY_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("projects", ("project_id",)),
    ("villages", ("village_code",)),
    ("asset_income", ("asset_id",)),
)


def _m017_postgres_byte_order_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Indexes a pushed-down filter can use, on PostgreSQL (issue 18). DuckDB sends a comparison with
    one value as `col = 'x' COLLATE "C"`, which an index in the database's collation cannot serve (one
    镇办's projects: a 5–9 ms scan of the whole table on every query, 0.1 ms by an index in "C"), and a
    list as `col IN ('x', 'y')` in the database's collation: each text column gets both."""
    if not _on_postgres(con):
        return
    text_columns = {
        (r[0], r[1]) for r in con.execute(
            """SELECT table_name, column_name FROM duckdb_columns()
               WHERE database_name = current_database() AND schema_name = current_schema() AND data_type = 'VARCHAR'"""
        ).fetchall()
    }  # fmt: skip
    for table, columns in (*POSTGRES_INDEXES, *POSTGRES_KEY_INDEXES):
        _create_postgres_index(con, index_name(table, columns), table, ", ".join(columns))  # migration 15's: already there
        if any((table, c) in text_columns for c in columns):
            in_c = ", ".join(f'{c} COLLATE "C"' if (table, c) in text_columns else c for c in columns)
            _create_postgres_index(con, c_index_name(table, columns), table, in_c)


def _m016_batch_summaries(con: duckdb.DuckDBPyConnection) -> None:
    """Per-batch, per-镇办 row counts of households, linkages and household income, for 来源 (issue 18)."""
    summary_tables.create_batch_table(con)


COUNTER_TABLE = "id_counters"
# Counter row name -> (table, id column) whose ids it hands out (migrations 5 and 6).
COUNTED_IDS = {"batch_id": ("batches", "batch_id"), "audit_entry": ("audit_log", "entry_id")}


def advance_counters(con: duckdb.DuckDBPyConnection, *, create_missing: bool = True) -> None:
    """Make sure every counter row exists (unless not `create_missing`: a store that a migration
    will give it) and is past every id in use, so no id is handed out twice (after a restore from an
    older backup, or a crash that kept a row but lost its counter update)."""
    for name, (table, column) in COUNTED_IDS.items():
        if create_missing:
            con.execute(
                f"INSERT INTO {COUNTER_TABLE} SELECT ?, 0 WHERE NOT EXISTS (SELECT 1 FROM {COUNTER_TABLE} WHERE name = ?)", [name, name]
            )
        con.execute(
            f"""UPDATE {COUNTER_TABLE} SET last_value = greatest(last_value, (SELECT coalesce(max({column}), 0) FROM {table}))
                WHERE name = ?""",
            [name],
        )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core_tables", _m001_core),
    Migration(2, "dataset_tables", _m002_datasets),
    Migration(3, "accounts_locks_audit", _m003_accounts),
    Migration(4, "ingest_header_mappings", _m004_header_mappings),
    Migration(5, "batch_id_counter", _m005_id_counters),
    Migration(6, "audit_entry_counter", _m006_audit_counter),
    Migration(7, "fund_categories_household_income", _m007_fund_categories),
    Migration(8, "report_rounds", _m008_report_rounds),
    # 9 was never taken: the 项目库 and asset datasets of issue 13 came as catalog tables (sync_dataset_tables).
    Migration(10, "household_summaries", _m010_summaries),
    # 11 and 12 were never taken (reserved for work that needed no migration in the end).
    Migration(13, "linkage_category_summaries", _m013_category_summaries),
    Migration(summary_tables.ASSET_TABLE_MIGRATION, "asset_reached_summaries", _m014_asset_summaries),
    Migration(15, "postgres_indexes", _m015_postgres_indexes),
    Migration(summary_tables.BATCH_TABLE_MIGRATION, "batch_township_summaries", _m016_batch_summaries),
    Migration(17, "postgres_byte_order_indexes", _m017_postgres_byte_order_indexes),
)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations in order; return the versions applied (empty when up to date)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied: list[int] = []
    for mig in MIGRATIONS:
        if mig.version in done:
            continue
        with transaction(con):
            mig.apply(con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp)",
                [mig.version, mig.name],
            )
        applied.append(mig.version)
    # A dataset or column added to the catalog after the last migration gets its (empty) table or column here.
    sync_dataset_tables(con)
    return applied


def get_setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    row = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def set_setting(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    con.execute("DELETE FROM settings WHERE key = ?", [key])
    con.execute("INSERT INTO settings VALUES (?, ?)", [key, value])
