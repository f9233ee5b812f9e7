"""Reading: file kinds, strict decoding (UTF-8, BOM, GBK/GB18030, UTF-16), sheets, merged cells, numeric ID cells."""

from __future__ import annotations

import pytest

from fupin_core.ingest import read
from tests.ingest.make_corpus import HH_HEAD, ID_A, csv, hh_row, xlsx


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-16", "utf-16")],
)
def test_decode_is_strict_and_keeps_chinese(encoding, label):
    text, used = read.decode(
        "户编号,户主姓名\nH1,王䶮\n".encode(encoding) if encoding != "gbk" else "户编号,户主姓名\nH1,王某\n".encode("gbk")
    )
    assert used == label
    assert text.lstrip("\ufeff").startswith("户编号,户主姓名")


def test_gbk_bytes_are_never_read_as_lossy_utf8():
    grid = read.read_grid("村代码,村名称\n611002001201,香铺村\n".encode("gbk"), "v.csv")
    assert grid.encoding == "gb18030"
    assert grid.cells.row(0) == ("村代码", "村名称") and grid.cells.row(1) == ("611002001201", "香铺村")


def test_gbk_text_after_a_long_plain_head_is_still_decoded_as_gbk():
    # The UTF-8 fast path sees only ASCII in the head; polars refuses the GBK bytes further down, and
    # the file is then decoded strictly (GB18030), never read as lossy UTF-8.
    rows = [["id", "name"]] + [[f"H{i}", "A"] for i in range(40_000)] + [["H1", "香铺村"]]
    plain = "\n".join(",".join(r) for r in rows).encode("gbk") + b"\n"
    assert plain[: 4 * read.HEAD_BYTES + 4].isascii()
    grid = read.read_grid(plain, "v.csv")
    assert grid.encoding == "gb18030"
    assert grid.cells.row(grid.cells.height - 1) == ("H1", "香铺村")


def test_utf8_csv_with_bom_keeps_its_first_header_and_encoding():
    grid = read.read_grid("\ufeff户编号,年度\nH1,2017\n".encode(), "a.csv")
    assert grid.encoding == "utf-8-sig"
    assert grid.cells.row(0) == ("户编号", "年度") and grid.cells.row(1) == ("H1", "2017")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "空的"),
        (b"  \r\n", "空的"),
        (b"%PDF-1.4 ...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "二进制"),
        (b"PK\x03\x04broken", "损坏"),
    ],
)
def test_unreadable_files_get_a_chinese_reason(content, fragment):
    with pytest.raises(read.UnreadableFile, match=fragment):
        read.read_grid(content, "x")


def test_csv_rows_keep_excel_numbering_with_title_and_blank_lines():
    grid = read.read_grid(csv([["标题"], [], ["户编号", "年度"], ["H1", "2017"]]), "a.csv")
    assert grid.cells.width == 2
    assert grid.cells.get_column("c0").to_list() == ["标题", None, "户编号", "H1"]


def test_csv_row_wider_than_the_head_is_noted_by_the_slow_reader():
    rows = [["户编号", "金额"]] + [["H", "1"]] * 70 + [["H9", "1", "234"]]
    grid = read.read_grid(csv(rows) + b'H10,"unterminated\n', "a.csv")
    assert grid.overlong_rows == {71: 3}
    assert grid.cells.height == 73


def test_xlsx_sheets_and_leading_empty_rows():
    content = xlsx([[], ["户编号"], ["H1"]], sheet="数据", before=[("封面", [["说明"]])])
    assert read.sheet_names(content, "a.xlsx") == ["封面", "数据"]
    grid = read.read_grid(content, "a.xlsx", "数据")
    assert grid.cells.get_column("c0").to_list() == [None, "户编号", "H1"]
    with pytest.raises(read.UnreadableFile, match="没有名为"):
        read.read_grid(content, "a.xlsx", "其他")


def test_vertical_merges_are_filled_down_and_reported():
    content = xlsx([["户编号", "村代码"], ["H1", ""], ["H2", ""], ["H3", "X"]], merges=[(1, 1, 2, 1, "611002101201")])
    grid = read.read_grid(content, "a.xlsx")
    assert grid.cells.get_column("c1").to_list() == ["村代码", "611002101201", "611002101201", "X"]
    assert grid.merged_fills == (read.MergedFill(1, 2, 1, "611002101201"),)


def test_numeric_cells_of_an_id_column_are_found_in_the_sheet_xml():
    content = xlsx([HH_HEAD, hh_row(idn=int(ID_A)), hh_row("H7", idn=ID_A)])
    assert read.numeric_cell_rows(content, "Sheet1", 2) == {1}
    assert read.numeric_cell_rows(content, "Sheet1", 0) == set()


def test_column_letters():
    assert [read.column_letter(i) for i in (0, 25, 26, 701)] == ["A", "Z", "AA", "ZZ"]
