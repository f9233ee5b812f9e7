"""Benchmark of the upload pipeline: a 100,000-row linkage xlsx and a 1,000,000-row linkage CSV through
the import service that `fupin import` and the 数据上报 page use (fupin_core.ingest.imports: dry run =
read, header, mapping, normalise, validate, classify, upload audit entry; then commit as one batch and
its audit entry), beside a raw DuckDB read_csv + INSERT of the same CSV, run alternately (pipeline, raw,
pipeline, raw, …) so that both see the same load. Prints medians, the ratio pair by pair, and the
median seconds of every stage.

    .venv/bin/python benchmarks/bench_ingest.py [--runs 3] [--csv-rows 1000000] [--xlsx-rows 100000] [--skip-xlsx]

Files and the scale-1 sample database are built into benchmarks/out/ (git-ignored) and reused.
`--code DIR` imports fupin_core from another checkout (e.g. `git archive` of an older commit) to
measure it with the same files and database, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import xlsxwriter

CODE = Path(sys.argv[sys.argv.index("--code") + 1]).resolve() if "--code" in sys.argv else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(CODE))

from fupin_core.catalog import dataset  # noqa: E402
from fupin_core.ingest import imports, sample  # noqa: E402
from fupin_core.security import access  # noqa: E402
from fupin_core.storage import schema  # noqa: E402
from fupin_core.storage.handle import Store  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
# The 1M-row CSV (52.7 MiB) is over the default 50 MB upload limit; the limit is not what is measured.
os.environ.setdefault("FUPIN_MAX_UPLOAD_MB", "200")
LINKAGES = dataset("linkages")


def base_db() -> Path:
    path = OUT / "ingest_base_x1.duckdb"
    cached = path.exists()
    con = duckdb.connect(str(path))
    try:
        if cached:
            schema.migrate(con)  # it may have been built by an older version of the code
        else:
            sample.load_sample(con, scale=1)
    finally:
        con.close()
    return path


def linkage_rows(con: duckdb.DuckDBPyConnection, n: int) -> pl.DataFrame:
    """n linkage rows with distinct keys, for existing households and projects (years 2018–2035)."""
    homes = pl.Series([r[0] for r in con.execute("SELECT household_id FROM households ORDER BY 1").fetchall()])
    projects = pl.Series([r[0] for r in con.execute("SELECT project_id FROM projects ORDER BY 1").fetchall()])
    mechanisms = pl.Series(["分红", "务工", "土地流转", "订单收购", "公益岗位", "菌袋发放", "其他"])
    i = pl.int_range(0, n, eager=True)
    assert n <= len(homes) * len(mechanisms) * 18
    return pl.DataFrame(
        {
            "户编号": homes[i % len(homes)],
            "项目编号": projects[i % len(projects)],
            "联结方式": mechanisms[(i // len(homes)) % len(mechanisms)],
            "细分类型": pl.Series([None] * n, dtype=pl.String),
            "年度": 2018 + (i // (len(homes) * len(mechanisms))) % 18,
            "收益金额(元)": (100 + (i * 37) % 5000).cast(pl.Float64) + 0.5,
        }
    )


def write_files(csv_rows: int, xlsx_rows: int) -> tuple[Path, Path]:
    csv_path, xlsx_path = OUT / f"linkages_{csv_rows}.csv", OUT / f"linkages_{xlsx_rows}.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    con = duckdb.connect(str(base_db()), read_only=True)
    rows = linkage_rows(con, max(csv_rows, xlsx_rows))
    con.close()
    rows.head(csv_rows).write_csv(csv_path)
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("利益联结")
    sheet.write_row(0, 0, rows.columns)
    for r, values in enumerate(rows.head(xlsx_rows).iter_rows(), start=1):
        for c, value in enumerate(values):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return csv_path, xlsx_path


def fresh_copy() -> Path:
    path = OUT / "ingest_run.duckdb"
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    shutil.copy(base_db(), path)
    return path


def through_pipeline(path: Path, stages: dict) -> tuple[float, float, int, float]:
    """(dry-run seconds, commit seconds, rows written, CPU seconds of both) through the import service on
    a fresh copy of the sample database; `stages` collects the seconds of each stage the code reports."""
    opened = Store.open(str(fresh_copy()))
    data = path.read_bytes()
    actor, options = access.local_admin(), imports.ImportOptions()
    try:
        cpu = time.process_time()
        started = time.perf_counter()
        preview = imports.check_file(opened, actor, LINKAGES, path.name, data, options)
        dry = time.perf_counter() - started
        assert preview.errors.is_empty(), preview.errors.head()
        started = time.perf_counter()
        outcome = imports.commit_checked(opened, actor, preview, partial=False)
        commit = time.perf_counter() - started
        cpu = time.process_time() - cpu
    finally:
        opened.close()
    for part in (getattr(preview, "timings", {}), getattr(outcome, "timings", {})):  # older code reports none
        for name, seconds in part.items():
            stages.setdefault(name, []).append(seconds)
    return dry, commit, outcome.rows_written, cpu


def raw_load(path: Path) -> tuple[float, float]:
    """(seconds, CPU seconds) of DuckDB's own read_csv straight into the current linkages table: no
    checks, no versions."""
    con = duckdb.connect(str(fresh_copy()))
    # The file's columns only: an optional column it lacks (资产编号) stays empty, as the import leaves it.
    with open(path, encoding="utf-8") as file:
        header = file.readline().rstrip("\n").split(",")
    present = [c for c in LINKAGES.columns if c.header in header]
    cols = ", ".join(f'"{c.header}"' for c in present)
    cpu = time.process_time()
    started = time.perf_counter()
    con.execute(
        f"INSERT INTO linkages ({', '.join(c.name for c in present)}, batch_id) SELECT {cols}, 0 FROM read_csv(?, header = true)",
        [str(path)],
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return elapsed, cpu


def raw_excel_load(path: Path) -> tuple[float, float]:
    """calamine read of the xlsx (polars.read_excel) + INSERT: the floor for an Excel upload."""
    con = duckdb.connect(str(fresh_copy()))
    cpu = time.process_time()
    started = time.perf_counter()
    frame = pl.read_excel(path, engine="calamine")
    con.register("frame", frame.to_arrow())
    present = [c for c in LINKAGES.columns if c.header in frame.columns]
    cols = ", ".join(f'"{c.header}"' for c in present)
    con.execute(f"INSERT INTO linkages ({', '.join(c.name for c in present)}, batch_id) SELECT {cols}, 0 FROM frame")
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    con.close()
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--code", help="checkout whose fupin_core is measured (default: this one)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; code: {CODE}"
    )
    csv_path, xlsx_path = write_files(args.csv_rows, args.xlsx_rows)
    cases = [("CSV", csv_path, raw_load)] + ([] if args.skip_xlsx else [("xlsx", xlsx_path, raw_excel_load)])
    for label, path, raw in cases:
        stages: dict[str, list[float]] = {}
        through_pipeline(path, {})  # warm-up: first imports of pyarrow/pandas by DuckDB, file cache
        runs = []
        for _ in range(args.runs):
            dry, commit, written, cpu = through_pipeline(path, stages)
            runs.append((dry, commit, *raw(path), cpu))
        dry, commit, floor = (statistics.median(r[i] for r in runs) for i in range(3))
        ratio = statistics.median((d + c) / f for d, c, f, _fc, _pc in runs)
        cpu_ratio = statistics.median(pc / fc for _d, _c, _f, fc, pc in runs)
        print(
            f"{label:>4} {path.stat().st_size / 2**20:6.1f} MiB, {int(written):,} rows: dry run {dry:6.2f} s + commit {commit:6.2f} s "
            f"= {dry + commit:6.2f} s | raw load {floor:6.2f} s | ratio {ratio:5.2f} (pair by pair; dry run alone {dry / floor:4.2f}; "
            f"CPU time {cpu_ratio:4.2f})"
        )
        print("      runs (dry, commit, raw; CPU raw, CPU pipeline): " + "; ".join(" ".join(f"{x:.2f}" for x in r) for r in runs))
        if stages:
            print("      stages: " + ", ".join(f"{name} {statistics.median(times):.2f} s" for name, times in stages.items()))


if __name__ == "__main__":
    main()
