"""The catalog is the single source of truth: it must be internally consistent."""

from fupin_core import catalog


def test_dataset_keys_and_tables_unique():
    keys = [d.key for d in catalog.DATASETS]
    assert len(keys) == len(set(keys)) == 21
    assert set(keys) == {
        "townships", "villages", "households", "entities", "projects", "funds", "pv_output",
        "fungus_output", "artichoke_output", "investments", "dividends", "linkages", "pilots", "targets",
        "township_targets", "household_income", "poverty_lines", "project_stages", "announcements", "assets", "asset_income",
    }  # fmt: skip


def test_columns_headers_and_keys_consistent():
    for ds in catalog.DATASETS:
        names = ds.column_names
        assert len(names) == len(set(names)), ds.key
        headers = [c.header for c in ds.columns]
        assert len(headers) == len(set(headers)), ds.key
        assert ds.natural_key and set(ds.natural_key) <= set(names), ds.key
        for key in ds.natural_key:
            assert ds.column(key).required, f"{ds.key}.{key} is part of the natural key and must be required"
        for col in ds.columns:
            assert col.sql_type
            assert col.name.isascii() and col.name.isidentifier()
            assert all(not s.isascii() for s in col.synonyms)
            if col.enum is not None:
                assert len(col.enum) == len(set(col.enum)) > 0


def test_synonyms_do_not_collide_within_a_dataset():
    for ds in catalog.DATASETS:
        seen = {}
        for col in ds.columns:
            for label in (col.header, *col.synonyms):
                assert label not in seen, f"{ds.key}: {label} maps to {seen.get(label)} and {col.name}"
                seen[label] = col.name


def test_references_point_to_natural_keys():
    for ds in catalog.DATASETS:
        for col in ds.columns:
            if col.references:
                target_key, target_col = col.references
                target = catalog.dataset(target_key)
                assert target.natural_key == (target_col,), f"{ds.key}.{col.name}"


def test_load_order_puts_references_first():
    order = [d.key for d in catalog.load_order()]
    assert len(order) == len(catalog.DATASETS)
    for ds in catalog.DATASETS:
        for col in ds.columns:
            if col.references:
                assert order.index(col.references[0]) < order.index(ds.key)


def test_design_enumerations():
    assert catalog.dataset("linkages").column("mechanism").enum == ("分红", "务工", "土地流转", "订单收购", "公益岗位", "菌袋发放", "其他")
    # 资金来源 is a level or channel; 统筹整合 is a 资金类别 (issue 12), so no total counts a 万元 twice.
    assert "统筹整合涉农资金" not in catalog.dataset("funds").column("fund_source").enum
    assert catalog.dataset("funds").column("fund_category").enum[0] == "统筹整合涉农资金"
    assert catalog.dataset("projects").column("build_status").enum == ("计划", "在建", "已建成", "运营中")
