"""Storage URLs and connections: embedded DuckDB and PostgreSQL attached to DuckDB (one setting)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.storage import db, schema
from tests import tiny_data


@pytest.fixture
def pg_url(pg_server):
    """An empty PostgreSQL database of its own."""
    with pg_server.database("db") as url:
        yield url


def fupin(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fupin_core.cli", *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_urls_pick_the_backend():
    assert db.resolve_url("duckdb:///data/x.duckdb") == db.StorageURL("duckdb", "data/x.duckdb")
    assert db.resolve_url("duckdb:////abs/x.duckdb").path == Path("/abs/x.duckdb")
    assert db.resolve_url("plain.duckdb").backend == "duckdb"
    pg = db.resolve_url("postgresql://fupin:s3cret@10.0.0.5:5432/fupin")
    assert (pg.backend, pg.path) == ("postgres", None)
    assert pg.display == "postgresql://fupin:***@10.0.0.5:5432/fupin"
    assert db.resolve_url("postgres://u@h/d").display == "postgres://u@h/d"  # no password, nothing to mask
    with pytest.raises(ValueError, match="mysql://"):
        db.resolve_url("mysql://h/d")


def test_environment_variable_selects_postgres(monkeypatch):
    monkeypatch.setenv(db.ENV_VAR, "postgresql://a:b@h:1/d")
    assert db.resolve_url().backend == "postgres"
    monkeypatch.delenv(db.ENV_VAR)
    assert db.resolve_url().target == "data/fupin.duckdb"


def test_postgres_store_runs_the_same_sql_and_cursors_see_it(pg_url):
    con = db.connect(pg_url)
    try:
        tiny_data.build(con)
        assert db.backend_of(con) == "postgres"
        with con.cursor() as cur:  # the app runs every query on a cursor of its one connection
            assert db.backend_of(cur) == "postgres"
            assert overview_kpis(cur, Scope.of(2017))["households_registered"] == 4
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = 'store'").fetchall()}
        assert {"batches", "households", "households_history", "id_counters", "schema_migrations"} <= tables
    finally:
        con.close()
    assert db.backend_of(duckdb.connect(":memory:")) == "duckdb"


def test_migrations_are_recorded_in_postgres(pg_url):
    assert not db.exists(pg_url)  # reachable but not initialised
    with db.connect(pg_url) as con:
        assert schema.migrate(con) == [m.version for m in schema.MIGRATIONS]
    assert db.exists(pg_url)
    with db.connect(pg_url) as con:  # a second process (or replica) finds them applied
        assert schema.migrate(con) == []
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(schema.MIGRATIONS)


def test_read_only_postgres_refuses_writes(pg_url):
    with db.connect(pg_url) as con:
        schema.migrate(con)
    with db.connect(pg_url, read_only=True) as con, pytest.raises(duckdb.Error, match="read-only|read only"):
        con.execute("INSERT INTO settings VALUES ('k', 'v')")


def test_unreachable_server_is_one_chinese_line_without_the_password(pg_server):
    url = "postgresql://fupin:topsecret@127.0.0.1:1/nowhere"
    with pytest.raises(db.DatabaseUnavailable, match="无法连接 PostgreSQL") as caught:
        db.connect(url)
    assert "topsecret" not in str(caught.value) and "***" in str(caught.value)
    result = fupin("kpi", "--year", "2017", "--db", url)
    assert result.returncode == 2 and "无法连接" in result.stderr and "Traceback" not in result.stderr
    assert "topsecret" not in result.stderr


def test_missing_extension_package_says_what_to_install(monkeypatch):
    monkeypatch.setattr(db.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(db.DatabaseUnavailable, match=r"fupin\[postgres\]"):
        db.connect("postgresql://a:b@127.0.0.1:1/d")


def test_extension_is_loaded_from_the_pinned_package_offline():
    path = db.postgres_extension_path()
    assert path.is_file() and f"v{duckdb.__version__}" in path.parts
    con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": "false", "autoload_known_extensions": "false"})
    con.execute(f"LOAD '{path}'")
    loaded = con.execute("SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'postgres_scanner'").fetchone()
    assert loaded == (True,)


def test_cli_works_while_a_replica_holds_a_connection(pg_url, tmp_path):
    """Unlike an embedded DuckDB file, PostgreSQL has no file lock: the CLI reads and writes while
    the app (here: a connection in this process) stays connected."""
    assert fupin("init", "--sample", "--db", pg_url).returncode == 0
    replica = db.connect(pg_url)
    try:
        replica.execute("SELECT count(*) FROM batches").fetchone()
        kpis = fupin("kpi", "--year", "2017", "--json", "--db", pg_url)
        assert kpis.returncode == 0, kpis.stderr
        assert json.loads(kpis.stdout)["households_registered"] == 28530
        added = fupin("user", "add", "clerk", "--role", "viewer", "--db", pg_url, stdin="测试密码-2017\n测试密码-2017\n")
        assert added.returncode == 0, added.stderr
        assert replica.execute("SELECT count(*) FROM users WHERE username = 'clerk'").fetchone()[0] == 1
        again = fupin("init", "--sample", "--if-missing", "--db", pg_url)
        assert again.returncode == 0 and "未做改动" in again.stdout and "fupin-test" not in again.stdout
    finally:
        replica.close()


def test_selective_reads_switch_postgres_to_one_scan_on_this_cursor_only(fresh_con):
    """db.selective_reads: on PostgreSQL, ctid-range scans are off inside the block, for the cursor
    given only, and on again after it (also after an error); on DuckDB it changes nothing."""
    if db.backend_of(fresh_con) != "postgres":
        with db.selective_reads(fresh_con):
            assert fresh_con.execute("SELECT count(*) FROM batches").fetchone()[0] == 0
        return

    def ctid(con) -> bool:
        return con.execute("SELECT current_setting('pg_use_ctid_scan')").fetchone()[0]

    with fresh_con.cursor() as cur, fresh_con.cursor() as other:
        with db.selective_reads(cur):
            assert ctid(cur) is False and ctid(other) is True
        assert ctid(cur) is True
        with pytest.raises(ZeroDivisionError), db.selective_reads(cur):
            raise ZeroDivisionError
        assert ctid(cur) is True
