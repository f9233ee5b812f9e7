"""How many places a chart draws: all up to MAX_PLACES, then those a reader should see first, said so."""

import polars as pl
import pytest

from fupin_core.charts import funds, linkage, overview, pilots, places, programme, pv
from fupin_core.formatting import smart_number


def _places(n: int) -> list[str]:
    return [f"镇{i:04d}" for i in range(n)]


def _bar_places(spec) -> list[str]:
    """The places on the y axis, in the order the axis lists them."""
    layers = spec.get("layer", [spec])
    y = next(layer["encoding"]["y"] for layer in layers if "y" in layer.get("encoding", {}))
    return y["sort"]


def _subtitle(spec) -> list[str]:
    title = spec["title"]
    return title.get("subtitle", []) if isinstance(title, dict) else []


def test_every_place_is_drawn_up_to_the_limit():
    frame = pl.DataFrame({"镇办": _places(places.MAX_PLACES), "数": list(range(places.MAX_PLACES))})
    rows, note = places.drawn(frame, "镇办", "数", "数最大")
    assert rows.equals(frame) and note is None


def test_beyond_the_limit_the_largest_are_drawn_largest_first_and_said_so():
    n = places.MAX_PLACES + 40
    values = [float(i % 50) for i in range(n)]
    values[7] = None  # a place without a value goes last, not first
    frame = pl.DataFrame({"镇办": _places(n), "数": values})
    rows, note = places.drawn(frame, "镇办", "数", "数最大")
    assert note == f"共{n}个镇办，图中为数最大的{places.MAX_PLACES}个"
    expected = sorted((p for p, v in zip(_places(n), values, strict=True) if v is not None), key=lambda p: -values[int(p[1:])])
    assert rows["镇办"].to_list() == expected[: places.MAX_PLACES]  # stable: ties keep the frame (code) order
    smallest, _ = places.drawn(frame, "镇办", "数", "数最小", largest=False)
    assert smallest["镇办"][0] == "镇0000" and "镇0007" not in smallest["镇办"].to_list()


def test_a_place_of_several_rows_is_ranked_by_its_total_and_keeps_all_its_rows():
    n = places.MAX_PLACES + 1
    frame = pl.DataFrame({"镇办": _places(n) * 2, "类型": ["甲"] * n + ["乙"] * n, "数": [1.0] * n + [0.0] * (n - 1) + [5.0]})
    rows, note = places.drawn(frame, "镇办", "数", "数最大")
    last = _places(n)[-1]
    assert rows["镇办"].to_list()[:2] == [last, last] and rows.height == 2 * places.MAX_PLACES
    assert note is not None


def test_the_pv_chart_of_a_province_draws_the_largest_but_totals_every_place():
    n = 1800
    frame = pl.DataFrame({"镇办": _places(n), "建成装机(兆瓦)": [float(i) for i in range(n)], "在建及计划装机(兆瓦)": [1.0] * n})
    spec = pv.township_capacity_chart(frame).to_dict()
    assert _bar_places(spec) == [f"镇{i:04d}" for i in range(n - 1, n - 1 - places.MAX_PLACES, -1)]
    assert spec["height"] == programme.ROW_PX * places.MAX_PLACES
    subtitle = _subtitle(spec)
    assert subtitle[0] == f"条形为已建成装机，合计{smart_number(float(sum(range(n))), 3)}兆瓦"  # every place, not the drawn
    assert subtitle[-1] == f"共{n:,}个镇办，图中为已建成装机最大的{places.MAX_PLACES}个"


def test_a_district_chart_is_unchanged():
    frame = pl.DataFrame({"镇办": _places(18), "建成装机(兆瓦)": [1.0] * 18, "在建及计划装机(兆瓦)": [0.0] * 18})
    spec = pv.township_capacity_chart(frame).to_dict()
    assert _bar_places(spec) == _places(18)
    assert not any("图中为" in line for line in _subtitle(spec))


@pytest.mark.parametrize(
    ("build", "frame", "first", "noun"),
    [
        (
            lambda f: funds.spend_rate_by_township_chart(f, 0.9),
            pl.DataFrame(
                {
                    "镇办": _places(70),
                    "支出率": [0.5 + i / 200 for i in range(70)],
                    "下达金额(万元)": [1.0] * 70,
                    "支出金额(万元)": [1.0] * 70,
                }
            ),
            "镇0000",  # spending least
            "镇办",
        ),
        (
            linkage.income_vs_line_chart,
            pl.DataFrame(
                {
                    "镇办": _places(70),
                    "人均联结收益(元)": [100.0 * (70 - i) for i in range(70)],
                    "带动户数": [1] * 70,
                    "低于贫困线户数": [0] * 70,
                    "贫困线(元)": [3015.0] * 70,
                }
            ),
            "镇0069",  # earning least
            "镇办",
        ),
        (
            lambda f: overview.township_bar_chart(f, "光伏装机兆瓦", "各镇办已建成光伏装机", "兆瓦"),
            pl.DataFrame({"镇办": _places(70), "光伏装机兆瓦": [float(i) for i in range(70)]}),
            "镇0069",
            "镇办",
        ),
        (
            overview.linked_vs_gap_chart,
            pl.DataFrame({"镇办": _places(70), "带动增收户数": [1] * 70, "未覆盖户数": list(range(70))}),
            "镇0069",  # most households not yet reached
            "镇办",
        ),
        (
            pilots.shareholders_chart,
            pl.DataFrame({"镇办": ["甲镇"] * 70, "村": _places(70), "股东户数(户)": list(range(70)), "贫困户股东户数(户)": [0] * 70}),
            "镇0069",
            "村",
        ),
        (
            lambda f: programme.stacked_bars(f, "镇办", "项目类型", "生产菌袋(万袋)", "万袋", "各镇办生产菌袋"),
            pl.DataFrame({"镇办": _places(70), "项目类型": ["生产基地"] * 70, "生产菌袋(万袋)": [float(i) for i in range(70)]}),
            "镇0069",
            "镇办",
        ),
    ],
)
def test_each_per_place_chart_draws_at_most_the_limit(build, frame, first, noun):
    spec = build(frame).to_dict()
    shown = _bar_places(spec)
    assert len(shown) == places.MAX_PLACES and shown[0] == first
    assert _subtitle(spec)[-1].startswith(f"共70个{noun}，图中为")


def test_capacity_in_construction_is_totalled_even_where_its_places_are_not_drawn():
    n = places.MAX_PLACES + 5
    pending = [0.0] * (n - 1) + [20.0]  # only the last place, with nothing built, has a plant under way
    frame = pl.DataFrame({"镇办": _places(n), "建成装机(兆瓦)": [1.0] * (n - 1) + [0.0], "在建及计划装机(兆瓦)": pending})
    spec = pv.township_capacity_chart(frame).to_dict()
    assert _places(n)[-1] not in _bar_places(spec)
    assert "橙字为在建及计划装机（合计20兆瓦），不计入条形" in _subtitle(spec)


def test_report_periods_are_not_places_and_are_all_drawn():
    from fupin_core.charts import fungus

    periods = [f"{2010 + i // 12}年{i % 12 + 1}月" for i in range(places.MAX_PLACES + 12)]
    frame = pl.DataFrame({"报告期": periods, "发电量(万千瓦时)": [1.0] * len(periods), "生产菌袋(万袋)": [1.0] * len(periods)})
    frame = frame.with_columns(pl.lit(1.0).alias("鲜菇产量(吨)"), pl.lit(1.0).alias("销售收入(万元)"))
    for spec in (pv.generation_chart(frame).to_dict(), fungus.period_bags_chart(frame).to_dict()):
        assert _bar_places(spec) == periods and not any("图中为" in line for line in _subtitle(spec))
