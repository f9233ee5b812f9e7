"""The data dictionary (docs/DATA_DICTIONARY.md), rendered from the catalog and nothing else."""

from __future__ import annotations

from fupin_core.catalog import DATASETS, Column

TYPE_NAMES = {"text": "文本", "int": "整数", "decimal": "数值", "date": "日期", "period": "报告期"}
CHECK_NAMES = {
    "id_card": "18位身份证号，校验位（GB 11643）",
    "credit_code": "18位统一社会信用代码，校验位（GB 32100）",
    "year": "年份",
    "non_negative": "不小于0",
    "positive": "大于0",
    "percent": "0–100",
    "admin_code_9": "9位区划代码",
    "admin_code_12": "12位区划代码",
}


def _rule(col: Column) -> str:
    parts = [CHECK_NAMES[c] for c in col.checks]
    if col.enum:
        parts.append("可选：" + "、".join(col.enum))
    if col.references:
        parts.append(f"须已存在于 {col.references[0]}.{col.references[1]}")
    return "；".join(parts)


def render() -> str:
    lines = [
        "# 数据字典",
        "",
        "本文件由 `fupin_core/catalog.py` 自动生成（`fupin datadict --out docs/DATA_DICTIONARY.md`），请勿手工修改。",
        "",
    ]
    for ds in DATASETS:
        key_headers = "+".join(ds.header_of(k) for k in ds.natural_key)
        lines += [f"## {ds.title}（`{ds.key}`）", "", ds.description, "", f"唯一键：{key_headers}", ""]
        lines += ["| 列名 | 字段 | 类型 | 必填 | 单位 | 校验与取值 | 同义列名 |", "|---|---|---|---|---|---|---|"]
        for col in ds.columns:
            lines.append(
                f"| {col.header} | `{col.name}` | {TYPE_NAMES[col.type]} | {'是' if col.required else '否'} | {col.unit or ''} "
                f"| {_rule(col)} | {'、'.join(col.synonyms)} |"
            )
        if ds.rules:
            lines += ["", "规则：" + "；".join(ds.rules)]
        lines.append("")
    return "\n".join(lines)
