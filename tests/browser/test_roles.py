"""Accounts in the browser: a bookmarked page behind the login, logout, and a 浏览者 that the
administrator adds on 用户管理 and who can reach neither 数据上报 nor the other editing pages."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.browser import ui

VIEWER, VIEWER_PASSWORD = "liulan", "Liulan-Browser-2017"


def _log_out(journey) -> None:
    journey.page.get_by_role("button", name="退出登录").click()
    journey.step("logged-out")
    # The login page may or may not keep a sidebar; either way nobody is shown as signed in.
    expect(journey.page.get_by_role("button", name="登录")).to_be_visible()
    expect(journey.page.get_by_text("当前用户")).to_have_count(0)
    ui.wait_for_session_cookie(journey.page, present=False)


@pytest.mark.browser
def test_bookmark_login_logout_and_viewer_rights(fresh_app, open_journey):
    journey = open_journey(fresh_app)
    page = journey.page
    main = page.get_by_test_id("stMain")
    _log_out(journey)

    # A bookmarked page while logged out: the login form (no "Page not found"), then that page.
    page.goto(f"{fresh_app.url}users", wait_until="domcontentloaded")
    journey.step("bookmark-while-logged-out")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert journey.sign_in() == "登录"
    journey.step("bookmarked-page-after-login")
    expect(page.locator("h1").first).to_have_text("用户管理")

    form = page.get_by_test_id("stForm").filter(has_text="初始密码")
    form.get_by_label("用户名", exact=True).fill(VIEWER)
    form.get_by_label("姓名", exact=True).fill("刘兰")
    form.get_by_label("初始密码", exact=True).fill(VIEWER_PASSWORD)
    form.get_by_label("再次输入密码", exact=True).fill(VIEWER_PASSWORD)
    form.get_by_role("button", name="新增用户").click()
    journey.step("viewer-added")
    expect(main).to_contain_text(f"已新增用户「{VIEWER}」（浏览者）")
    _log_out(journey)

    assert journey.sign_in(VIEWER, VIEWER_PASSWORD) == "登录"
    journey.step("viewer-logged-in")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("当前用户：刘兰（浏览者")
    # Issue 17: the administrator logged out on 用户管理; the 浏览者 starts on their first page.
    expect(main).not_to_contain_text("您没有权限")
    expect(page.locator("h1").first).to_contain_text("产业扶贫总览")
    titles = [t.strip() for t in page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()]
    assert "总览" in titles and "导出" in titles
    assert not {"数据上报", "上传记录", "用户管理", "审核锁定", "审计日志"} & set(titles)

    # Issue 16: the session is in a cookie, not in the address (a copied link logs nobody in).
    assert "t=" not in urlparse(page.url).query
    # Typing the address of 数据上报 (a new page load: the viewer's session comes from the cookie) does not open it.
    page.goto(f"{fresh_app.url}upload", wait_until="domcontentloaded")
    journey.step("viewer-opens-upload-address")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("当前用户：刘兰（浏览者")
    expect(main).to_contain_text("您没有权限打开“数据上报”页面")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
    titles_now = [t.strip() for t in page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()]
    assert titles_now == titles


@pytest.mark.browser
def test_a_page_address_as_the_first_request_of_a_fresh_server(fresh_app, browser, request):
    """After a restart, the first visitor may come from a bookmark: the app's gate and menu still apply."""
    from tests.browser.journey import Journey

    journey = Journey(browser, fresh_app, request.node.name)
    try:
        journey.page.goto(f"{fresh_app.url}upload", wait_until="domcontentloaded")
        journey.step("first-request-names-a-page")
        expect(journey.page.get_by_test_id("stMain")).to_contain_text("这是第一次启动")
        expect(journey.page.get_by_test_id("stSidebarNav")).to_have_count(0)
        journey.guard.check()
    finally:
        journey.close()
