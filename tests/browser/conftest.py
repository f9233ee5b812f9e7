"""Fixtures of the browser suite: Debian chromium, the app on a free port with a fresh sample database,
the figures it should show, and guarded journeys (see tests/browser/README.md)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import duckdb
import pytest
from playwright.sync_api import Browser, sync_playwright

from fupin_core.metrics import Scope, indicators
from fupin_core.metrics.indicators import overview_kpis
from fupin_core.metrics.overview import townships
from tests.browser import server, ui
from tests.browser.journey import Journey


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so that a journey can screenshot a failure in teardown.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = ui.require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ui.CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class SampleFigures:
    """What the app should show, computed by fupin_core on a copy of the app's database."""

    def __init__(self, path):
        self.con = duckdb.connect(str(path), read_only=True)

    def kpis(self, year: int, township: str | None = None) -> dict:
        return overview_kpis(self.con, Scope.of(year, township))

    def cards(self, year: int, township: str | None = None) -> dict[str, str]:
        """{card label: formatted value} as the 总览 page formats them."""
        kpis = self.kpis(year, township)
        return {ind.name: indicators.display(ind.key, kpis[ind.key]) for ind in indicators.INDICATORS}

    def township_code(self, name: str) -> str:
        frame = townships(self.con)
        return frame.filter(frame["镇办"] == name)["镇办代码"].item()


@pytest.fixture(scope="session")
def sample_app(tmp_path_factory) -> Iterator[server.AppServer]:
    """The app on a fresh `fupin init --sample` database, shared by read-only journeys."""
    directory = tmp_path_factory.mktemp("browser-app")
    db_path = server.create_sample_db(directory / "app.duckdb")
    server.copy_db(db_path, directory / "expected.duckdb")
    app = server.start_app(db_path, ui.OUTPUT / "server-sample.log")
    yield app
    app.stop()


@pytest.fixture(scope="session")
def sample_figures(sample_app) -> Iterator[SampleFigures]:
    figures = SampleFigures(sample_app.db_path.with_name("expected.duckdb"))
    yield figures
    figures.con.close()


@pytest.fixture
def fresh_app(tmp_path) -> Iterator[server.AppServer]:
    """A second app of the test's own, on its own fresh sample database: for journeys that write data."""
    db_path = server.create_sample_db(tmp_path / "app.duckdb")
    app = server.start_app(db_path, tmp_path / "server.log")
    yield app
    app.stop()


@pytest.fixture
def open_journey(browser, request) -> Iterator[Callable[[server.AppServer], Journey]]:
    """open_journey(app, sign_in=True) -> a Journey on that app, past the login gate unless sign_in=False.

    Closed, screenshotted on failure and checked by the offline guard after the test.
    """
    journeys: list[Journey] = []

    def open_on(app: server.AppServer, *, sign_in: bool = True) -> Journey:
        journey = Journey(browser, app, request.node.name if not journeys else f"{request.node.name}-{len(journeys) + 1}")
        journeys.append(journey)
        return journey.open(sign_in=sign_in)

    yield open_on
    reports = [getattr(request.node, f"report_{when}", None) for when in ("setup", "call")]
    failed = any(report is not None and report.failed for report in reports)
    for journey in journeys:
        if failed:
            with contextlib.suppress(Exception):  # a crashed page must not hide the real failure
                journey.screenshot("failure")
        journey.close()
    for journey in journeys:
        journey.guard.check()


@pytest.fixture
def journey(open_journey, sample_app) -> Journey:
    """The sample app in a fresh, offline-guarded browser tab, logged in as the administrator."""
    return open_journey(sample_app)
