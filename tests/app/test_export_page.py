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


def _preview(at, option: str):
    at.radio(key="export_preview").set_value(option).run()
    assert not at.exception, at.exception
    return at


def test_export_page_previews_nothing_until_asked(app):
    at = _open_export(app)
    assert at.title[0].value == "导出"
    assert "2017年，商州区" in at.caption[0].value
    assert at.radio(key="export_preview").options == ["进度报告正文", *tables.SHEET_NAMES]
    assert at.radio(key="export_preview").value is None
    assert not at.dataframe  # nothing built before a preview is chosen


def test_export_page_previews_each_sheet_on_demand(app, sample_con):
    at = _open_export(app)
    expected = _expected(sample_con)
    for name, filled in expected.sheets:
        shown = [d.value for d in _preview(at, name).dataframe]
        wanted = [tables.with_total(f) for f in filled]
        assert len(shown) == len(wanted), name
        for frame, table in zip(shown, wanted, strict=True):
            assert list(frame.columns) == table.columns
            assert len(frame) == table.height
        # An empty cell reads "—", never Streamlit's English "None".
        assert {d.proto.placeholder for d in at.dataframe} == {"—"}
    _preview(at, tables.SHEET_NAMES[0])
    kpis = at.dataframe[0].value
    assert kpis.loc[kpis["指标"] == "建档立卡户数", "数值"].item() == expected.kpis["households_registered"]
    # Years exact (printf %d): Streamlit's "plain" format draws 2020 as 2020.0000000000002.
    progress = json.loads(at.dataframe[1].proto.columns)
    assert progress["目标年度"]["type_config"]["format"] == "%d"


def test_export_page_previews_the_report_text(app, sample_con):
    from fupin_core.reports import narrative

    at = _preview(_open_export(app), "进度报告正文")
    headings = [heading for _key, heading, _ in narrative.outline(_expected(sample_con))]
    shown = [m.value for m in at.markdown]
    assert headings and all(f"**{heading}**" in shown for heading in headings)


def test_export_page_follows_the_township_filter(app, sample_con):
    app.session_state["filter_township"] = "611002101"
    at = _open_export(app)
    assert "商州区夜村镇" in at.caption[0].value
    expected = _expected(sample_con, "611002101")
    for name in tables.SHEET_NAMES:
        for frame in (d.value for d in _preview(at, name).dataframe):
            if "镇办" in frame.columns:
                assert set(frame["镇办"]) <= {"夜村镇", "合计"}
    kpis = _preview(at, tables.SHEET_NAMES[0]).dataframe[0].value
    assert kpis.loc[kpis["指标"] == "建档立卡户数", "数值"].item() == expected.kpis["households_registered"]


def test_choosing_sheets_limits_the_preview(app):
    at = _preview(_open_export(app), "资金")
    at.multiselect(key="export_sheets").set_value(["光伏", "资金"]).run()
    assert not at.exception
    assert at.radio(key="export_preview").options == ["进度报告正文", "光伏", "资金"]
    assert at.radio(key="export_preview").value == "资金"
    at.multiselect(key="export_sheets").set_value(["光伏"]).run()  # the sheet previewed is no longer chosen
    assert not at.exception, at.exception
    assert at.radio(key="export_preview").options == ["进度报告正文", "光伏"]
    at.multiselect(key="export_sheets").set_value([]).run()
    assert not at.exception
    assert at.warning[0].value == "请至少选择一张表。"
