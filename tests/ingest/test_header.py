"""Finding the header row among title rows; dropping blank, totals and signature rows."""

from __future__ import annotations

import polars as pl
import pytest

from fupin_core.catalog import dataset
from fupin_core.ingest import header
from fupin_core.ingest.read import read_grid
from tests.ingest.make_corpus import LINK_HEAD, csv


def _cells(rows) -> pl.DataFrame:
    return read_grid(csv(rows), "a.csv").cells


def test_header_is_the_row_naming_most_columns():
    cells = _cells([["2017年利益联结台账（户编号见附表）"], ["户编号", "备注"], LINK_HEAD, ["H1", "P1", "分红", "", "2017", "1"]])
    assert header.locate(cells, dataset("linkages")) == 2


def test_no_header_in_the_first_rows():
    cells = _cells([["x"]] * 5 + [LINK_HEAD])
    assert header.locate(cells, dataset("linkages")) == 5
    far = _cells([["x"]] * header.SEARCH_ROWS + [LINK_HEAD])
    with pytest.raises(header.HeaderNotFound, match="没有找到表头"):
        header.locate(far, dataset("linkages"))


def test_blank_totals_signature_and_repeated_header_rows_are_not_data():
    rows = [
        LINK_HEAD,
        ["H1", "P1", "分红", "", "2017", "1"],
        ["", " ", "", "", "", ""],
        LINK_HEAD,
        ["H2", "P1", "分红", "", "2017", "1"],
        ["合　计", "", "", "", "", "2"],
        ["", "小计", "", "", "", "2"],
        ["填表人：张三", "", "审核人：李四"],
        ["注：收益单位为元"],
    ]
    found = header.data_rows(_cells(rows), dataset("linkages"), 0)
    assert found.frame.get_column(header.ROW).to_list() == [2, 5]
    assert (found.skipped_blank, found.skipped_not_data) == (1, 5)
    assert found.headers == LINK_HEAD
