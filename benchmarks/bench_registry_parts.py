"""Benchmark: where one scope's indicator registry spends its time, query group by query group, on
the embedded DuckDB file and on PostgreSQL side by side (issue 18: one 镇办's 总览 on PostgreSQL
≤ 2× embedded DuckDB).

Both stores must hold the same data (bench.py builds them: `bench.py --scales 100 --postgres URL`);
both are opened writable (and migrated) so the per-version summaries are built once and then read, as the app does.
Each group is timed warm (one warm-up run, then the median of `--runs`), on a fresh `_Parts` each run
so nothing is reused between runs; the figures are checked equal first.

    .venv/bin/python benchmarks/bench_registry_parts.py --scale 100 --postgres URL [--township 611002111] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import OUT, median_time  # noqa: E402
from fupin_core.metrics import Scope, assets, funds, indicators, projects_lib, pv  # noqa: E402
from fupin_core.security import rounds as report_rounds  # noqa: E402
from fupin_core.storage import db, schema  # noqa: E402

PARTS = ("line", "h", "v", "stations", "pv_out", "integrated", "special", "totals", "divs", "overdue", "capacity")
PARTS += ("bags", "area", "goals", "pilots", "entities")
# The lifecycle part and the indicators computed outside the parts, one call each.
CALLS = {
    "projects_lib.current_stages": projects_lib.current_stages,
    "assets.register": assets.register,
    "assets.income_totals": assets.income_totals,
    "assets.unsettled": assets.unsettled,
    "assets.collective_kpis": assets.collective_kpis,
    "assets.reconciliation_gaps": assets.reconciliation_gaps,
    "funds.low_spending_projects": funds.low_spending_projects,
    "pv.underperforming_stations": pv.underperforming_stations,
    "rounds.overdue_townships": report_rounds.overdue_townships,
}


def timings(con, scope: Scope, runs: int) -> dict[str, float]:
    out = {name: median_time(lambda n=name: getattr(indicators._Parts(con, scope), n), runs) for name in PARTS}
    out |= {name: median_time(lambda f=fn: f(con, scope), runs) for name, fn in CALLS.items()}
    out["indicators.values (all)"] = median_time(lambda: indicators.values(con, scope), runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--postgres", required=True, help="postgresql:// URL of the server bench.py filled")
    parser.add_argument("--township", default="611002111", help="镇办 code (default 牧护关镇 of the first district)")
    parser.add_argument("--year", type=int, default=2017)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    scope = Scope.of(args.year, args.township or None)
    embedded = db.connect(str(OUT / f"sample_x{args.scale}.duckdb"))
    postgres = db.connect(args.postgres.rsplit("/", 1)[0] + f"/fupin_bench_x{args.scale}")
    try:
        for con in (embedded, postgres):  # as the app opens a store: migrated first
            schema.migrate(con)
        expected = indicators.values(embedded, scope)
        assert indicators.values(postgres, scope) == expected, "PostgreSQL and embedded DuckDB disagree"
        local, remote = timings(embedded, scope, args.runs), timings(postgres, scope, args.runs)
    finally:
        embedded.close()
        postgres.close()
    print(f"scale {args.scale}, {scope}: medians of {args.runs} (warm)")
    print(f"{'query group':<34} {'embedded':>10} {'PostgreSQL':>11} {'ratio':>7}")
    for name, seconds in local.items():
        pg = remote[name]
        print(f"{name:<34} {seconds * 1000:8.1f} ms {pg * 1000:9.1f} ms {pg / seconds if seconds else float('nan'):6.1f}×")


if __name__ == "__main__":
    main()
