"""Cross-field rules: every rule the catalog lists is enforced; outlier limits."""

from __future__ import annotations

import polars as pl
import pytest

from fupin_core.catalog import DATASETS, dataset
from fupin_core.ingest import rules


@pytest.mark.parametrize("ds", DATASETS, ids=lambda d: d.key)
def test_every_catalog_rule_has_an_implementation(ds):
    elsewhere = {r for r in ds.rules if r in rules.CHECKED_ELSEWHERE}
    assert set(rules.rules_of(ds)) | elsewhere == set(ds.rules)


@pytest.mark.parametrize(
    ("key", "rule", "good", "bad"),
    [
        ("funds", "支出金额不大于下达金额", {"allocated_wan": 10.0, "spent_wan": 10.0}, {"allocated_wan": 10.0, "spent_wan": 10.5}),
        ("households", "脱贫年度不早于识别年度", {"identified_year": 2016, "exit_year": 2016}, {"identified_year": 2016, "exit_year": 2015}),
        ("pilots", "贫困户股东户数不大于股东户数", {"shareholder_households": 5, "poor_shareholder_households": 5},
         {"shareholder_households": 5, "poor_shareholder_households": 6}),
        ("pv_output", "收益分配不大于发电收益", {"revenue_yuan": 5.0, "distributed_yuan": 5.0}, {"revenue_yuan": 5.0, "distributed_yuan": 6.0}),
        ("villages", "深度贫困村必须是贫困村", {"is_poverty_village": "是", "is_deep_poverty_village": "是"},
         {"is_poverty_village": "否", "is_deep_poverty_village": "是"}),
        ("villages", "只有贫困村可以有退出年度", {"is_poverty_village": "是", "exit_year": 2017}, {"is_poverty_village": "否", "exit_year": 2017}),
        ("projects", "项目类型须属于其产业类别", {"industry": "三变", "project_type": "其他"}, {"industry": "三变", "project_type": "村级电站"}),
        ("projects", "规模单位须与产业类别相符（光伏 千瓦，食用菌 万袋，菊芋 亩）", {"industry": "菊芋", "scale_unit": "亩"},
         {"industry": "菊芋", "scale_unit": "千瓦"}),
        ("dividends", "实付金额大于0时须填兑现日期", {"paid_yuan": 0.0, "paid_date": None}, {"paid_yuan": 1.0, "paid_date": None}),
    ],
)  # fmt: skip
def test_each_rule_flags_only_the_broken_row(key, rule, good, bad):
    implementation = rules.rules_of(dataset(key))[rule]
    frame = pl.DataFrame([good, bad])
    assert frame.select(implementation.broken()).to_series().to_list() == [False, True]
    assert frame.with_columns(implementation.message().alias("message"))["message"][1]


def test_rule_messages_show_numbers_as_written():
    frame = pl.DataFrame({"allocated_wan": [10.0], "spent_wan": [12.5]})
    assert frame.select(rules.RULES["funds"]["支出金额不大于下达金额"].message()).item() == "支出金额 12.5 万元大于下达金额 10 万元"


def test_outlier_limits_from_the_table_or_the_file(sample_con, tiny_con):
    limits = rules.outlier_limits(sample_con, dataset("linkages"), pl.DataFrame())
    p99 = sample_con.execute("SELECT quantile_cont(income_yuan, 0.99) FROM linkages WHERE income_yuan > 0").fetchone()[0]
    assert limits == {"income_yuan": pytest.approx(float(p99) * rules.OUTLIER_FACTOR)}
    few = pl.DataFrame({"income_yuan": [100.0] * 40})
    assert rules.outlier_limits(tiny_con, dataset("linkages"), few) == {"income_yuan": pytest.approx(1000.0)}
    assert rules.outlier_limits(tiny_con, dataset("linkages"), few.head(5)) == {}
