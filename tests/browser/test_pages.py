"""Every page in the navigation opens without an error and draws its charts."""

import pytest

from tests.browser import ui


@pytest.mark.browser
def test_every_page_renders_its_charts(journey):
    page = journey.page
    links = page.get_by_test_id("stSidebarNav").locator("a")
    titles = [text.strip() for text in links.all_inner_texts()]
    assert "总览" in titles

    for number, title in enumerate(titles, start=1):
        journey.go_to(title)
        journey.screenshot(f"page-{number}-{title}")
        assert page.get_by_test_id("stMain").inner_text().strip(), f"“{title}”页是空白的"
        ui.assert_charts_drawn(page)
