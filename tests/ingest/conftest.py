"""Ingest fixtures: the tiny database as a file (the CLI opens files), copied fresh for each test."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from fupin_core import cli
from tests import tiny_data


@pytest.fixture(scope="session")
def tiny_db_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    con = duckdb.connect(str(path))
    tiny_data.build(con)
    con.close()
    return path


@pytest.fixture
def tiny_db(tiny_db_file, tmp_path):
    path = tmp_path / "db.duckdb"
    shutil.copy(tiny_db_file, path)
    return path


def run_cli(capsys, *args) -> tuple[int, str, str]:
    """`fupin ARGS` in this process: (exit status, stdout, stderr)."""
    status = cli.main([str(a) for a in args])
    out = capsys.readouterr()
    return status, out.out, out.err


def import_json(capsys, db_path, dataset: str, file_path, *extra) -> tuple[int, dict]:
    status, out, err = run_cli(capsys, "import", dataset, file_path, "--db", db_path, "--json", *extra)
    assert "Traceback" not in out + err
    return status, json.loads(out)


def table_state(db_path) -> dict[str, int]:
    """Row counts of batches, stored files and every dataset table (history and current)."""
    from fupin_core.catalog import DATASETS

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        names = ["batches", "stored_files", *[t for ds in DATASETS for t in (ds.table, ds.history_table)]]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()
