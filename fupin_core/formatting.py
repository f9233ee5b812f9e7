"""Chinese display of numbers: 户/人, 万元/亿元, 亩, 兆瓦, percentages with 千分位 separators."""

from __future__ import annotations

import re

KPI_LABELS: dict[str, str] = {
    "households_registered": "建档立卡户数",
    "people_registered": "建档立卡人数",
    "households_exited_cum": "累计脱贫户数",
    "people_exited_cum": "累计脱贫人数",
    "households_exited_year": "当年脱贫户数",
    "people_exited_year": "当年脱贫人数",
    "poverty_villages": "贫困村数",
    "deep_poverty_villages": "深度贫困村数",
    "villages_exited_year": "当年退出贫困村数",
    "pv_capacity_mw": "光伏装机容量",
    "pv_target_mw": "光伏目标",
    "fungus_bags_wan": "食用菌菌袋",
    "fungus_target_wan": "食用菌目标",
    "artichoke_mu": "菊芋种植面积",
    "artichoke_target_mu": "菊芋目标",
    "linked_households": "带动增收户数",
    "linked_people": "带动增收人数",
    "coverage_rate": "产业覆盖率",
    "uncovered_households": "产业未覆盖户数",
    "integrated_funds_allocated_wan": "整合资金下达",
    "integrated_funds_spent_wan": "整合资金支出",
    "integrated_funds_spend_rate": "整合资金支出率",
    "pilot_villages": "三变试点村数",
    "pilot_funds_wan": "三变区级财政投入",
    "dividend_payout_rate": "分红兑现率",
}

KPI_UNITS: dict[str, str] = {
    "households_registered": "户", "people_registered": "人", "households_exited_cum": "户",
    "people_exited_cum": "人", "households_exited_year": "户", "people_exited_year": "人",
    "poverty_villages": "个", "deep_poverty_villages": "个", "villages_exited_year": "个",
    "pv_capacity_mw": "兆瓦", "pv_target_mw": "兆瓦", "fungus_bags_wan": "万袋", "fungus_target_wan": "万袋",
    "artichoke_mu": "亩", "artichoke_target_mu": "亩", "linked_households": "户", "linked_people": "人",
    "uncovered_households": "户", "integrated_funds_allocated_wan": "万元", "integrated_funds_spent_wan": "万元",
    "pilot_villages": "个", "pilot_funds_wan": "万元",
}  # fmt: skip


def number(value: float | int | None, digits: int = 0) -> str:
    """12345.6 -> '12,346' (digits=0) or '12,345.6' (digits=1); None -> '—'."""
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}"
    return text


def smart_number(value: float | int | None, max_digits: int = 2) -> str:
    """Thousands separators, and only the decimals the value needs (up to max_digits)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{max_digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(rate: float | None, digits: int = 1) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


def money_wan(value_wan: float | None) -> str:
    """An amount in 万元, as the bureau's reports write it; in 亿元 from 10亿元 upward."""
    if value_wan is None:
        return "—"
    if abs(value_wan) >= 100_000:
        return f"{smart_number(value_wan / 10_000, 4)}亿元"
    return f"{smart_number(value_wan, 2)}万元"


def money_yuan(value_yuan: float | None) -> str:
    """An amount in 元, shown in 万元 from 10,000元 upward."""
    if value_yuan is None:
        return "—"
    if abs(value_yuan) >= 10_000:
        return money_wan(value_yuan / 10_000)
    return f"{smart_number(value_yuan, 2)}元"


def format_kpi(key: str, value) -> str:
    if value is None:
        return "—"
    if key.endswith("_rate"):
        return percent(value)
    unit = KPI_UNITS.get(key, "")
    if unit == "万元":
        return money_wan(value)
    return f"{smart_number(value, 3)}{unit}"


# Every ASCII punctuation character CommonMark lets a backslash escape (links, images, emphasis,
# headings, lists, tables, code, HTML, Streamlit's :color[…] directives and $…$ maths all start with one).
_MARKDOWN_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_literal(text) -> str:
    """User-supplied text (a name, a file name, a message quoting a cell) made safe for a Streamlit
    element that renders Markdown (title, subheader, caption, st.error …): shown exactly as typed,
    never as a link, an image, HTML or formatting. Line breaks become spaces (no block structure)."""
    if text is None:
        return ""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))
