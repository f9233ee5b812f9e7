"""Extra hand-made rows for the programme metrics tests, committed on top of `tiny_con`.

tests/tiny_data.py stays as it is (other tests depend on it); these rows add what it lacks: more
光伏 stations with 2017 output (to flag an under-performer) and 菊芋 order-farming linkages.
"""

from __future__ import annotations

import polars as pl

from fupin_core import catalog
from fupin_core.storage import store
from tests.tiny_data import T2, V2, V3

_TYPES = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}


def add_rows(con, key: str, rows: list[dict]) -> None:
    ds = catalog.dataset(key)
    frame = pl.DataFrame(rows, schema={c.name: _TYPES[c.type] for c in ds.columns}, orient="row")
    store.commit_rows(con, key, frame, user="测试", file_name=f"{key}_extra.xlsx")


def _station(project_id: str, village: str, kw: float) -> dict:
    return {"project_id": project_id, "project_name": f"{project_id}村级光伏电站", "industry": "光伏", "project_type": "村级电站",
            "township_code": T2, "village_code": village, "operator_credit_code": None, "build_year": 2016,
            "build_status": "运营中", "scale": kw, "scale_unit": "千瓦", "total_investment_wan": 90.0}  # fmt: skip


def add_pv_stations(con) -> None:
    """Two more 村级电站 in 夜村镇 (100 kW each) with 2017 output. Annualised yields of 2017:
    P1 50,000 kWh / 200 kW over 3 months -> 1,000 h; P6 65,000 kWh over the year -> 650 h;
    P7 2 × 30,000 kWh over 6 months -> 1,200 h. District median 1,000 h, so P6 (65 %) is flagged;
    within 夜村镇 alone the median would be 925 h and P6 (70.3 %) would pass — it must not."""
    add_rows(con, "projects", [_station("P6", V2, 100.0), _station("P7", V3, 100.0)])
    add_rows(
        con,
        "pv_output",
        [
            {"project_id": "P6", "period": "2017", "generation_kwh": 65000.0, "revenue_yuan": 55250.0, "distributed_yuan": 50000.0},
            {"project_id": "P7", "period": "2017Q1", "generation_kwh": 30000.0, "revenue_yuan": 25500.0, "distributed_yuan": 20000.0},
            {"project_id": "P7", "period": "2017Q2", "generation_kwh": 30000.0, "revenue_yuan": 25500.0, "distributed_yuan": 25500.0},
        ],
    )


def add_artichoke_orders(con) -> None:
    """2017 linkages of the 菊芋 order farm P5: H3 sells on order (800元), H4's order paid nothing yet
    (not counted) but H4 rents out land (300元)."""
    add_rows(
        con,
        "linkages",
        [
            {"household_id": "H3", "project_id": "P5", "mechanism": "订单收购", "sub_type": None, "year": 2017, "income_yuan": 800.0},
            {"household_id": "H4", "project_id": "P5", "mechanism": "订单收购", "sub_type": None, "year": 2017, "income_yuan": 0.0},
            {"household_id": "H4", "project_id": "P5", "mechanism": "土地流转", "sub_type": None, "year": 2017, "income_yuan": 300.0},
        ],
    )
