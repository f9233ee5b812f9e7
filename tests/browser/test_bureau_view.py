"""Every page as bureau staff see it at 1440×900, as a 管理员, a 录入员 and a 浏览者 of one 镇办
(issue 17): no Streamlit English, no error box, no table whose deciding column is off screen, no
empty table, no axis tick labels over each other. Screenshots of every page are kept; with
FUPIN_DOCS_SCREENSHOTS=1 the administrator's replace docs/screenshots/<page>.png."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from fupin_ui.nav import PAGE_SPECS
from tests.browser import server, ui
from tests.browser.bureau_checks import VIEWPORT, page_problems, visible_english

DOCS = server.REPO / "docs" / "screenshots"
# (username, role, 镇办 scope, password): the three kinds of staff of the issue.
STAFF = {
    "admin": ("admin", "admin", None, "Fupin-Browser-2017"),
    "editor": ("muhu_luru", "editor", "611002111", "Muhu-Luru-2017"),  # 牧护关镇
    "viewer": ("yecun_liulan", "viewer", "611002101", "Yecun-Liulan-2017"),  # 夜村镇: has the planned 20 MW plant
}


def _add_user(db_path, username: str, role: str, township: str | None, password: str) -> None:
    command = [sys.executable, "-m", "fupin_core.cli", "user", "add", username, "--role", role, "--db", str(db_path)]
    if township:
        command += ["--township", township]
    done = subprocess.run(command, input=f"{password}\n{password}\n", cwd=server.REPO, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"无法创建用户 {username}：{done.stdout}{done.stderr}")


@pytest.fixture(scope="module")
def staff_app(tmp_path_factory) -> Iterator[server.AppServer]:
    """The sample app with an administrator, a 录入员 and a 浏览者 (read-only use)."""
    directory = tmp_path_factory.mktemp("bureau-app")
    db_path = server.create_sample_db(directory / "app.duckdb")
    for username, role, township, password in STAFF.values():
        _add_user(db_path, username, role, township, password)
    app = server.start_app(db_path, ui.OUTPUT / "server-bureau.log")
    yield app
    app.stop()


def _url_path(title: str) -> str:
    return next(spec.url_path for spec in PAGE_SPECS if spec.title == title)


@pytest.mark.browser
@pytest.mark.parametrize("who", list(STAFF))
def test_every_page_reads_as_bureau_staff_see_it(staff_app, open_journey, who):
    username, _role, _township, password = STAFF[who]
    journey = open_journey(staff_app, sign_in=False)
    page = journey.page
    page.set_viewport_size(VIEWPORT)
    # Typing in the login form: Streamlit would add "Press Enter to submit form" under the field.
    page.get_by_label("用户名", exact=True).fill(username)
    page.wait_for_timeout(300)
    assert not visible_english(page), f"登录页上有英文：{visible_english(page)}"
    journey.sign_in(username, password)
    titles = [t.strip() for t in page.get_by_test_id("stSidebarNav").locator("a").all_inner_texts()]
    assert "总览" in titles

    problems: dict[str, list[str]] = {}
    for title in titles:
        journey.go_to(title)
        found = page_problems(page)
        shot = journey.screenshot(f"{who}-{title}")
        if who == "admin" and os.environ.get("FUPIN_DOCS_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, DOCS / f"{_url_path(title)}.png")
        if found:
            problems[title] = found
    assert not problems, "\n".join(f"{title}：\n  " + "\n  ".join(found) for title, found in problems.items())
