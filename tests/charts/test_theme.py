"""One colour = one meaning across the app (charts.theme), and value-axis ticks that adapt to width."""

import polars as pl

from fupin_core.charts import funds, linkage, overview, theme
from fupin_core.charts.theme import ACTUAL, ATTENTION, CATEGORY, OTHER, PENDING, REFERENCE, TARGET


def _ranges(spec) -> list[list[str]]:
    """Every colour scale range and fixed mark colour in a chart spec."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            scale = node.get("scale")
            if isinstance(scale, dict) and isinstance(scale.get("range"), list) and node.get("field") is not None:
                found.append(scale["range"])
            if node.get("type") in ("bar", "rule", "tick", "circle", "text") and "color" in node:
                found.append([node["color"]])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


def test_semantic_colours_are_distinct_and_kinds_never_look_like_them():
    semantic = [ACTUAL, REFERENCE, PENDING, ATTENTION, OTHER, TARGET]
    assert len(set(semantic)) == len(semantic)
    assert not {REFERENCE, PENDING, ATTENTION, OTHER, TARGET} & set(CATEGORY)


def test_value_axis_ticks_follow_the_width():
    axis = theme.theme_config()["config"]["axisQuantitative"]
    assert axis["labelOverlap"] is True
    assert "width" in axis["tickCount"]["expr"]


def test_red_means_attention_only():
    """A fund source is never red; below 90 % is; the targets and lines are dark grey."""
    by_year = pl.DataFrame(
        {
            "年度": [2017] * 4,
            "资金来源": ["中央财政", "区级财政", "苏陕协作资金", "社会帮扶资金"],
            "下达金额(万元)": [1.0, 2.0, 3.0, 4.0],
        }
    )
    ranges = _ranges(funds.funds_by_year_chart(by_year).to_dict())
    assert CATEGORY[:4] in ranges  # the four sources take the kinds' colours …
    assert ATTENTION not in [c for r in ranges for c in r]  # … and none of them is red
    by_township = pl.DataFrame(
        {"镇办": ["甲镇", "乙镇"], "支出率": [0.5, 0.95], "下达金额(万元)": [1.0, 1.0], "支出金额(万元)": [0.5, 0.95]}
    )
    spec = funds.spend_rate_by_township_chart(by_township, 0.9).to_dict()
    assert [ACTUAL, ATTENTION] in _ranges(spec) and [TARGET] in _ranges(spec)
    bands = pl.DataFrame({"人均联结收益": ["<1000", ">=3000"], "户数": [3, 5], "人数": [9, 15], "低于贫困线": [True, False]})
    # Linked income under the line is a comparison, not a problem: light blue, not red.
    assert [REFERENCE, ACTUAL] in _ranges(linkage.income_band_chart(bands).to_dict())
    gap = pl.DataFrame({"镇办": ["甲镇"], "带动增收户数": [3], "未覆盖户数": [2]})
    assert [ACTUAL, ATTENTION] in _ranges(overview.linked_vs_gap_chart(gap).to_dict())
