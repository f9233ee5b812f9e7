"""The text of the 进度报告, written from the figures in the way the bureau's own reports read.

Every figure in a sentence is an indicator of the registry (`s.kpis`, metrics/indicators.py), written
with `indicators.text` (the unit's decimals, no thousands separators, 未上报 when missing), so the report
says what the 总览 page, the xlsx and `fupin kpi` say. A few details (鲜菇产量, 折股量化资产 …) are the
合计 of the report's own tables, which are the xlsx sheets. Nothing here queries the database.
"""

from __future__ import annotations

import polars as pl

from fupin_core.catalog import ENTITY_TYPES, LINK_MECHANISMS
from fupin_core.metrics import indicators, trends
from fupin_core.metrics.indicators import NOT_REPORTED, UNIT_DECIMALS
from fupin_core.reports.contents import Summary


def _t(s: Summary, key: str) -> str:
    """An indicator as running text: 28530户, 27.42兆瓦, 90.1%, or 未上报."""
    return indicators.text(key, s.kpis[key])


def _u(value, unit: str) -> str:
    """A table total in the unit's style (the registry's decimals), no thousands separators."""
    if value is None:
        return NOT_REPORTED
    return f"{float(value):.{UNIT_DECIMALS.get(unit, 2)}f}{unit}"


def _frame(s: Summary, sheet: str) -> pl.DataFrame:
    return s.tables_of(sheet)[0].frame


def _total(s: Summary, sheet: str) -> dict:
    return s.tables_of(sheet)[0].total or {}


def _progress(s: Summary, target_key: str, progress_key: str) -> str:
    if s.kpis[progress_key] is None:
        return "（尚未设定目标）" if indicators.applies(target_key, s.scope) else ""
    return f"，完成目标（{_t(s, target_key)}）的{_t(s, progress_key)}"


def title(s: Summary) -> str:
    return f"{s.place}{s.scope.year}年产业扶贫工作进展情况报告"


def overall(s: Summary) -> str:
    y = s.scope.year
    text = (
        f"截至{y}年底，{s.area}共有建档立卡贫困户{_t(s, 'households_registered')}{_t(s, 'people_registered')}，"
        f"累计脱贫{_t(s, 'households_exited_cum')}{_t(s, 'people_exited_cum')}，"
        f"其中{y}年脱贫{_t(s, 'households_exited_year')}{_t(s, 'people_exited_year')}；"
        f"尚未脱贫{_t(s, 'households_remaining')}{_t(s, 'people_remaining')}"
    )
    if s.kpis["poverty_incidence"] is not None:
        text += f"，贫困发生率{_t(s, 'poverty_incidence')}"
    return text + (
        f"。有建档立卡贫困村{_t(s, 'poverty_villages')}（其中深度贫困村{_t(s, 'deep_poverty_villages')}），"
        f"{y}年退出贫困村{_t(s, 'villages_exited_year')}，年末尚有未退出贫困村{_t(s, 'poverty_villages_remaining')}。"
    )


def pv(s: Summary) -> str:
    y, k = s.scope.year, s.kpis
    text = (
        f"（一）光伏产业。截至{y}年底，{s.area}光伏扶贫装机容量达{_t(s, 'pv_capacity_mw')}"
        f"{_progress(s, 'pv_target_mw', 'pv_progress')}；已建成光伏扶贫电站{_t(s, 'pv_stations_poverty')}"
        f"（其中村级电站{_t(s, 'pv_village_stations')}）"
        + (f"，户用光伏{_t(s, 'pv_household_systems')}。" if k["pv_household_systems"] else "。")
    )
    if k["pv_commercial_mw"]:
        text += f"另有商业光伏电站{_t(s, 'pv_commercial_mw')}，不计入扶贫装机。"
    if k["pv_generation_10k_kwh"] is None:
        return text + f"{y}年发电量和发电收益未上报。"
    return text + f"{y}年发电{_t(s, 'pv_generation_10k_kwh')}，发电收益{_t(s, 'pv_revenue_wan')}。"


def fungus(s: Summary) -> str:
    y = s.scope.year
    if s.kpis["fungus_bags_wan"] is None:
        return f"（二）食用菌产业。{y}年，{s.area}食用菌生产情况未上报。"
    frame, total = _frame(s, "食用菌"), _total(s, "食用菌")
    producing = frame.filter(pl.col("生产菌袋(万袋)") > 0).height
    return (
        f"（二）食用菌产业。{y}年，{s.area}生产食用菌菌袋{_t(s, 'fungus_bags_wan')}"
        f"{_progress(s, 'fungus_target_wan', 'fungus_progress')}；{producing}个基地和项目投入生产，"
        f"鲜菇产量{_u(total.get('鲜菇产量(吨)'), '吨')}，销售收入{_u(total.get('销售收入(万元)'), '万元')}。"
    )


def artichoke(s: Summary) -> str:
    y = s.scope.year
    if s.kpis["artichoke_mu"] is None:
        return f"（三）菊芋产业。{y}年，{s.area}菊芋种植情况未上报。"
    total = _total(s, "菊芋")
    return (
        f"（三）菊芋产业。{y}年，{s.area}种植菊芋{_t(s, 'artichoke_mu')}"
        f"{_progress(s, 'artichoke_target_mu', 'artichoke_progress')}；产量{_u(total.get('产量(吨)'), '吨')}，"
        f"收购金额{_u(total.get('收购金额(万元)'), '万元')}。"
    )


def linkage(s: Summary) -> str:
    y, k, total = s.scope.year, s.kpis, _total(s, "利益联结")
    if k["linked_households"] is None:
        base = f"有劳动能力的建档立卡户{_t(s, 'coverage_base_households')}，" if k["coverage_base_households"] else ""
        text = f"{y}年，{s.area}{base}利益联结数据未上报，产业覆盖和带动增收情况无法统计。"
    elif k["coverage_rate"] is not None:
        text = (
            f"{y}年，{s.area}有劳动能力的建档立卡户{_t(s, 'coverage_base_households')}中，{_t(s, 'covered_households')}落实了产业帮扶措施，"
            f"产业覆盖率{_t(s, 'coverage_rate')}"
            + ("，实现产业全覆盖。" if not k["uncovered_households"] else f"，尚有{_t(s, 'uncovered_households')}未覆盖。")
        )
    else:
        text = f"{y}年，{s.area}贫困户劳动能力未上报，产业覆盖率无法计算。"
    if k["linked_households"] is not None:
        text += f"通过产业带动建档立卡贫困户{_t(s, 'linked_households')}{_t(s, 'linked_people')}增收"
        if k["linked_households"]:
            text += f"，联结收益{_t(s, 'linked_income_wan')}，户均{_t(s, 'linked_income_per_household_yuan')}"
        text += "。"
    ways = "、".join(f"{m}{_u(total.get(f'{m}(户)'), '户')}" for m in LINK_MECHANISMS if total.get(f"{m}(户)"))
    if ways:
        text += f"按联结方式分，{ways}（一户可有多种联结方式）。"
    if k["poor_labourers"] is not None:
        text += f"{s.area}贫困劳动力{_t(s, 'poor_labourers')}，转移就业{_t(s, 'labourers_employed')}。"
    text += f"{y}年贫困线为每人每年{_t(s, 'poverty_line_yuan')}；"
    if k["income_reported_households"]:
        text += (
            f"已上报收入的{_t(s, 'income_reported_households')}中，家庭人均纯收入低于贫困线的{_t(s, 'households_below_poverty_line')}，"
            f"其中已脱贫户{_t(s, 'exited_below_poverty_line')}。"
        )
    else:
        text += "贫困户家庭收入未上报。"
    return text


def pilots(s: Summary) -> str:
    y, total = s.scope.year, _total(s, "三变改革")
    if not s.kpis["pilot_villages"]:
        return f"截至{y}年底，{s.area}尚无“三变”改革试点村。"
    return (
        f"截至{y}年底，{s.area}共有“三变”改革试点村{_t(s, 'pilot_villages')}，区级财政投入{_t(s, 'pilot_funds_wan')}，"
        f"折股量化资产{_u(total.get('折股量化资产(万元)'), '万元')}，入股土地{_u(total.get('入股土地(亩)'), '亩')}，"
        f"股东{_u(total.get('股东户数(户)'), '户')}，其中贫困户股东{_u(total.get('贫困户股东户数(户)'), '户')}。"
    )


def entities(s: Summary) -> str:
    y, k = s.scope.year, s.kpis
    frame = _frame(s, "经营主体与投资")
    counts = dict(frame.group_by("主体类型").len().iter_rows()) if frame.height else {}
    kinds = "、".join(f"{t}{counts[t]}个" for t in ENTITY_TYPES if counts.get(t))
    text = f"{s.area}有新型经营主体{_t(s, 'entities')}" + (f"（{kinds}）" if kinds else "") + "，"
    text += f"财政和帮扶资金累计入股{_t(s, 'invested_wan')}。"
    if k["dividends_due_wan"]:
        text += f"{y}年应付分红{_t(s, 'dividends_due_wan')}，实付{_t(s, 'dividends_paid_wan')}，分红兑现率{_t(s, 'dividend_payout_rate')}。"
    return text


def funds(s: Summary) -> str:
    y, k = s.scope.year, s.kpis
    if k["funds_allocated_wan"] is None:
        return f"{y}年，{s.area}项目资金未上报。"
    text = f"{y}年，{s.area}"
    if k["integrated_funds_allocated_wan"]:
        text += (
            f"统筹整合涉农资金下达{_t(s, 'integrated_funds_allocated_wan')}，支出{_t(s, 'integrated_funds_spent_wan')}，"
            f"支出率{_t(s, 'integrated_funds_spend_rate')}；"
        )
    if k["special_funds_spent_wan"]:
        text += f"财政专项扶贫资金支出{_t(s, 'special_funds_spent_wan')}；"
    text += (
        f"各类资金合计下达项目{_t(s, 'funds_allocated_wan')}，支出{_t(s, 'funds_spent_wan')}，支出率{_t(s, 'funds_spend_rate')}"
        "（统筹整合资金按其来源级次只计一次）"
    )
    if k["self_funded_wan"]:
        text += f"；另有企业自筹投入{_t(s, 'self_funded_wan')}，不计入下达资金"
    return text + "。"


def lifecycle(s: Summary) -> str:
    """项目库与扶贫资产: the 项目库, the assets it left and where their income went."""
    y, k = s.scope.year, s.kpis
    if k["projects_in_library"] is None:
        text = f"{y}年，{s.area}项目库未上报项目阶段"
    else:
        text = f"截至{y}年底，{s.area}项目库共有项目{_t(s, 'projects_in_library')}"
        if k["stuck_projects"]:
            text += f"，其中{_t(s, 'stuck_projects')}停留在某一阶段超过时限"
    if k["assets"] is None:
        text += "；扶贫资产未上报"
    else:
        text += f"；项目形成扶贫资产{_t(s, 'assets')}，原值{_t(s, 'asset_value_wan')}"
        if k["unsettled_assets"]:
            text += f"，验收后尚未确权或移交的{_t(s, 'unsettled_assets')}"
        if k["troubled_assets"]:
            text += f"，闲置或损毁的{_t(s, 'troubled_assets')}"
    text += "。"
    if k["asset_income_wan"] is not None:
        text += f"{y}年扶贫资产收益{_t(s, 'asset_income_wan')}，已按分配方案分配{_t(s, 'asset_income_distributed_wan')}。"
    if k["collective_income_wan"] is not None:
        # Reported for the district's year even where a 镇办's own assets earned nothing (its villages at 0).
        text += (
            f"{y}年村集体经济收入{_t(s, 'collective_income_wan')}，集体经济薄弱村{_t(s, 'weak_collective_villages')}"
            f"（其中未破零{_t(s, 'zero_income_villages')}）。"
        )
    return text


def compared(s: Summary, programme: str, keys: tuple[str, ...] | None = None) -> str | None:
    """与上年相比: each main indicator of the programme (metrics.trends.PROGRAMME_KEYS) against last year,
    last year's figure written by the registry; None when there is nothing to compare."""
    if s.previous is None:
        return None
    parts = []
    for key in keys or trends.PROGRAMME_KEYS[programme]:
        moved = trends.change(key, s.kpis, s.previous).text()
        if moved is not None:
            parts.append(f"{indicators.indicator(key).name}{moved}（{s.scope.year - 1}年{indicators.text(key, s.previous[key])}）")
    return f"与上年相比，{'，'.join(parts)}。" if parts else None


def concerns(s: Summary) -> list[str]:
    """需要关注的问题: only those the figures show, each with its indicator."""
    k, y, out = s.kpis, s.scope.year, []
    if k["uncovered_households"]:
        out.append(f"产业覆盖尚有缺口：{_t(s, 'uncovered_households')}有劳动能力的建档立卡户{y}年没有任何产业帮扶措施，需逐户落实。")
    if k["exited_below_poverty_line"]:
        out.append(
            f"脱贫质量需核实：{_t(s, 'exited_below_poverty_line')}已脱贫户{y}年家庭人均纯收入低于贫困线"
            f"（{_t(s, 'poverty_line_yuan')}），需逐户核实收入，防止返贫。"
        )
    if k["low_spending_projects"]:
        out.append(
            f"资金支出进度需加快：有{_t(s, 'low_spending_projects')}项目资金支出率低于90%，"
            f"统筹整合涉农资金支出率{_t(s, 'integrated_funds_spend_rate')}。"
        )
    if k["overdue_dividends"]:
        out.append(
            f"分红兑现不到位：有{_t(s, 'overdue_dividends')}分红逾期未足额兑现或逾期才兑现，尚欠{_t(s, 'dividends_owed_wan')}（含以前年度）。"
        )
    if k["weak_stations"]:
        out.append(f"部分光伏电站发电偏低：{_t(s, 'weak_stations')}电站年化利用小时低于同类电站中位数的70%，需排查运维。")
    if k["stuck_projects"]:
        out.append(f"部分项目推进缓慢：{_t(s, 'stuck_projects')}项目停留在某一阶段超过时限，需督办。")
    if k["unsettled_assets"] or k["troubled_assets"]:
        out.append(
            f"扶贫资产管理需加强：验收后尚未确权或移交的资产{_t(s, 'unsettled_assets')}，闲置或损毁的资产{_t(s, 'troubled_assets')}。"
        )
    if k["distribution_gap_projects"]:
        out.append(f"资产收益分配有差额：{_t(s, 'distribution_gap_projects')}资产的收益未全部分配或未全部到户，需逐项核对。")
    return out or ["各项指标均已达到要求。"]


def appendix() -> list[str]:
    """附：指标口径 — every indicator's definition, as the registry states it."""
    return [f"{ind.name}（{ind.unit}）：{ind.definition}" for ind in indicators.INDICATORS]


# 总体情况 compares the poverty figures; coverage and 带动增收 are compared under 利益联结.
POVERTY_CHANGES = ("households_exited_cum", "households_remaining", "poverty_incidence")


def _with_changes(paragraphs: list[str | None]) -> list[str]:
    return [p for p in paragraphs if p]


def outline(s: Summary) -> list[tuple[str, str, list[str]]]:
    """(key, heading, paragraphs) of the report in order; the docx adds tables and figures by key."""
    return [
        ("overall", "一、总体情况", _with_changes([overall(s), compared(s, "总览", POVERTY_CHANGES)])),
        (
            "programmes",
            "二、“百千万”产业工程进展",
            _with_changes([pv(s), compared(s, "光伏"), fungus(s), compared(s, "食用菌"), artichoke(s), compared(s, "菊芋")]),
        ),
        ("linkage", "三、产业覆盖与带动贫困户增收情况", _with_changes([linkage(s), compared(s, "利益联结")])),
        ("pilots", "四、“三变”改革试点", _with_changes([pilots(s), compared(s, "三变")])),
        ("entities", "五、经营主体带动与资金使用", _with_changes([entities(s), funds(s), compared(s, "资金")])),
        ("lifecycle", "六、项目库与扶贫资产", [lifecycle(s)]),
        ("concerns", "七、需要关注的问题", concerns(s)),  # the docx numbers them （一）（二）…
        ("appendix", "附：指标口径", appendix()),
    ]
