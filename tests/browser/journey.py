"""A Journey: one browser tab on one running app, guarded offline, with numbered screenshots."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.browser import ui
from tests.browser.server import AppServer


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "-", text).strip("-") or "step"


class Journey:
    """What a test drives: `page` (Playwright), `step(name)` after each action, `guard` for the offline proof."""

    def __init__(self, browser: Browser, server: AppServer, test_name: str):
        self.server = server
        self.context = browser.new_context(
            viewport={"width": 1400, "height": 900},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            accept_downloads=True,
            service_workers="block",  # a service worker would bypass the offline guard
        )
        self.context.set_default_timeout(ui.TIMEOUT_MS)
        self.guard = ui.OfflineGuard(self.context, server.url, server.ws_url)
        self.page: Page = self.context.new_page()
        self.shots_dir = ui.OUTPUT / _slug(test_name)
        shutil.rmtree(self.shots_dir, ignore_errors=True)
        self._shots = 0

    def open(self, *, sign_in: bool = True) -> Journey:
        """Load the app, wait for the first run and (by default) get past the login gate as the administrator."""
        self.page.goto(self.server.url, wait_until="domcontentloaded")
        self.settle()
        if sign_in:
            self.sign_in()
        return self

    def sign_in(self, username: str | None = None, password: str | None = None) -> str:
        """Create the administrator on a first start, else log in; then the user is named in the sidebar."""
        username = username or self.server.admin_user
        form = ui.sign_in(self.page, username, password or self.server.admin_password)
        self.guard.check()
        expect(self.page.get_by_test_id("stSidebar")).to_contain_text("当前用户")
        # The session cookie is written by a script of the run after the login; a new page load
        # before it ran would meet the login form again (a user is never that fast, a test is).
        ui.wait_for_session_cookie(self.page, present=True)
        return form

    def go_to(self, title: str) -> None:
        """Open a page by its name in the sidebar navigation, as a user does."""
        links = self.page.get_by_test_id("stSidebarNav").locator("a")
        links.filter(has=self.page.get_by_text(title, exact=True)).click()
        self.settle()

    def settle(self) -> None:
        ui.settle(self.page)
        self.guard.check()

    def step(self, name: str) -> Path:
        """After an action: wait for the rerun, check nothing left the machine, save NN-name.png."""
        self.settle()
        return self.screenshot(name)

    def screenshot(self, name: str) -> Path:
        self._shots += 1
        return ui.screenshot(self.page, self.shots_dir / f"{self._shots:02d}-{_slug(name)}.png")

    def choose(self, label: str, option: str) -> None:
        """Pick an option of a sidebar selectbox (the global filters 年度, 镇办)."""
        ui.choose_in_sidebar(self.page, label, option)
        self.guard.check()

    def metrics(self) -> dict[str, str]:
        return ui.metric_cards(self.page)

    def title(self) -> str:
        return self.page.locator("h1").first.inner_text().strip()

    def close(self) -> None:
        self.context.close()
