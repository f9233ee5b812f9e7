import duckdb

from fupin_core import catalog, schema


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
