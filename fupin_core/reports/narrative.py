"""The text of the 进度报告, written from the figures in the way the bureau's own reports read.

Headline figures come from `overview_kpis` (as on the 总览 page); details from the summary tables,
which are `fupin_core.metrics` frames (reports/tables.py). Nothing here queries the database.
"""

from __future__ import annotations

import polars as pl

from fupin_core.catalog import ENTITY_TYPES, FUND_SOURCES, LINK_MECHANISMS
from fupin_core.formatting import money_wan, money_yuan, percent, smart_number
from fupin_core.metrics.funds import LOW_SPENDING
from fupin_core.metrics.overview import INTEGRATED_FUNDS
from fupin_core.reports.summary import Summary


def _n(value, digits: int = 2) -> str:
    return smart_number(value, digits)


def _frame(s: Summary, sheet: str) -> pl.DataFrame:
    return s.tables_of(sheet)[0].frame


def _total(s: Summary, sheet: str) -> dict:
    return s.tables_of(sheet)[0].total or {}


def _progress(value: float, target: float | None, unit: str) -> str:
    if not target:
        return "（尚未设定目标）"
    return f"，完成目标（{_n(target)}{unit}）的{percent(value / target)}"


def title(s: Summary) -> str:
    return f"{s.place}{s.scope.year}年产业扶贫工作进展情况报告"


def overall(s: Summary) -> str:
    k, y = s.kpis, s.scope.year
    return (
        f"截至{y}年底，{s.area}共有建档立卡贫困户{_n(k['households_registered'])}户{_n(k['people_registered'])}人，"
        f"累计脱贫{_n(k['households_exited_cum'])}户{_n(k['people_exited_cum'])}人，"
        f"其中{y}年脱贫{_n(k['households_exited_year'])}户{_n(k['people_exited_year'])}人；"
        f"有贫困村{k['poverty_villages']}个（其中深度贫困村{k['deep_poverty_villages']}个），{y}年退出贫困村{k['villages_exited_year']}个。"
    )


def pv(s: Summary) -> str:
    k, y, frame, total = s.kpis, s.scope.year, _frame(s, "光伏"), _total(s, "光伏")
    built = frame.filter(pl.col("建成装机(千瓦)") > 0).height
    return (
        f"（一）光伏产业。截至{y}年底，{s.area}光伏装机容量达{_n(k['pv_capacity_mw'], 3)}兆瓦"
        f"{_progress(k['pv_capacity_mw'], k['pv_target_mw'], '兆瓦')}；共有光伏扶贫电站{frame.height}座，"
        f"其中已建成并网{built}座、在建{frame.height - built}座。"
        f"{y}年发电{_n(total.get('发电量(千瓦时)', 0) / 10_000)}万千瓦时，发电收益{money_yuan(total.get('发电收益(元)', 0))}，"
        f"分配收益{money_yuan(total.get('收益分配(元)', 0))}。"
    )


def fungus(s: Summary) -> str:
    k, y, frame, total = s.kpis, s.scope.year, _frame(s, "食用菌"), _total(s, "食用菌")
    producing = frame.filter(pl.col("生产菌袋(万袋)") > 0).height
    return (
        f"（二）食用菌产业。{y}年，{s.area}生产食用菌菌袋{_n(k['fungus_bags_wan'])}万袋"
        f"{_progress(k['fungus_bags_wan'], k['fungus_target_wan'], '万袋')}；{producing}个基地和项目投入生产，"
        f"鲜菇产量{_n(total.get('鲜菇产量(吨)', 0))}吨，销售收入{money_wan(total.get('销售收入(万元)', 0))}。"
    )


def artichoke(s: Summary) -> str:
    k, y, total = s.kpis, s.scope.year, _total(s, "菊芋")
    return (
        f"（三）菊芋产业。{y}年，{s.area}种植菊芋{_n(k['artichoke_mu'])}亩"
        f"{_progress(k['artichoke_mu'], k['artichoke_target_mu'], '亩')}；产量{_n(total.get('产量(吨)', 0))}吨，"
        f"收购金额{money_wan(total.get('收购金额(万元)', 0))}。"
    )


def linkage(s: Summary) -> str:
    k, y, total = s.kpis, s.scope.year, _total(s, "利益联结")
    ways = "、".join(f"{m}{_n(total.get(f'{m}(户)', 0))}户" for m in LINK_MECHANISMS if total.get(f"{m}(户)"))
    text = (
        f"{y}年，{s.area}通过产业带动建档立卡贫困户{_n(k['linked_households'])}户{_n(k['linked_people'])}人增收，"
        f"户均增收{money_yuan(total.get('收益金额(万元)', 0) * 10_000 / k['linked_households']) if k['linked_households'] else '—'}。"
    )
    if ways:
        text += f"按联结方式分，{ways}（一户可有多种联结方式）。"
    return text + (
        f"年初尚未脱贫的{_n(total.get('年初未脱贫户数(户)', 0))}户中，产业覆盖率为{percent(k['coverage_rate'])}，"
        f"尚有{_n(k['uncovered_households'])}户未被任何产业覆盖。"
    )


def pilots(s: Summary) -> str:
    k, y, total = s.kpis, s.scope.year, _total(s, "三变改革")
    if not k["pilot_villages"]:
        return f"截至{y}年底，{s.area}尚无“三变”改革试点村。"
    return (
        f"截至{y}年底，{s.area}共有“三变”改革试点村{k['pilot_villages']}个，区级财政投入{money_wan(k['pilot_funds_wan'])}，"
        f"折股量化资产{money_wan(total.get('折股量化资产(万元)', 0))}，入股土地{_n(total.get('入股土地(亩)', 0))}亩，"
        f"股东{_n(total.get('股东户数(户)', 0))}户，其中贫困户股东{_n(total.get('贫困户股东户数(户)', 0))}户，"
        f"年度分红{money_wan(total.get('年度分红(万元)', 0))}。"
    )


def entities(s: Summary) -> str:
    k, y, frame, total = s.kpis, s.scope.year, _frame(s, "经营主体与投资"), _total(s, "经营主体与投资")
    counts = frame.group_by("主体类型").len()
    by_type = dict(zip(counts["主体类型"].to_list(), counts["len"].to_list(), strict=True))
    kinds = "、".join(f"{t}{by_type[t]}个" for t in ENTITY_TYPES if by_type.get(t))
    text = f"{s.area}有新型经营主体{frame.height}个" + (f"（{kinds}）" if kinds else "") + "，"
    text += f"财政和帮扶资金入股{money_wan(total.get('入股资金(万元)', 0))}。"
    if total.get("应付分红(元)"):
        text += (
            f"{y}年应付分红{money_yuan(total['应付分红(元)'])}，实付{money_yuan(total['实付分红(元)'])}，"
            f"分红兑现率{percent(k['dividend_payout_rate'])}。"
        )
    return text


def funds(s: Summary) -> str:
    k, y, frame = s.kpis, s.scope.year, _frame(s, "资金")
    text = (
        f"{y}年，{s.area}统筹整合涉农资金下达{money_wan(k['integrated_funds_allocated_wan'])}，"
        f"支出{money_wan(k['integrated_funds_spent_wan'])}，支出率{percent(k['integrated_funds_spend_rate'])}"
    )
    sums = frame.group_by("资金来源").agg(pl.col("下达金额(万元)").sum())
    other = dict(zip(sums["资金来源"].to_list(), sums["下达金额(万元)"].to_list(), strict=True))
    others = "、".join(f"{src}{money_wan(other[src])}" for src in FUND_SOURCES if src != INTEGRATED_FUNDS and other.get(src))
    return text + (f"；另下达{others}。" if others else "。")


def concerns(s: Summary) -> list[str]:
    """需要关注的问题: only those the figures show."""
    k, y, out = s.kpis, s.scope.year, []
    if k["uncovered_households"]:
        out.append(f"产业覆盖尚有缺口：{_n(k['uncovered_households'])}户年初未脱贫户{y}年没有任何产业收益，需逐户落实带动措施。")
    rate = k["integrated_funds_spend_rate"]
    low = _frame(s, "资金").filter(pl.col("支出率") < LOW_SPENDING).height
    if (rate is not None and rate < LOW_SPENDING) or low:
        out.append(f"资金支出进度需加快：统筹整合涉农资金支出率{percent(rate)}，有{low}笔项目资金支出率低于{percent(LOW_SPENDING, 0)}。")
    total = _total(s, "经营主体与投资")
    owed = (total.get("应付分红(元)") or 0) - (total.get("实付分红(元)") or 0)
    if owed > 0.005:
        out.append(f"分红兑现不到位：{y}年尚有{money_yuan(owed)}分红未兑现，分红兑现率{percent(k['dividend_payout_rate'])}。")
    return out or ["各项指标均已达到要求。"]


def outline(s: Summary) -> list[tuple[str, str, list[str]]]:
    """(key, heading, paragraphs) of the report in order; the docx adds tables and figures by key."""
    return [
        ("overall", "一、总体情况", [overall(s)]),
        ("programmes", "二、“百千万”产业工程进展", [pv(s), fungus(s), artichoke(s)]),
        ("linkage", "三、产业带动贫困户增收情况", [linkage(s)]),
        ("pilots", "四、“三变”改革试点", [pilots(s)]),
        ("entities", "五、经营主体带动与资金使用", [entities(s), funds(s)]),
        ("concerns", "六、需要关注的问题", [f"{i}. {text}" for i, text in enumerate(concerns(s), start=1)]),
    ]
