"""The page registry: every page of the app is one PageSpec here; app.py builds the navigation from it.

`min_role` is the least role that may open the page (viewer < editor < admin); the list shown to a
user is filtered by it, and sensitive pages check the role again themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

ROLE_ORDER = {"viewer": 0, "editor": 1, "admin": 2}


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    url_path: str
    section: str = "浏览"
    min_role: str = "viewer"
    default: bool = False


PAGE_SPECS: list[PageSpec] = [
    PageSpec("pages/overview.py", "总览", "overview", default=True),
    PageSpec("pages/pv.py", "光伏", "pv", section="浏览", min_role="viewer"),
    PageSpec("pages/fungus.py", "食用菌", "fungus", section="浏览", min_role="viewer"),
    PageSpec("pages/artichoke.py", "菊芋", "artichoke", section="浏览", min_role="viewer"),
    PageSpec("pages/pilots.py", "三变改革", "pilots", section="浏览", min_role="viewer"),
    PageSpec("pages/entities.py", "经营主体与投资", "entities", section="浏览", min_role="viewer"),
    PageSpec("pages/funds.py", "资金", "funds", section="浏览", min_role="viewer"),
    PageSpec("pages/linkage.py", "利益联结", "linkage", section="浏览", min_role="viewer"),
    PageSpec("pages/projects_lib.py", "项目库", "projects_lib", section="浏览", min_role="viewer"),
    PageSpec("pages/assets.py", "扶贫资产", "assets", section="浏览", min_role="viewer"),
    PageSpec("pages/drilldown.py", "镇村明细", "drilldown", section="浏览", min_role="viewer"),
    PageSpec("pages/pivot.py", "透视分析", "pivot", section="浏览", min_role="viewer"),
    PageSpec("pages/export.py", "导出", "export", section="导出", min_role="viewer"),
    PageSpec("pages/upload.py", "数据上报", "upload", section="数据", min_role="editor"),
    PageSpec("pages/history.py", "上传记录", "history", section="数据", min_role="editor"),
    PageSpec("pages/rounds.py", "上报任务", "rounds", section="数据", min_role="viewer"),
    PageSpec("pages/users.py", "用户管理", "users", section="管理", min_role="admin"),
    PageSpec("pages/locks.py", "审核锁定", "locks", section="管理", min_role="admin"),
    PageSpec("pages/audit.py", "审计日志", "audit", section="管理", min_role="admin"),
]


def path_of(url_path: str) -> str:
    """The page file registered under `url_path` (for st.page_link)."""
    return next(spec.path for spec in PAGE_SPECS if spec.url_path == url_path)


def pages_for(role: str) -> list[PageSpec]:
    """The pages `role` may open, in registry order."""
    return [spec for spec in PAGE_SPECS if ROLE_ORDER[role] >= ROLE_ORDER[spec.min_role]]


_built_in_this_process = False


def navigation_built() -> bool:
    """Whether app.py has built a navigation in this server process (Streamlit then serves every
    address through it; before that, a page address runs the page file alone)."""
    return _built_in_this_process


def hidden_navigation(pages: list):
    """st.navigation without a menu (the login gate)."""
    global _built_in_this_process
    _built_in_this_process = True
    return st.navigation(pages, position="hidden")


LANDING = "auth_landing"  # set by auth_ui.gate on the first run after a password login


def _refusal(spec: PageSpec, role: str):
    def refuse() -> None:
        if st.session_state.get(LANDING):
            # The address is the previous user's page (e.g. 用户管理 after an administrator logged
            # out): the user who has just logged in starts on their own first page.
            st.session_state[LANDING] = False
            st.switch_page(pages_for(role)[0].path)
        st.error(f"您没有权限打开“{spec.title}”页面，如有需要请联系管理员。")

    refuse.__name__ = f"refuse_{spec.url_path}"  # Streamlit tells pages apart by their callables' names
    return refuse


def navigation(role: str):
    """st.navigation over the pages `role` may open, grouped by section.

    The other pages' addresses stay known but hidden and only show a refusal in Chinese, so a typed or
    bookmarked address of a forbidden page neither opens it nor gets Streamlit's English "Page not found".
    """
    global _built_in_this_process
    _built_in_this_process = True
    allowed = pages_for(role)
    sections: dict[str, list] = {}
    for spec in PAGE_SPECS:
        if spec in allowed:
            page = st.Page(spec.path, title=spec.title, url_path=spec.url_path, default=spec.default)
        else:
            page = st.Page(_refusal(spec, role), title=spec.title, url_path=spec.url_path, visibility="hidden")
        sections.setdefault(spec.section, []).append(page)
    return st.navigation(sections, expanded=True)  # all pages, no English "View more"
