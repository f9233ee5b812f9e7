"""年度对比 on every programme page under AppTest: 历年变化 and 比较 at district and 镇办 level (a 镇办
compares its villages; no chart of 镇办 or villages has a single bar), KPI cards with the change
against last year, the 镇办 scorecard, and 年度/镇办 kept in the page address."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from fupin_core.metrics import Scope, indicators, trends
from fupin_ui import auth_ui
from tests.app.conftest import APP, TEST_PASSWORD, session_token
from tests.app.pages import open_page

MUHUGUAN = "611002111"
PAGES = {
    "pages/overview.py": "总览",
    "pages/pv.py": "光伏",
    "pages/fungus.py": "食用菌",
    "pages/artichoke.py": "菊芋",
    "pages/pilots.py": "三变",
    "pages/funds.py": "资金",
    "pages/linkage.py": "利益联结",
}


def _charts(at) -> list[tuple[str, int]]:
    """(title, number of categories on the y axis) of each chart on the page."""
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        title = spec.get("title")
        text = title if isinstance(title, str) else (title or {}).get("text", "")
        layers = spec.get("layer", [spec])
        sorts = [layer.get("encoding", {}).get("y", {}).get("sort") for layer in layers]
        out.append((text, max((len(s) for s in sorts if isinstance(s, list)), default=0)))
    return out


@pytest.mark.parametrize("township", [None, MUHUGUAN])
@pytest.mark.parametrize("path", list(PAGES))
def test_every_programme_page_has_trends_and_comparisons(app, sample_con, path, township):
    at = open_page(app, path, township)
    headings = [s.value for s in at.subheader]
    assert "历年变化" in headings
    level = "村" if township else "镇办"
    assert f"各{level}比较" in headings
    charts = _charts(at)
    places = [(title, bars) for title, bars in charts if title.startswith(("各镇办", "各村"))]
    assert places, charts
    for title, bars in places:
        assert bars >= 2, f"“{title}”只有{bars}个条形"
    if township:
        assert not [t for t, _ in charts if t.startswith("各镇办")], charts  # a 镇办 never gets a chart of itself alone
    # A trend chart per main indicator where the data spans two years or more (三变: pilots from 2017 only).
    keys = trends.PROGRAMME_KEYS[PAGES[path]]
    trend = trends.trend(sample_con, Scope.of(2017, township), keys)
    names = {indicators.indicator(k).name for k in keys}
    if trend["年度"].n_unique() > 1:
        assert names <= {t for t, _ in charts}, charts
    else:
        assert not names & {t for t, _ in charts}
        assert "2017年以前没有数据，暂无历年变化。" in [c.value for c in at.caption]


@pytest.mark.parametrize("township", [None, MUHUGUAN])
def test_cards_show_the_change_against_last_year(app, sample_con, township):
    at = open_page(app, "pages/overview.py", township)
    scope = Scope.of(2017, township)
    now, before = indicators.values(sample_con, scope), indicators.values(sample_con, trends.previous_scope(scope))
    shown = {m.label: m for m in at.metric}
    for key in ("households_exited_cum", "coverage_rate", "linked_households", "poverty_incidence", "pv_capacity_mw"):
        card = shown[indicators.indicator(key).name]
        expected = trends.change(key, now, before).shown()
        assert expected is not None
        assert card.proto.delta == expected, key
        assert card.value == indicators.display(key, now[key])
    # A setback is red, progress green: poverty incidence falls (inverse), linked households rise (normal).
    assert trends.delta_color("poverty_incidence") == "inverse"


def test_a_township_gets_its_scorecard_and_villages_ranked(app, sample_con):
    at = open_page(app, "pages/overview.py", MUHUGUAN)
    card = next(d.value for d in at.dataframe if "排名" in d.value.columns)
    expected = trends.scorecard(sample_con, Scope.of(2017, MUHUGUAN), Scope.of(2017), trends.PROGRAMME_KEYS["总览"])
    assert list(card["指标"]) == expected["指标"].to_list()
    assert list(card["排名"]) == expected["排名"].to_list()
    labels = [b.label for b in at.get("download_button")]
    assert "下载成绩单（CSV）" in labels and "下载成绩单（Excel）" in labels
    ranking = next(d.value for d in at.dataframe if "村" in d.value.columns and any(c.endswith("名次") for c in d.value.columns))
    assert len(ranking) == trends.places(sample_con, Scope.of(2017, MUHUGUAN))[1].height > 1


def _opened(app_db, params: dict, username="admin", role="admin", townships=None) -> AppTest:
    """A new browser tab (or F5) on an address with `params`, logged in by its session cookie."""
    session_token(app_db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth_ui.TOKEN] = session_token(app_db, username, role, townships)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_address_opens_the_same_view(app_db):
    at = _opened(app_db, {"year": "2016", "township": MUHUGUAN})
    assert at.title[0].value == "牧护关镇2016年产业扶贫总览"
    assert dict(at.query_params) == {"year": "2016", "township": MUHUGUAN}
    # The whole district: no 镇办 in the address.
    at = _opened(app_db, {"year": "2015"})
    assert at.title[0].value == "商州区2015年产业扶贫总览"
    assert dict(at.query_params) == {"year": "2015"}


def test_an_address_outside_the_users_choices_falls_back_and_is_rewritten(app_db):
    # A year without data and a 镇办 outside the user's scope: the defaults, and the address says so.
    at = _opened(app_db, {"year": "1999", "township": "611002001"}, "muhu", "viewer", [MUHUGUAN])
    assert at.title[0].value == "牧护关镇2017年产业扶贫总览"
    assert dict(at.query_params) == {"year": "2017", "township": MUHUGUAN}


def test_login_keeps_the_view_of_the_address(app_db):
    session_token(app_db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["year"] = "2016"
    at.query_params["township"] = MUHUGUAN
    at.run()
    assert [s.value for s in at.subheader] == ["登录"]
    at.text_input(key="login_username").input("admin")
    at.text_input(key="login_password").input(TEST_PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "牧护关镇2016年产业扶贫总览"
    assert dict(at.query_params) == {"year": "2016", "township": MUHUGUAN}
