"""The problems frame: one row per problem, wording per value, references with suggestions."""

from __future__ import annotations

import polars as pl

from fupin_core.catalog import dataset
from fupin_core.ingest import pipeline
from tests.ingest.make_corpus import BAD_CREDIT, HH_HEAD, ID_A, ID_B, LINK_HEAD, csv, hh_row
from tests.tiny_data import E1, T2, V1, V2, V3


def _problems(con, key, rows, name="f.csv"):
    return pipeline.prepare(con, key, csv(rows), name).problems


def test_enum_near_miss_has_a_suggestion(tiny_con):
    problems = _problems(tiny_con, "linkages", [LINK_HEAD, ["H4", "P1", "入股分红", "", 2017, 1], ["H4", "P4", "打工", "", 2017, 1]])
    assert problems.filter(pl.col("column") == "mechanism").select("row", "message", "suggestion").rows() == [
        (2, "“入股分红”不是允许的值（允许：分红、务工、土地流转、订单收购、公益岗位、菌袋发放、其他）", "是否为“分红”？"),
        (3, "“打工”不是允许的值（允许：分红、务工、土地流转、订单收购、公益岗位、菌袋发放、其他）", "是否为“务工”？"),
    ]


def test_reference_problem_carries_the_did_you_mean(tiny_con):
    problems = _problems(tiny_con, "households", [HH_HEAD, hh_row(village="甲村")])
    assert problems.filter(pl.col("column") == "village_code").select("cell", "value", "suggestion").row(0) == (
        "D2", "甲村", f"“甲村”是村名称，它的村代码是 {V1}",
    )  # fmt: skip


def test_credit_code_check_character_is_a_warning_to_confirm(tiny_con):
    head = ["统一社会信用代码", "主体名称", "主体类型", "所属产业", "镇办代码", "村代码"]
    preview = pipeline.prepare(
        tiny_con,
        "entities",
        csv([head, [BAD_CREDIT, "某社", "农民专业合作社", "食用菌", T2, ""], [E1, "某社", "农民专业合作社", "食用菌", T2, ""]]),
        "e.csv",
    )
    assert preview.errors.is_empty()
    warning = preview.warnings.filter(pl.col("column") == "credit_code")
    assert warning.select("row", "confirm").rows() == [(2, True)]
    assert preview.needs_confirmation


def test_every_problem_names_row_cell_column_and_message(tiny_con):
    rows = [HH_HEAD, hh_row("H6", idn=ID_A[:17] + "0" if ID_A[17] != "0" else ID_A[:17] + "1", size="多", ident=2050)]
    problems = _problems(tiny_con, "households", rows)
    assert problems.columns == ["row", "cell", "column", "header", "value", "severity", "message", "suggestion", "confirm"]
    assert sorted(problems.select("cell", "header").rows()) == [("C2", "户主身份证号"), ("E2", "家庭人口"), ("H2", "识别年度")]
    assert problems.filter(pl.col("cell") == "E2").select("message", "suggestion").row(0) == ("“多”不是整数", "填写整数（单位：人）")


def test_a_large_file_is_validated_as_a_whole(tiny_con):
    rows = (
        [LINK_HEAD]
        + [[f"H{1 + i % 5}", f"P{1 + i % 5}", "务工", "", 2010 + i % 26, i] for i in range(130)]
        + [["H9", "P1", "务工", "", 2017, 1]]
    )
    preview = pipeline.prepare(tiny_con, "linkages", csv(rows), "big.csv")
    assert preview.counts["rejected"] == 1 and preview.counts["new"] == 130
    assert preview.errors.select("row", "column").rows() == [(132, "household_id")]
    assert dataset("linkages").natural_key == ("household_id", "project_id", "mechanism", "year")


def test_an_id_number_belongs_to_one_household_only(tiny_con):
    """Issue 16, finding 10: the same 身份证号 for a second household — in the same file, or already
    registered (even in another 镇办) — is a row error naming the other household's 镇办/村, masked."""
    first = pipeline.prepare(tiny_con, "households", csv([HH_HEAD, hh_row("H6", idn=ID_A, village=V1)]), "a.csv")
    assert first.errors.is_empty(), first.errors
    assert pipeline.commit(tiny_con, first, user="测试").batch_id is not None
    masked = ID_A[:6] + "********" + ID_A[-4:]

    again = _problems(tiny_con, "households", [HH_HEAD, hh_row("H7", idn=ID_A, village=V3)])
    errors = again.filter((pl.col("severity") == "error") & (pl.col("column") == "head_id_number"))
    assert errors.select("row", "message").rows() == [
        (2, f"户主身份证号 {masked} 已登记为城关街道甲村的另一户的户主：一个身份证号只能登记一户")
    ]
    assert ID_A not in errors["message"][0]

    in_file = _problems(tiny_con, "households", [HH_HEAD, hh_row("H8", idn=ID_B, village=V1), hh_row("H9", idn=ID_B, village=V2)])
    messages = in_file.filter(pl.col("column") == "head_id_number")["message"].to_list()
    assert messages == [f"户主身份证号 {ID_B[:6]}********{ID_B[-4:]} 在本文件第2、3行登记给了不同的户编号：一个身份证号只能登记一户"] * 2

    # The same household uploaded again with its own number is no conflict, nor is a swap inside one file.
    assert _problems(tiny_con, "households", [HH_HEAD, hh_row("H6", idn=ID_A, village=V1)]).filter(pl.col("severity") == "error").is_empty()
    swap = _problems(tiny_con, "households", [HH_HEAD, hh_row("H6", idn=ID_B, village=V1), hh_row("H7", idn=ID_A, village=V3)])
    assert swap.filter(pl.col("column") == "head_id_number").is_empty()
