"""Small display helpers: KPI cards and tables with Chinese number formats."""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable

import altair as alt
import polars as pl
import streamlit as st
from altair.utils import schemapi
from streamlit import dataframe_util

from fupin_core.charts import theme
from fupin_core.metrics import Scope, indicators, trends
from fupin_core.metrics import provenance as provenance_metrics
from fupin_core.reports.csv import csv_bytes
from fupin_core.reports.list_xlsx import list_xlsx_bytes
from fupin_core.security import access, privacy
from fupin_ui import auth_ui, data

# Every chart builder's spec is validated against the Vega-Lite schema by its test (tests/charts call
# `to_dict()`); validating again on every page run, as each schema object is made and again when the
# whole spec is written, took more time than the rest of drawing a page (光伏, whole district at scale
# 100: a re-run 0.92 s → 0.59 s). The app therefore writes specs without it.
schemapi.disable_debug_mode()
# No altair default theme (a 300 × 300 view): our theme is fupin_core.charts.theme, as Streamlit's own
# altair path left it.
alt.theme.enable("none")


def _arrow_dataset(data, datasets: dict) -> dict:
    """altair data transformer: a chart's frame as Arrow IPC bytes under a name of its content, as
    Streamlit's own altair path writes it. Kept in the cached spec, the bytes go to the browser as
    they are on every re-run; rows written as JSON records were turned back into Arrow each time."""
    if isinstance(data, pl.DataFrame):
        # As altair's JSON rows had them: decimals as numbers, NaN and ±inf as missing.
        data = data.with_columns(pl.col(pl.Decimal, pl.Int128).cast(pl.Float64)).with_columns(
            pl.when(pl.col(pl.Float32, pl.Float64).is_finite()).then(pl.col(pl.Float32, pl.Float64))
        )
    payload = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = hashlib.sha256(payload).hexdigest()[:20]
    datasets[name] = payload
    return {"name": name}


alt.data_transformers.register("fupin_arrow", _arrow_dataset)


def kpi_card(column, kpis: dict, key: str, *, progress: str | None = None, previous: dict | None = None) -> None:
    """One indicator of the registry: its name, its value in the registry's number style (未上报 when
    missing) and its 口径 as help; `previous` (last year's values) adds the change against last year,
    green where it is progress and red where it is a setback (the indicator's direction); `progress`
    names the indicator of completion against a target, shown only where the place has a target."""
    ind = indicators.indicator(key)
    value = indicators.display(key, kpis[key])
    done = f"完成目标 {indicators.display(progress, kpis[progress])}" if progress and kpis.get(progress) is not None else None
    moved = trends.change(key, kpis, previous) if previous is not None else None
    shown = moved.shown() if moved is not None else None
    if shown is None:
        if done:
            column.metric(ind.name, value, delta=done, delta_color="off", delta_arrow="off", help=ind.definition)
        else:
            column.metric(ind.name, value, help=ind.definition)
        return
    steady = moved.sense == "持平"
    description = f"与{kpis['year'] - 1}年相比" if steady else f"较{kpis['year'] - 1}年"
    column.metric(
        ind.name,
        value,
        delta=shown,
        delta_color="off" if steady else trends.delta_color(key),
        delta_arrow="off" if steady else "auto",
        delta_description=f"{description}，{done}" if done else description,
        help=ind.definition,
    )


def progress_card(column, kpis: dict, progress: str, target: str, scope) -> None:
    """Completion against the target of the place: the district's target, or a 镇办's own 任务分解; a place
    without one says so instead of measuring itself against the district's target."""
    if kpis[target] is None:
        reason = "村没有目标" if scope.village else ("本镇办尚无任务分解" if scope.townships else "尚未设定目标")
        column.metric(indicators.indicator(progress).name, "—", help=f"{reason}，不计算完成比例")
        return
    column.metric(
        indicators.indicator(progress).name,
        indicators.display(progress, kpis[progress]),
        help=f"目标{indicators.display(target, kpis[target])}。{indicators.indicator(progress).definition}",
    )


def indicator_text(key: str, value) -> str:
    """An indicator's value in the registry's style, for a heading or caption (未上报 when missing)."""
    return indicators.display(key, value)


# What an empty cell shows, instead of Streamlit's English "None" (a rate with nothing to divide by,
# the 脱贫年度 of a household not yet out of poverty).
MISSING = "—"


def table(
    frame: pl.DataFrame,
    *,
    height: int | None = None,
    key: str | None = None,
    first: tuple[str, ...] = (),
    last: tuple[str, ...] = (),
    total: tuple[str, ...] = (),
    empty: str = "没有记录",
    formats: dict | None = None,
) -> None:
    """A table; ID numbers masked unless the user's role may see them in full. Missing text shows as
    an empty cell (not "None") and dates as 2017-12-31 (not with a time of day).

    `first`: the columns that say why a row is listed (the deciding column), shown leftmost so they
    are on screen without sideways scrolling; `last`: ids and secondary columns, shown at the end.
    `total`: columns summed in a 合计 row, first (as Chinese statistical tables put it, and always
    on screen, where the last row of a long table is not). An empty frame shows `empty` (Streamlit's
    empty table says "empty" in English). Long tables get about 15 rows of height, not 10.
    """
    if frame.is_empty():
        st.caption(f"（{empty}）")
        return
    frame = access.present(auth_ui.actor(), frame)
    order = column_order(frame.columns, first, last)
    if total:
        frame = with_total(frame, total, order)
    frame = frame.with_columns(pl.col(pl.String).fill_null(""))
    config = column_formats(frame)
    config.update(formats or {})
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=height or useful_height(frame.height),
        key=key,
        column_order=order,
        column_config=config or None,
        placeholder=MISSING,
    )


TOTAL_LABEL = "合计"
ROW_PX, HEADER_PX, MAX_ROWS_SHOWN = 35, 38, 15


def useful_height(rows: int) -> int | str:
    """Up to MAX_ROWS_SHOWN rows without scrolling inside the table (Streamlit's "auto" stops at 10)."""
    return "auto" if rows <= 10 else HEADER_PX + ROW_PX * min(rows, MAX_ROWS_SHOWN) + 2


def column_order(columns: list[str], first: tuple[str, ...] = (), last: tuple[str, ...] = ()) -> list[str]:
    """`first` (those present) leftmost, `last` rightmost, the others in their own order between."""
    head = [c for c in first if c in columns]
    tail = [c for c in last if c in columns and c not in head]
    return head + [c for c in columns if c not in head and c not in tail] + tail


def with_total(frame: pl.DataFrame, columns: tuple[str, ...], order: list[str] | None = None) -> pl.DataFrame:
    """A 合计 row, then `frame`: the sums of `columns`, 合计 in the first text column shown (in
    `order`), other cells empty."""
    label = next((c for c in order or frame.columns if frame.schema[c] == pl.String), None)
    row = {c: (frame[c].sum() if c in columns else None) for c in frame.columns}
    if label is not None:
        row[label] = TOTAL_LABEL
    return pl.concat([pl.DataFrame([row], schema=frame.schema), frame], how="vertical")


# Numbers that are names, not quantities: 2017, not 2,017.
PLAIN_NUMBER_COLUMNS = ("年", "行")
PLAIN_NUMBER_WORDS = ("年度", "年份", "批次", "编号", "代码")


def column_formats(frame: pl.DataFrame) -> dict:
    """Thousands separators for amounts and counts, plain years and ids, dates without a time of day;
    each column as wide as its header or its widest value (so a wide table needs no sideways
    scrolling for room it does not use)."""
    formats = {}
    widths = fitted_widths(frame)
    for name, dtype in frame.schema.items():
        width = widths[name]
        if dtype == pl.Date:
            formats[name] = st.column_config.DateColumn(name, format="YYYY-MM-DD", width=width)
        elif dtype.is_numeric():
            plain = name in PLAIN_NUMBER_COLUMNS or any(word in name for word in PLAIN_NUMBER_WORDS)
            number_format = PLAIN_INTEGER if plain and dtype.is_integer() else unit_format(name) or "localized"
            formats[name] = st.column_config.NumberColumn(name, format=number_format, width=width)
        else:
            formats[name] = st.column_config.Column(name, width=width)
    return formats


# Pixel widths at the table's 14 px font: a Han character is a full em, digits and Latin about half.
WIDE_PX, NARROW_PX, CELL_PADDING_PX, HEADER_PADDING_PX = 14, 7.5, 20, 20
MIN_WIDTH_PX, MAX_WIDTH_PX, SAMPLE_ROWS = 48, 280, 300


def text_px(text: str) -> int:
    return round(sum(WIDE_PX if ord(ch) >= 0x2E80 else NARROW_PX for ch in text))


def _shown(value) -> str:
    if value is None:
        return MISSING
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


WIDE_CHARACTER = r"[\x{2E80}-\x{10FFFF}]"  # as text_px counts a character wide


def fitted_widths(frame: pl.DataFrame) -> dict[str, int]:
    """Per column, the pixel width that shows its header and the widest of its first SAMPLE_ROWS values,
    within MIN_WIDTH_PX..MAX_WIDTH_PX (longer text is cut with "…" and shown whole on hover). Text and
    integer columns are measured in one polars query (a page has a dozen tables; a query per column
    cost a dozen small ones on every click)."""
    sample = frame.head(SAMPLE_ROWS)
    measured, others = [], []
    for name, dtype in sample.schema.items():
        if dtype == pl.String:
            measured.append(_text_px(pl.col(name).fill_null(MISSING)).max().alias(name))
        elif dtype.is_integer():
            # 1,234,567: its digits, a comma every three, a minus sign; all narrow.
            digits = pl.col(name).abs().cast(pl.String).str.len_chars().cast(pl.Int64)
            px = (digits + (digits - 1) // 3 + (pl.col(name) < 0).cast(pl.Int64)) * NARROW_PX
            measured.append(px.fill_null(text_px(MISSING)).max().alias(name))
        else:  # decimals, dates: as _shown writes them, once per distinct value
            others.append(name)
    widest = sample.select(measured).row(0, named=True) if measured and sample.height else {}
    for name in others:
        shown = pl.Series([_shown(v) for v in sample[name].unique().to_list()], dtype=pl.String)
        widest[name] = shown.to_frame().select(_text_px(pl.first()).max()).item()
    return {
        name: max(MIN_WIDTH_PX, min(MAX_WIDTH_PX, max(text_px(name) + HEADER_PADDING_PX, round(widest.get(name) or 0) + CELL_PADDING_PX)))
        for name in frame.columns
    }


def _text_px(text: pl.Expr) -> pl.Expr:
    # text_px in polars. Rounding keeps the order of the values: the widest rounded is the widest,
    # rounded as text_px rounds.
    return text.str.count_matches(WIDE_CHARACTER) * (WIDE_PX - NARROW_PX) + text.str.len_chars() * NARROW_PX


def unit_format(name: str) -> str | None:
    """The registry's number style for the unit in a column's name ("收益(元)" → whole 元, "(万元)" → 2
    decimals), so a column never mixes 136,969 with 271,770.5; None for a column without a known unit."""
    found = UNIT_IN_NAME.search(name)
    if not found or found.group(1) not in indicators.UNIT_DECIMALS:
        return None
    return f"%,.{indicators.UNIT_DECIMALS[found.group(1)]}f"


UNIT_IN_NAME = re.compile(r"[(（]([^()（）]+)[)）]$")

# Streamlit 1.67's "plain" format draws 2015 as 2014.9999999999998 and 2017 as 2017.0000000000002;
# printf's %d draws integers exactly.
PLAIN_INTEGER = "%d"


def csv_payload(frame: pl.DataFrame, actor=None) -> bytes:
    """The bytes of a CSV download as the acting user (default: this session's) may have them."""
    return csv_bytes(access.present(actor or auth_ui.actor(), frame))


def xlsx_payload(frame: pl.DataFrame, actor=None) -> bytes:
    """The same list as an .xlsx (Excel/WPS), ID numbers masked as in the CSV, formulas neutralised."""
    return list_xlsx_bytes(access.present(actor or auth_ui.actor(), frame))


def _xlsx_label(label: str) -> str:
    return label.replace("CSV", "Excel") if "CSV" in label else f"{label}（Excel）"


def _list_downloads(rows, label: str, file_name: str, key: str, scope: Scope | None) -> None:
    """The CSV and the Excel button of one list; `rows()` gives the frame, only when clicked."""
    current = auth_ui.actor()
    xlsx_name = file_name.rsplit(".", 1)[0] + ".xlsx"
    csv_column, xlsx_column = st.columns(2)
    csv_column.download_button(
        label, auth_ui.audited(lambda: csv_payload(rows(), current), file_name, scope),
        file_name=file_name, mime="text/csv", key=key, on_click="ignore",
    )  # fmt: skip
    xlsx_column.download_button(
        _xlsx_label(label), auth_ui.audited(lambda: xlsx_payload(rows(), current), xlsx_name, scope),
        file_name=xlsx_name, mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore",
    )  # fmt: skip


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_download(frame: pl.DataFrame, label: str, file_name: str, key: str, scope: Scope | None = None) -> None:
    """The list as CSV (UTF-8 with BOM so that Chinese Excel/WPS open it correctly) and as .xlsx,
    formula-like cells neutralised; ID numbers masked unless the role may see them; each download is
    checked and written to the audit log."""
    # Built only when clicked: a province's 未覆盖户 list is a million rows, too many for every rerun.
    _list_downloads(lambda: frame, label, file_name, key, scope)


def csv_download_of(fn, args: tuple, label: str, file_name: str, key: str, scope: Scope | None = None) -> None:
    """Like csv_download, for a list too long to compute on every run: `fn(cursor, *args)` runs only
    when a button is clicked (e.g. a province's million 未覆盖户), on the figures the page shows
    (the sidebar's 数字口径, as chosen when the page was drawn)."""
    basis = data.figures_basis()

    def rows() -> pl.DataFrame:
        with data.cursor_on(basis) as cur:
            return fn(cur, *args)

    _list_downloads(rows, label, file_name, key, scope)


def provenance(dataset_keys: tuple[str, ...], scope: Scope, *, key: str) -> None:
    """来源: the batches and uploaded files behind a table's rows, folded away under the table."""
    # File names may quote an ID number (611002198001010037_测试.csv): masked like every ID.
    # One cached call per dataset: the pages ask for overlapping sets (利益联结 names linkages three
    # times), and placing a province's linkages by 镇办 is the costly part, done once per data version.
    parts = [data.call(provenance_metrics.sources, (dataset_key,), scope) for dataset_key in dict.fromkeys(dataset_keys)]
    frame = privacy.mask_text_columns(provenance_metrics.combined(parts))
    with st.expander(f"来源（{frame.height}个批次）"):
        table(frame, key=key, empty="没有相关的上传批次")
        st.caption("原始文件可在“上传记录”页下载；回滚某一批次后，表中数据即恢复到该批次之前。")


def chart(builder: Callable[..., alt.TopLevelMixin], *args) -> None:
    """The chart `builder(*args)` of fupin_core.charts (our theme, not Streamlit's, which resizes the
    view). Its spec is kept for the same arguments: a page re-runs on every click, and building an
    altair chart costs more than reading the cached figures it draws."""
    draw(_specs(f"{builder.__module__}:{builder.__name__}", args))


def charts(builder: Callable[..., list[alt.TopLevelMixin]], *args) -> list[dict]:
    """The specs of the charts `builder(*args)` returns (several), kept as `chart` keeps one; `draw` each."""
    return _specs(f"{builder.__module__}:{builder.__name__}", args)


def draw(spec: dict) -> None:
    st.vega_lite_chart(spec, width="stretch", theme=None)


@st.cache_data(show_spinner=False, max_entries=512)
def _specs(builder_path: str, args: tuple) -> dict | list[dict]:
    """The Vega-Lite spec(s) of a builder's chart(s), written without validation (see above)."""
    module_name, name = builder_path.split(":")
    built = getattr(importlib.import_module(module_name), name)(*args)
    return [_spec_of(one) for one in built] if isinstance(built, list) else _spec_of(built)


def _spec_of(chart: alt.TopLevelMixin) -> dict:
    datasets: dict[str, bytes] = {}
    with theme.SPEC_LOCK, alt.data_transformers.enable("fupin_arrow", datasets=datasets):
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **datasets}
    return spec
