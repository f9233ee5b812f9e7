"""年度对比: each programme's main indicators over the years, the change against the previous year, and
places ranked against each other (镇办, or the villages of one 镇办).

Every figure is the indicator registry's (`indicators.values`, with `keys=` so that only the queries
an indicator needs run): a point of a trend equals the card of that year and place, a bar of a
ranking the card of that place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import polars as pl

from fupin_core.metrics import indicators, scope_keys
from fupin_core.metrics.indicators import DOWN, UP
from fupin_core.metrics.overview import available_years
from fupin_core.scope import MAX_PLACES, Scope

# Each page's main indicators: its trend and its comparison section (the report's 与上年相比 too).
PROGRAMME_KEYS: dict[str, tuple[str, ...]] = {
    "总览": (
        "households_exited_cum",
        "households_remaining",
        "poverty_incidence",
        "coverage_rate",
        "linked_households",
        "uncovered_households",
    ),
    "光伏": ("pv_capacity_mw", "pv_stations_poverty", "pv_generation_10k_kwh", "pv_revenue_wan"),
    "食用菌": ("fungus_bags_wan",),
    "菊芋": ("artichoke_mu",),
    "三变": ("pilot_villages", "pilot_funds_wan"),
    "资金": ("integrated_funds_allocated_wan", "integrated_funds_spent_wan", "integrated_funds_spend_rate", "funds_spend_rate"),
    "利益联结": ("coverage_rate", "uncovered_households", "linked_households", "linked_income_wan"),
}
# The target drawn on an indicator's trend (where the place has one).
TARGET_OF: dict[str, str] = {
    "pv_capacity_mw": "pv_target_mw",
    "fungus_bags_wan": "fungus_target_wan",
    "artichoke_mu": "artichoke_target_mu",
}
# More places than this are not ranked on screen (a province's 1,800 镇办: unreadable, and one
# registry call each); the page asks to choose a 镇办 and compares its villages instead. The same
# number of places as a chart draws.
MAX_RANKED = MAX_PLACES

TREND_SCHEMA = {
    "年度": pl.Int64,
    "key": pl.String,
    "指标": pl.String,
    "单位": pl.String,
    "小数位": pl.Int64,
    "数值": pl.Float64,
    "标注": pl.String,  # the value as the registry writes it (未上报 where there is none)
    "目标": pl.Float64,
}


def first_year(con: duckdb.DuckDBPyConnection) -> int | None:
    """The first year with any data (a household identified or a linkage reported)."""
    years = available_years(con)
    return min(years) if years else None


def trend(con: duckdb.DuckDBPyConnection, scope: Scope, keys: tuple[str, ...]) -> pl.DataFrame:
    """One row per year and indicator, from the first year with data to the chosen year: 年度, key,
    指标, 单位, 数值 (the registry's value, None = 未上报; rates as fractions) and 目标 (the place's
    target of that year, where it has one). Leading years where none of `keys` has a value other than
    0 are left out."""
    start = first_year(con)
    if start is None:
        return pl.DataFrame(schema=TREND_SCHEMA)
    targets = [TARGET_OF[k] for k in keys if k in TARGET_OF]
    rows = []
    with scope_keys.shared():  # one data version: the place's lists and the summaries' lookups, once
        per_year = [
            (year, indicators.values(con, Scope(year, scope.townships, scope.village), keys=(*keys, *targets)))
            for year in range(min(start, scope.year), scope.year + 1)
        ]
    for year, kpis in per_year:
        for key in keys:
            ind = indicators.indicator(key)
            target = kpis.get(TARGET_OF.get(key, ""), None)
            value = _float(kpis[key])
            rows.append((year, key, ind.name, ind.unit, ind.decimals, value, indicators.display(key, value), _float(target)))
    frame = pl.DataFrame(rows, schema=TREND_SCHEMA, orient="row")
    with_data = frame.filter(pl.col("数值").is_not_null() & (pl.col("数值") != 0))["年度"]
    return frame.filter(pl.col("年度") >= (with_data.min() if with_data.len() else scope.year))


def _float(value) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Change:
    """The change of one indicator against the previous year."""

    key: str
    value: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        # Compared as reported (rounded to the shown decimals), so 27.42 − 27.42 is 持平, not +0.00.
        return float(indicators.rounded(self.key, self.value)) - float(indicators.rounded(self.key, self.previous))

    @property
    def sense(self) -> str | None:
        """好转 / 变差 / 持平 by the indicator's direction; None when neither (a size) or not comparable."""
        d = self.delta
        if d is None:
            return None
        if abs(d) < 1e-9:
            return "持平"
        better = indicators.indicator(self.key).better
        if better is None:
            return None
        return "好转" if (d > 0) == (better == UP) else "变差"

    def shown(self) -> str | None:
        """+1,234户, -0.35兆瓦, +1.2个百分点 (rates), 持平; None when there is nothing to compare."""
        d = self.delta
        if d is None:
            return None
        if abs(d) < 1e-9:
            return "持平"
        ind = indicators.indicator(self.key)
        if ind.is_rate:
            return f"{d * 100:+,.{ind.decimals}f}个百分点"
        return f"{d:+,.{ind.decimals}f}{ind.unit}"

    def text(self) -> str | None:
        """Running text: 增加1234户 / 减少0.35兆瓦 / 提高1.2个百分点 / 与上年持平 (no thousands separators)."""
        d = self.delta
        if d is None:
            return None
        if abs(d) < 1e-9:
            return "与上年持平"
        ind = indicators.indicator(self.key)
        if ind.is_rate:
            return f"{'提高' if d > 0 else '下降'}{abs(d) * 100:.{ind.decimals}f}个百分点"
        return f"{'增加' if d > 0 else '减少'}{abs(d):.{ind.decimals}f}{ind.unit}"


def change(key: str, current: dict, previous: dict | None) -> Change:
    return Change(key, current.get(key), None if previous is None else previous.get(key))


def delta_color(key: str) -> str:
    """Streamlit's delta_color for the indicator: green for progress, red for a setback, grey for a size."""
    better = indicators.indicator(key).better
    return {UP: "normal", DOWN: "inverse"}.get(better, "off")


def previous_scope(scope: Scope) -> Scope:
    return Scope(scope.year - 1, scope.townships, scope.village)


@dataclass(frozen=True)
class Ranking:
    """One indicator across places: `frame` has 代码, 名称, 数值 (None = 未上报), 名次 (ties share the
    best rank: 1, 2, 2, 4), best first and 未上报 last; `reference` is the line drawn across the bars."""

    key: str
    level: str  # 镇办 / 村
    frame: pl.DataFrame
    reference: float | None
    reference_label: str  # 全区 / 所选镇办合计 / 本镇办 (a rate) or 各镇办平均 / 各村平均 (an amount)
    too_many: int = 0  # > MAX_RANKED places: not ranked

    # What a chart writes (charts never read the registry themselves).
    @property
    def name(self) -> str:
        return indicators.indicator(self.key).name

    @property
    def unit(self) -> str:
        return indicators.indicator(self.key).unit

    @property
    def decimals(self) -> int:
        return indicators.indicator(self.key).decimals

    @property
    def reference_text(self) -> str:
        return indicators.display(self.key, self.reference)

    @property
    def labelled(self) -> pl.DataFrame:
        """`frame` with 标注: each value as the registry writes it."""
        texts = [indicators.display(self.key, v) for v in self.frame["数值"].to_list()]
        return self.frame.with_columns(pl.Series("标注", texts, dtype=pl.String))


RANK_SCHEMA = {"代码": pl.String, "名称": pl.String, "数值": pl.Float64, "名次": pl.Int64}


def places(con: duckdb.DuckDBPyConnection, scope: Scope) -> tuple[str, pl.DataFrame]:
    """What the comparison ranks: the 镇办 of the scope, or the villages when one 镇办 is chosen
    (never a ranking of one place)."""
    if scope.one_township:
        frame = con.execute(
            "SELECT village_code AS 代码, village_name AS 名称 FROM villages WHERE township_code = ? ORDER BY village_code",
            [scope.one_township],
        ).pl()
        return "村", frame
    cond, params = scope.where("township_code", None)
    frame = con.execute(
        f"SELECT township_code AS 代码, township_name AS 名称 FROM townships WHERE TRUE {cond} ORDER BY township_code", params
    ).pl()
    return "镇办", frame


def _place_scope(scope: Scope, level: str, code: str) -> Scope:
    if level == "村":
        return Scope(scope.year, scope.townships, code)
    return Scope(scope.year, (code,), None)


def ranked(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    """名次 by the indicator's direction (fewer uncovered households ranks first; a size: larger first),
    ties sharing the best rank; places without a value unranked, listed last."""
    descending = indicators.indicator(key).better != DOWN
    # Ties are decided on the value as shown (27.42 and 27.4249 are the same on screen).
    shown = pl.col("数值").round(indicators.indicator(key).decimals + (2 if indicators.indicator(key).is_rate else 0))
    frame = frame.with_columns(shown.rank(method="min", descending=descending).cast(pl.Int64).alias("名次"))
    return frame.sort(["名次", "代码"], nulls_last=True)


def rankings(con: duckdb.DuckDBPyConnection, scope: Scope, keys: tuple[str, ...]) -> list[Ranking]:
    """Each indicator of `keys` that applies at the level, its places ranked; each place's values are the
    registry's (`indicators.values_of_places`)."""
    level, frame = places(con, scope)
    applicable = tuple(k for k in keys if ("村" if level == "村" else "镇办") in indicators.indicator(k).levels)
    if frame.height > MAX_RANKED:
        empty = pl.DataFrame(schema=RANK_SCHEMA)
        return [Ranking(k, level, empty, None, "", too_many=frame.height) for k in applicable]
    with scope_keys.shared():  # one data version: the summaries' lookups once for all places
        per_place = indicators.values_of_places(con, [_place_scope(scope, level, code) for code in frame["代码"].to_list()], applicable)
        whole = indicators.values(con, scope, keys=applicable)
    out = []
    for key in applicable:
        values = pl.Series("数值", [_float(kpis[key]) for kpis in per_place], dtype=pl.Float64)
        ranks = ranked(frame.with_columns(values), key).select(list(RANK_SCHEMA))
        if indicators.indicator(key).is_rate:
            reference = _float(whole[key])
            label = "本镇办" if level == "村" else ("全区" if scope.townships is None else "所选镇办合计")
        else:
            reference = values.mean() if values.drop_nulls().len() else None
            label = "各村平均" if level == "村" else "各镇办平均"
        out.append(Ranking(key, level, ranks, reference, label))
    return out


def scorecard(con: duckdb.DuckDBPyConnection, scope: Scope, among: Scope, keys: tuple[str, ...]) -> pl.DataFrame:
    """A 镇办's scorecard: each indicator, its value this year, its rank among the 镇办 of `among`
    (e.g. 3/14), last year's value and the change (好转/变差/持平). Rates in per cent."""
    current = indicators.values(con, scope, keys=keys)
    previous = indicators.values(con, previous_scope(scope), keys=keys)
    ranks = rankings(con, Scope(scope.year, among.townships, None), keys)
    return scorecard_frame(scope, keys, current, previous, ranks)


def scorecard_frame(scope: Scope, keys: tuple[str, ...], current: dict, previous: dict | None, ranks: list[Ranking]) -> pl.DataFrame:
    """The scorecard from figures already computed (the page's cards and the 镇办 ranking it caches)."""
    code = scope.one_township
    by_key = {r.key: r for r in ranks if r.level == "镇办" and not r.too_many}
    rows = []
    for key in keys:
        ind = indicators.indicator(key)
        moved = change(key, current, previous)
        rank = None
        if key in by_key and code is not None:
            frame = by_key[key].frame
            row = frame.filter(pl.col("代码") == code)
            if row.height and row["名次"][0] is not None:
                rank = f"{row['名次'][0]}/{frame['名次'].drop_nulls().len()}"
        rows.append(
            (
                ind.name,
                _percent(key, current[key]),
                "%" if ind.is_rate else ind.unit,
                rank,
                _percent(key, None if previous is None else previous.get(key)),
                moved.shown(),
                moved.sense or "—",
            )
        )
    return pl.DataFrame(
        rows,
        schema={
            "指标": pl.String,
            "数值": pl.Float64,
            "单位": pl.String,
            "排名": pl.String,
            "上年": pl.Float64,
            "较上年": pl.String,
            "变化": pl.String,
        },
        orient="row",
    )


def _percent(key: str, value) -> float | None:
    """The value as reported, rates in per cent (90.1, not 0.901)."""
    shown = indicators.rounded(key, value)
    if shown is None:
        return None
    return round(float(shown) * 100, indicators.indicator(key).decimals) if indicators.indicator(key).is_rate else float(shown)


def history_table(con: duckdb.DuckDBPyConnection, scope: Scope, keys: tuple[str, ...]) -> pl.DataFrame:
    """历年情况: one row per indicator, one column per year (values as reported, rates in per cent)."""
    frame = trend(con, scope, keys)
    if frame.is_empty():
        return pl.DataFrame(schema={"指标": pl.String, "单位": pl.String})
    years = sorted(set(frame["年度"].to_list()))
    rows = []
    for key in keys:
        ind = indicators.indicator(key)
        by_year = dict(frame.filter(pl.col("key") == key).select("年度", "数值").iter_rows())
        rows.append((ind.name, "%" if ind.is_rate else ind.unit, *(_percent(key, by_year.get(y)) for y in years)))
    schema = {"指标": pl.String, "单位": pl.String} | {f"{y}年": pl.Float64 for y in years}
    return pl.DataFrame(rows, schema=schema, orient="row")


# 报告期 codes (metrics/programme.period_label): 2017 (a year), 2017Q3 (a quarter), 2017-09 (a month).
def _period_months(code: str) -> tuple[dt.date, int]:
    year, rest = int(code[:4]), code[4:]
    if rest.startswith("Q"):
        return dt.date(year, 3 * int(rest[1:]) - 2, 1), 3
    if rest.startswith("-"):
        return dt.date(year, int(rest[1:]), 1), 1
    return dt.date(year, 1, 1), 12


def period_series(by_period: pl.DataFrame, measure: str) -> pl.DataFrame:
    """The report periods of every year as one time series: 开始 (first day), 月数 and 月均 (the
    measure per month), so that a year reported as a whole and one reported by quarter or month
    read on the same scale."""
    starts, months = zip(*(_period_months(c) for c in by_period["报告期代码"].to_list()), strict=True) if by_period.height else ((), ())
    frame = by_period.select("年度", "报告期代码", "报告期", measure).with_columns(
        pl.Series("开始", list(starts), dtype=pl.Date), pl.Series("月数", list(months), dtype=pl.Int64)
    )
    return frame.with_columns((pl.col(measure) / pl.col("月数")).alias("月均"))


def comparison_table(rankings_: list[Ranking]) -> pl.DataFrame:
    """The places of several rankings side by side: 名称, then each indicator's value (as reported,
    rates in per cent, the unit in the header) and its 名次; places in code order."""
    usable = [r for r in rankings_ if not r.too_many and r.frame.height]
    if not usable:
        return pl.DataFrame(schema={"名称": pl.String})
    level = usable[0].level
    out = usable[0].frame.sort("代码").select("代码", pl.col("名称").alias(level))
    for r in usable:
        ind = indicators.indicator(r.key)
        unit = "%" if ind.is_rate else ind.unit
        values = [_percent(r.key, v) for v in r.frame["数值"].to_list()]
        part = r.frame.select("代码", pl.col("名次").alias(f"{ind.name}名次")).with_columns(
            pl.Series(f"{ind.name}({unit})", values, dtype=pl.Float64)
        )
        out = out.join(part.select("代码", f"{ind.name}({unit})", f"{ind.name}名次"), on="代码", how="left")
    return out.drop("代码")
