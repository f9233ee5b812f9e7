"""A hand-made database small enough to know every KPI by hand (see the comments for the answers)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from fupin_core import catalog
from fupin_core.ingest.sample import _credit_code
from fupin_core.storage import schema, store

T1, T2 = "611002001", "611002101"
V1, V2, V3 = "611002001201", "611002101201", "611002101202"
E1 = _credit_code("93", "611002", 7)

ROWS: dict[str, list[dict]] = {
    "townships": [{"township_code": T1, "township_name": "城关街道"}, {"township_code": T2, "township_name": "夜村镇"}],
    "villages": [
        {"village_code": V1, "village_name": "甲村", "township_code": T1, "is_poverty_village": "是", "is_deep_poverty_village": "否", "exit_year": 2017},
        {"village_code": V2, "village_name": "乙村", "township_code": T2, "is_poverty_village": "是", "is_deep_poverty_village": "是", "exit_year": None},
        {"village_code": V3, "village_name": "丙村", "township_code": T2, "is_poverty_village": "否", "is_deep_poverty_village": "否", "exit_year": None},
    ],
    # 2017: registered H1–H4 (4 households, 14 people); exited H1 (2016) and H2 (2017).
    "households": [
        {"household_id": "H1", "head_name": "甲某", "head_id_number": "611002195001010011", "village_code": V1, "family_size": 3,
         "household_kind": "一般贫困户", "main_cause": "因病", "identified_year": 2014, "exit_year": 2016, "labour_capacity": "有劳动能力"},
        {"household_id": "H2", "head_name": "乙某", "head_id_number": "611002195001020011", "village_code": V1, "family_size": 4,
         "household_kind": "一般贫困户", "main_cause": "因学", "identified_year": 2015, "exit_year": 2017, "labour_capacity": "有劳动能力"},
        {"household_id": "H3", "head_name": "丙某", "head_id_number": "611002195001030011", "village_code": V2, "family_size": 2,
         "household_kind": "低保贫困户", "main_cause": "因残", "identified_year": 2016, "exit_year": None, "labour_capacity": "弱劳动能力"},
        {"household_id": "H4", "head_name": "丁某", "head_id_number": "611002195001040011", "village_code": V2, "family_size": 5,
         "household_kind": "一般贫困户", "main_cause": "缺技术", "identified_year": 2017, "exit_year": None, "labour_capacity": "有劳动能力"},
        {"household_id": "H5", "head_name": "戊某", "head_id_number": "611002195001050011", "village_code": V3, "family_size": 1,
         "household_kind": "一般贫困户", "main_cause": "缺资金", "identified_year": 2018, "exit_year": None, "labour_capacity": "无劳动能力"},
    ],
    "entities": [
        {"credit_code": E1, "entity_name": "乙村食用菌专业合作社", "entity_type": "农民专业合作社", "industry": "食用菌", "township_code": T2,
         "village_code": V2, "legal_representative": "某甲", "member_count": 10, "registered_capital_wan": 50.0},
    ],
    # Built PV in 2017: only P1 (200 kW); P2 is 在建, P3 is built in 2018.
    "projects": [
        {"project_id": "P1", "project_name": "甲村村级光伏电站", "industry": "光伏", "project_type": "村级电站", "township_code": T1, "village_code": V1,
         "operator_credit_code": None, "build_year": 2016, "build_status": "运营中", "scale": 200.0, "scale_unit": "千瓦", "total_investment_wan": 180.0},
        {"project_id": "P2", "project_name": "乙村户用光伏", "industry": "光伏", "project_type": "户用光伏", "township_code": T2, "village_code": V2,
         "operator_credit_code": None, "build_year": 2017, "build_status": "在建", "scale": 50.0, "scale_unit": "千瓦", "total_investment_wan": 40.0},
        {"project_id": "P3", "project_name": "丙村村级光伏电站", "industry": "光伏", "project_type": "村级电站", "township_code": T2, "village_code": V3,
         "operator_credit_code": None, "build_year": 2018, "build_status": "运营中", "scale": 300.0, "scale_unit": "千瓦", "total_investment_wan": 250.0},
        {"project_id": "P4", "project_name": "乙村香菇基地", "industry": "食用菌", "project_type": "生产基地", "township_code": T2, "village_code": V2,
         "operator_credit_code": E1, "build_year": 2016, "build_status": "运营中", "scale": 40.0, "scale_unit": "万袋", "total_investment_wan": 80.5},
        {"project_id": "P5", "project_name": "夜村镇菊芋订单种植", "industry": "菊芋", "project_type": "订单种植", "township_code": T2, "village_code": None,
         "operator_credit_code": None, "build_year": 2016, "build_status": "运营中", "scale": 200.0, "scale_unit": "亩", "total_investment_wan": 20.0},
    ],
    # 2017 统筹整合: 150.5 allocated, 140.5 spent (rate 0.934); 夜村镇 alone 50.5 / 50.5.
    "funds": [
        {"project_id": "P1", "fund_source": "区级财政", "fund_category": "统筹整合涉农资金", "year": 2017, "allocated_wan": 100.0, "spent_wan": 90.0},
        {"project_id": "P4", "fund_source": "中央财政", "fund_category": "统筹整合涉农资金", "year": 2017, "allocated_wan": 50.5, "spent_wan": 50.5},
        {"project_id": "P4", "fund_source": "苏陕协作资金", "fund_category": "其他资金", "year": 2017, "allocated_wan": 30.0, "spent_wan": 30.0},
        {"project_id": "P1", "fund_source": "区级财政", "fund_category": "统筹整合涉农资金", "year": 2016, "allocated_wan": 80.0, "spent_wan": 80.0},
    ],
    "pv_output": [
        {"project_id": "P1", "period": "2017Q1", "generation_kwh": 50000.0, "revenue_yuan": 42500.0, "distributed_yuan": 40000.0},
    ],
    # 2017 counts once, at its coarsest granularity: the annual row (30), not the quarters (10 + 15).
    "fungus_output": [
        {"project_id": "P4", "period": "2017Q1", "bags_wan": 10.0, "fresh_yield_t": 100.0, "sales_wan": 60.0},
        {"project_id": "P4", "period": "2017Q2", "bags_wan": 15.0, "fresh_yield_t": 150.0, "sales_wan": 90.0},
        {"project_id": "P4", "period": "2017", "bags_wan": 30.0, "fresh_yield_t": 300.0, "sales_wan": 180.0},
        {"project_id": "P4", "period": "2016-05", "bags_wan": 7.0, "fresh_yield_t": 70.0, "sales_wan": 40.0},
    ],
    "artichoke_output": [
        {"project_id": "P5", "year": 2017, "area_mu": 120.5, "yield_t": 250.0, "purchase_wan": 30.0},
        {"project_id": "P5", "year": 2016, "area_mu": 80.0, "yield_t": 160.0, "purchase_wan": 19.2},
    ],
    "investments": [
        {"investment_id": "I1", "entity_credit_code": E1, "fund_source": "区级财政", "fund_category": "统筹整合涉农资金", "amount_wan": 100.0,
         "invest_date": dt.date(2016, 3, 1), "agreed_return_pct": 6.0, "beneficiary_households": 20},
    ],
    "dividends": [
        {"investment_id": "I1", "year": 2017, "due_yuan": 60000.0, "paid_yuan": 45000.0, "paid_date": dt.date(2017, 12, 20)},
        {"investment_id": "I1", "year": 2016, "due_yuan": 30000.0, "paid_yuan": 30000.0, "paid_date": dt.date(2016, 12, 20)},
    ],
    # 2017 linked (income > 0): H1 (already exited) and H2 → 2 households, 7 people; H3 earned 0.
    "linkages": [
        {"household_id": "H2", "project_id": "P1", "mechanism": "分红", "sub_type": None, "year": 2017, "income_yuan": 100.0},
        {"household_id": "H3", "project_id": "P4", "mechanism": "务工", "sub_type": None, "year": 2017, "income_yuan": 0.0},
        {"household_id": "H1", "project_id": "P1", "mechanism": "公益岗位", "sub_type": "保洁员", "year": 2017, "income_yuan": 500.0},
        {"household_id": "H3", "project_id": "P4", "mechanism": "务工", "sub_type": None, "year": 2016, "income_yuan": 3000.0},
    ],
    # 2017 total income per person: H1 9,500 / 3 = 3,166.67 (above 2,952); H2 10,000 / 4 = 2,500 (exited in
    # 2017 yet below the line: 脱贫不达标); H3 5,000 / 2 = 2,500 (not exited, below); H4 未上报.
    # Labourers 5, of whom 3 in work (转移就业).
    "household_income": [
        {"household_id": "H1", "year": 2017, "wage_income_yuan": 6000.0, "business_income_yuan": 2000.0, "property_income_yuan": 500.0,
         "transfer_income_yuan": 1000.0, "labourers": 2, "employed_labourers": 1},
        {"household_id": "H2", "year": 2017, "wage_income_yuan": 8000.0, "business_income_yuan": 0.0, "property_income_yuan": 0.0,
         "transfer_income_yuan": 2000.0, "labourers": 2, "employed_labourers": 2},
        {"household_id": "H3", "year": 2017, "wage_income_yuan": 0.0, "business_income_yuan": 3000.0, "property_income_yuan": 0.0,
         "transfer_income_yuan": 2000.0, "labourers": 1, "employed_labourers": 0},
    ],
    "pilots": [
        {"village_code": V2, "pilot_year": 2017, "district_funds_wan": 30.0, "collective_org": "乙村股份经济合作社", "quantified_assets_wan": 100.0,
         "land_shares_mu": 50.0, "shareholder_households": 100, "poor_shareholder_households": 40, "annual_dividend_wan": 5.0, "dividend_year": 2017},
        {"village_code": V1, "pilot_year": 2018, "district_funds_wan": 30.0, "collective_org": "甲村股份经济合作社", "quantified_assets_wan": 80.0,
         "land_shares_mu": 30.0, "shareholder_households": 80, "poor_shareholder_households": 20, "annual_dividend_wan": 3.0, "dividend_year": 2018},
    ],
    # The target in force for 2017 is the 2017 one (20 MW); from 2018 on, the 2020 one (100 MW).
    "targets": [
        {"industry": "光伏", "indicator": "装机容量", "target_value": 100.0, "unit": "兆瓦", "target_year": 2020},
        {"industry": "光伏", "indicator": "装机容量", "target_value": 20.0, "unit": "兆瓦", "target_year": 2017},
        {"industry": "食用菌", "indicator": "菌袋数量", "target_value": 1000.0, "unit": "万袋", "target_year": 2020},
    ],
}  # fmt: skip


def frame(key: str) -> pl.DataFrame:
    ds = catalog.dataset(key)
    types = {"text": pl.String, "int": pl.Int64, "decimal": pl.Float64, "date": pl.Date, "period": pl.String}
    return pl.DataFrame(ROWS[key], schema={c.name: types[c.type] for c in ds.columns}, orient="row")


def build(con) -> None:
    schema.migrate(con)
    for ds in catalog.load_order():
        if ds.key in ROWS:
            store.commit_rows(con, ds.key, frame(ds.key), user="测试", file_name=f"{ds.key}.xlsx")
