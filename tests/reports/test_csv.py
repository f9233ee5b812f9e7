"""CSV bytes: UTF-8 with BOM, Chinese intact, formula-like text defused, numbers as numbers."""

import polars as pl

from fupin_core.reports.csv import csv_bytes, is_risky


def test_bom_and_chinese():
    data = csv_bytes(pl.DataFrame({"镇办": ["夜村镇"], "户数(户)": [12]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines() == ["镇办,户数(户)", "夜村镇,12"]


def test_formula_like_text_gets_an_apostrophe_and_numbers_do_not():
    frame = pl.DataFrame({"名称": ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "\t=1", "正常"], "金额": [-1.5, 2.0, 3.25, None, 0.0, 1e3]})
    lines = csv_bytes(frame).decode("utf-8-sig").splitlines()
    assert lines[1:] == ['"\'=HYPERLINK(""x"")",-1.5', "'+1,2", "'-1,3.25", "'@SUM(A1),", "'\t=1,0", "正常,1000"]
    assert all(is_risky(t) for t in ["=1", "+1", "-1", "@A", "\tx", "\rx"]) and not is_risky("正常")
