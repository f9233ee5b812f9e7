"""Benchmark: the crash repair (fupin_core.storage.recovery.repair), which runs when a DuckDB file is opened
with its write-ahead log still there (only after a crash), at sample scale 1 (and 100 if asked).

    .venv/bin/python benchmarks/bench_recovery.py [--scales 1] [--runs 7]

Medians after one warm-up run, each on its own copy of benchmarks/out/sample_x{scale}.duckdb (made
by benchmarks/bench.py when missing):
- consistent: the whole repair of a store with nothing to repair (what every open after a crash pays);
- added checks: the checks issue 20 added, alone (batch rows a rollback wrote only in part, stored
  files no batch names, the newest batch's own file), in a transaction that is rolled back;
- torn rollback: the repair of a store where the largest batch is recorded 已回滚 in full but all of
  its rows are still current (its table is rebuilt and the rollback completed).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import build  # noqa: E402
from fupin_core.catalog import dataset  # noqa: E402
from fupin_core.storage import recovery  # noqa: E402


def _added_checks(con: duckdb.DuckDBPyConnection) -> None:
    newest, newest_dataset = recovery._newest_batch(con)
    con.execute("BEGIN TRANSACTION")
    try:
        recovery._settle_torn_rollbacks(con)
        recovery._remove_orphan_files(con)
        recovery._newest_is_incomplete(con, dataset(newest_dataset), newest)  # its stored-file part is the new one
    finally:
        con.execute("ROLLBACK")


def _tear_largest_rollback(con: duckdb.DuckDBPyConnection) -> int:
    (batch_id,) = con.execute("SELECT batch_id FROM batches ORDER BY rows_new + rows_updated DESC LIMIT 1").fetchone()
    con.execute(
        "UPDATE batches SET status = 'rolled_back', rolled_back_at = current_timestamp, rolled_back_by = '基准' WHERE batch_id = ?",
        [batch_id],
    )
    return batch_id


def _timed_on_copies(source: Path, runs: int, prepare, measure) -> tuple[float, float, object]:
    """Median and fastest seconds of `measure(con)` over `runs` runs (after a warm-up), each on a
    fresh copy of `source` changed by `prepare(con)`; also the last result. The fastest run is the
    better guide on a machine shared with other work."""
    times, result = [], None
    with tempfile.TemporaryDirectory() as folder:
        for run in range(runs + 1):
            copy = Path(folder) / f"run{run}.duckdb"
            shutil.copy(source, copy)
            con = duckdb.connect(str(copy))
            try:
                prepare(con)
                started = time.perf_counter()
                result = measure(con)
                if run:
                    times.append(time.perf_counter() - started)
            finally:
                con.close()
            copy.unlink()
    return statistics.median(times), min(times), result


def bench_scale(scale: int, runs: int) -> None:
    source = build(scale, rebuild=False)
    *consistent, found = _timed_on_copies(source, runs, lambda con: None, recovery.repair)
    assert found == [], found
    *added, _ = _timed_on_copies(source, runs, lambda con: None, _added_checks)
    *torn, found = _timed_on_copies(source, runs, _tear_largest_rollback, recovery.repair)
    assert any("已补全回滚" in line for line in found), found
    print(
        f"scale {scale:>3} (median / fastest of {runs}): consistent {consistent[0]:.2f} / {consistent[1]:.2f} s | "
        f"added checks {added[0] * 1000:.0f} / {added[1] * 1000:.0f} ms | "
        f"torn rollback of the largest batch {torn[0]:.2f} / {torn[1]:.2f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    for scale in args.scales:
        bench_scale(scale, args.runs)


if __name__ == "__main__":
    main()
