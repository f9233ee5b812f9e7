"""Shared fixtures: a fresh empty store, the hand-made tiny database and the scale-1 sample."""

from __future__ import annotations

import duckdb
import pytest

from fupin_core import sample, schema
from tests import tiny_data


@pytest.fixture
def fresh_con():
    con = duckdb.connect(":memory:")
    schema.migrate(con)
    yield con
    con.close()


@pytest.fixture
def tiny_con():
    con = duckdb.connect(":memory:")
    tiny_data.build(con)
    yield con
    con.close()


@pytest.fixture(scope="session")
def sample_db_path(tmp_path_factory):
    """A scale-1 sample database file, built once per test session; open it read-only."""
    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    con = duckdb.connect(str(path))
    sample.load_sample(con)
    con.close()
    return path


@pytest.fixture(scope="session")
def sample_con(sample_db_path):
    con = duckdb.connect(str(sample_db_path), read_only=True)
    yield con
    con.close()
