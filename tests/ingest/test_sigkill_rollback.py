"""A rollback killed with SIGKILL at a random moment leaves the batch history true.

After each kill the store is opened again (as the app opens it) and must show one of two states:
the batch 已回滚 with none of its rows current, or 已导入 with all of them, every KPI agreeing with
that state; and a batch still 已导入 can then be rolled back. On DuckDB the crash repair
(fupin_core.storage.recovery) sees to it when DuckDB replays part of a cut-short write-ahead log; on
PostgreSQL the rollback is one transaction, which the server aborts when its client dies, so the
repair finds nothing to do there (checked too).

The kill moments are random: the seed is printed, and FUPIN_KILL_SEED=<seed> repeats them.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pytest

from fupin_core.metrics import linkage
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.scope import Scope
from fupin_core.storage import db, recovery, store
from tests import tiny_data

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 20_000
# Rows of linkages the rolled-back batch writes (half updates of an earlier batch, half new keys).
# Smaller on PostgreSQL, where every write crosses the wire: it proves atomicity, not speed.
BATCH_ROWS = {"duckdb": 200_000, "postgres": 10_000}
RUNS = {"duckdb": 10, "postgres": 5}
# Kill moments are spread from at once to a little after the rollback would have ended.
SPREAD = 1.3
YEARS = (2019, 2020)


def _linkages(first: int, count: int, year: int, extra_income: int) -> pl.DataFrame:
    m = pl.int_range(first, first + count, eager=True)
    return pl.DataFrame({
        "household_id": "K" + (m % HOUSEHOLDS).cast(pl.String).str.zfill(6),
        "project_id": "P" + (1 + (m // HOUSEHOLDS) % 5).cast(pl.String),
        "mechanism": pl.Series(["务工", "分红"])[(m // (HOUSEHOLDS * 5)) % 2],
        "sub_type": pl.Series([None] * count, dtype=pl.String),
        "year": year,
        "income_yuan": (100 + m % 900 + extra_income).cast(pl.Float64),
    })  # fmt: skip


def build(con, batch_rows: int) -> None:
    """The tiny database, 20,000 more households, a linkage batch of `batch_rows` rows for 2020, then
    the batch to roll back: half of those rows with more income, and as many new rows for 2019."""
    tiny_data.build(con)
    households = pl.DataFrame({
        "household_id": [f"K{i:06d}" for i in range(HOUSEHOLDS)], "head_name": "某", "head_id_number": "611002198001010000",
        "village_code": tiny_data.V2, "family_size": 3, "household_kind": "一般贫困户", "main_cause": None,
        "identified_year": 2016, "exit_year": None,
    }, schema_overrides={"main_cause": pl.String, "exit_year": pl.Int64})  # fmt: skip
    store.commit_rows(con, "households", households, user="测试")
    store.commit_rows(con, "linkages", _linkages(0, batch_rows, 2020, 0), user="测试")
    half = batch_rows // 2
    rows = pl.concat([_linkages(half, half, 2020, 7), _linkages(0, half, 2019, 0)])
    store.commit_rows(con, "linkages", rows, user="录入员", file_name="联结.csv", sha256="e" * 64, file_bytes=b"csv")


def _figures(con, batch_id: int) -> tuple[tuple, tuple]:
    """(the batch row as 上传记录 shows it, what every reader sees: its current rows, the linkage
    table's totals and the KPIs of the years it touched)."""
    status, rolled_at, rolled_by = con.execute(
        "SELECT status, rolled_back_at, rolled_back_by FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchone()
    data = (
        # Rows of the batch, all rows, income, and a fingerprint of every current row with its batch id.
        con.execute(
            """SELECT count(*) FILTER (WHERE batch_id = ?), count(*), sum(income_yuan),
                      sum(hash(household_id, project_id, mechanism, year, income_yuan, batch_id)::HUGEINT)
               FROM linkages""",
            [batch_id],
        ).fetchone(),
        *(overview_kpis(con, Scope.of(year)) for year in YEARS),
        *(linkage.summary(con, Scope.of(year)) for year in YEARS),
    )
    return (status, rolled_at is not None, rolled_by), data


@pytest.fixture(scope="module")
def duckdb_base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rollback_kill") / "base.duckdb"
    con = db.connect(str(path))
    build(con, BATCH_ROWS["duckdb"])
    con.close()
    return path


@pytest.fixture
def fresh_copy(backend, request, tmp_path):
    """A context manager giving the URL of a new copy of the store with the batch to roll back."""
    if backend == "duckdb":
        base = request.getfixturevalue("duckdb_base")
        copies = iter(range(1000))

        @contextmanager
        def copy():
            # A folder of its own per copy: a killed run may leave .wal.checkpoint files behind.
            path = tmp_path / f"run{next(copies)}" / "store.duckdb"
            path.parent.mkdir()
            shutil.copy(base, path)
            yield str(path)

        return copy
    pg = request.getfixturevalue("pg_server")
    template = pg.template("rollback_kill", lambda con: build(con, BATCH_ROWS["postgres"]))
    return lambda: pg.database("rollback_kill", template)


def _start_child(url: str, batch_id: int) -> tuple[subprocess.Popen, float]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.ingest.sigkill_rollback_child", url, str(batch_id)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "ROLLING BACK"
    return child, time.monotonic()


def _wal_of(url: str) -> Path | None:
    return None if url.startswith(db.POSTGRES_SCHEMES) else Path(url + ".wal")


def _watch_wal(wal: Path | None, child: subprocess.Popen, started: float, *, first_sight: bool = False) -> tuple[float, ...] | None:
    """Poll until the child ends (or, with `first_sight`, the log appears). Seconds after `started`:
    when the rollback's commit began writing the write-ahead log, when the log last grew, and when
    it was gone again (checkpointed); None if no log was seen (PostgreSQL)."""
    appeared = grown = gone = None
    size = -1
    while child.poll() is None and not (first_sight and appeared is not None):
        now = time.monotonic() - started
        current = wal.stat().st_size if wal is not None and wal.exists() else None
        if current is not None:
            appeared = now if appeared is None else appeared
            if current != size:
                size, grown = current, now
        elif appeared is not None and gone is None:
            gone = now
        time.sleep(0.001)
    if appeared is None:
        return None
    end = time.monotonic() - started
    return appeared, grown or end, gone or end


def test_sigkill_during_rollback_leaves_the_batch_history_true(backend, fresh_copy, caplog):
    seed = int(os.environ.get("FUPIN_KILL_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    caplog.set_level(logging.WARNING, logger=db.logger.name)

    # One undisturbed rollback: the two states a killed one may leave, and how long it takes.
    with fresh_copy() as url:
        con = db.connect(url)
        (batch_id,) = con.execute("SELECT max(batch_id) FROM batches").fetchone()
        imported = _figures(con, batch_id)
        con.close()
        child, started = _start_child(url, batch_id)
        log_times = _watch_wal(_wal_of(url), child, started)
        assert child.stdout.readline().strip() == "DONE"
        rollback_seconds = time.monotonic() - started
        assert child.wait() == 0
        con = db.connect(url)
        rolled_back = _figures(con, batch_id)
        con.close()
    assert imported[0] == ("committed", False, None) and imported[1][0][0] == BATCH_ROWS[backend]
    assert rolled_back[0] == ("rolled_back", True, "测试") and rolled_back[1][0][0] == 0
    assert imported[1] != rolled_back[1]
    # The kills that can tear the log land while DuckDB writes it (a few tens of milliseconds near the
    # end) or checkpoints it into the file: on DuckDB every other run aims at one of those windows,
    # a random moment after the log appeared (the rest spread over the whole rollback).
    windows = None
    if log_times is not None:
        appeared, grown, gone = log_times
        windows = {"writing the log": (0.0, (grown - appeared) * SPREAD), "checkpointing it": (grown - appeared, gone - appeared)}

    outcomes = []
    for run in range(RUNS[backend]):
        window = None if windows is None or run % 2 == 0 else list(windows)[run // 2 % 2]
        # One random moment per slice of the rollback's time; the first run kills at once.
        slice_moment = rollback_seconds * SPREAD * (run + rng.random()) / RUNS[backend] if run else 0.0
        log_moment = rng.uniform(*windows[window]) if window else 0.0
        caplog.clear()
        with fresh_copy() as url:
            child, started = _start_child(url, batch_id)
            if window:
                appeared = _watch_wal(_wal_of(url), child, started, first_sight=True)
                appeared = appeared[0] if appeared is not None else time.monotonic() - started
                time.sleep(max(0.0, appeared + log_moment - (time.monotonic() - started)))
                where = f"{log_moment * 1000:.0f} ms after the log appeared ({window})"
            else:
                time.sleep(slice_moment)
                where = f"{slice_moment:.2f} s into a {rollback_seconds:.2f} s rollback"
            child.send_signal(signal.SIGKILL)  # nothing if it has already ended
            child.wait()
            where = f"seed {seed}, run {run}, killed {where}"
            con = db.connect(url)  # as the app opens it: on DuckDB, WAL replay and then the repair
            try:
                state = _figures(con, batch_id)
                repairs = [r.getMessage() for r in caplog.records]
                assert state in (imported, rolled_back), (where, state[0], repairs)
                if backend == "postgres":  # one transaction: nothing torn, the repair has nothing to do
                    assert recovery.repair(con) == [], where
                if state == imported:  # still 已导入: it can be rolled back, to the same figures
                    store.rollback_batch(con, batch_id, user="测试")
                    assert _figures(con, batch_id) == rolled_back, where
            finally:
                con.close()
        outcome = "rolled back" if state == rolled_back else "imported"
        outcomes.append(f"{outcome} ({where.split('killed ')[1]}{'; repaired: ' + ' / '.join(repairs) if repairs else ''})")
    print(f"\n{backend}: seed {seed}, rollback {rollback_seconds:.2f} s, log (appeared, last grew, gone): {log_times}")
    print("\n".join(outcomes))
    assert outcomes[0].startswith("imported"), outcomes  # killed at once: nothing rolled back
