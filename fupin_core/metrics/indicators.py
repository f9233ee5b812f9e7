"""The indicator registry (指标口径): every figure the app reports, once — its key, Chinese name, unit,
decimals, official definition (口径), where it applies, and the function that computes it for a Scope.

KPI cards, `fupin kpi`, the 需要关注 alerts, the xlsx 总览 sheet and the Word report all read `values()`
and format through `display()` / `text()`, so a figure reads the same everywhere. docs/INDICATORS.md is
generated from this module (`render_markdown`, checked by a test). Missing data is None, shown as 未上报.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property

import duckdb
import polars as pl

from fupin_core.catalog import INTEGRATED_FUNDS
from fupin_core.metrics import assets, entities, funds, overview, projects_lib, pv, scope_keys
from fupin_core.metrics.poverty_line import poverty_line
from fupin_core.scope import Scope
from fupin_core.security import rounds

NOT_REPORTED = "未上报"

LOW_SPENDING = funds.LOW_SPENDING

# One number style per unit (official reports): decimals shown in cards, tables, exports and text.
UNIT_DECIMALS: dict[str, int] = {
    "户": 0,
    "人": 0,
    "个": 0,
    "座": 0,
    "笔": 0,
    "项": 0,
    "兆瓦": 2,
    "万袋": 1,
    "亩": 1,
    "万元": 2,
    "元": 0,
    "万千瓦时": 2,
    "%": 1,
}


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    unit: str
    definition: str  # 口径, shown as help on pages and in the report's appendix
    group: str
    # Where the indicator means something: a target exists only for the district or a 镇办 with 任务分解.
    levels: tuple[str, ...] = ("区", "镇办", "村")
    # Which change is progress: "up" (more is better), "down" (fewer uncovered households is better),
    # None (a size or a base, neither good nor bad). Colours a year-on-year change and orders rankings.
    better: str | None = None

    @property
    def decimals(self) -> int:
        return UNIT_DECIMALS.get(self.unit, 2)

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"


UP, DOWN = "up", "down"
_DOWN = (
    "households_remaining", "people_remaining", "poverty_incidence", "poverty_villages_remaining", "uncovered_households",
    "labour_unreported_households", "households_below_poverty_line", "exited_below_poverty_line", "weak_stations",
    "low_spending_projects", "overdue_dividends", "dividends_owed_wan", "overdue_townships", "stuck_projects",
    "unsettled_assets", "troubled_assets", "zero_income_villages", "weak_collective_villages", "distribution_gap_projects",
)  # fmt: skip
# Sizes, bases and targets: a change is neither progress nor a setback.
_NEUTRAL = (
    "households_registered", "people_registered", "agri_population", "poverty_villages", "deep_poverty_villages",
    "coverage_base_households", "poor_labourers", "poverty_line_yuan", "income_reported_households", "pv_target_mw",
    "pv_commercial_mw", "fungus_target_wan", "artichoke_target_mu", "self_funded_wan", "dividends_due_wan",
    "projects_in_library", "assets", "asset_value_wan",
)  # fmt: skip


def _i(key: str, name: str, unit: str, group: str, definition: str, levels: tuple[str, ...] = ("区", "镇办", "村")) -> Indicator:
    better = DOWN if key in _DOWN else (None if key in _NEUTRAL else UP)
    return Indicator(key, name, unit, definition, group, levels, better)


_P, _V, _L, _B, _F, _S, _E = "贫困人口", "贫困村", "产业覆盖与带动增收", "“百千万”产业", "资金", "“三变”改革", "经营主体与分红"
_R = "上报与审核"
_A = "项目库与扶贫资产"
# _A is computed in two parts: the 扶贫资产 page's cards need no project stages, nor 项目库's any asset.
LIBRARY_KEYS = ("projects_in_library", "stuck_projects")
_LIMITS = "、".join(f"{stage}{days}天" for stage, days in projects_lib.STAGE_LIMIT_DAYS.items())
INDICATORS: tuple[Indicator, ...] = (
    _i("households_registered", "建档立卡户数", "户", _P, "识别年度不晚于本年度的建档立卡贫困户（含已脱贫户）。"),
    _i("people_registered", "建档立卡人数", "人", _P, "上述贫困户的家庭人口之和。"),
    _i("households_exited_cum", "累计脱贫户数", "户", _P, "脱贫年度不晚于本年度的户数。"),
    _i("people_exited_cum", "累计脱贫人数", "人", _P, "脱贫年度不晚于本年度的户的家庭人口之和。"),
    _i("households_exited_year", "当年脱贫户数", "户", _P, "脱贫年度为本年度的户数。"),
    _i("people_exited_year", "当年脱贫人数", "人", _P, "脱贫年度为本年度的户的家庭人口之和。"),
    _i("households_remaining", "未脱贫户数", "户", _P, "年末仍未脱贫的建档立卡户（识别年度不晚于本年度、脱贫年度为空或晚于本年度）。"),
    _i("people_remaining", "未脱贫人数", "人", _P, "年末仍未脱贫的建档立卡户的家庭人口之和。"),
    _i("agri_population", "农业户籍人口", "人", _P, "各村上报的农业户籍人口之和；有村未上报时为未上报。"),
    _i("poverty_incidence", "贫困发生率", "%", _P, "未脱贫人口 ÷ 农业户籍人口（年末）。"),
    _i("poverty_villages", "建档立卡贫困村数", "个", _V, "“是否贫困村”为“是”的村，含已退出的（建档立卡贫困村总数，不随年度变化）。"),
    _i("deep_poverty_villages", "深度贫困村数", "个", _V, "“是否深度贫困村”为“是”的村。"),
    _i("villages_exited_year", "当年退出贫困村数", "个", _V, "退出年度为本年度的贫困村。"),
    _i("villages_exited_cum", "累计退出贫困村数", "个", _V, "退出年度不晚于本年度的贫困村。"),
    _i("poverty_villages_remaining", "未退出贫困村数", "个", _V, "年末尚未退出的建档立卡贫困村。"),
    _i(
        "coverage_base_households",
        "有劳动能力户数",
        "户",
        _L,
        "产业覆盖的分母：识别年度不晚于本年度、有劳动能力或弱劳动能力的建档立卡户，已脱贫户也计入（脱贫不脱政策）。",
    ),
    _i(
        "covered_households",
        "产业覆盖户数",
        "户",
        _L,
        "上述户中本年度至少有一项产业帮扶措施（任一联结方式的利益联结，不论是否已有收益）的户。",
    ),
    _i("coverage_rate", "产业覆盖率", "%", _L, "产业覆盖户数 ÷ 有劳动能力户数。覆盖（帮扶措施到户）不同于带动增收（本年已有联结收益）。"),
    _i("uncovered_households", "产业未覆盖户数", "户", _L, "有劳动能力户数 − 产业覆盖户数：距产业全覆盖的差距，名单见“利益联结”。"),
    _i("labour_unreported_households", "劳动能力未上报户数", "户", _L, "劳动能力为空的建档立卡户，不计入产业覆盖率的分母。"),
    _i("linked_households", "带动增收户数", "户", _L, "本年度至少有一笔收益金额大于0的利益联结的户。"),
    _i("linked_people", "带动增收人数", "人", _L, "带动增收户的家庭人口之和。"),
    _i("linked_income_wan", "联结收益", "万元", _L, "带动增收户本年度利益联结收益金额之和。"),
    _i("linked_income_per_household_yuan", "户均联结收益", "元", _L, "联结收益 ÷ 带动增收户数。"),
    _i("poor_labourers", "贫困劳动力", "人", _L, "本年度“贫困户收入”上报的劳动力人数之和；未上报为未上报。"),
    _i("labourers_employed", "转移就业人数", "人", _L, "本年度“贫困户收入”上报的转移就业人数之和。"),
    _i(
        "poverty_line_yuan",
        "贫困线",
        "元",
        _L,
        "本年度农村贫困标准（元/人·年）：“贫困线”数据集上报的标准，未上报时为国家现行农村贫困标准（2017年2952元）。",
    ),
    _i("income_reported_households", "收入已上报户数", "户", _L, "本年度上报了家庭收入的建档立卡户。"),
    _i(
        "households_below_poverty_line",
        "人均纯收入低于贫困线户数",
        "户",
        _L,
        "家庭人均纯收入（工资性、生产经营性、财产性、转移性收入之和 ÷ 家庭人口）低于本年度贫困线的建档立卡户；只计已上报收入的户。",
    ),
    _i(
        "exited_below_poverty_line",
        "已脱贫户收入未达标户数",
        "户",
        _L,
        "脱贫年度不晚于本年度、家庭人均纯收入仍低于本年度贫困线的户（脱贫不达标，需核实）。",
    ),
    _i(
        "pv_capacity_mw",
        "光伏扶贫装机容量",
        "兆瓦",
        _B,
        "已建成或运营中、建设年度不晚于本年度的光伏扶贫项目建设规模之和（千瓦 ÷ 1000），不含商业电站。",
    ),
    _i("pv_target_mw", "光伏装机目标", "兆瓦", _B, "区级目标；选了镇办时为该镇办的任务分解，没有任务分解的镇办不设目标。", ("区", "镇办")),
    _i("pv_progress", "光伏完成目标", "%", _B, "光伏扶贫装机容量 ÷ 光伏装机目标；没有目标时不显示。", ("区", "镇办")),
    _i("pv_stations_poverty", "光伏扶贫电站数", "座", _B, "已建成的村级电站和集中式扶贫电站座数（户用光伏按户另计，不含商业电站）。"),
    _i("pv_village_stations", "村级光伏电站数", "座", _B, "已建成的村级光伏扶贫电站。"),
    _i("pv_household_systems", "户用光伏户数", "户", _B, "已建成的户用光伏扶贫安装户数。"),
    _i("pv_commercial_mw", "商业光伏电站装机", "兆瓦", _B, "是否扶贫项目为“否”（招商引资）的已建成光伏电站，单列，不计入扶贫装机。"),
    _i("pv_generation_10k_kwh", "光伏扶贫发电量", "万千瓦时", _B, "光伏扶贫电站本年度上报的发电量；没有上报为未上报。"),
    _i("pv_revenue_wan", "光伏发电收益", "万元", _B, "光伏扶贫电站本年度上报的发电收益。"),
    _i("weak_stations", "发电偏低电站数", "座", _B, "年化利用小时低于全区同类电站中位数70%的光伏电站，名单见“光伏”。"),
    _i("fungus_bags_wan", "食用菌生产菌袋", "万袋", _B, "本年度上报的生产菌袋（同一项目多种报告期时取最粗的一种）；没有上报为未上报。"),
    _i("fungus_target_wan", "食用菌目标", "万袋", _B, "区级目标或镇办任务分解。", ("区", "镇办")),
    _i("fungus_progress", "食用菌完成目标", "%", _B, "生产菌袋 ÷ 目标。", ("区", "镇办")),
    _i("artichoke_mu", "菊芋种植面积", "亩", _B, "本年度上报的菊芋种植面积；没有上报为未上报。"),
    _i("artichoke_target_mu", "菊芋目标", "亩", _B, "区级目标或镇办任务分解。", ("区", "镇办")),
    _i("artichoke_progress", "菊芋完成目标", "%", _B, "种植面积 ÷ 目标。", ("区", "镇办")),
    _i(
        "integrated_funds_allocated_wan",
        "统筹整合涉农资金下达",
        "万元",
        _F,
        "资金类别为统筹整合涉农资金、本年度下达到项目的金额（2016年起）。",
    ),
    _i("integrated_funds_spent_wan", "统筹整合涉农资金支出", "万元", _F, "上述资金本年度支出金额。"),
    _i("integrated_funds_spend_rate", "统筹整合涉农资金支出率", "%", _F, "统筹整合涉农资金支出 ÷ 下达。"),
    _i(
        "special_funds_allocated_wan",
        "财政专项扶贫资金下达",
        "万元",
        _F,
        "资金类别为财政专项扶贫资金（未纳入统筹整合的财政扶贫资金）的本年度下达金额。",
    ),
    _i("special_funds_spent_wan", "财政专项扶贫资金支出", "万元", _F, "上述资金本年度支出金额。"),
    _i("funds_allocated_wan", "项目资金下达合计", "万元", _F, "本年度各来源下达到项目的资金，每笔只计一次；不含企业自筹。"),
    _i("funds_spent_wan", "项目资金支出合计", "万元", _F, "上述资金的支出。"),
    _i("funds_spend_rate", "项目资金支出率", "%", _F, "项目资金支出合计 ÷ 下达合计。"),
    _i("self_funded_wan", "企业自筹投入", "万元", _F, "资金来源为企业自筹的本年度投入：主体自有资金，不是下达资金，不计入支出率。"),
    _i(
        "low_spending_projects",
        "支出率低于90%的项目数",
        "个",
        _F,
        "本年度下达资金（不含企业自筹，各来源合计）支出率低于90%的项目，名单见“资金”。",
    ),
    _i("pilot_villages", "“三变”试点村数", "个", _S, "试点年度不晚于本年度的“三变”改革试点村。"),
    _i("pilot_funds_wan", "“三变”区级财政投入", "万元", _S, "上述试点村的区级财政投入之和。"),
    _i("entities", "经营主体数", "个", _E, "成立年度不晚于本年度（未填成立年度的视为一直存在）的经营主体。"),
    _i("cooperatives", "农民专业合作社数", "个", _E, "主体类型为农民专业合作社的经营主体。"),
    _i("leading_enterprises", "龙头企业数", "个", _E, "主体类型为龙头企业的经营主体。"),
    _i("invested_wan", "入股资金", "万元", _E, "投入日期不晚于本年度的入股投资金额之和。"),
    _i("dividends_due_wan", "本年应付分红", "万元", _E, "分红年度为本年度的应付金额。"),
    _i("dividends_paid_wan", "本年实付分红", "万元", _E, "分红年度为本年度的实付金额。"),
    _i("dividend_payout_rate", "分红兑现率", "%", _E, "本年实付分红 ÷ 本年应付分红。"),
    _i(
        "overdue_dividends",
        "逾期分红笔数",
        "笔",
        _E,
        "本年度及以前年度到期（当年12月31日）未足额兑现或逾期才兑现的分红，名单见“经营主体与投资”。",
    ),
    _i("dividends_owed_wan", "逾期欠付分红", "万元", _E, "上述逾期分红中仍未兑现的金额（含以前年度欠付）。"),
    _i(
        "overdue_townships",
        "上报逾期镇办数",
        "个",
        _R,
        "本年度的上报任务中，过了截止时间仍有数据集未上报（或退回后未重新上报）的镇办，名单见“上报任务”。",
        ("区", "镇办"),
    ),
    _i(
        "projects_in_library",
        "项目库项目数",
        "个",
        _A,
        "本年末以前已登记阶段（申报、入库、立项、实施、验收、报账、资产移交）的项目；没有阶段记录为未上报。",
    ),
    _i(
        "stuck_projects",
        "停滞项目数",
        "个",
        _A,
        f"本年末仍停在某一阶段、停留天数超过该阶段时限的项目（{_LIMITS}），名单见“项目库”。",
    ),
    _i("assets", "扶贫资产数", "项", _A, "本年度以前建成的项目形成的扶贫资产（电站、菌棚、冷库、厂房、设备、股权等），按所在村计。"),
    _i("asset_value_wan", "扶贫资产原值", "万元", _A, "上述扶贫资产的原值之和。"),
    _i(
        "unsettled_assets",
        "验收后未确权或未移交资产数",
        "项",
        _A,
        "所属项目本年末以前已验收、但尚未确权（没有确权村集体或农户）或尚未移交的扶贫资产，名单见“扶贫资产”。",
    ),
    _i("troubled_assets", "闲置或损毁资产数", "项", _A, "资产状态为闲置或损毁的扶贫资产，名单见“扶贫资产”。"),
    _i("asset_income_wan", "扶贫资产收益", "万元", _A, "扶贫资产本年度的收益（按收益分配方案上报）；没有上报为未上报。"),
    _i("asset_income_distributed_wan", "资产收益已分配", "万元", _A, "上述收益中本年度已按分配方案拨付的金额。"),
    _i(
        "collective_income_wan",
        "村集体经济收入",
        "万元",
        _A,
        "各村集体确权所有的扶贫资产本年度收益中的村集体留存部分之和；本年度没有上报任何收益分配时为未上报。",
    ),
    _i(
        "zero_income_villages",
        "集体经济未破零村数",
        "个",
        _A,
        "本年度村集体经济收入为0的村（本年度有收益分配上报时）。",
    ),
    _i(
        "weak_collective_villages",
        "集体经济薄弱村数",
        "个",
        _A,
        f"本年度村集体经济收入低于{assets.WEAK_COLLECTIVE_INCOME_WAN:g}万元的村（含未破零的村）。",
    ),
    _i(
        "distribution_gap_projects",
        "收益分配有差额的资产数",
        "项",
        _A,
        "本年度收益未全部分配，或分配方案中到户部分（公益岗位工资、奖励补助、分红到户）与注明该资产编号的利益联结到户金额不符的资产，差额见“扶贫资产”。",
    ),
)
BY_KEY: dict[str, Indicator] = {ind.key: ind for ind in INDICATORS}


def indicator(key: str) -> Indicator:
    return BY_KEY[key]


def _wan(yuan: float | None) -> float | None:
    return None if yuan is None else round(float(yuan) / 10_000, 6)


def _progress(value: float | None, goal: dict | None) -> float | None:
    if value is None or not goal or not goal["value"]:
        return None
    return round(value / goal["value"], 6)


class _Places:
    """The places of one comparison (the villages of one 镇办, or 镇办): the household and village parts
    are read for all of them in one grouped query each, the first time any place needs one; each
    place's part equals asking it alone (overview.household_kpis_of_places); so are the 光伏 parts
    (stations, capacity, output) of a 光伏 ranking."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scopes: list[Scope]):
        self.con, self.scopes = con, scopes

    @cached_property
    def line(self) -> float:
        return poverty_line(self.con, self.scopes[0].year)[0]

    @cached_property
    def h(self) -> dict[Scope, dict]:
        return overview.household_kpis_of_places(self.con, self.scopes, self.line)

    @cached_property
    def v(self) -> dict[Scope, dict]:
        return overview.village_kpis_of_places(self.con, self.scopes)

    @cached_property
    def stations(self) -> dict[Scope, dict]:
        return overview.pv_station_kpis_of_places(self.con, self.scopes)

    @cached_property
    def capacity(self) -> dict[Scope, float]:
        return overview.pv_capacity_mw_of_places(self.con, self.scopes)

    @cached_property
    def pv_out(self) -> dict[Scope, dict]:
        return pv.pv_output_totals_of_places(self.con, self.scopes)


class _Parts:
    """The queries behind the indicators, each run at most once and only when an indicator needs it
    (a trend or a ranking asks for a few indicators; the cards for all of them). `places`: the
    comparison this scope is one place of, whose grouped parts are read first."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scope: Scope, places: _Places | None = None):
        self.con, self.scope, self.places = con, scope, places

    @cached_property
    def line(self) -> float:
        return poverty_line(self.con, self.scope.year)[0]

    @cached_property
    def h(self) -> dict:
        grouped = self.places.h if self.places is not None else {}
        return grouped[self.scope] if self.scope in grouped else overview.household_kpis(self.con, self.scope, self.line)

    @cached_property
    def v(self) -> dict:
        grouped = self.places.v if self.places is not None else {}
        return grouped[self.scope] if self.scope in grouped else overview.village_kpis(self.con, self.scope)

    def _grouped(self, part: str, alone: Callable):
        """The part of this place from the comparison's grouped query, else asked alone."""
        grouped = getattr(self.places, part) if self.places is not None else {}
        return grouped[self.scope] if self.scope in grouped else alone(self.con, self.scope)

    @cached_property
    def stations(self) -> dict:
        return self._grouped("stations", overview.pv_station_kpis)

    @cached_property
    def pv_out(self) -> dict:
        return self._grouped("pv_out", pv.pv_output_totals)

    @cached_property
    def integrated(self) -> dict:
        return overview.fund_kpis(self.con, self.scope, INTEGRATED_FUNDS)

    @cached_property
    def special(self) -> dict:
        return overview.special_fund_kpis(self.con, self.scope)

    @cached_property
    def totals(self) -> dict:
        return overview.fund_totals(self.con, self.scope)

    @cached_property
    def divs(self) -> dict:
        return overview.dividend_kpis(self.con, self.scope)

    @cached_property
    def overdue(self) -> pl.DataFrame:
        return entities.overdue_dividends(self.con, self.scope)

    @cached_property
    def capacity(self) -> float:
        return self._grouped("capacity", overview.pv_capacity_mw)

    @cached_property
    def bags(self) -> float | None:
        return overview.fungus_bags_wan(self.con, self.scope)

    @cached_property
    def area(self) -> float | None:
        return overview.artichoke_mu(self.con, self.scope)

    @cached_property
    def goals(self) -> dict:
        return {industry: overview.target(self.con, industry, self.scope) for industry in ("光伏", "食用菌", "菊芋")}

    @cached_property
    def pilots(self) -> dict:
        return overview.pilot_kpis(self.con, self.scope)

    @cached_property
    def entities(self) -> dict:
        return overview.entity_kpis(self.con, self.scope)

    @cached_property
    def library(self) -> dict:
        return _library_values(self.con, self.scope)

    @cached_property
    def assets(self) -> dict:
        return _asset_values(self.con, self.scope)


def _goal(industry: str) -> Callable[[_Parts], float | None]:
    return lambda p: p.goals[industry]["value"] if p.goals[industry] else None


def _from(part: str, key: str | None = None) -> Callable[[_Parts], object]:
    return lambda p, k=key: getattr(p, part)[k]


# How each indicator is computed from the parts: the one place a figure is defined.
_FORMULAS: dict[str, Callable[[_Parts], object]] = {
    **{
        k: _from("h", k)
        for k in (
            "households_registered",
            "people_registered",
            "households_exited_cum",
            "people_exited_cum",
            "households_exited_year",
            "people_exited_year",
            "households_remaining",
            "people_remaining",
            "coverage_base_households",
            "covered_households",
            "coverage_rate",
            "uncovered_households",
            "labour_unreported_households",
            "linked_households",
            "linked_people",
            "poor_labourers",
            "labourers_employed",
            "income_reported_households",
            "households_below_poverty_line",
            "exited_below_poverty_line",
        )
    },  # fmt: skip
    "agri_population": _from("v", "agri_population"),
    "poverty_incidence": lambda p: round(p.h["people_remaining"] / p.v["agri_population"], 6) if p.v["agri_population"] else None,
    **{
        k: _from("v", k)
        for k in ("poverty_villages", "deep_poverty_villages", "villages_exited_year", "villages_exited_cum", "poverty_villages_remaining")
    },
    "linked_income_wan": lambda p: _wan(p.h["linked_income_yuan"]),
    "linked_income_per_household_yuan": lambda p: (
        round(p.h["linked_income_yuan"] / p.h["linked_households"], 6) if p.h["linked_households"] else None
    ),
    "poverty_line_yuan": lambda p: p.line,
    "pv_capacity_mw": lambda p: p.capacity,
    "pv_target_mw": _goal("光伏"),
    "pv_progress": lambda p: _progress(p.capacity, p.goals["光伏"]),
    **{k: _from("stations", k) for k in ("pv_stations_poverty", "pv_village_stations", "pv_household_systems", "pv_commercial_mw")},
    "pv_generation_10k_kwh": lambda p: None if p.pv_out["kwh"] is None else round(p.pv_out["kwh"] / 10_000, 6),
    "pv_revenue_wan": lambda p: _wan(p.pv_out["revenue_yuan"]),
    "fungus_bags_wan": lambda p: p.bags,
    "fungus_target_wan": _goal("食用菌"),
    "fungus_progress": lambda p: _progress(p.bags, p.goals["食用菌"]),
    "artichoke_mu": lambda p: p.area,
    "artichoke_target_mu": _goal("菊芋"),
    "artichoke_progress": lambda p: _progress(p.area, p.goals["菊芋"]),
    "integrated_funds_allocated_wan": _from("integrated", "allocated_wan"),
    "integrated_funds_spent_wan": _from("integrated", "spent_wan"),
    "integrated_funds_spend_rate": _from("integrated", "spend_rate"),
    "special_funds_allocated_wan": _from("special", "special_funds_allocated_wan"),
    "special_funds_spent_wan": _from("special", "special_funds_spent_wan"),
    **{k: _from("totals", k) for k in ("funds_allocated_wan", "funds_spent_wan", "funds_spend_rate", "self_funded_wan")},
    "low_spending_projects": lambda p: funds.project_counts(p.con, p.scope)[1],
    **{k: _from("pilots", k) for k in ("pilot_villages", "pilot_funds_wan")},
    **{k: _from("entities", k) for k in ("entities", "cooperatives", "leading_enterprises", "invested_wan")},
    "dividends_due_wan": lambda p: _wan(p.divs["due_yuan"]),
    "dividends_paid_wan": lambda p: _wan(p.divs["paid_yuan"]),
    "dividend_payout_rate": lambda p: p.divs["payout_rate"],
    "overdue_dividends": lambda p: p.overdue.height,
    "dividends_owed_wan": lambda p: _wan(float(p.overdue["欠付金额(元)"].sum())),
    "weak_stations": lambda p: pv.underperforming_stations(p.con, p.scope).height,
    "overdue_townships": lambda p: rounds.overdue_townships(p.con, p.scope),
    **{ind.key: _from("library" if ind.key in LIBRARY_KEYS else "assets", ind.key) for ind in INDICATORS if ind.group == _A},
}
_missing = {ind.key for ind in INDICATORS} ^ set(_FORMULAS)
assert not _missing, f"indicators without a formula, or formulas without an indicator: {_missing}"


_SHARED: ContextVar[dict | None] = ContextVar("indicator_parts", default=None)


@contextmanager
def shared_queries() -> Iterator[None]:
    """Within one export (its KPI table, progress table, text and the previous year's comparison all
    ask for the same scope), each scope's queries run once. Only around work that reads one data
    version: a write inside would not be seen."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def _parts(con: duckdb.DuckDBPyConnection, scope: Scope) -> _Parts:
    shared = _SHARED.get()
    if shared is None:
        return _Parts(con, scope)
    return shared.setdefault((id(con), scope), _Parts(con, scope))


def values(con: duckdb.DuckDBPyConnection, scope: Scope, keys: Iterable[str] | None = None) -> dict:
    """Every indicator for the scope, under its key (None = 未上报 or not applicable), plus `year`.

    `keys`: only these indicators (a trend, a ranking), computed by the same formulas and only the
    queries they need, so a value equals the card's."""
    wanted = _wanted(keys)
    with scope_keys.shared():  # the scope's project and village lists, read once for all its queries
        return _evaluate(_parts(con, scope), wanted)


def values_of_places(con: duckdb.DuckDBPyConnection, scopes: list[Scope], keys: Iterable[str]) -> list[dict]:
    """`values(con, scope, keys)` of each place of a comparison (the villages of one 镇办, or 镇办, of one
    year), by the same formulas; the household and village parts of all places in one grouped query
    each instead of one per place."""
    wanted = _wanted(keys)
    places = _Places(con, scopes)
    with scope_keys.shared():
        return [_evaluate(_Parts(con, scope, places), wanted) for scope in scopes]


def _wanted(keys: Iterable[str] | None) -> list[str]:
    wanted = [ind.key for ind in INDICATORS] if keys is None else list(dict.fromkeys(keys))
    unknown = [k for k in wanted if k not in _FORMULAS]
    if unknown:
        raise KeyError(f"没有这些指标：{unknown}")
    return wanted


def _evaluate(parts: _Parts, wanted: list[str]) -> dict:
    return {"year": parts.scope.year} | {key: _FORMULAS[key](parts) for key in wanted}


def _library_values(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """项目库: None (未上报) where no project stage was reported for the scope and year."""
    library = projects_lib.current_stages(con, scope)
    return {
        "projects_in_library": library.height or None,
        "stuck_projects": projects_lib.stuck_of(library).height if library.height else None,
    }


def _asset_values(con: duckdb.DuckDBPyConnection, scope: Scope) -> dict:
    """扶贫资产: None (未上报) where nothing of the kind was reported for the scope and year."""
    register = assets.register(con, scope)
    asset_totals = assets.totals_of(register)
    income = assets.income_totals(con, scope)
    has_assets = asset_totals["assets"] is not None
    return {
        **asset_totals,
        "unsettled_assets": assets.unsettled(con, scope).height if has_assets else None,
        "troubled_assets": assets.troubled_of(register).height if has_assets else None,
        "asset_income_wan": _wan(income["income_yuan"]),
        "asset_income_distributed_wan": _wan(income["distributed_yuan"]),
        **assets.collective_kpis(con, scope),
        "distribution_gap_projects": assets.reconciliation_gaps(con, scope).height if income["income_yuan"] is not None else None,
    }


# `fupin kpi --json` and the 总览 page read the same dictionary.
overview_kpis = values


def rounded(key: str, value):
    """The value as reported: rates as a fraction rounded to the shown decimals of a percent."""
    if value is None:
        return None
    ind = BY_KEY[key]
    if ind.is_rate:
        return round(float(value), ind.decimals + 2)
    if ind.decimals == 0:
        return int(round(float(value)))
    return round(float(value), ind.decimals)


def reported(kpis: dict) -> dict:
    """`fupin kpi --json`: the year and every indicator as reported (rounded to its decimals, rates as
    fractions to 0.1 %), the same figures the pages and exports show."""
    return {"year": kpis["year"]} | {ind.key: rounded(ind.key, kpis[ind.key]) for ind in INDICATORS}


def _number(key: str, value, separators: bool) -> str:
    ind = BY_KEY[key]
    shown = float(value) * 100 if ind.is_rate else float(value)
    return f"{shown:{',' if separators else ''}.{ind.decimals}f}"


def display_unit(value, unit: str) -> str:
    """A figure that is not an indicator (a list's total) in its unit's style: 1,234.50万元; None → 未上报."""
    if value is None:
        return NOT_REPORTED
    shown = float(value) * 100 if unit == "%" else float(value)
    return f"{shown:,.{UNIT_DECIMALS.get(unit, 2)}f}{unit}"


def display(key: str, value) -> str:
    """Cards and tables: 28,530户, 27.42兆瓦, 90.1%; None → 未上报."""
    if value is None:
        return NOT_REPORTED
    return _number(key, value, True) + BY_KEY[key].unit


def text(key: str, value) -> str:
    """Running text in 公文 style: no thousands separators (户均增收5816元); None → 未上报."""
    if value is None:
        return NOT_REPORTED
    return _number(key, value, False) + BY_KEY[key].unit


def applies(key: str, scope: Scope) -> bool:
    """Whether the indicator means something for this scope (a target only for the district or 镇办)."""
    level = "村" if scope.village else ("区" if scope.townships is None else "镇办")
    return level in BY_KEY[key].levels


PROGRAMMES = (
    ("光伏", "百兆瓦光伏", "pv_capacity_mw", "pv_target_mw", "pv_progress"),
    ("食用菌", "千万袋食用菌", "fungus_bags_wan", "fungus_target_wan", "fungus_progress"),
    ("菊芋", "万亩菊芋", "artichoke_mu", "artichoke_target_mu", "artichoke_progress"),
)


def programme_progress(con: duckdb.DuckDBPyConnection, scope: Scope, kpis: dict | None = None) -> pl.DataFrame:
    """The 百千万 programme against its targets: one row per industry (target and 完成率 empty where
    the place has none)."""
    k = kpis or values(con, scope, [key for programme in PROGRAMMES for key in programme[2:]])
    rows = []
    for industry, label, value_key, target_key, progress_key in PROGRAMMES:
        goal = overview.target(con, industry, scope)
        rows.append(
            {
                "产业": industry,
                "工程": label,
                "完成": rounded(value_key, k[value_key]),
                "目标": rounded(target_key, k[target_key]),
                "单位": BY_KEY[value_key].unit,
                "目标年度": goal["year"] if goal else None,
                "完成率": rounded(progress_key, k[progress_key]),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "产业": pl.String,
            "工程": pl.String,
            "完成": pl.Float64,
            "目标": pl.Float64,
            "单位": pl.String,
            "目标年度": pl.Int64,
            "完成率": pl.Float64,
        },
    )


def kpi_frame(kpis: dict, keys: Callable[[Indicator], bool] | None = None) -> pl.DataFrame:
    """指标 / 数值 / 单位 / 口径 rows, values rounded as reported and rates in per cent."""
    rows = []
    for ind in INDICATORS:
        if keys is not None and not keys(ind):
            continue
        value = rounded(ind.key, kpis[ind.key])
        if value is not None and ind.is_rate:
            value = round(value * 100, ind.decimals)
        rows.append((ind.group, ind.name, None if value is None else float(value), ind.unit, ind.definition))
    return pl.DataFrame(
        rows, schema={"类别": pl.String, "指标": pl.String, "数值": pl.Float64, "单位": pl.String, "口径": pl.String}, orient="row"
    )


BETTER_WORDS = {UP: "好转", DOWN: "变差", None: "—"}


def render_markdown() -> str:
    """docs/INDICATORS.md: every indicator with its key, unit, decimals and 口径."""
    lines = [
        "# 指标口径（INDICATORS）",
        "",
        "由 `fupin_core/metrics/indicators.py` 自动生成（`fupin indicators --out docs/INDICATORS.md`），请勿手工修改。",
        "页面指标卡、`fupin kpi --json`、需要关注、汇总表（Excel）和进度报告（Word）都从这份登记表取数，",
        "数字格式按单位统一（兆瓦、万元保留2位小数，万袋、亩保留1位，元取整，比率保留1位小数的百分数）；没有数据显示“未上报”，不显示0。",
        "“增加为”：与上年相比数值增加是好转还是变差（指标卡的增减颜色、镇办排名的先后），“—”为规模或基数，不论好坏。",
        "",
    ]
    group = None
    for ind in INDICATORS:
        if ind.group != group:
            group = ind.group
            lines += [f"## {group}", "", "| 键（JSON） | 指标 | 单位 | 小数位 | 适用 | 增加为 | 口径 |", "|---|---|---|---|---|---|---|"]
        lines.append(
            f"| `{ind.key}` | {ind.name} | {ind.unit} | {ind.decimals} | {'、'.join(ind.levels)} | {BETTER_WORDS[ind.better]} | {ind.definition} |"
        )
        if ind is INDICATORS[-1] or INDICATORS[INDICATORS.index(ind) + 1].group != group:
            lines.append("")
    return "\n".join(lines)
