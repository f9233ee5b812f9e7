"""An import killed with SIGKILL in the middle of its commit leaves all of the batch or none of it,
its stored original file included (no file of a batch that did not survive)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from fupin_core.storage import db, store
from tests import tiny_data

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 20_000
LINK_ROWS = 200_000
RUNS = 12


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The tiny database plus 20,000 households, and a 200,000-row linkage file for them."""
    folder = tmp_path_factory.mktemp("sigkill")
    path = folder / "base.duckdb"
    con = duckdb.connect(str(path))
    tiny_data.build(con)
    ids = [f"K{i:06d}" for i in range(HOUSEHOLDS)]
    households = pl.DataFrame({
        "household_id": ids, "head_name": "某", "head_id_number": "611002198001010000", "village_code": tiny_data.V2,
        "family_size": 3, "household_kind": "一般贫困户", "main_cause": None, "identified_year": 2016, "exit_year": None,
    }, schema_overrides={"main_cause": pl.String, "exit_year": pl.Int64})  # fmt: skip
    store.commit_rows(con, "households", households, user="测试")
    con.close()
    n = pl.int_range(0, LINK_ROWS, eager=True)
    links = pl.DataFrame({
        "户编号": ("K" + (n % HOUSEHOLDS).cast(pl.String).str.zfill(6)),
        "项目编号": "P" + (1 + (n // HOUSEHOLDS) % 5).cast(pl.String),
        "联结方式": pl.Series(["务工", "分红"])[(n // (HOUSEHOLDS * 5)) % 2],
        "细分类型": None,
        "年度": 2020,
        "收益金额(元)": 100 + n % 900,
    })  # fmt: skip
    csv_path = folder / "big_linkages.csv"
    links.write_csv(csv_path)
    return path, csv_path


def _state(path: Path) -> tuple[int, ...]:
    """(batches, history rows of committed batches, history rows of no batch, current rows, stored
    original files, stored files no batch names)."""
    con = db.connect(str(path))  # as the app opens it: replays the WAL, then repairs a torn commit
    try:
        return con.execute(
            """SELECT (SELECT count(*) FROM batches),
                      (SELECT count(*) FROM linkages_history h JOIN batches b USING (batch_id)),
                      (SELECT count(*) FROM linkages_history h WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.batch_id = h.batch_id)),
                      (SELECT count(*) FROM linkages),
                      (SELECT count(*) FROM stored_files),
                      (SELECT count(*) FROM stored_files f WHERE NOT EXISTS (SELECT 1 FROM batches b WHERE b.sha256 = f.sha256))"""
        ).fetchone()
    finally:
        con.close()


def _child(db: Path, csv_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ingest.sigkill_child", str(db), str(csv_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def test_sigkill_during_commit_leaves_all_or_nothing(base, tmp_path):
    base_path, csv_path = base
    before = _state(base_path)
    # One undisturbed run measures how long the commit takes.
    db = tmp_path / "run.duckdb"
    shutil.copy(base_path, db)
    child = _child(db, csv_path)
    assert child.stdout.readline().strip() == "COMMITTING"
    started = time.monotonic()
    assert child.stdout.readline().startswith("DONE")
    commit_seconds = time.monotonic() - started
    assert child.wait() == 0
    full = _state(db)
    # The import keeps its original file with the batch; a killed one must not leave it without one.
    assert full == (before[0] + 1, before[1] + LINK_ROWS, 0, before[3] + LINK_ROWS, before[4] + 1, 0)

    outcomes = []
    for run in range(RUNS):
        # A folder of its own per run: a killed run can leave .wal.checkpoint / .wal.recovery files
        # beside its database, which must not be replayed into the next run's fresh copy.
        db = tmp_path / f"run{run}" / "run.duckdb"
        db.parent.mkdir()
        shutil.copy(base_path, db)
        child = _child(db, csv_path)
        assert child.stdout.readline().strip() == "COMMITTING"
        time.sleep(commit_seconds * run / (RUNS - 2))  # from at once to a little after the commit would end
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        state = _state(db)
        assert state in (before, full), (run, state)
        outcomes.append(state == full)
    assert not outcomes[0]  # killed at once: nothing
    print(f"commit {commit_seconds:.2f} s; whole batch after kill: {outcomes}")
    assert len(outcomes) >= 10
