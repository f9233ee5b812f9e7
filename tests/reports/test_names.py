"""Places and file names of exports."""

import datetime as dt

from fupin_core.metrics import Scope
from fupin_core.reports import names

DAY = dt.date(2026, 11, 28)


def test_file_name_with_place_year_and_date():
    assert names.file_name("商州区", names.SUMMARY, 2017, "xlsx", DAY) == "商州区产业扶贫项目汇总表_2017_20261128.xlsx"
    assert names.file_name("商州区夜村镇", names.REPORT, 2017, "docx", DAY) == "商州区夜村镇产业扶贫工作进展情况报告_2017_20261128.docx"
    assert names.file_name('某区:镇/办"', names.KPIS, 2017, "csv", DAY) == "某区_镇_办_产业扶贫主要指标_2017_20261128.csv"


def test_place_and_area_follow_the_township_filter(sample_con, tiny_con):
    assert names.place(sample_con, Scope.of(2017)) == "商州区"
    assert names.area_word(sample_con, Scope.of(2017)) == "全区"
    assert names.place(sample_con, Scope.of(2017, "611002101")) == "商州区夜村镇"
    assert names.area_word(sample_con, Scope.of(2017, "611002101")) == "夜村镇"
    assert names.place(tiny_con, Scope.of(2017)) == "全区"  # no district name stored
