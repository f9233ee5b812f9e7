"""Benchmark: the per-version household summaries (fupin_core.metrics.summaries, issue 18).

On a writable copy of the benchmark sample (benchmarks/out/sample_x{scale}.duckdb, migrated), for
each year: the one-off build of the year's summary (what the first open after a commit or rollback
pays, once for every session), then `indicators.values` and the other summary-backed functions read
from it, beside the same calls computed from the rows (`summaries.disabled()`) — medians, same
process, same run. The figures are checked equal first.

    .venv/bin/python benchmarks/bench_summaries.py [--scales 1 100] [--runs 5] [--years 2015 2016 2017 2018 2019]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import OUT, build  # noqa: E402
from fupin_core.metrics import Scope, drilldown, indicators, linkage, overview, summaries  # noqa: E402
from fupin_core.storage import schema  # noqa: E402

TOWNSHIP = "611002111"  # 牧护关镇 of the first district


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def frames_equal(a, b) -> bool:
    return a == b if isinstance(a, dict) else a.equals(b) and a.schema == b.schema


CALLS = {
    "indicators.values": indicators.values,
    "overview.township_breakdown": overview.township_breakdown,
    "overview.coverage_gap_by_village": overview.coverage_gap_by_village,
    "linkage.summary": linkage.summary,
    "linkage.income_by_township": linkage.income_by_township,
    "linkage.income_bands": linkage.income_bands,
    "linkage.below_poverty_line, first 500": lambda con, scope: linkage.below_poverty_line(con, scope, limit=500),
    "overview.coverage_gap, first 500": lambda con, scope: overview.coverage_gap(con, scope, limit=500),
    "drilldown.villages": drilldown.villages,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--years", type=int, nargs="+", default=[2017])
    args = parser.parse_args()
    for scale in args.scales:
        path = OUT / f"summaries_x{scale}.duckdb"
        shutil.copy(build(scale, rebuild=False), path)
        con = duckdb.connect(str(path))
        con.execute("SET enable_progress_bar = false")
        schema.migrate(con)
        for year in args.years:
            started = time.perf_counter()
            assert summaries.relation_of_year(con, year) is not None, "the summary could not be built"
            built = time.perf_counter() - started
            print(f"scale {scale:>3}, {year}: summary built in {built * 1000:8.1f} ms (once per data version and year)")
            for place, scope in (("全区", Scope.of(year)), ("牧护关镇", Scope.of(year, TOWNSHIP))):
                for name, fn in CALLS.items():
                    with summaries.disabled():
                        expected = fn(con, scope)
                    assert frames_equal(fn(con, scope), expected), f"{name}: the summary and the rows disagree"
                    t_summary = median_time(lambda fn=fn, scope=scope, con=con: fn(con, scope), args.runs)
                    with summaries.disabled():
                        t_rows = median_time(lambda fn=fn, scope=scope, con=con: fn(con, scope), args.runs)
                    print(
                        f"scale {scale:>3}, {year}, {place}: {name:<34} from summary {t_summary * 1000:8.1f} ms "
                        f"| from rows {t_rows * 1000:8.1f} ms | {t_rows / t_summary:5.1f}×"
                    )
        con.close()
        path.unlink()


if __name__ == "__main__":
    main()
