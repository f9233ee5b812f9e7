"""The 导出 page under AppTest: preview of every sheet for the global filters, and the sheet choice."""

import json

from fupin_core.metrics import Scope
from fupin_core.reports import tables
from fupin_core.reports.summary import collect


def _open_export(app):
    app.switch_page("pages/export.py").run()
    assert not app.exception, app.exception
    return app


def _expected(sample_con, township=None):
    """The app runs on a copy of the sample database, so the sample connection gives its answers."""
    return collect(sample_con, Scope.of(2017, township))


def test_export_page_previews_every_sheet(app, sample_con):
    at = _open_export(app)
    assert at.title[0].value == "导出"
    assert "2017年，商州区" in at.caption[0].value
    assert [t.label for t in at.tabs] == list(tables.SHEET_NAMES)
    expected = _expected(sample_con)
    shown = [d.value for d in at.dataframe]
    wanted = [tables.with_total(f) for _, filled in expected.sheets for f in filled]
    assert len(shown) == len(wanted)
    for frame, table in zip(shown, wanted, strict=True):
        assert list(frame.columns) == table.columns
        assert len(frame) == table.height
    kpis = shown[0]
    assert kpis.loc[kpis["指标"] == "建档立卡户数", "数值"].item() == expected.kpis["households_registered"]
    # An empty cell reads "—", never Streamlit's English "None".
    assert {d.proto.placeholder for d in at.dataframe} == {"—"}
    # Years exact (printf %d): Streamlit's "plain" format draws 2020 as 2020.0000000000002.
    progress = json.loads(at.dataframe[1].proto.columns)
    assert progress["目标年度"]["type_config"]["format"] == "%d"


def test_export_page_follows_the_township_filter(app, sample_con):
    app.session_state["filter_township"] = "611002101"
    at = _open_export(app)
    assert "商州区夜村镇" in at.caption[0].value
    for frame in (d.value for d in at.dataframe):
        if "镇办" in frame.columns:
            assert set(frame["镇办"]) <= {"夜村镇", "合计"}
    expected = _expected(sample_con, "611002101")
    kpis = at.dataframe[0].value
    assert kpis.loc[kpis["指标"] == "建档立卡户数", "数值"].item() == expected.kpis["households_registered"]


def test_choosing_sheets_limits_the_preview(app):
    at = _open_export(app)
    at.multiselect(key="export_sheets").set_value(["光伏", "资金"]).run()
    assert not at.exception
    assert [t.label for t in at.tabs] == ["光伏", "资金"]
    at.multiselect(key="export_sheets").set_value([]).run()
    assert not at.exception
    assert at.warning[0].value == "请至少选择一张表。"
