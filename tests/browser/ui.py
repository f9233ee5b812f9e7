"""Playwright helpers for the app: Debian chromium, the offline guard, waiting for Streamlit's reruns,
screenshots, and reading what the page shows (metric cards, rendered fonts)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Route, WebSocketRoute

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 60_000  # the test machine is slow (2 shared cores)
QUIET_MS = 500  # a rerun starts within this long after a click; wait past it before trusting "notRunning"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"


def require_chromium() -> str:
    """Debian's chromium, or a failure saying what to install. Never a skip."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"浏览器测试需要 Debian 的 chromium（{CHROMIUM}）和 fonts-noto-cjk。"
            "请以 root 运行 `make browser-deps`（或 apt-get install -y chromium fonts-noto-cjk）。"
            "不要用 `playwright install`。"
        )
    return CHROMIUM


class OfflineGuard:
    """Refuses, and records, every request the browser makes to anything but the app itself.

    The bureau's intranet reaches nothing outside, so a page that fetches a CDN font, a map tile or
    telemetry would break there; such a request fails the test that made it.
    """

    def __init__(self, context: BrowserContext, app_url: str, ws_url: str):
        self.allowed = (app_url, ws_url, "data:", "blob:")
        self.attempted: list[str] = []
        context.route("**/*", self._on_request)
        context.route_web_socket(lambda url: not url.startswith(self.allowed), self._on_websocket)

    def _on_request(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.attempted.append(url)
            route.abort("blockedbyclient")

    def _on_websocket(self, websocket: WebSocketRoute) -> None:
        self.attempted.append(websocket.url)
        websocket.close()

    def clear(self) -> None:
        self.attempted.clear()

    def check(self) -> None:
        if self.attempted:
            urls = "\n".join(self.attempted)
            pytest.fail(f"浏览器试图访问应用以外的地址（内网中会失败）：\n{urls}")


_SETTLED = """(quietMs) => {
  if (document.querySelector("[data-testid='stException']")) return "exception";
  const app = document.querySelector("[data-testid='stApp']");
  const busy = !app || app.getAttribute("data-test-script-state") !== "notRunning"
    || document.querySelector("[data-testid='stSkeleton']") !== null
    || document.querySelector("[data-stale='true']") !== null;
  const now = performance.now();
  if (busy || window.__fupinQuietSince === undefined) { window.__fupinQuietSince = now; return false; }
  return now - window.__fupinQuietSince >= quietMs ? "settled" : false;
}"""


def settle(page: Page, timeout_ms: int = TIMEOUT_MS) -> None:
    """Wait until the script is not running, nothing is a skeleton or stale, for QUIET_MS in a row.

    Fails with the app's error text when Streamlit shows an exception.
    """
    page.evaluate("() => { delete window.__fupinQuietSince; }")
    state = page.wait_for_function(_SETTLED, arg=QUIET_MS, polling=100, timeout=timeout_ms).json_value()
    if state == "exception":
        text = "\n---\n".join(page.get_by_test_id("stException").all_inner_texts())
        pytest.fail(f"应用显示了异常：\n{text}")


def screenshot(page: Page, path: Path) -> Path:
    """The whole page: Streamlit scrolls inside stMain and the sidebar, so grow the viewport to fit both."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1400, "height": 900}
    height = page.evaluate(
        """() => Math.max(document.body.scrollHeight, ...["stMain", "stSidebarContent"]
            .map(id => document.querySelector(`[data-testid='${id}']`)?.scrollHeight || 0))"""
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 10_000))})
    try:
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return path


def metric_cards(page: Page) -> dict[str, str]:
    """{label: value} of every st.metric card on the page, e.g. {"建档立卡户数": "28,530户"}."""
    pairs = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stMetric']")].map(card => [
            card.querySelector("[data-testid='stMetricLabel']").innerText.trim(),
            card.querySelector("[data-testid='stMetricValue']").innerText.trim()])"""
    )
    return dict(pairs)


def choose_in_sidebar(page: Page, label: str, option: str) -> None:
    """Pick `option` in the sidebar selectbox labelled `label` (e.g. 年度 → 2016年), then settle."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    _pick(page, box, option)


_CJK_FONT = re.compile(r"CJK|WenQuanYi|Hei|Song|Kai|Ming|Droid Sans Fallback|Sarasa", re.IGNORECASE)
_HAN = re.compile(r"[\u3400-\u9fff]")


def cjk_glyph_report(page: Page, selector: str) -> tuple[int, int, list[dict]]:
    """(Han characters in the first match's text, glyphs drawn from a CJK font, the fonts Chromium used).

    Chromium's DevTools protocol reports the platform fonts that actually drew the text, so tofu
    (boxes from a Latin font) shows up as Han characters with no CJK-font glyphs. It reports per
    element that holds text itself, so every such element under the match is marked and asked.
    """
    text = page.locator(selector).first.inner_text()
    page.locator(selector).first.evaluate(
        """root => [root, ...root.querySelectorAll("*")]
            .filter(el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
            .forEach(el => el.setAttribute("data-font-probe", ""))"""
    )
    session = page.context.new_cdp_session(page)
    fonts: list[dict] = []
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        for node in session.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-font-probe]"})["nodeIds"]:
            fonts += session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        session.detach()
        page.evaluate("""() => document.querySelectorAll("[data-font-probe]").forEach(el => el.removeAttribute("data-font-probe"))""")
    cjk_glyphs = sum(f["glyphCount"] for f in fonts if _CJK_FONT.search(f["familyName"]))
    return len(_HAN.findall(text)), cjk_glyphs, fonts


def plot_areas(page: Page) -> list[tuple[int, int]]:
    """(width, height) in pixels of each altair chart's plot area (the smallest view cell of its SVG).

    Axes, title and legend draw even when the plot area is squeezed to nothing, so this, not the
    chart's outer size, tells whether a user can see the bars. (0, 0) when the chart drew no view.
    """
    sizes = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")].map(chart => {
            const cells = [...chart.querySelectorAll(
                "svg.marks g.role-frame > g > path.background, svg.marks g.role-scope > g > path.background")]
                .filter(cell => !cell.closest(".role-legend, .role-axis, .role-title"));  // legend entries are scopes too
            if (!cells.length) return [0, 0];
            const boxes = cells.map(cell => cell.getBoundingClientRect());
            return [Math.round(Math.min(...boxes.map(b => b.width))), Math.round(Math.min(...boxes.map(b => b.height)))];
        })"""
    )
    return [tuple(size) for size in sizes]


def assert_charts_drawn(page: Page, min_px: int = 20) -> int:
    """Every altair chart on the page has a visible plot area; returns how many charts there are."""
    areas = plot_areas(page)
    squeezed = [area for area in areas if min(area) < min_px]
    assert not squeezed, f"有图表的绘图区没有画出来（宽×高：{squeezed}；全部：{areas}）"
    return len(areas)


def sign_in(page: Page, username: str, password: str) -> str:
    """Get past the login gate: create the administrator on a first start, else log in.

    Returns which form was filled ("创建管理员" or "登录"); fails if the page shows neither.
    """
    form = page.get_by_test_id("stForm")
    form.first.wait_for()
    submit = form.get_by_test_id("stFormSubmitButton")
    label = submit.inner_text().strip()
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    if "创建管理员" in label:
        page.get_by_label("再次输入密码", exact=True).fill(password)
    elif label != "登录":
        pytest.fail(f"登录页上没有“登录”或“创建管理员”按钮，而是“{label}”")
    submit.get_by_role("button").click()
    settle(page)
    return "创建管理员" if "创建管理员" in label else "登录"


def wait_for_session_cookie(page: Page, *, present: bool) -> None:
    """Wait until the browser holds (or, after a logout, no longer holds) the app's session cookie."""
    from fupin_ui.auth_ui import COOKIE

    has_cookie = f"document.cookie.split('; ').some(c => c.startsWith('{COOKIE}=') && c.length > '{COOKIE}='.length)"
    page.wait_for_function(f"() => {has_cookie}" if present else f"() => !({has_cookie})")


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the main-area selectbox labelled `label`, then settle."""
    box = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").filter(has=page.get_by_text(label, exact=True))
    _pick(page, box, option)


def _pick(page: Page, box, option: str) -> None:
    # The drop-down list is virtual (only the options in view exist), so type to narrow it first,
    # as a user does with a long list of 镇办.
    box.click()
    page.keyboard.type(option)
    page.locator("[role=option]", has_text=option).first.click()
    settle(page)


def upload(page: Page, file_name: str, content: bytes, mime: str = "text/csv") -> None:
    """Put a file into the (single) file uploader of the page, as a user's file chooser would."""
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files({"name": file_name, "mimeType": mime, "buffer": content})
    settle(page)


def download(page: Page, button_text: str) -> tuple[str, bytes]:
    """Click a download button and return (suggested file name, bytes) of what the browser saved."""
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text=button_text).get_by_role("button").click()
    saved = info.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()
