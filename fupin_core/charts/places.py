"""How many places (镇办, 村, 基地) a chart draws: one bar each up to MAX_PLACES, then only the ones a
reader should see first, with a subtitle saying how many there are and which are drawn.

A province's 1,800 镇办 as 1,800 bars is a chart 40,000 px tall that nobody reads and that takes the
browser seconds to lay out; the tables beside the charts still list every place.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from fupin_core.scope import MAX_PLACES  # also the most places a ranking compares (metrics.trends)


def drawn(frame: pl.DataFrame, place: str, measure: str | pl.Expr, what: str, *, largest: bool = True) -> tuple[pl.DataFrame, str | None]:
    """The rows to draw: every row when the frame has at most MAX_PLACES places, else the rows of the
    MAX_PLACES places whose total `measure` is largest (or smallest), in that order, ties in frame
    order and places without a value last; and the note for the subtitle ("共1,800个镇办，图中为已建成装机最大的60个"), None when all
    are drawn. `what` names the choice: "已建成装机最大", "支出率最低"."""
    count = frame[place].n_unique()
    if count <= MAX_PLACES:
        return frame, None
    value = pl.col(measure) if isinstance(measure, str) else measure
    ranked = (
        frame.group_by(place, maintain_order=True)
        .agg(pl.when(value.is_not_null().any()).then(value.sum()).alias("_total"))
        .sort("_total", descending=largest, nulls_last=True, maintain_order=True)
        .head(MAX_PLACES)
        .select(place, pl.int_range(pl.len()).alias("_rank"))
    )
    rows = frame.join(ranked, on=place, maintain_order="left").sort("_rank", maintain_order=True).drop("_rank")
    return rows, f"共{count:,}个{place}，图中为{what}的{MAX_PLACES}个"


def title(text: str, note: str | None, subtitle: list[str] | None = None) -> str | alt.TitleParams:
    """The chart title, with the note of `drawn` (and any other subtitle lines) under it."""
    lines = [*(subtitle or []), *([note] if note else [])]
    return alt.TitleParams(text=text, subtitle=lines) if lines else text
