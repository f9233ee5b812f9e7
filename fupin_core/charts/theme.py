"""The one chart theme every builder applies: CJK fonts, horizontal labels, one colour = one meaning.

Chinese labels stay horizontal; categories keep the order of the frame they come in (by code or by
target), never Unicode code-point order.

Colours mean the same thing on every page (a reader learns them once):

- ACTUAL (blue): what has been achieved or done — built capacity, funds spent, dividends paid,
  households reached, a plain measure.
- REFERENCE (light blue): what an actual amount is compared with — funds allocated, dividends due,
  revenue before distribution.
- PENDING (amber): not done yet but planned — capacity 在建及计划.
- ATTENTION (red): needs attention — below a threshold (支出率低于90%, 低效电站, 低于贫困线),
  households not yet reached (未覆盖户).
- OTHER (grey): the rest of a whole (其他股东).
- TARGET (dark grey, dashed): a target or threshold line (目标, 100%, 90%, 贫困线, 同类中位数).
- CATEGORY: kinds that are not better or worse than each other (电站类型, 资金来源, 项目类型,
  联结方式); it contains none of the colours above except ACTUAL's blue for the first kind.
"""

from __future__ import annotations

import threading

import altair as alt

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"

ACTUAL = "#2f6f9f"
REFERENCE = "#9fc0dc"
PENDING = "#e3a33b"
ATTENTION = "#c0392b"
OTHER = "#c4c9ce"
TARGET = "#4d4d4d"
CATEGORY = ["#2f6f9f", "#5c9e5a", "#7d6aa8", "#4aa3a1", "#9c7b4d", "#d17fa6", "#6b7b8c"]

# Old names, kept for the builders: PRIMARY is ACTUAL, TARGET_COLOR the target line, PALETTE the kinds.
PRIMARY = ACTUAL
TARGET_COLOR = TARGET
PALETTE = CATEGORY

# altair's data transformer is global to the process: whoever writes a spec with a transformer of
# their own (the app's Arrow datasets) or with the default one (the Word report's PNGs, whose data
# must be inline) holds this lock, so that another thread cannot switch it in between.
SPEC_LOCK = threading.Lock()

# Ticks of a value axis: about one per 80 px of the chart's width, so that a half-width chart does
# not get as many as a full-width one; labels that would still touch are dropped.
TICK_SPACING_PX = 80


def theme_config() -> dict:
    value_axis = {"labelOverlap": True, "labelSeparation": 8, "tickCount": {"expr": f"max(2, ceil(width / {TICK_SPACING_PX}))"}}
    return {
        "config": {
            "font": FONT,
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelAngle": 0, "labelFontSize": 12, "titleFontSize": 12, "labelLimit": 200},
            "axisQuantitative": value_axis,
            "legend": {"labelFont": FONT, "titleFont": FONT, "orient": "bottom"},
            "title": {"font": FONT, "fontSize": 14, "anchor": "start", "subtitleFont": FONT, "subtitleColor": "#555"},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "range": {"category": CATEGORY},
            "view": {"stroke": None},
        }
    }


def apply_theme(chart: alt.TopLevelMixin, **properties) -> alt.TopLevelMixin:
    """The chart a builder has just made, with our theme and its `properties` (height, title) set on
    it in place. altair's .properties() and .configure() re-create a layered chart, and each time copy
    every layer twice, deeply: that was most of the time spent building a page's charts."""
    # fit-x: with width="stretch" the view takes the container width; without it a chart whose
    # data has a single category was drawn 0 px wide in Chromium.
    properties |= {"config": alt.Config(**theme_config()["config"]), "autosize": alt.AutoSizeParams(type="fit-x", contains="padding")}
    for name, value in properties.items():
        setattr(chart, name, value)
    return chart


def kinds_colour(field: str, kinds: list[str], colours: list[str]) -> alt.Color:
    """Colour by a few fixed kinds (e.g. 下达/支出), each with its meaning's colour, in that order."""
    return alt.Color(f"{field}:N", sort=kinds, scale=alt.Scale(domain=kinds, range=colours), title=None)


def value_labels(bars: alt.Chart, field: str, number_format: str, *, dark: bool = False, large: bool = False) -> alt.Chart:
    """The value written just past the end of each horizontal bar (dark: on bars of several colours)."""
    style = {"dx": 4, "font": FONT} if large else {"dx": 3, "font": FONT, "fontSize": 11}
    labels = bars.mark_text(align="left", **style).encode(text=alt.Text(f"{field}:Q", format=number_format))
    return labels.encode(color=alt.value("#333")) if dark else labels
