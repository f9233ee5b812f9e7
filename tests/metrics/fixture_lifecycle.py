"""Hand-made 项目库 and 扶贫资产 rows on top of the tiny database (tests/tiny_data.py), with the answers.

As of 2017-12-31: P1 is 资产移交 (done); P4 has been in 验收 since 2017-03-01 (305 days, limit 90:
stuck, 215 over); P2 in 实施 since 2017-04-01 (274 days, limit 365); P5 in 申报 since 2016-06-01
(578 days, limit 90: stuck, 488 over). Assets of 2017: ZC1 (P1, 180万, 甲村集体), ZC2 (P4, 60万,
未确权、未移交, 闲置), ZC3 (P4, 20万, 乙村集体, 损毁); ZC4 (P3, built 2018) counts from 2018.
2017 distributions: ZC1 income 10,000元 (到户 3,500 planned, P1's two linkages citing ZC1 bring 600; 9,000 paid),
ZC3 60,000元 all retained. 村集体经济收入 2017: 甲村 0.55万 (薄弱), 乙村 6万, 丙村 0 (未破零).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from fupin_core import catalog
from fupin_core.storage import store
from tests.tiny_data import V1, V2, V3

D = dt.date
STAGES = [
    ("P1", "申报", D(2015, 9, 1)), ("P1", "入库", D(2015, 10, 1)), ("P1", "立项", D(2015, 11, 15)), ("P1", "实施", D(2016, 3, 1)),
    ("P1", "验收", D(2016, 10, 20)), ("P1", "报账", D(2016, 11, 30)), ("P1", "资产移交", D(2016, 12, 20)),
    ("P4", "申报", D(2015, 12, 1)), ("P4", "入库", D(2016, 1, 10)), ("P4", "立项", D(2016, 2, 20)), ("P4", "实施", D(2016, 4, 1)),
    ("P4", "验收", D(2017, 3, 1)),
    ("P2", "申报", D(2017, 1, 5)), ("P2", "入库", D(2017, 2, 1)), ("P2", "立项", D(2017, 3, 1)), ("P2", "实施", D(2017, 4, 1)),
    ("P5", "申报", D(2016, 6, 1)),
]  # fmt: skip
ANNOUNCEMENTS = [
    {"project_id": "P1", "stage": "立项", "content": "甲村光伏电站立项", "place": "甲村村委会公示栏", "start_date": D(2015, 11, 1),
     "end_date": D(2015, 11, 10)},
]  # fmt: skip
ASSETS = [
    {"asset_id": "ZC1", "asset_name": "甲村光伏电站", "asset_type": "光伏电站", "project_id": "P1", "village_code": V1, "value_wan": 180.0,
     "owner_type": "村集体", "owner_village_code": V1, "owner_household_id": None, "transfer_date": D(2016, 12, 20), "caretaker": "甲村村委会",
     "status": "正常"},
    {"asset_id": "ZC2", "asset_name": "乙村菌棚", "asset_type": "菌棚/大棚", "project_id": "P4", "village_code": V2, "value_wan": 60.0,
     "owner_type": None, "owner_village_code": None, "owner_household_id": None, "transfer_date": None, "caretaker": None, "status": "闲置"},
    {"asset_id": "ZC3", "asset_name": "乙村冷库", "asset_type": "冷库", "project_id": "P4", "village_code": V2, "value_wan": 20.0,
     "owner_type": "村集体", "owner_village_code": V2, "owner_household_id": None, "transfer_date": D(2017, 6, 1), "caretaker": "乙村村委会",
     "status": "损毁"},
    {"asset_id": "ZC4", "asset_name": "丙村光伏电站", "asset_type": "光伏电站", "project_id": "P3", "village_code": V3, "value_wan": 250.0,
     "owner_type": "村集体", "owner_village_code": V3, "owner_household_id": None, "transfer_date": D(2018, 12, 1), "caretaker": "丙村村委会",
     "status": "正常"},
]  # fmt: skip


def _income(asset, year, income, welfare, works, rewards, dividends, retained, paid):
    return {"asset_id": asset, "year": year, "income_yuan": income, "approved_by": "村民代表大会", "approved_date": D(year, 11, 20),
            "publicity_start": D(year, 11, 21), "publicity_end": D(year, 11, 30), "welfare_wages_yuan": welfare, "public_works_yuan": works,
            "rewards_yuan": rewards, "household_dividends_yuan": dividends, "collective_retained_yuan": retained, "distributed_yuan": paid}  # fmt: skip


INCOME = [
    _income("ZC1", 2017, 10000.0, 500.0, 1000.0, 0.0, 3000.0, 5500.0, 9000.0),
    _income("ZC3", 2017, 60000.0, 0.0, 0.0, 0.0, 0.0, 60000.0, 60000.0),
]


# tiny_data's two 2017 linkages of P1 (H2 分红 100元, H1 保洁员 500元), now citing the station they came from.
ASSET_LINKS = [
    {"household_id": "H2", "project_id": "P1", "mechanism": "分红", "sub_type": None, "year": 2017, "income_yuan": 100.0, "asset_id": "ZC1"},
    {"household_id": "H1", "project_id": "P1", "mechanism": "公益岗位", "sub_type": "保洁员", "year": 2017, "income_yuan": 500.0,
     "asset_id": "ZC1"},
]  # fmt: skip


def frame(key: str, rows: list[dict]) -> pl.DataFrame:
    ds = catalog.dataset(key)
    types = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}
    return pl.DataFrame(rows, schema={c.name: types[c.type] for c in ds.columns}, orient="row")


def add(con: duckdb.DuckDBPyConnection) -> None:
    stages = [
        {"project_id": p, "stage": s, "stage_date": d, "doc_number": f"商扶发〔{d.year}〕{i}号"} for i, (p, s, d) in enumerate(STAGES, 1)
    ]
    for key, rows in (
        ("project_stages", stages), ("announcements", ANNOUNCEMENTS), ("assets", ASSETS), ("asset_income", INCOME), ("linkages", ASSET_LINKS)
    ):  # fmt: skip
        store.commit_rows(con, key, frame(key, rows), user="测试", file_name=f"{key}.xlsx")
