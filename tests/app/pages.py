"""Open a page under AppTest with the global filters set (年度, 镇办), and find its tables."""

from __future__ import annotations


def open_page(at, path: str, township: str | None = None, year: int = 2017):
    """Switch the running app `at` to page file `path` for `year` and `township` (None = 全区)."""
    at.session_state["filter_year"] = year
    at.session_state["filter_township"] = township
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def table_with(at, column: str):
    """The first table on the page that has `column` (the 来源 tables under each table have others)."""
    frames = [d.value for d in at.dataframe if column in d.value.columns]
    assert frames, f"页面上没有含“{column}”列的表"
    return frames[0]


def cards(at) -> dict[str, str]:
    """{label: value} of the page's metric cards."""
    return {m.label: m.value for m in at.metric}


def assert_registry_cards(at, con, scope, keys) -> None:
    """Each card of an indicator shows the registry's value in the registry's style (未上报 when missing)."""
    from fupin_core.metrics import indicators

    kpis = indicators.values(con, scope)
    shown = cards(at)
    for key in keys:
        name = indicators.indicator(key).name
        # A completion card of a place without a target says "—" (its help says why), not 未上报.
        expected = "—" if key.endswith("_progress") and kpis[key] is None else indicators.display(key, kpis[key])
        assert shown[name] == expected, (key, shown.get(name))
