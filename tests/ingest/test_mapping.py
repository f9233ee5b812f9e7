"""Headers -> catalog columns: exact, synonyms, variants, conflicts, manual and saved mappings."""

from __future__ import annotations

from fupin_core.catalog import dataset
from fupin_core.ingest import mapping

HH = dataset("households")


def test_clean_header_ignores_spaces_full_width_and_stars():
    assert mapping.clean_header(" 收益金额（元）* ") == "收益金额(元)"
    assert mapping.clean_header("户主\n身份证号") == "户主身份证号"


def test_exact_headers_synonyms_and_unit_free_variants():
    result = mapping.auto_map(["户编码", "户主", "户主身份证号码", "村代码", "家庭人口", "贫困户属性", "识别年度", "序号", "电话"], HH)
    assert result.columns == {
        0: "household_id", 1: "head_name", 2: "head_id_number", 3: "village_code", 4: "family_size", 5: "household_kind", 6: "identified_year",
    }  # fmt: skip
    assert result.unknown == (8,) and result.missing == ()
    funds = mapping.auto_map(["项目编号", "资金来源", "年度", "下达金额", "支出金额（万元）"], dataset("funds"))
    assert set(funds.columns.values()) == {"project_id", "fund_source", "year", "allocated_wan", "spent_wan"}


def test_exact_header_wins_over_a_synonym_and_true_conflicts_are_reported():
    result = mapping.auto_map(["户编号", "身份证号", "户主身份证号"], HH)
    assert result.columns[2] == "head_id_number" and 1 not in result.columns
    clash = mapping.auto_map(["户编号", "身份证号", "身份证号码"], HH)
    assert clash.conflicts == (("head_id_number", (1, 2)),)
    assert "head_id_number" not in clash.missing


def test_missing_required_columns():
    result = mapping.auto_map(["户编号"], HH)
    assert result.missing == ("head_name", "head_id_number", "village_code", "family_size", "household_kind", "identified_year")


def test_manual_mapping_and_ignore():
    result = mapping.auto_map(["户号", "户主姓名", "姓名"], HH, {"户号": "household_id", "姓名": mapping.IGNORE})
    assert result.columns == {0: "household_id", 1: "head_name"}
    assert result.unknown == ()


def test_saved_mappings_per_source(fresh_con):
    mapping.save_mapping(fresh_con, "夜村镇", HH, {"户号": "household_id", "电话": ""}, user="甲")
    mapping.save_mapping(fresh_con, "夜村镇", HH, {"户号": "household_id"}, user="甲")
    mapping.save_mapping(fresh_con, "城关街道", dataset("linkages"), {"户号": "household_id"}, user="乙")
    assert mapping.load_mapping(fresh_con, "夜村镇", "households") == {"户号": "household_id"}
    assert mapping.saved_sources(fresh_con, "households") == ["夜村镇"]
    assert mapping.load_mapping(fresh_con, "夜村镇", "linkages") == {}


def test_match_count_counts_distinct_columns():
    assert mapping.match_count(["户编号", "户编码", "标题", None], HH) == 1
