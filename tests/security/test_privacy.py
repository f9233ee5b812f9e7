"""ID numbers are masked as 611002********123X, in values, free text and frames."""

import polars as pl

from fupin_core.security import privacy


def test_mask_id_number_keeps_area_code_and_last_four():
    assert privacy.mask_id_number("61100219900101123X") == "611002********123X"
    assert privacy.mask_id_number("611002900101123") == "611002*****1123"  # old 15-digit numbers
    assert privacy.mask_id_number("1234") == "****"
    assert privacy.mask_id_number(None) is None


def test_mask_text_finds_id_numbers_but_not_other_codes():
    text = "户主 61100219900101123X（旧号 611002900101123），户编号 6110021112010161，信用代码 936110020000005Q5P"
    assert privacy.mask_text(text) == (
        "户主 611002********123X（旧号 611002*****1123），户编号 6110021112010161，信用代码 936110020000005Q5P"
    )


def test_mask_frame_masks_the_catalog_id_columns_only():
    assert {"head_id_number", "户主身份证号"} == privacy.ID_COLUMNS
    frame = pl.DataFrame({"户编号": ["H1", "H2", "H3"], "户主身份证号": ["61100219900101123X", None, "12"]})
    masked = privacy.mask_frame(frame)
    assert masked.rows() == [("H1", "611002********123X"), ("H2", None), ("H3", "**")]
    assert masked["户主身份证号"].to_list()[0] == privacy.mask_id_number("61100219900101123X")
    assert privacy.mask_frame(frame.drop("户主身份证号")).equals(frame.drop("户主身份证号"))
