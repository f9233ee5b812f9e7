"""Shared fixtures: a fresh empty store, the hand-made tiny database and the scale-1 sample.

fresh_con, tiny_con and sample_con take a `backend` parameter: the fupin_core suite (test modules in
tests/ and in BOTH_BACKENDS) runs on embedded DuckDB and on PostgreSQL (the server named by
FUPIN_TEST_PG, see tests/pg_databases.py; without it the postgres variants fail); app, browser and
chart tests run on DuckDB only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from fupin_core.ingest import sample
from fupin_core.storage import db, schema
from tests import pg_databases, tiny_data

TESTS_DIR = Path(__file__).resolve().parent
BACKENDS = ("duckdb", "postgres")
BOTH_BACKENDS = ("metrics", "ingest", "reports", "auth")


def backends_for(test_file: Path) -> tuple[str, ...]:
    parts = Path(test_file).resolve().relative_to(TESTS_DIR).parts
    return BACKENDS if len(parts) == 1 or parts[0] in BOTH_BACKENDS else ("duckdb",)


def pytest_generate_tests(metafunc):
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends_for(metafunc.definition.path), scope="session")


@pytest.fixture(scope="session")
def backend():
    """For a test that asks for a store fixture by name at run time (request.getfixturevalue) and so
    is not parametrised: embedded DuckDB."""
    return "duckdb"


@pytest.fixture(scope="session")
def pg_server():
    server = pg_databases.PgServer(pg_databases.server_url())
    yield server
    server.close()


@contextmanager
def new_store(backend: str, request, kind: str, build: Callable) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a store made by `build(con)`: in memory (duckdb), or a per-test copy of a
    database built once per session (postgres), dropped afterwards."""
    if backend == "duckdb":
        con = duckdb.connect(":memory:")
        try:
            build(con)
            yield con
        finally:
            con.close()
        return
    pg = request.getfixturevalue("pg_server")
    with pg.database(kind, pg.template(kind, build)) as url:
        con = db.connect(url)
        try:
            yield con
        finally:
            con.close()


@pytest.fixture
def fresh_con(backend, request):
    with new_store(backend, request, "fresh", schema.migrate) as con:
        yield con


@pytest.fixture
def tiny_con(backend, request):
    with new_store(backend, request, "tiny", tiny_data.build) as con:
        yield con


@pytest.fixture(scope="session")
def sample_db_path(tmp_path_factory):
    """A scale-1 sample database file, built once per test session; open it read-only."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = duckdb.connect(str(path))
    sample.load_sample(con)
    con.close()
    return path


@pytest.fixture(scope="session")
def sample_con(backend, request):
    """The scale-1 sample, read-only, on `backend`."""
    if backend == "duckdb":
        con = duckdb.connect(str(request.getfixturevalue("sample_db_path")), read_only=True)
        yield con
        con.close()
        return
    pg = request.getfixturevalue("pg_server")
    with pg.database("sample", pg.template("sample", sample.load_sample)) as url:
        con = db.connect(url, read_only=True)
        yield con
        con.close()
