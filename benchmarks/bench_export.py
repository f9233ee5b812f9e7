"""Benchmark: the summary export (fupin_core.reports.summary) at sample scale 1 and 100 (≈ a province),
year 2017, in one Python process: the queries behind all sheets (`summary.collect`), the xlsx of all
sheets for the whole area and for one 镇办, the docx report and the KPI CSV. Medians after one
warm-up run; prints the xlsx size and the data rows written.

    .venv/bin/python benchmarks/bench_export.py [--scales 1 100] [--runs 7 3] [--skip-docx]

`--runs` gives the run count per scale (the last one repeats). Uses the databases of
benchmarks/bench.py (benchmarks/out/sample_x{scale}.duckdb), opened read-only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench import build, median_time  # noqa: E402
from fupin_core.metrics import Scope  # noqa: E402
from fupin_core.reports import summary  # noqa: E402

YEAR = 2017
TOWNSHIP = "611002111"  # the 镇办 benchmarks/bench.py times (牧护关镇 in the first district)


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def bench_scale(scale: int, runs: int, docx: bool) -> None:
    con = duckdb.connect(str(build(scale, rebuild=False)), read_only=True)
    try:
        whole, town = Scope.of(YEAR), Scope.of(YEAR, TOWNSHIP)
        collected = summary.collect(con, whole)
        rows = sum(f.frame.height for _, filled in collected.sheets for f in filled)  # data rows, not 合计
        size = len(summary.workbook_bytes(con, whole))
        times = {
            "queries (all sheets)": median_time(lambda: summary.collect(con, whole), runs),
            "xlsx, all sheets": median_time(lambda: summary.workbook_bytes(con, whole), runs),
            "xlsx, one 镇办": median_time(lambda: summary.workbook_bytes(con, town), runs),
        }
        if docx:
            times["docx"] = median_time(lambda: summary.report_bytes(con, whole), runs)
        times["csv (KPI table)"] = median_time(lambda: summary.kpi_csv_bytes(con, whole), runs)
    finally:
        con.close()
    shown = " | ".join(f"{name} {_seconds(t)}" for name, t in times.items())
    print(f"scale {scale:>3} (median of {runs}): {shown} | xlsx {size / 1024:,.0f} KB | rows written {rows:,}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--runs", type=int, nargs="+", default=[7, 3])
    parser.add_argument("--skip-docx", action="store_true")
    args = parser.parse_args()
    for i, scale in enumerate(args.scales):
        bench_scale(scale, args.runs[min(i, len(args.runs) - 1)], not args.skip_docx)


if __name__ == "__main__":
    main()
