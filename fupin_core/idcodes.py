"""Check characters of 居民身份证号 (GB 11643, ISO 7064 MOD 11-2) and 统一社会信用代码 (GB 32100-2015)."""

from __future__ import annotations

import datetime as dt

_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def id_check_char(first17: str) -> str:
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_problem(value: str) -> str | None:
    """None when `value` is a valid 18-digit ID number (upper-case X), else the problem in Chinese."""
    if len(value) != 18:
        return f"身份证号应为18位，实际为{len(value)}位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {value[6:14]} 不是有效日期"
    expected = id_check_char(value[:17])
    if value[17] != expected:
        return f"身份证号校验位错误（按前17位应为 {expected}），请核对是否录错"
    return None


def org_check_char(first8: str) -> str:
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> tuple[str, str] | None:
    """None when valid; else (severity, message). A wrong check character alone is only a warning:
    a few early codes fail it yet are legal (GB 32100-2015 came after them)."""
    if len(value) != 18:
        return "error", f"统一社会信用代码应为18位，实际为{len(value)}位"
    bad = [ch for ch in value if ch not in CREDIT_ALPHABET]
    if bad:
        return "error", f"统一社会信用代码含有不允许的字符：{''.join(dict.fromkeys(bad))}（不使用 I、O、S、V、Z）"
    if not value[2:8].isdigit():
        return "error", "统一社会信用代码第3至8位应为行政区划代码（数字）"
    expected = credit_check_char(value[:17])
    if value[17] != expected:
        return "warning", f"统一社会信用代码校验位与计算值 {expected} 不符，请核对；确属早期赋码可确认导入"
    return None
