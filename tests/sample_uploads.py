"""What a 镇办's 录入员 commits to a copy of the sample, for the 上报任务 tests of the page and the CLI."""

from __future__ import annotations

import duckdb
import polars as pl

from fupin_core.storage import store

MUHU = "611002111"  # 牧护关镇


def commit_income(db_path, wage: float, *, township: str = MUHU, year: int = 2018) -> str:
    """One household income row of `township`'s first household, committed as its 录入员 would; its id."""
    con = duckdb.connect(str(db_path))
    try:
        household = con.execute(
            """SELECT min(h.household_id) FROM households h JOIN villages v ON v.village_code = h.village_code
               WHERE v.township_code = ?""",
            [township],
        ).fetchone()[0]
        row = {"household_id": household, "year": year, "wage_income_yuan": wage, "business_income_yuan": 0.0,
               "property_income_yuan": 0.0, "transfer_income_yuan": 0.0, "labourers": 1, "employed_labourers": 1}  # fmt: skip
        store.commit_rows(con, "household_income", pl.DataFrame([row]), user="muhu", file_name="牧护关镇收入.xlsx")
        return household
    finally:
        con.close()
