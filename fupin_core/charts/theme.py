"""The one chart theme every builder applies: CJK fonts, horizontal labels, one palette.

Chinese labels stay horizontal; categories keep the order of the frame they come in (by code or by
target), never Unicode code-point order.
"""

from __future__ import annotations

import altair as alt

FONT = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, SimHei, sans-serif"
PALETTE = ["#2f6f9f", "#e3a33b", "#5c9e5a", "#b6534c", "#7d6aa8", "#4aa3a1", "#9c7b4d"]
PRIMARY = PALETTE[0]
TARGET_COLOR = "#b6534c"


def theme_config() -> dict:
    return {
        "config": {
            "font": FONT,
            "axis": {"labelFont": FONT, "titleFont": FONT, "labelAngle": 0, "labelFontSize": 12, "titleFontSize": 12, "labelLimit": 200},
            "legend": {"labelFont": FONT, "titleFont": FONT, "orient": "bottom"},
            "title": {"font": FONT, "fontSize": 14, "anchor": "start"},
            "header": {"labelFont": FONT, "titleFont": FONT},
            "range": {"category": PALETTE},
            "view": {"stroke": None},
        }
    }


def apply_theme(chart: alt.Chart) -> alt.Chart:
    # fit-x: with width="stretch" the view takes the container width; without it a chart whose
    # data has a single category was drawn 0 px wide in Chromium.
    return chart.configure(**theme_config()["config"]).properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
