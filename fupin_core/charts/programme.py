"""Chart shapes shared by the 百千万 programme pages (光伏, 食用菌, 菊芋): DataFrame in, altair out.

Every chart is horizontal (categories on the y axis), so Chinese labels stay level and never collide;
categories keep the order of the frame they come in (by code, by catalog order or by period).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.charts import places
from fupin_core.charts.theme import ACTUAL, CATEGORY, FONT, PRIMARY, REFERENCE, TARGET, apply_theme
from fupin_core.formatting import smart_number

ROW_PX = 22


def _height(n_rows: int, per_row: int = ROW_PX) -> int:
    return max(60, per_row * n_rows)


def _room_for_labels(largest: float) -> alt.Scale:
    """A value scale from 0 with room to the right of the longest bar for its label."""
    return alt.Scale(domain=[0, float(largest or 0) * 1.15 or 1], nice=False)


def _unique(series: pl.Series) -> list:
    return list(dict.fromkeys(series.to_list()))


def _tooltip(data: pl.DataFrame, column: str) -> alt.Tooltip:
    if data.schema[column].is_numeric():
        return alt.Tooltip(f"{column}:Q", format=",.2~f")
    return alt.Tooltip(f"{column}:N")


def value_axis(fmt: str) -> alt.Axis:
    """A value axis with thousands separators; ticks drop trailing zeros (2 not 2.00) and never collide."""
    return alt.Axis(format=fmt.replace("f", "~f") if "~" not in fmt else fmt, labelOverlap=True, labelSeparation=6)


def axis_title(measure: str, unit: str) -> str:
    """'建成装机(兆瓦)' -> '建成装机（兆瓦）'; a measure without its unit gets it appended."""
    if measure.endswith(f"({unit})"):
        return measure.replace("(", "（").replace(")", "）")
    return f"{measure}（{unit}）"


def target_bar(
    parts: pl.DataFrame, part: str, measure: str, target: float | None, unit: str, label: str, title: str, whole_district: bool = True
) -> alt.Chart:
    """One bar: the total of `measure` split into `part`s (stacked in frame order), against the target
    drawn as a dashed rule; the total and its share of the target in the subtitle. The target is the
    district's: for a part of the district the share reads 占全区目标, not 完成目标."""
    order = _unique(parts[part])
    data = parts.select(part, measure).with_columns(pl.lit(label).alias("工程"), pl.int_range(pl.len()).alias("顺序"))
    total = float(parts[measure].sum() or 0)
    share = f"，{'完成目标' if whole_district else '占全区目标'}{total / target * 100:.1f}%" if target else "（未设定目标）"
    top = round(max(total, target or 0) * 1.12, 3) or 1
    x = alt.X(f"{measure}:Q", title=axis_title(measure, unit), axis=value_axis(",.0f"), scale=alt.Scale(domain=[0, top]))
    bars = (
        alt.Chart(data)
        .mark_bar(height=30)
        .encode(
            x=x,
            y=alt.Y("工程:N", title=None),
            color=alt.Color(f"{part}:N", sort=order, title=None, scale=alt.Scale(domain=order, range=CATEGORY[: len(order)])),
            order=alt.Order("顺序:Q"),
            tooltip=[alt.Tooltip(f"{part}:N"), alt.Tooltip(f"{measure}:Q", format=",.2f", title=axis_title(measure, unit))],
        )
    )
    layers = [bars]
    if target:
        goal = pl.DataFrame({"x": [float(target)], "text": [f"{'目标' if whole_district else '全区目标'}{target:,.0f}{unit}"]})
        rule = alt.Chart(goal).mark_rule(color=TARGET, strokeDash=[5, 3], strokeWidth=2).encode(x="x:Q")
        goal_text = (
            alt.Chart(goal)
            .mark_text(align="right", dx=-4, baseline="top", y=2, color=TARGET, font=FONT, fontSize=11)
            .encode(x="x:Q", text="text:N")
        )
        layers += [rule, goal_text]
    heading = alt.TitleParams(text=title, subtitle=f"{smart_number(total, 3)}{unit}{share}", subtitleFont=FONT)
    return apply_theme(alt.layer(*layers), height=90, title=heading)


def stacked_bars(
    frame: pl.DataFrame, category: str, part: str, measure: str, unit: str, title: str, fmt: str = ",.1f", parts: list | None = None
) -> alt.Chart:
    """One bar per `category` (frame order) split into `part`s (in `parts` order, else frame order),
    with the category's total beside it; too many categories: those of the largest totals."""
    frame, note = places.drawn(frame, category, measure, f"{measure.split('(')[0]}最大")
    order = _unique(frame[category])
    parts = [p for p in (parts or []) if p in set(frame[part])] + [p for p in _unique(frame[part]) if p not in (parts or [])]
    data = frame.select(category, part, measure).with_columns(
        pl.col(part).replace_strict({p: i for i, p in enumerate(parts)}, return_dtype=pl.Int64).alias("顺序")
    )
    y = alt.Y(f"{category}:N", sort=order, title=None)
    sums = frame.group_by(category, maintain_order=True).agg(pl.col(measure).sum().alias("合计"))
    scale = _room_for_labels(sums["合计"].max())
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(f"{measure}:Q", title=axis_title(measure, unit), stack="zero", axis=value_axis(fmt), scale=scale),
            y=y,
            color=alt.Color(f"{part}:N", sort=parts, title=None, scale=alt.Scale(domain=parts, range=CATEGORY[: len(parts)])),
            order=alt.Order("顺序:Q"),
            tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{part}:N"), alt.Tooltip(f"{measure}:Q", format=fmt)],
        )
    )
    totals = (
        alt.Chart(sums).mark_text(align="left", dx=3, font=FONT, fontSize=11).encode(x="合计:Q", y=y, text=alt.Text("合计:Q", format=fmt))
    )
    return apply_theme((bars + totals), height=_height(len(order)), title=places.title(title, note))


def bars(
    frame: pl.DataFrame,
    category: str,
    measure: str,
    unit: str,
    title: str,
    fmt: str = ",.1f",
    tooltip: tuple[str, ...] = (),
    *,
    of_places: bool = True,
) -> alt.Chart:
    """One bar per `category` in frame order, its value written beside it; too many places (unless the
    categories are not places: report periods): those of the largest values."""
    frame, note = places.drawn(frame, category, measure, f"{measure.split('(')[0]}最大") if of_places else (frame, None)
    order = _unique(frame[category])
    data = frame.select(category, measure, *tooltip)
    y = alt.Y(f"{category}:N", sort=order, title=None)
    base = alt.Chart(data).encode(
        x=alt.X(f"{measure}:Q", title=axis_title(measure, unit), axis=value_axis(fmt), scale=_room_for_labels(frame[measure].max())),
        y=y,
        tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip(f"{measure}:Q", format=fmt), *(_tooltip(data, c) for c in tooltip)],
    )
    labels = base.mark_text(align="left", dx=3, font=FONT, fontSize=11).encode(text=alt.Text(f"{measure}:Q", format=fmt))
    return apply_theme((base.mark_bar(color=PRIMARY) + labels), height=_height(len(order)), title=places.title(title, note))


def grouped_bars(
    frame: pl.DataFrame,
    category: str,
    measures: list[str],
    unit: str,
    title: str,
    fmt: str = ",.1f",
    colors: tuple[str, ...] = (REFERENCE, ACTUAL),
) -> alt.Chart:
    """Per `category` (frame order), one bar for each of `measures` (same unit) side by side; by
    default the first is the reference amount and the second the actual one (charts.theme)."""
    order = _unique(frame[category])
    long = frame.select(category, *measures).unpivot(index=category, variable_name="指标", value_name="数值")
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("数值:Q", title=unit, axis=value_axis(fmt)),
            y=alt.Y(f"{category}:N", sort=order, title=None),
            yOffset=alt.YOffset("指标:N", sort=measures),
            color=alt.Color("指标:N", sort=measures, title=None, scale=alt.Scale(domain=measures, range=list(colors))),
            tooltip=[alt.Tooltip(f"{category}:N"), alt.Tooltip("指标:N"), alt.Tooltip("数值:Q", format=fmt)],
        )
    )
    return apply_theme(chart, height=_height(len(order), 14 * len(measures) + 8), title=title)
