"""One process computing what the 总览 and 利益联结 pages show for 2017 (the registry, the 镇办 table, the
first page of the lists, the linkage aggregations), on the store at DB opened read-only, with the code
of the checkout at TREE — to time two checkouts as whole processes from outside, alternately:

    /usr/bin/time -v .venv/bin/python benchmarks/kpi_process.py TREE DB

(DB: a migrated copy of benchmarks/out/sample_x100.duckdb whose summaries of 2017 are already built,
e.g. by benchmarks/bench_summaries.py; an older checkout ignores the summary tables.)
"""

import sys

sys.path.insert(0, sys.argv[1])
import duckdb  # noqa: E402

from fupin_core.metrics import Scope, indicators, linkage, overview  # noqa: E402

con = duckdb.connect(sys.argv[2], read_only=True)
con.execute("SET enable_progress_bar = false")
scope = Scope.of(2017)
kpis = indicators.values(con, scope)
overview.township_breakdown(con, scope)
overview.coverage_gap(con, scope, limit=500)
for fn in (
    linkage.by_mechanism,
    linkage.by_programme,
    linkage.welfare_posts,
    linkage.income_by_township,
    linkage.income_bands,
    linkage.gap_by_village,
):
    fn(con, scope)
linkage.below_poverty_line(con, scope, limit=500)
linkage.exited_below_poverty_line(con, scope, limit=500)
print(kpis["households_registered"], kpis["covered_households"], kpis["linked_income_wan"])
