"""The harness itself: the offline guard really refuses and records outside requests, and a second
app on a fresh database of its own starts at the first-start form (for journeys that write data)."""

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
def test_offline_guard_refuses_and_records_outside_requests(journey):
    page = journey.page
    fetched = page.evaluate("() => fetch('http://example.invalid/tile.png').then(() => 'loaded', () => 'refused')")
    socket = page.evaluate(
        """() => new Promise(done => {
            const socket = new WebSocket('ws://example.invalid/feed');
            socket.onopen = () => done('open');
            socket.onclose = () => done('refused');
        })"""
    )
    assert (fetched, socket) == ("refused", "refused")
    assert journey.guard.attempted == ["http://example.invalid/tile.png", "ws://example.invalid/feed"]
    with pytest.raises(pytest.fail.Exception, match=r"example\.invalid/tile\.png"):
        journey.guard.check()
    journey.guard.clear()

    # The app's own address still answers, and is not recorded.
    assert page.evaluate("() => fetch('/_stcore/health').then(r => r.text())") == "ok"
    journey.step("after-guard-check")
    assert journey.guard.attempted == []


@pytest.mark.browser
def test_fresh_app_starts_with_creating_the_administrator(fresh_app, sample_app, sample_figures, open_journey):
    assert fresh_app.port != sample_app.port
    assert fresh_app.db_path != sample_app.db_path
    journey = open_journey(fresh_app, sign_in=False)
    expect(journey.page.get_by_test_id("stMain")).to_contain_text("这是第一次启动")
    journey.step("first-start")

    assert journey.sign_in() == "创建管理员"
    journey.step("admin-created")
    expect(journey.page.get_by_test_id("stSidebar")).to_contain_text(f"当前用户：{fresh_app.admin_user}（管理员")
    # The sample generator is deterministic, so a second fresh database shows the same figures.
    assert journey.metrics()["建档立卡户数"] == sample_figures.cards(2017)["建档立卡户数"]
