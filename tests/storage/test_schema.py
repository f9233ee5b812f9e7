import duckdb

from fupin_core import catalog
from fupin_core.storage import schema


def _tables(con):
    return sorted(r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall())


def test_migrations_idempotent():
    con = duckdb.connect(":memory:")
    first = schema.migrate(con)
    assert first == [m.version for m in schema.MIGRATIONS]
    tables = _tables(con)
    assert schema.migrate(con) == []
    assert _tables(con) == tables
    assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(schema.MIGRATIONS)


def test_tables_derived_from_catalog(fresh_con):
    tables = set(_tables(fresh_con))
    for ds in catalog.DATASETS:
        assert {ds.table, ds.history_table} <= tables
        cols = [r[0] for r in fresh_con.execute(f'DESCRIBE "{ds.table}"').fetchall()]
        assert cols == [*ds.column_names, "batch_id"]
    assert {"batches", "stored_files", "settings", "schema_migrations"} <= tables


def test_settings_roundtrip(fresh_con):
    assert schema.get_setting(fresh_con, "x") is None
    schema.set_setting(fresh_con, "x", "1")
    schema.set_setting(fresh_con, "x", "2")
    assert schema.get_setting(fresh_con, "x") == "2"


def test_migration_7_splits_legacy_fund_sources_into_source_and_category(fresh_con):
    """A database from before 资金类别: 统筹整合涉农资金 and 中央财政专项 were sources of their own."""
    con = fresh_con
    for table in ("funds", "funds_history"):
        con.execute(f'ALTER TABLE "{table}" DROP COLUMN fund_category')
    con.execute("DELETE FROM schema_migrations WHERE version = 7")
    rows = [
        ("P1", "统筹整合涉农资金", 2017, 100, 90),
        ("P1", "中央财政专项", 2017, 40, 20),
        ("P2", "苏陕协作资金", 2017, 30, 30),
        ("P2", "省级财政", 2017, 25, 25),
        ("P3", "统筹整合涉农资金", 2015, 10, 10),  # "integrated" before 2016: not possible, so 专项
    ]
    for row in rows:
        con.execute("INSERT INTO funds VALUES (?, ?, ?, ?, ?, 1)", list(row))
        con.execute("INSERT INTO funds_history VALUES (?, ?, ?, ?, ?, 1, 2)", list(row))
    assert 7 in schema.migrate(con)
    for table in ("funds", "funds_history"):
        got = con.execute(f'SELECT project_id, fund_source, fund_category FROM "{table}" ORDER BY allocated_wan DESC').fetchall()
        assert got == [
            ("P1", "区级财政", "统筹整合涉农资金"),
            ("P1", "中央财政", "财政专项扶贫资金"),
            ("P2", "苏陕协作资金", "其他资金"),
            ("P2", "省级财政", "财政专项扶贫资金"),
            ("P3", "区级财政", "财政专项扶贫资金"),
        ]
    # New columns of other datasets arrive empty (未上报), new datasets get their tables.
    assert con.execute("SELECT count(*) FROM household_income").fetchone() == (0,)


def test_postgres_gets_the_filter_indexes_and_duckdb_none(fresh_con):
    """Migration 15: on PostgreSQL an index per filtered column (metrics.scope_keys, the summaries);
    embedded DuckDB keeps none (an ART index would slow every commit)."""
    from fupin_core.storage import db

    if db.backend_of(fresh_con) == "postgres":
        names = {
            r[0]
            for r in fresh_con.execute("SELECT * FROM postgres_query(current_database(), 'SELECT indexname FROM pg_indexes')").fetchall()
        }
        wanted = {schema.index_name(table, columns) for table, columns in schema.POSTGRES_INDEXES}
        assert wanted <= names
        # Migration 17: DuckDB pushes one value down as `col = 'x' COLLATE "C"`, which only an index in
        # byte order serves; every indexed text column has one beside the one in the database's collation.
        definitions = dict(
            fresh_con.execute("SELECT * FROM postgres_query(current_database(), 'SELECT indexname, indexdef FROM pg_indexes')").fetchall()
        )
        for table, columns in (*schema.POSTGRES_INDEXES, *schema.POSTGRES_KEY_INDEXES):
            plain = schema.index_name(table, columns)
            assert plain in definitions
            if any(c in ("township_code", "village_code", "household_id", "project_id", "asset_id") for c in columns):
                assert 'COLLATE "C"' in definitions[schema.c_index_name(table, columns)], table
    else:
        assert fresh_con.execute("SELECT count(*) FROM duckdb_indexes()").fetchone()[0] == 0
