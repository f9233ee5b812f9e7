"""Normalising typed values over whole columns."""

from __future__ import annotations

import datetime as dt

import polars as pl

from fupin_core.catalog import dataset
from fupin_core.ingest.normalize import BAD, MANGLED, normalize


def _one(key: str, **values) -> dict:
    raw = pl.DataFrame({"__row": [2], **{k: [v] for k, v in values.items()}})
    return normalize(raw, dataset(key)).row(0, named=True)


def test_numbers_full_width_thousands_units_and_spaces():
    row = _one("artichoke_output", project_id=" Ｐ５ ", year="２０１８年", area_mu="1,200.5亩", yield_t="１２", purchase_wan="3０万元")
    assert (row["project_id"], row["year"], row["area_mu"], row["yield_t"], row["purchase_wan"]) == ("P5", 2018, 1200.5, 12.0, 30.0)
    assert not any(row[BAD + c] for c in ("year", "area_mu", "yield_t", "purchase_wan"))


def test_bad_numbers_are_flagged_not_guessed():
    row = _one("households", family_size="3.5", identified_year="二〇一七")
    assert row["family_size"] is None and row[BAD + "family_size"]
    assert row["identified_year"] is None and row[BAD + "identified_year"]


def test_dates_in_every_common_form():
    forms = ["2017-12-20", "2017/12/20", "2017.12.20", "2017年12月20日", "20171220", "2017-12-20 00:00:00", "43089"]
    raw = pl.DataFrame({"__row": list(range(len(forms))), "paid_date": forms})
    out = normalize(raw, dataset("dividends"))
    assert out.get_column("paid_date").to_list() == [dt.date(2017, 12, 20)] * len(forms)


def test_periods():
    forms = [
        "2017",
        "2017.0",
        "2017年",
        "2017q3",
        "2017Q3",
        "2017年第3季度",
        "2017-9",
        "2017年9月",
        "2017/09",
        "2017-09-01 00:00:00",
        "2017-13",
    ]
    raw = pl.DataFrame({"__row": list(range(len(forms))), "period": forms})
    out = normalize(raw, dataset("pv_output")).get_column("period").to_list()
    assert out == ["2017", "2017", "2017", "2017Q3", "2017Q3", "2017Q3", "2017-09", "2017-09", "2017-09", "2017-09", None]


def test_id_numbers_upper_case_and_excel_numbers_flagged():
    raw = pl.DataFrame(
        {"__row": [2, 3, 4, 5], "head_id_number": ["61100219900101001x", "6.11002E+17", "611002199001010000.0", "611002199001010011"]}
    )
    out = normalize(raw, dataset("households"), {"head_id_number": pl.Series([5])})
    assert out.get_column("head_id_number").to_list()[0] == "61100219900101001X"
    assert out.get_column(MANGLED + "head_id_number").to_list() == [False, True, True, True]


def test_credit_codes_with_e_are_not_scientific_notation():
    raw = pl.DataFrame({"__row": [2], "credit_code": ["936110020000007E12"]})
    assert normalize(raw, dataset("entities")).get_column(MANGLED + "credit_code").to_list() == [False]


def test_placeholders_for_nothing_are_empty_and_names_keep_their_form():
    row = _one("households", main_cause="—", exit_year="/", head_name=" 王（某） ")
    assert (row["main_cause"], row["exit_year"], row[BAD + "exit_year"]) == (None, None, False)
    assert row["head_name"] == "王（某）"
