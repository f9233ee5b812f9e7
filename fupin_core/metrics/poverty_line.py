"""The poverty line in force in a year: the one fact the registry (indicators.poverty_line_yuan), the
income lists and the per-version summaries all compare household income with. Its own module so that
the summaries, which the registry reads, can read it too without a cycle."""

from __future__ import annotations

import duckdb

# 国家现行农村贫困标准 (2010年不变价每人每年2300元) at each year's prices, 元 per person and year
# (国家统计局《中国农村贫困监测报告》; 2020: about 4,000元). The poverty_lines dataset overrides a year
# (a provincial standard); years outside the table take the nearest one.
NATIONAL_POVERTY_LINE_YUAN: dict[int, float] = {
    2010: 2300.0,
    2011: 2536.0,
    2012: 2625.0,
    2013: 2736.0,
    2014: 2800.0,
    2015: 2855.0,
    2016: 2952.0,
    2017: 2952.0,
    2018: 2995.0,
    2019: 3218.0,
    2020: 4000.0,
}
NATIONAL_STANDARD = "国家现行农村贫困标准"


def national_poverty_line(year: int) -> float:
    nearest = min(NATIONAL_POVERTY_LINE_YUAN, key=lambda y: (abs(y - int(year)), -y))
    return NATIONAL_POVERTY_LINE_YUAN[nearest]


def poverty_line(con: duckdb.DuckDBPyConnection, year: int) -> tuple[float, str]:
    """(元 per person and year, the standard's name) in force in `year`: the reported line, else the
    national standard."""
    row = con.execute("SELECT line_yuan, standard FROM poverty_lines WHERE year = ?", [int(year)]).fetchone()
    if row is not None and row[0] is not None:
        return float(row[0]), str(row[1] or "")
    return national_poverty_line(year), NATIONAL_STANDARD
