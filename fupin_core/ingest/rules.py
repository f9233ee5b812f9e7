"""Cross-field rules (each `Dataset.rules` entry of the catalog) and outlier warnings, as polars masks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from fupin_core.catalog import (
    DISTRIBUTION_PARTS,
    FISCAL_SOURCES,
    INTEGRATED_FUNDS,
    INTEGRATION_FIRST_YEAR,
    PROJECT_TYPES,
    PUBLICITY_MIN_DAYS,
    SCALE_UNIT_RULE,
    SCALE_UNITS,
    SPECIAL_POVERTY_FUNDS,
    Dataset,
    dataset,
)

OUTLIER_FACTOR = 10  # a value above 10 × the 99th percentile of the usual values is worth a look
OUTLIER_MIN_VALUES = 30
MONEY_UNITS = ("元", "万元")


@dataclass(frozen=True)
class Rule:
    column: str  # the column the problem is reported on
    broken: Callable[[], pl.Expr]  # True where the rule is broken (null-safe)
    message: Callable[[], pl.Expr]
    suggestion: Callable[[], pl.Expr] | None = None  # what to write instead (the 建议 column)


def number_text(name: str) -> pl.Expr:
    """A number as people write it: 90 not 90.0."""
    value = pl.col(name)
    return pl.when(value == value.round(0)).then(value.round(0).cast(pl.Int64).cast(pl.String)).otherwise(value.cast(pl.String))


def _type_pairs() -> list[str]:
    pairs = [f"{industry}|{t}" for industry, types in PROJECT_TYPES.items() for t in types]
    return pairs + [f"{industry}|其他" for industry in ("三变", "其他")]


def _publicity_days(start: str, end: str) -> pl.Expr:
    """Days of a 公示, the first and the last day included."""
    return (pl.col(end) - pl.col(start)).dt.total_days() + 1


def _publicity_rules(start: str, end: str, names: tuple[str, str]) -> dict[str, Rule]:
    """The two rules of a 公示 period, under the names its dataset gives them in the catalog."""
    in_order, long_enough = names
    return {
        in_order: Rule(
            end,
            lambda: (pl.col(end) < pl.col(start)).fill_null(False),
            lambda: pl.format("结束日期 {} 早于开始日期 {}", pl.col(end), pl.col(start)),
            lambda: pl.lit("核对两个日期：公示结束日期不能早于开始日期"),
        ),
        long_enough: Rule(
            end,
            lambda: _publicity_days(start, end).is_between(1, PUBLICITY_MIN_DAYS - 1).fill_null(False),
            lambda: pl.format("公示期 {} 天（{} 至 {}），少于规定的{}天", _publicity_days(start, end), pl.col(start), pl.col(end),
                              pl.lit(PUBLICITY_MIN_DAYS)),
            lambda: pl.format("公示期满{}天（含首尾两天）后再上报，或核对日期", pl.lit(PUBLICITY_MIN_DAYS)),
        ),
    }  # fmt: skip


_PARTS_SUM = lambda: pl.sum_horizontal([pl.col(name) for name, _ in DISTRIBUTION_PARTS])  # noqa: E731
_PARTS_TEXT = "、".join(label for _, label in DISTRIBUTION_PARTS)


def _allowed_types() -> pl.Expr:
    return pl.col("industry").replace_strict(
        {**{k: "、".join(v) for k, v in PROJECT_TYPES.items()}, "三变": "其他", "其他": "其他"}, default=None, return_dtype=pl.String
    )


RULES: dict[str, dict[str, Rule]] = {
    "villages": {
        "深度贫困村必须是贫困村": Rule(
            "is_deep_poverty_village",
            lambda: ((pl.col("is_deep_poverty_village") == "是") & (pl.col("is_poverty_village") == "否")).fill_null(False),
            lambda: pl.lit("标为深度贫困村，但“是否贫困村”为“否”：深度贫困村必须是贫困村"),
            lambda: pl.lit("把“是否贫困村”改为“是”，或把“是否深度贫困村”改为“否”"),
        ),
        "只有贫困村可以有退出年度": Rule(
            "exit_year",
            lambda: (pl.col("exit_year").is_not_null() & (pl.col("is_poverty_village") == "否")).fill_null(False),
            lambda: pl.lit("不是贫困村，不应填写退出年度"),
            lambda: pl.lit("清空退出年度，或把“是否贫困村”改为“是”"),
        ),
    },
    "households": {
        "脱贫年度不早于识别年度": Rule(
            "exit_year",
            lambda: (pl.col("exit_year") < pl.col("identified_year")).fill_null(False),
            lambda: pl.format("脱贫年度 {} 早于识别年度 {}", pl.col("exit_year"), pl.col("identified_year")),
            lambda: pl.lit("核对两个年度：脱贫年度不能早于识别年度"),
        ),
    },
    "projects": {
        "项目类型须属于其产业类别": Rule(
            "project_type",
            lambda: (
                ~pl.concat_str([pl.col("industry"), pl.lit("|"), pl.col("project_type")]).is_in(_type_pairs())
                & _allowed_types().is_not_null()
            ).fill_null(False),
            lambda: pl.format("{}项目的项目类型应为：{}", pl.col("industry"), _allowed_types()),
            lambda: pl.format("改为{}之一，或核对产业类别", _allowed_types()),
        ),  # fmt: skip
        SCALE_UNIT_RULE: Rule(
            "scale_unit",
            lambda: (
                pl.col("scale_unit") != pl.col("industry").replace_strict(SCALE_UNITS, default=None, return_dtype=pl.String)
            ).fill_null(False),
            lambda: pl.format(
                "{}项目的规模单位应为 {}",
                pl.col("industry"),
                pl.col("industry").replace_strict(SCALE_UNITS, default=None, return_dtype=pl.String),
            ),
            lambda: pl.format("改为“{}”", pl.col("industry").replace_strict(SCALE_UNITS, default=None, return_dtype=pl.String)),
        ),
    },
    "funds": {
        "支出金额不大于下达金额": Rule(
            "spent_wan",
            lambda: (pl.col("spent_wan") > pl.col("allocated_wan") + 1e-9).fill_null(False),
            lambda: pl.format("支出金额 {} 万元大于下达金额 {} 万元", number_text("spent_wan"), number_text("allocated_wan")),
            lambda: pl.lit("核对两个金额：支出不能超过下达"),
        ),
        "统筹整合涉农资金和财政专项扶贫资金只能来自财政": Rule(
            "fund_category",
            lambda: (
                pl.col("fund_category").is_in([INTEGRATED_FUNDS, SPECIAL_POVERTY_FUNDS]) & ~pl.col("fund_source").is_in(FISCAL_SOURCES)
            ).fill_null(False),
            lambda: pl.format(
                "资金来源为“{}”，资金类别不能是“{}”：只有{}的资金可以是统筹整合涉农资金或财政专项扶贫资金，其他来源请填“其他资金”",
                pl.col("fund_source"),
                pl.col("fund_category"),
                pl.lit("、".join(FISCAL_SOURCES)),
            ),
        ),
        "统筹整合涉农资金自2016年起": Rule(
            "fund_category",
            lambda: ((pl.col("fund_category") == INTEGRATED_FUNDS) & (pl.col("year") < INTEGRATION_FIRST_YEAR)).fill_null(False),
            lambda: pl.format(
                "{}年还没有统筹整合涉农资金（{}年起试点，国办发〔2016〕22号）：请填“财政专项扶贫资金”或“其他资金”",
                pl.col("year"),
                pl.lit(INTEGRATION_FIRST_YEAR),
            ),
        ),
    },
    "household_income": {
        "转移就业人数不大于劳动力人数": Rule(
            "employed_labourers",
            lambda: (pl.col("employed_labourers") > pl.col("labourers")).fill_null(False),
            lambda: pl.format("转移就业人数 {} 大于劳动力人数 {}", pl.col("employed_labourers"), pl.col("labourers")),
        ),
    },
    "pv_output": {
        "收益分配不大于发电收益": Rule(
            "distributed_yuan",
            lambda: (pl.col("distributed_yuan") > pl.col("revenue_yuan") + 1e-9).fill_null(False),
            lambda: pl.format("收益分配 {} 元大于发电收益 {} 元", number_text("distributed_yuan"), number_text("revenue_yuan")),
            lambda: pl.lit("核对两个金额：分配不能超过发电收益"),
        ),
    },
    "pilots": {
        "贫困户股东户数不大于股东户数": Rule(
            "poor_shareholder_households",
            lambda: (pl.col("poor_shareholder_households") > pl.col("shareholder_households")).fill_null(False),
            lambda: pl.format("贫困户股东户数 {} 大于股东户数 {}", pl.col("poor_shareholder_households"), pl.col("shareholder_households")),
            lambda: pl.lit("股东户数应包括贫困户股东，请核对两个户数"),
        ),
    },
    "announcements": _publicity_rules("start_date", "end_date", dataset("announcements").rules),
    "asset_income": {
        dataset("asset_income").rules[0]: Rule(
            "income_yuan",
            # Amounts are in 元 with at most 分: a difference of half a 元 is a typing error, not rounding.
            lambda: ((_PARTS_SUM() - pl.col("income_yuan")).abs() > 0.5).fill_null(False),
            lambda: pl.format("{}之和为 {} 元，与收益 {} 元不符", pl.lit(_PARTS_TEXT), _PARTS_SUM().round(2), number_text("income_yuan")),
            lambda: pl.lit("分配方案各项之和应等于收益：核对各项金额，未分配的部分填入“村集体留存”"),
        ),
        dataset("asset_income").rules[1]: Rule(
            "distributed_yuan",
            lambda: (pl.col("distributed_yuan") > pl.col("income_yuan") + 0.005).fill_null(False),
            lambda: pl.format("已分配 {} 元大于收益 {} 元", number_text("distributed_yuan"), number_text("income_yuan")),
            lambda: pl.lit("核对两个金额：已分配不能超过收益"),
        ),
        **_publicity_rules("publicity_start", "publicity_end", dataset("asset_income").rules[2:4]),
    },
    "assets": {
        dataset("assets").rules[0]: Rule(
            "owner_type",
            lambda: (
                ((pl.col("owner_type") == "村集体") & pl.col("owner_village_code").is_null())
                | ((pl.col("owner_type") == "农户") & pl.col("owner_household_id").is_null())
            ).fill_null(False),
            lambda: pl.format(
                "确权给{}，但没有填写确权{}",
                pl.col("owner_type"),
                pl.when(pl.col("owner_type") == "村集体").then(pl.lit("村代码")).otherwise(pl.lit("户编号")),
            ),
            lambda: pl.lit("村集体填“确权村代码”，农户填“确权户编号”；尚未确权则清空“确权类型”"),
        ),  # fmt: skip
        dataset("assets").rules[1]: Rule(
            "owner_type",
            lambda: (
                pl.col("owner_type").is_null() & (pl.col("owner_village_code").is_not_null() | pl.col("owner_household_id").is_not_null())
            ),
            lambda: pl.lit("填了确权村代码或确权户编号，但“确权类型”为空"),
            lambda: pl.lit("确权类型填“村集体”或“农户”"),
        ),
    },
    "dividends": {
        "实付金额大于0时须填兑现日期": Rule(
            "paid_date",
            lambda: ((pl.col("paid_yuan") > 0) & pl.col("paid_date").is_null()).fill_null(False),
            lambda: pl.format("实付金额为 {} 元，须填写兑现日期", number_text("paid_yuan")),
            lambda: pl.lit("填写兑现日期，如 2017-12-20；尚未兑现则实付金额填0"),
        ),
    },
}


# Rules that need the stored rows, not one file row: checked by their own module.
CHECKED_ELSEWHERE: dict[str, str] = {rule: "fupin_core.ingest.stage_order" for rule in dataset("project_stages").rules}


def rules_of(ds: Dataset) -> dict[str, Rule]:
    return RULES.get(ds.key, {})


def money_columns(ds: Dataset) -> list[str]:
    return [c.name for c in ds.columns if c.type == "decimal" and c.unit in MONEY_UNITS]


def outlier_limits(con: duckdb.DuckDBPyConnection, ds: Dataset, frame: pl.DataFrame) -> dict[str, float]:
    """Per money column, the value above which an amount is flagged: 10 × the 99th percentile of the
    current table's positive values, or of the file's own when the table holds too few."""
    limits = {}
    for name in money_columns(ds):
        row = con.execute(f'SELECT quantile_cont("{name}", 0.99), count("{name}") FROM "{ds.table}" WHERE "{name}" > 0').fetchone()
        p99, count = (row[0], row[1]) if row else (None, 0)
        if count < OUTLIER_MIN_VALUES and name in frame.columns:
            own = frame.select(pl.col(name).filter(pl.col(name) > 0))
            if own.height >= OUTLIER_MIN_VALUES:
                # The file's own values may hold the outliers themselves: take a robust 90th percentile.
                p99 = own.select(pl.col(name).quantile(0.9, interpolation="linear")).item()
                count = own.height
        if count >= OUTLIER_MIN_VALUES and p99:
            limits[name] = float(p99) * OUTLIER_FACTOR
    return limits
