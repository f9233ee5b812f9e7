"""Chinese display of numbers: 户/人, 万元/亿元, 亩, 兆瓦, percentages with 千分位 separators."""

from __future__ import annotations

import re


def number(value: float | int | None, digits: int = 0) -> str:
    """12345.6 -> '12,346' (digits=0) or '12,345.6' (digits=1); None -> '—'."""
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}"
    return text


def smart_number(value: float | int | None, max_digits: int = 2) -> str:
    """Thousands separators, and only the decimals the value needs (up to max_digits)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{max_digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(rate: float | None, digits: int = 1) -> str:
    return "—" if rate is None else f"{rate * 100:.{digits}f}%"


def money_wan(value_wan: float | None) -> str:
    """An amount in 万元, as the bureau's reports write it; in 亿元 from 10亿元 upward."""
    if value_wan is None:
        return "—"
    if abs(value_wan) >= 100_000:
        return f"{smart_number(value_wan / 10_000, 4)}亿元"
    return f"{smart_number(value_wan, 2)}万元"


def money_yuan(value_yuan: float | None) -> str:
    """An amount in 元, shown in 万元 from 10,000元 upward."""
    if value_yuan is None:
        return "—"
    if abs(value_yuan) >= 10_000:
        return money_wan(value_yuan / 10_000)
    return f"{smart_number(value_yuan, 2)}元"


# Every ASCII punctuation character CommonMark lets a backslash escape (links, images, emphasis,
# headings, lists, tables, code, HTML, Streamlit's :color[…] directives and $…$ maths all start with one).
_MARKDOWN_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def markdown_literal(text) -> str:
    """User-supplied text (a name, a file name, a message quoting a cell) made safe for a Streamlit
    element that renders Markdown (title, subheader, caption, st.error …): shown exactly as typed,
    never as a link, an image, HTML or formatting. Line breaks become spaces (no block structure)."""
    if text is None:
        return ""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))
