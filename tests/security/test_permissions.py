"""The role × action and role × page matrices, declared once here: any change of a cell fails.

Y = allowed, - = refused. A page registered in fupin_ui.nav must be added to PAGE_MATRIX.
"""

import pytest

from fupin_core.security import access, auth, locks
from fupin_core.security.access import Actor
from fupin_ui import nav

ROLES = ("admin", "editor", "viewer")

ACTION_MATRIX = """
action          admin  editor  viewer
view              Y      Y       Y
upload            Y      Y       -
rollback_own      Y      Y       -
rollback_any      Y      -       -
export            Y      Y       Y
lock              Y      -       -
manage_users      Y      -       -
view_audit        Y      -       -
view_full_id      Y      -       -
"""

PAGE_MATRIX = """
page        admin  editor  viewer
总览          Y      Y       Y
光伏          Y      Y       Y
食用菌        Y      Y       Y
菊芋          Y      Y       Y
三变改革      Y      Y       Y
经营主体与投资  Y      Y       Y
资金          Y      Y       Y
利益联结      Y      Y       Y
镇村明细      Y      Y       Y
透视分析      Y      Y       Y
导出          Y      Y       Y
数据上报      Y      Y       -
上传记录      Y      Y       -
用户管理      Y      -       -
审核锁定      Y      -       -
审计日志      Y      -       -
"""


def _parse(table: str) -> dict[tuple[str, str], bool]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    assert tuple(header[1:]) == ROLES
    return {(row[0], role): mark == "Y" for row in rows for role, mark in zip(ROLES, row[1:], strict=True)}


ACTIONS = _parse(ACTION_MATRIX)
PAGES = _parse(PAGE_MATRIX)


def test_matrix_lists_every_action_and_page():
    assert {a for a, _ in ACTIONS} == set(auth.ACTIONS)
    assert {p for p, _ in PAGES} == {spec.title for spec in nav.PAGE_SPECS}, "新页面需登记到 PAGE_MATRIX"


@pytest.mark.parametrize(("action", "role"), sorted(ACTIONS))
def test_action_cell(action, role):
    expected = ACTIONS[(action, role)]
    assert auth.allowed(role, action) is expected
    actor = Actor("someone", role)
    if expected:
        access.require(actor, action)
    else:
        with pytest.raises(PermissionError, match="无权"):
            access.require(actor, action)


@pytest.mark.parametrize("role", ROLES)
def test_page_cells(role):
    shown = {spec.title for spec in nav.pages_for(role)}
    assert shown == {page for (page, r), ok in PAGES.items() if r == role and ok}


@pytest.mark.parametrize("role", ROLES)
def test_rollback_of_own_and_other_batches(role):
    actor = Actor("me", role)
    may_any = ACTIONS[("rollback_any", role)]
    for owner, expected in (("me", may_any or ACTIONS[("rollback_own", role)]), ("someone_else", may_any)):
        if expected:
            access.require_rollback(actor, owner)
        else:
            with pytest.raises(PermissionError):
                access.require_rollback(actor, owner)


@pytest.mark.parametrize("role", ROLES)
def test_lock_and_user_management_are_enforced_in_core(tiny_con, role):
    actor = Actor("me", role)
    if ACTIONS[("lock", role)]:
        locks.lock(tiny_con, actor, 2017)
        assert locks.active_locks(tiny_con) == {(2017, None)}
    else:
        with pytest.raises(PermissionError):
            locks.lock(tiny_con, actor, 2017)
        assert locks.active_locks(tiny_con) == set()
    if ACTIONS[("manage_users", role)]:
        auth.create_user(tiny_con, "newcomer", "新人的密码123", "viewer", by=actor)
        assert auth.get_user(tiny_con, "newcomer").role == "viewer"
    else:
        with pytest.raises(PermissionError):
            auth.create_user(tiny_con, "newcomer", "新人的密码123", "viewer", by=actor)
        assert auth.get_user(tiny_con, "newcomer") is None


def test_unknown_action_is_an_error_not_a_refusal():
    with pytest.raises(KeyError):
        auth.allowed("admin", "delete_everything")
