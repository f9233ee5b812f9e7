"""The 透视分析 page under AppTest: the table equals metrics.pivot for the chosen rows, columns and
measure, follows the 镇办 filter, and explains a refused choice in Chinese."""

import pytest

from fupin_core.metrics import Scope
from fupin_core.metrics.pivot import MAX_COLUMN_CATEGORIES, pivot
from tests.app.pages import open_page

PAGE = "pages/pivot.py"


def _open(at, township=None):
    return open_page(at, PAGE, township)


def _assert_shows(at, expected):
    shown = at.dataframe[0].value
    assert list(shown.columns) == expected.columns
    assert shown.iloc[:, 0].tolist() == expected[expected.columns[0]].to_list()
    assert shown["合计"].tolist() == pytest.approx(expected["合计"].to_list())


@pytest.mark.parametrize("township", [None, "611002111"])
def test_default_table_is_households_by_township_and_mechanism(app, sample_con, township):
    at = _open(app, township)
    expected = pivot(sample_con, Scope.of(2017, township), "镇办", "联结方式", "户数")
    _assert_shows(at, expected)
    assert at.subheader[0].value == "户数：镇办 × 联结方式"
    assert [b.label for b in at.get("download_button")] == ["下载透视表（CSV）", "下载透视表（Excel）"]


def test_choosing_rows_columns_and_measure(app, sample_con):
    at = _open(app)
    at.selectbox(key="pivot_rows").set_value("产业").run()
    at.selectbox(key="pivot_columns_产业").set_value("（不分列）").run()
    at.selectbox(key="pivot_measure").set_value("收益金额(元)").run()
    assert not at.exception, at.exception
    expected = pivot(sample_con, Scope.of(2017), "产业", None, "收益金额(元)")
    shown = at.dataframe[0].value
    assert list(shown.columns) == ["产业", "收益金额(元)"]
    assert shown["产业"].tolist() == expected["产业"].to_list()
    assert shown["收益金额(元)"].tolist() == pytest.approx(expected["收益金额(元)"].to_list())

    at.selectbox(key="pivot_columns_产业").set_value("年度").run()
    _assert_shows(at, pivot(sample_con, Scope.of(2017), "产业", "年度", "收益金额(元)"))


def test_a_refused_choice_is_explained(app):
    at = _open(app)
    at.selectbox(key="pivot_rows").set_value("联结方式").run()
    at.selectbox(key="pivot_columns_联结方式").set_value("村").run()
    assert not at.exception, at.exception
    assert not at.dataframe
    assert f"超过{MAX_COLUMN_CATEGORIES}个" in at.warning[0].value
