"""Tables and CSV downloads of every page mask ID numbers unless the role may see them in full."""

import pytest
from streamlit.testing.v1 import AppTest

from fupin_core.security.access import Actor
from fupin_ui import auth_ui


def _script():
    import polars as pl

    from fupin_ui import widgets

    widgets.table(pl.DataFrame({"户主姓名": ["王某甲"], "户主身份证号": ["61100219900101123X"]}))


@pytest.mark.parametrize(
    ("role", "shown"), [("admin", "61100219900101123X"), ("editor", "611002********123X"), ("viewer", "611002********123X")]
)
def test_table_masks_id_numbers_by_role(app_db, role, shown):
    at = AppTest.from_function(_script, default_timeout=60)
    at.session_state[auth_ui.ACTOR] = Actor("someone", role)
    at.run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["户主身份证号"].tolist() == [shown]


def test_table_masks_when_nobody_is_logged_in(app_db):
    at = AppTest.from_function(_script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["户主身份证号"].tolist() == ["611002********123X"]


def _csv_script():
    import polars as pl
    import streamlit as st

    from fupin_ui import widgets

    frame = pl.DataFrame({"合作社": ['=HYPERLINK("http://x")'], "户主身份证号": ["61100219900101123X"], "金额": [1.5]})
    st.text(widgets.csv_payload(frame).decode("utf-8"))


def test_csv_download_neutralises_formulas_and_masks_ids(app_db):
    at = AppTest.from_function(_csv_script, default_timeout=60)
    at.session_state[auth_ui.ACTOR] = Actor("someone", "viewer")
    at.run()
    assert not at.exception, at.exception
    text = at.text[0].value
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://x"")",611002********123X,1.5'


def _blank_script():
    import polars as pl

    from fupin_ui import widgets

    widgets.table(pl.DataFrame({"镇办": ["夜村镇"], "村": [None]}, schema={"镇办": pl.String, "村": pl.String}))


def test_table_shows_missing_text_as_empty(app_db):
    at = AppTest.from_function(_blank_script, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.dataframe[0].value["村"].tolist() == [""]


def test_column_formats_separate_thousands_but_not_years():
    import polars as pl

    from fupin_ui.widgets import column_formats

    frame = pl.DataFrame(
        {
            "建设年度": [2017],
            "行": [3],
            "收益金额(元)": [12345.5],
            "原值(万元)": [12.3],
            "面积(亩)": [3.0],
            "户数": [1200],
            "镇办": ["夜村镇"],
        }
    )
    formats = {name: config["type_config"].get("format") for name, config in column_formats(frame).items() if "type_config" in config}
    # Years and row numbers as printf %d: Streamlit's "plain" draws 2015 as 2014.9999999999998.
    # A unit in the name takes the registry's style for it (元 whole, 万元 two decimals, 亩 one).
    assert formats == {
        "建设年度": "%d", "行": "%d", "收益金额(元)": "%,.0f", "原值(万元)": "%,.2f", "面积(亩)": "%,.1f", "户数": "localized",
    }  # fmt: skip


def fitted_width(header: str, values):
    """widgets.fitted_widths of a one-column table."""
    import polars as pl

    from fupin_ui.widgets import fitted_widths

    return fitted_widths(pl.DataFrame([values.alias(header)]))[header]


def test_columns_are_as_wide_as_their_widest_shown_value():
    import polars as pl

    from fupin_ui.widgets import CELL_PADDING_PX, MAX_WIDTH_PX, MIN_WIDTH_PX, text_px

    # Han characters a full em, digits and Latin half; numbers as shown (thousands separated); missing as —.
    names = pl.Series(["夜村镇", None, "牧护关镇大岭村第三村民小组"])
    assert fitted_width("村", names) == text_px("牧护关镇大岭村第三村民小组") + CELL_PADDING_PX == 202
    assert fitted_width("元", pl.Series([1234567.5, None])) == text_px("1,234,567.5") + CELL_PADDING_PX
    assert fitted_width("村", pl.Series(["甲"])) == MIN_WIDTH_PX
    assert fitted_width("村", pl.Series(["很长" * 40])) == MAX_WIDTH_PX
    assert fitted_width("镇办", pl.Series([], dtype=pl.String)) == MIN_WIDTH_PX


def _chart_script():
    import polars as pl

    from fupin_core.charts import programme
    from fupin_ui import widgets

    frame = pl.DataFrame({"镇办": ["甲镇", "乙镇", "丙镇"], "金额(万元)": [1.5, 20.25, 3.0]})
    widgets.chart(programme.bars, frame, "镇办", "金额(万元)", "万元", "各镇办金额")
    widgets.chart(programme.bars, frame, "镇办", "金额(万元)", "万元", "各镇办金额")  # the kept spec


def test_a_chart_sends_its_rows_as_arrow_named_in_its_spec(app_db):
    import json

    import pyarrow as pa

    at = AppTest.from_function(_chart_script, default_timeout=60).run()
    assert not at.exception, at.exception
    drawn = at.get("vega_lite_chart")
    assert len(drawn) == 2
    for element in drawn:
        spec = json.loads(element.proto.spec)
        assert "datasets" not in spec  # the rows travel beside the spec, not as JSON inside it
        (dataset,) = element.proto.datasets
        assert {layer["data"]["name"] for layer in spec["layer"] if "data" in layer} | {spec.get("data", {}).get("name")} >= {dataset.name}
        rows = pa.ipc.open_stream(dataset.data.data).read_all().to_pylist()
        assert rows == [{"镇办": "甲镇", "金额(万元)": 1.5}, {"镇办": "乙镇", "金额(万元)": 20.25}, {"镇办": "丙镇", "金额(万元)": 3.0}]


def test_a_kept_chart_spec_holds_its_rows_as_arrow_bytes():
    # Streamlit passes bytes through as they are; JSON records would be turned into Arrow on every re-run.
    import polars as pl

    from fupin_core.charts import pv
    from fupin_ui import widgets

    frame = pl.DataFrame({"镇办": ["甲镇", "乙镇"], "建成装机(兆瓦)": [1.0, 2.0], "在建及计划装机(兆瓦)": [0.0, 3.0]})
    spec = widgets._spec_of(pv.township_capacity_chart(frame))
    assert spec["datasets"] and all(isinstance(rows, bytes) for rows in spec["datasets"].values())


def test_number_columns_are_measured_as_their_values_are_shown():
    import random

    import polars as pl

    from fupin_ui.widgets import CELL_PADDING_PX, HEADER_PADDING_PX, MAX_WIDTH_PX, MIN_WIDTH_PX, _shown, text_px

    rng = random.Random(18)
    for _ in range(200):
        ints = [rng.choice([None, rng.randint(-(10 ** rng.randint(0, 12)), 10 ** rng.randint(0, 12))]) for _ in range(rng.randint(1, 8))]
        floats = [rng.choice([None, round(rng.uniform(-1e7, 1e7), rng.randint(0, 6))]) for _ in range(rng.randint(1, 8))]
        for values, dtype in ((ints, pl.Int64), (floats, pl.Float64)):
            widest = max(text_px(_shown(v)) for v in values)
            expected = max(MIN_WIDTH_PX, min(MAX_WIDTH_PX, max(text_px("数") + HEADER_PADDING_PX, widest + CELL_PADDING_PX)))
            assert fitted_width("数", pl.Series(values, dtype=dtype)) == expected, values


def test_a_long_list_is_downloaded_from_the_figures_the_page_shows(monkeypatch):
    # 仅已审核: the file built on click reads approved data, as the table on the page did, even if
    # the sidebar's choice changes before the click.
    import contextlib

    from fupin_core.security import rounds
    from fupin_ui import data, widgets

    opened = []

    @contextlib.contextmanager
    def cursor_on(basis):
        opened.append(basis)
        yield f"cursor of {basis}"

    captured = {}
    monkeypatch.setattr(data, "cursor_on", cursor_on)
    monkeypatch.setattr(data, "figures_basis", lambda: rounds.FIGURES_APPROVED)
    monkeypatch.setattr(widgets, "_list_downloads", lambda rows, *args: captured.setdefault("rows", rows))
    widgets.csv_download_of(lambda cur, year: (cur, year), (2017,), "下载名单（CSV）", "名单.csv", key="list_csv")
    monkeypatch.setattr(data, "figures_basis", lambda: rounds.FIGURES_SUBMITTED)
    assert captured["rows"]() == (f"cursor of {rounds.FIGURES_APPROVED}", 2017)
    assert opened == [rounds.FIGURES_APPROVED]
