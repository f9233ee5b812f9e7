"""年度 and 镇办 in the page address: choose 2016 and 牧护关镇, press F5, the same view comes back; the
address opened in a new tab shows it too (after login)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import ui


@pytest.mark.browser
def test_reload_and_a_new_tab_keep_year_and_township(journey, sample_figures):
    page = journey.page
    journey.go_to("光伏")
    journey.choose("年度", "2016年")
    journey.choose("镇办", "牧护关镇")
    expect(page.locator("h1")).to_contain_text("牧护关镇2016年光伏扶贫")
    township = sample_figures.township_code("牧护关镇")
    expect(page).to_have_url(re.compile(rf"/pv\?(?=.*year=2016)(?=.*township={township})"))
    cards = journey.metrics()
    journey.step("pv-2016-muhuguan")

    page.reload(wait_until="domcontentloaded")
    journey.settle()
    expect(page.locator("h1")).to_contain_text("牧护关镇2016年光伏扶贫")
    assert journey.metrics() == cards
    journey.step("after-f5")

    # The address in a new tab: after logging in, the same page, year and 镇办.
    address = page.url
    other = journey.context.browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        tab = other.new_page()
        tab.set_default_timeout(ui.TIMEOUT_MS)
        tab.goto(address, wait_until="domcontentloaded")
        ui.settle(tab)
        ui.sign_in(tab, journey.server.admin_user, journey.server.admin_password)
        expect(tab.locator("h1")).to_contain_text("牧护关镇2016年光伏扶贫")
        assert ui.metric_cards(tab) == cards
    finally:
        other.close()
