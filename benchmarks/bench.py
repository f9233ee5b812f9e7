"""Benchmark: the 总览 KPI set (fupin_core.metrics.overview.overview_kpis) beside the same KPIs as one
hand-written DuckDB query, at sample scale 1 and 100 (≈ a province). Prints medians and the ratio.

    .venv/bin/python benchmarks/bench.py [--scales 1 100] [--runs 7] [--rebuild] [--postgres URL]

Databases are built once into benchmarks/out/ (git-ignored) and reused. With --postgres (default:
the FUPIN_TEST_PG environment variable; `make bench` starts a throwaway server) the same KPI set also
runs on PostgreSQL attached to DuckDB (a database per scale on that server, filled by `fupin backup`
of the DuckDB file and `fupin restore`, both timed), beside embedded DuckDB.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fupin_core.ingest import sample  # noqa: E402
from fupin_core.maintenance import backup
from fupin_core.metrics import Scope  # noqa: E402
from fupin_core.metrics.indicators import overview_kpis  # noqa: E402
from fupin_core.storage import db

OUT = Path(__file__).resolve().parent / "out"

# The headline figures of the registry (the 总览 KPI set before the registry) for the whole area, written
# by hand as one statement. The registry computes more (about 65 indicators, with the lists behind the
# alerts), so its ratio to this query is the price of computing every figure once, in one place.
HAND_WRITTEN = """
WITH linked AS (SELECT DISTINCT household_id FROM linkages WHERE year = $y AND income_yuan > 0),
hh AS (
    SELECT count(*) FILTER (WHERE identified_year <= $y) AS households_registered,
           sum(family_size) FILTER (WHERE identified_year <= $y) AS people_registered,
           count(*) FILTER (WHERE exit_year <= $y) AS households_exited_cum,
           sum(family_size) FILTER (WHERE exit_year <= $y) AS people_exited_cum,
           count(*) FILTER (WHERE exit_year = $y) AS households_exited_year,
           sum(family_size) FILTER (WHERE exit_year = $y) AS people_exited_year,
           count(l.household_id) AS linked_households,
           sum(family_size) FILTER (WHERE l.household_id IS NOT NULL) AS linked_people,
           count(*) FILTER (WHERE identified_year <= $y AND labour_capacity IN ('有劳动能力', '弱劳动能力')
                            AND household_id IN (SELECT household_id FROM linkages WHERE year = $y))
             / count(*) FILTER (WHERE identified_year <= $y AND labour_capacity IN ('有劳动能力', '弱劳动能力')) AS coverage_rate
    FROM households h LEFT JOIN linked l USING (household_id)
),
vil AS (
    SELECT count(*) FILTER (WHERE is_poverty_village = '是') AS poverty_villages,
           count(*) FILTER (WHERE is_deep_poverty_village = '是') AS deep_poverty_villages,
           count(*) FILTER (WHERE exit_year = $y) AS villages_exited_year
    FROM villages
),
pv AS (SELECT sum(scale) / 1000 AS pv_capacity_mw FROM projects
       WHERE industry = '光伏' AND build_status IN ('已建成', '运营中') AND build_year <= $y),
fungus AS (SELECT sum(bags_wan) AS fungus_bags_wan FROM fungus_output WHERE substr(period, 1, 4) = CAST($y AS VARCHAR)),
art AS (SELECT sum(area_mu) AS artichoke_mu FROM artichoke_output WHERE year = $y),
tg AS (SELECT max(target_value) FILTER (WHERE industry = '光伏') AS pv_target_mw,
              max(target_value) FILTER (WHERE industry = '食用菌') AS fungus_target_wan,
              max(target_value) FILTER (WHERE industry = '菊芋') AS artichoke_target_mu FROM targets),
funds AS (SELECT sum(allocated_wan) AS allocated, sum(spent_wan) AS spent FROM funds
          WHERE fund_category = '统筹整合涉农资金' AND year = $y),
pil AS (SELECT count(*) AS pilot_villages, sum(district_funds_wan) AS pilot_funds_wan FROM pilots WHERE pilot_year <= $y),
div AS (SELECT sum(paid_yuan) / sum(due_yuan) AS dividend_payout_rate FROM dividends WHERE year = $y)
SELECT * FROM hh, vil, pv, fungus, art, tg, funds, pil, div
"""


def build(scale: int, rebuild: bool) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"sample_x{scale}.duckdb"
    if path.exists() and not rebuild:
        return path
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    con = duckdb.connect(str(path))
    sample.load_sample(con, scale=scale)
    con.close()
    print(f"scale {scale}: generated and loaded in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 2**20:.0f} MiB)")
    return path


def build_postgres(server_url: str, scale: int, duckdb_path: Path, rebuild: bool) -> str:
    """A PostgreSQL database with the scale-`scale` sample, restored from a backup of the DuckDB file."""
    name = f"fupin_bench_x{scale}"
    url = server_url.rsplit("/", 1)[0] + "/" + name
    admin = db.connect(server_url)
    try:
        found = admin.execute(
            "SELECT count(*) FROM postgres_query('store', 'SELECT datname FROM pg_database') WHERE datname = ?", [name]
        ).fetchone()[0]
        if found and not rebuild and db.exists(url):
            return url
        admin.execute("CALL postgres_execute('store', ?, use_transaction => false)", [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])
        admin.execute("CALL postgres_execute('store', ?, use_transaction => false)", [f'CREATE DATABASE "{name}"'])
    finally:
        admin.close()
    folder = OUT / f"backup_x{scale}"
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    con = duckdb.connect(str(duckdb_path), read_only=True)
    manifest = backup.backup(con, folder)
    con.close()
    backed_up = time.perf_counter()
    con = db.connect(url)
    backup.restore(con, folder, manifest)
    con.close()
    restored = time.perf_counter()
    rows = sum(t["rows"] for t in manifest["tables"].values())
    size = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    print(
        f"scale {scale}: fupin backup (DuckDB file -> Parquet, {rows:,} rows, {size:.0f} MiB) {backed_up - started:.1f} s, "
        f"fupin restore (-> PostgreSQL) {restored - backed_up:.1f} s"
    )
    return url


def median_time(fn, runs: int) -> float:
    fn()  # warm-up: first run pays for loading column segments
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--postgres", default=os.environ.get("FUPIN_TEST_PG"), help="postgresql:// URL of a server to run on too")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )
    for scale in args.scales:
        path = build(scale, args.rebuild)
        con = duckdb.connect(str(path), read_only=True)
        scope = Scope.of(2017)
        ours = overview_kpis(con, scope)
        hand = con.execute(HAND_WRITTEN, {"y": 2017}).fetchone()
        assert ours["households_registered"] == hand[0] == 28530 * scale, "the two KPI sets disagree"
        t_ours = median_time(lambda con=con, scope=scope: overview_kpis(con, scope), args.runs)
        t_hand = median_time(lambda con=con: con.execute(HAND_WRITTEN, {"y": 2017}).fetchall(), args.runs)
        t_town = median_time(lambda con=con: overview_kpis(con, Scope.of(2017, "611002111")), args.runs)
        print(
            f"scale {scale:>3}: overview_kpis {t_ours * 1000:7.1f} ms | hand-written query {t_hand * 1000:7.1f} ms "
            f"| ratio {t_ours / t_hand:4.2f} | one 镇办 {t_town * 1000:6.1f} ms"
        )
        con.close()
        if args.postgres:
            bench_postgres(args, scale, path, ours, (t_ours, t_hand, t_town))


def bench_postgres(args, scale: int, duckdb_path: Path, expected: dict, embedded: tuple[float, float, float]) -> None:
    """The same three timings on PostgreSQL (attached to DuckDB), and their ratio to embedded DuckDB."""
    con = db.connect(build_postgres(args.postgres, scale, duckdb_path, args.rebuild), read_only=True)
    scope = Scope.of(2017)
    assert overview_kpis(con, scope) == expected, "PostgreSQL and embedded DuckDB disagree"
    t_ours = median_time(lambda: overview_kpis(con, scope), args.runs)
    t_hand = median_time(lambda: con.execute(HAND_WRITTEN, {"y": 2017}).fetchall(), args.runs)
    t_town = median_time(lambda: overview_kpis(con, Scope.of(2017, "611002111")), args.runs)
    con.close()
    ratios = " / ".join(f"{pg / local:.1f}×" for pg, local in zip((t_ours, t_hand, t_town), embedded, strict=True))
    print(
        f"scale {scale:>3} on PostgreSQL: overview_kpis {t_ours * 1000:7.1f} ms | hand-written query {t_hand * 1000:7.1f} ms "
        f"| one 镇办 {t_town * 1000:6.1f} ms | PostgreSQL ÷ embedded DuckDB: {ratios}"
    )


if __name__ == "__main__":
    main()
