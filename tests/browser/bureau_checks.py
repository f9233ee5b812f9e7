"""What bureau staff must not meet on a page at 1440×900 (issue 17), read from the live DOM:
Streamlit's English, an error box, a table whose deciding column needs sideways scrolling, an empty
table, axis tick labels drawn over each other, a card's figure cut short."""

from __future__ import annotations

import re

from playwright.sync_api import Page

VIEWPORT = {"width": 1440, "height": 900}

# Streamlit's own texts (menu, toolbar, widgets, empty states) that have no Chinese setting.
STREAMLIT_ENGLISH = (
    "Choose options", "Choose an option", "Select all", "Press Enter to submit form", "Press Enter to apply",
    "empty", "Running...", "Stop", "Deploy", "Rerun", "Settings", "Print", "Record a screencast", "Record screen",
    "Made with Streamlit", "Clear cache", "System", "Light", "Dark", "Download as CSV", "Search", "Fullscreen",
    "Show/hide columns", "No options", "No results", "Browse files", "Drag and drop file here", "Upload",
    "View more", "View less", "Page not found", "per file", "Close", "None", "null", "NaN",
)  # fmt: skip
_ENGLISH = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in STREAMLIT_ENGLISH) + r")(?![A-Za-z])")

# The columns that say why a row is listed, or what a list is about: on screen without scrolling.
DECIDING_COLUMNS = (
    "年化利用小时", "欠付金额(元)", "支出率(%)", "年度分红(万元)", "分红到户金额(元)", "种植面积(亩)", "收购金额(万元)",
    "订单农户(户)", "带动本村户数", "本村收益金额(元)", "未覆盖户数", "带动户数", "收益金额(元)", "公示天数(天)",
)  # fmt: skip


def visible_english(page: Page) -> list[str]:
    """Streamlit's English words in the text the page shows (innerText skips hidden elements)."""
    return sorted(set(_ENGLISH.findall(page.locator("[data-testid='stApp']").inner_text())))


def error_boxes(page: Page) -> list[str]:
    return page.locator("[data-testid='stAlertContentError'], [data-testid='stException']").all_inner_texts()


def has_main_menu(page: Page) -> bool:
    return page.locator("[data-testid='stMainMenu']").count() > 0


_TABLES = """async () => {
  const pause = ms => new Promise(done => setTimeout(done, ms));
  const out = [];
  for (const df of document.querySelectorAll("[data-testid='stDataFrame']")) {
    if (!df.getBoundingClientRect().width) continue;  // in a closed expander or another tab
    df.scrollIntoView({block: "center"});
    await pause(250);  // tables off screen are drawn when they come into view
    const scroller = df.querySelector(".dvn-scroller");
    const heads = () => [...df.querySelectorAll("th")].map(th => th.innerText.trim());
    const atStart = heads();
    let atEnd = [];
    const overflow = scroller ? scroller.scrollWidth - scroller.clientWidth : 0;
    if (overflow > 1) {
      scroller.scrollLeft = scroller.scrollWidth;
      scroller.dispatchEvent(new Event("scroll"));
      await pause(300);
      atEnd = heads();
      scroller.scrollLeft = 0;
      scroller.dispatchEvent(new Event("scroll"));
      await pause(150);
    }
    const grid = df.querySelector("[aria-rowcount]");
    out.push({overflow, atStart, atEnd, rows: grid ? Number(grid.getAttribute("aria-rowcount")) - 1 : null});
  }
  return out;
}"""


def table_problems(page: Page) -> list[str]:
    """Tables scrolling sideways with a deciding column out of view, and empty tables."""
    problems = []
    for table in page.evaluate(_TABLES):
        columns = list(dict.fromkeys(table["atStart"] + table["atEnd"]))
        if table["rows"] == 0:
            problems.append(f"空表（显示英文“empty”）：{columns}")
        if table["overflow"] <= 1:
            continue
        on_screen = table["atStart"][:-1]  # the last column drawn at the left edge may be cut off
        hidden = [c for c in columns if c in DECIDING_COLUMNS and c not in on_screen]
        if hidden:
            problems.append(f"表格需要左右滚动才能看到决定性的列 {hidden}（未滚动时可见：{table['atStart']}）")
    return problems


_OVERLAPS = """() => {
  const out = [];
  document.querySelectorAll("[data-testid='stVegaLiteChart']").forEach((chart, index) => {
    const title = chart.querySelector(".role-title-text")?.textContent || `第${index + 1}个图`;
    chart.querySelectorAll("g.role-axis-label").forEach(axis => {
      const boxes = [...axis.querySelectorAll("text")]
        .filter(t => t.textContent.trim() && t.getAttribute("opacity") !== "0" && getComputedStyle(t).opacity !== "0")
        .map(t => ({text: t.textContent, box: t.getBoundingClientRect()}));
      for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].box, b = boxes[j].box;
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
          out.push(`${title}：“${boxes[i].text}”与“${boxes[j].text}”重叠`);
      }
    });
  });
  return out;
}"""


def overlapping_ticks(page: Page) -> list[str]:
    """Axis tick labels whose boxes intersect (Vega hides the ones it drops with opacity 0)."""
    return page.evaluate(_OVERLAPS)


# Streamlit cuts a card's text in the element that holds it (overflow hidden, an ellipsis), so every
# element of a value or a change's words is measured.
_CUT_CARDS = """() => [...document.querySelectorAll(
    '[data-testid=stMetricValue], [data-testid=stMetricValue] *, [data-testid=stMetricDeltaDescription], [data-testid=stMetricDeltaDescription] *')]
  .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""


def cut_cards(page: Page) -> list[str]:
    """A card's value or its change's words cut short ("2,201.67…") instead of shown whole."""
    return [f"指标卡显示不全：{text}" for text in page.evaluate(_CUT_CARDS)]


def page_problems(page: Page) -> list[str]:
    problems = [f"错误框：{text}" for text in error_boxes(page)]
    english = visible_english(page)
    if english:
        problems.append(f"页面上有英文：{english}")
    if has_main_menu(page):
        problems.append("页面上有 Streamlit 的 ⋮ 菜单")
    return problems + table_problems(page) + overlapping_ticks(page) + cut_cards(page)
