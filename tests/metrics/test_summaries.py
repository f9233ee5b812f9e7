"""The per-version household summaries (issue 18) give exactly what the rows give, after random
uploads and rollbacks, on both backends; they are built once per data version and year, and never
used where they would be wrong (another poverty line, a read-only store, a store before migration 10)."""

import random

import polars as pl

from fupin_core.catalog import LINK_MECHANISMS
from fupin_core.metrics import Scope, assets, drilldown, indicators, linkage, overview, pilots, pivot, provenance, summaries, trends
from fupin_core.reports import cards
from fupin_core.storage import store, summary_tables
from tests import tiny_data
from tests.metrics import fixture_lifecycle
from tests.tiny_data import T1, T2, V1, V2, V3

HOUSEHOLDS = [f"H{i}" for i in range(1, 13)]  # H1–H5 exist; H6–H12 are added by the random uploads
PROJECTS = ["P1", "P2", "P3", "P4"]
# The assets of tests/metrics/fixture_lifecycle per project: a random linkage may cite one of them.
ASSETS = {"P1": ["ZC1"], "P2": [], "P3": ["ZC4"], "P4": ["ZC2", "ZC3"]}
YEARS = (2016, 2017, 2018)
CHECKED_YEARS = (2017, 2018)
SCOPES = [lambda y: Scope.of(y), lambda y: Scope.of(y, T2), lambda y: Scope(y, (T1, T2)), lambda y: Scope.of(y, T2, V3)]


def _values_of_places(con, scope: Scope) -> list[dict]:
    """The compared places of the scope (its 镇办, or the villages of its one 镇办) as a ranking reads
    them: the household and village parts grouped from the summary. Their indicators only: the other
    parts are asked place by place, as `values` asks them."""
    level, frame = trends.places(con, scope)
    places = [Scope(scope.year, (code,)) if level == "镇办" else Scope(scope.year, scope.townships, code) for code in frame["代码"]]
    return indicators.values_of_places(con, places, PLACE_KEYS)


# Every figure of the household and village parts, through the indicators that read them.
PLACE_KEYS = (
    *trends.PROGRAMME_KEYS["总览"], *trends.PROGRAMME_KEYS["利益联结"], "people_registered", "people_exited_cum",
    "households_exited_year", "people_remaining", "coverage_base_households", "covered_households", "labour_unreported_households",
    "linked_people", "linked_income_per_household_yuan", "poor_labourers", "labourers_employed", "income_reported_households",
    "households_below_poverty_line", "exited_below_poverty_line", "poverty_villages", "deep_poverty_villages",
    "villages_exited_year", "villages_exited_cum", "poverty_villages_remaining", "agri_population",
)  # fmt: skip


CALLS = {
    "indicators.values": indicators.values,
    "overview.township_breakdown": overview.township_breakdown,
    "overview.coverage_gap_by_village": overview.coverage_gap_by_village,
    "linkage.summary": linkage.summary,
    "linkage.income_by_township": linkage.income_by_township,
    "linkage.income_bands": linkage.income_bands,
    "linkage.by_township": linkage.by_township,
    "drilldown.villages": drilldown.villages,
    # The per-category summary (migration 13): 联结方式, 产业, 公益岗位 by 细分类型.
    "linkage.by_mechanism": linkage.by_mechanism,
    "linkage.by_programme": linkage.by_programme,
    "linkage.welfare_posts": linkage.welfare_posts,
    "pivot 产业 × 户均收益": lambda con, scope: pivot.pivot(con, scope, "产业", None, "户均收益(元)"),
    # Places (镇办, 村) and the whole from the household summary, a place × a category from the category summary.
    "pivot 镇办 × 产业 户数": lambda con, scope: pivot.pivot(con, scope, "镇办", "产业", "户数"),
    "pivot 联结方式 × 村 收益金额": lambda con, scope: pivot.pivot(con, scope, "联结方式", "村", "收益金额(元)"),
    "pivot 村 × 联结笔数, 人均": lambda con, scope: (
        pivot.pivot(con, scope, "村", None, "联结笔数"),
        pivot.pivot(con, scope, "镇办", None, "人均收益(元)"),
    ),
    "pivot 镇办 × 细分类型 of 公益岗位": lambda con, scope: pivot.aggregate(con, scope, ("镇办", "细分类型"), {"联结方式": "公益岗位"}),
    # A list's first page reads only the villages the summary says hold it.
    "overview.coverage_gap, first 2": lambda con, scope: overview.coverage_gap(con, scope, limit=2),
    "linkage.below_poverty_line, first 2": lambda con, scope: linkage.below_poverty_line(con, scope, limit=2),
    "linkage.exited_below_poverty_line, first 1": lambda con, scope: linkage.exited_below_poverty_line(con, scope, limit=1),
    # The per-asset summary (migration 14): 到户 of the asset reconciliation.
    "assets.reconciliation": assets.reconciliation,
    # 带动增收户 of pilot and other villages (三变改革).
    "pilots.linked_income_by_pilot": pilots.linked_income_by_pilot,
    # 收益明白卡's villages: 带动增收户 per village.
    "cards.villages_with_cards": cards.villages_with_cards,
    # A comparison's places: household and village parts in one grouped query.
    "indicators.values_of_places": _values_of_places,
    # The per-batch, per-镇办 counts (migration 16): 来源.
    "provenance.sources": lambda con, scope: provenance.sources(con, summaries.PROVENANCE_DATASETS, scope),
}


def _same(a, b) -> bool:
    if isinstance(a, tuple):
        return all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, pl.DataFrame):
        return a.schema == b.schema and a.equals(b)
    return a == b


def assert_summaries_exact(con, calls: dict = CALLS, note: str = "") -> int:
    """Each of `calls` from the summaries equals it from the rows, every checked year and scope; the
    number of table rows compared."""
    compared = 0
    for year in CHECKED_YEARS:
        assert summaries.relation_of_year(con, year) is not None, "the summary was not built"
        for make in SCOPES:
            scope = make(year)
            for name, fn in calls.items():
                with summaries.disabled():
                    expected = fn(con, scope)
                got = fn(con, scope)
                assert _same(got, expected), f"{name} {scope}{note}: summary {got} ≠ rows {expected}"
                compared += got.height if isinstance(got, pl.DataFrame) else 0
    return compared


def _random_households(rng: random.Random) -> pl.DataFrame:
    base = tiny_data.frame("households")
    rows = []
    for i, household in enumerate(rng.sample(HOUSEHOLDS, rng.randint(1, 5))):
        rows.append(
            {
                **base.row(i % base.height, named=True),
                "household_id": household,
                "head_id_number": f"6110021950010{int(household[1:]):2d}011".replace(" ", "0"),
                "village_code": rng.choice([V1, V2, V3]),
                "family_size": rng.randint(1, 6),
                "identified_year": rng.choice([2014, 2016, 2017, 2018]),
                "exit_year": rng.choice([None, 2016, 2017, 2018]),
                "labour_capacity": rng.choice([None, "有劳动能力", "弱劳动能力", "无劳动能力"]),
            }
        )
    return pl.DataFrame(rows, schema=base.schema, orient="row")


def _random_linkages(rng: random.Random, households: list[str]) -> pl.DataFrame:
    rows = {}
    for _ in range(rng.randint(1, 6)):
        key = (rng.choice(households), rng.choice(PROJECTS), rng.choice(LINK_MECHANISMS), rng.choice(YEARS))
        income = rng.choice([0.0, 0.0, round(rng.uniform(1, 5000), 2), 333.33])
        rows[key] = {
            "household_id": key[0],
            "project_id": key[1],
            "mechanism": key[2],
            "sub_type": None,
            "year": key[3],
            "income_yuan": income,
            "asset_id": rng.choice([None, *ASSETS[key[1]]]),
        }
    return pl.DataFrame(list(rows.values()), schema=tiny_data.frame("linkages").schema, orient="row")


def _random_income(rng: random.Random, households: list[str]) -> pl.DataFrame:
    rows = {}
    for _ in range(rng.randint(1, 4)):
        key = (rng.choice(households), rng.choice(YEARS))
        rows[key] = {
            "household_id": key[0],
            "year": key[1],
            "wage_income_yuan": rng.choice([None, 0.0, 1000.0, round(rng.uniform(0, 12000), 2)]),
            "business_income_yuan": rng.choice([None, 500.0]),
            "property_income_yuan": None,
            "transfer_income_yuan": rng.choice([None, 2000.0]),
            "labourers": rng.choice([None, 1, 2]),
            "employed_labourers": rng.choice([None, 0, 1]),
        }
    return pl.DataFrame(list(rows.values()), schema=tiny_data.frame("household_income").schema, orient="row")


def test_summaries_equal_the_rows_after_random_uploads_and_rollbacks(tiny_con):
    rng = random.Random(18)
    fixture_lifecycle.add(tiny_con)  # assets and their 2017 distributions, for the reconciliation
    assert_summaries_exact(tiny_con)
    for _ in range(8):
        known = [r[0] for r in tiny_con.execute("SELECT household_id FROM households").fetchall()]
        action = rng.choice(["households", "linkages", "linkages", "household_income", "rollback"])
        if action == "rollback":
            committed = [r[0] for r in tiny_con.execute("SELECT batch_id FROM batches WHERE status = 'committed'").fetchall()]
            # Rolling back a households batch could orphan rows that reference it; roll back a leaf dataset.
            leaves = [
                b
                for b in committed
                if tiny_con.execute("SELECT dataset FROM batches WHERE batch_id = ?", [b]).fetchone()[0] != "households"
            ]
            store.rollback_batch(tiny_con, rng.choice(leaves), user="测试")
        elif action == "households":
            store.commit_rows(tiny_con, "households", _random_households(rng), user="测试")
        elif action == "linkages":
            store.commit_rows(tiny_con, "linkages", _random_linkages(rng, known), user="测试")
        else:
            store.commit_rows(tiny_con, "household_income", _random_income(rng, known), user="测试")
        assert_summaries_exact(tiny_con)


def test_built_once_per_data_version_and_year(tiny_con):
    def builds() -> int:
        return tiny_con.execute(f"SELECT count(*) FROM {summary_tables.STATE_TABLE}").fetchone()[0]

    indicators.values(tiny_con, Scope.of(2017))
    linkage.by_township(tiny_con, Scope.of(2017, T1))
    assert builds() == 1
    indicators.values(tiny_con, Scope.of(2016))
    assert builds() == 2
    store.commit_rows(tiny_con, "linkages", _random_linkages(random.Random(3), ["H1", "H2"]), user="测试")
    indicators.values(tiny_con, Scope.of(2017))
    version = store.data_version(tiny_con)
    current = tiny_con.execute(
        f"SELECT year FROM {summary_tables.STATE_TABLE} WHERE v_count = ? AND v_max = ? AND v_rolled = ?", list(version)
    ).fetchall()
    assert current == [(2017,)]


def test_another_poverty_line_is_computed_from_the_rows(tiny_con):
    """household_kpis takes the line as an argument: a line other than the year's never reads the summary."""
    assert summaries.relation(tiny_con, 2017, 2952.0) is not None
    assert summaries.relation(tiny_con, 2017, 2400.0) is None
    assert overview.household_kpis(tiny_con, Scope.of(2017), 2400.0)["households_below_poverty_line"] == 0


def test_repair_forgets_the_summaries(tiny_con):
    from fupin_core.storage import recovery

    indicators.values(tiny_con, Scope.of(2017))
    linkage.by_mechanism(tiny_con, Scope.of(2017))
    recovery.repair(tiny_con)
    for table in summary_tables.ROW_TABLES:
        assert tiny_con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_the_breakdowns_read_the_category_summary(tiny_con):
    """by_mechanism reads the per-village category rows (a changed summary row shows), and a cursor
    whose projects are another state (approved-only figures) computes from the rows."""
    scope = Scope.of(2017)
    expected = linkage.by_mechanism(tiny_con, scope)
    assert summaries.category_relation(tiny_con, 2017) is not None
    tiny_con.execute(f"UPDATE {summary_tables.CATEGORY_TABLE} SET households = households + 100 WHERE dimension = '联结方式'")
    changed = linkage.by_mechanism(tiny_con, scope)
    assert changed["户数"].sum() > expected["户数"].sum()
    tiny_con.execute("CREATE TEMPORARY TABLE projects AS SELECT * FROM projects")
    assert summaries.category_relation(tiny_con, 2017) is None
    assert linkage.by_mechanism(tiny_con, scope).equals(expected)


def test_read_only_and_unmigrated_stores_compute_from_the_rows(sample_con, tiny_con):
    """The scale-1 sample is opened read-only: no summary can be written, the figures come from the rows."""
    assert summaries.relation_of_year(sample_con, 2017) is None
    assert indicators.values(sample_con, Scope.of(2017))["households_registered"] == 28530
    expected = indicators.values(tiny_con, Scope.of(2017))
    for table in summary_tables.DERIVED_TABLES:
        tiny_con.execute(f"DROP TABLE {table}")
    assert summaries.relation_of_year(tiny_con, 2017) is None
    assert indicators.values(tiny_con, Scope.of(2017)) == expected


def test_a_store_before_the_asset_summary_reconciles_from_the_rows(tiny_con):
    """A store migrated to 13 but not 14 (a replica opened before the upgrade) has the household
    summary but no per-asset table: the reconciliation reads the linkages."""
    fixture_lifecycle.add(tiny_con)
    expected = assets.reconciliation(tiny_con, Scope.of(2017))
    assert summaries.asset_relation(tiny_con, 2017) is not None
    tiny_con.execute(f"DROP TABLE {summary_tables.ASSET_TABLE}")
    tiny_con.execute("DELETE FROM schema_migrations WHERE version = ?", [summary_tables.ASSET_TABLE_MIGRATION])
    assert summaries.relation_of_year(tiny_con, 2017) is not None
    assert summaries.asset_relation(tiny_con, 2017) is None
    assert assets.reconciliation(tiny_con, Scope.of(2017)).equals(expected)


def test_built_from_a_cursor_as_the_pages_read(tiny_con):
    """The pages read through a cursor of the store's connection, and the build opens a cursor of its
    own on that: on PostgreSQL both must select the store (a plain cursor of a cursor did not, so the
    app never built a summary there and computed every figure from the rows)."""
    with tiny_con.cursor() as cur:
        assert summaries.relation_of_year(cur, 2017) is not None
        with cur.cursor() as inner:
            assert inner.execute("SELECT count(*) FROM households").fetchone()[0] == 5


def test_a_callers_transaction_is_left_alone(tiny_con):
    """A metric called inside someone's transaction builds the summary on a cursor of its own: the
    caller's transaction stays usable (a failed BEGIN on the caller's connection would abort it)."""
    tiny_con.execute("BEGIN TRANSACTION")
    got = indicators.values(tiny_con, Scope.of(2017))
    assert tiny_con.execute("SELECT count(*) FROM households").fetchone()[0] == 5
    tiny_con.execute("COMMIT")
    with summaries.disabled():
        assert got == indicators.values(tiny_con, Scope.of(2017))
    assert summaries.relation_of_year(tiny_con, 2017) is not None


def test_a_replaced_version_stays_for_the_grace_period(tiny_con):
    """Rows of an older data version are dropped only once a newer version was built more than
    STALE_GRACE_SECONDS ago: a reader that looked the older one up just before a commit (a ranking
    reads one version throughout) still finds its rows, however long ago the older one was built."""

    def versions() -> set[tuple]:
        return set(tiny_con.execute(f"SELECT DISTINCT v_count, v_max, v_rolled FROM {summary_tables.TABLE}").fetchall())

    def age_all(seconds: int) -> None:
        tiny_con.execute(f"UPDATE {summary_tables.STATE_TABLE} SET built_at = built_at - to_seconds(?)", [seconds])

    def commit() -> None:
        store.commit_rows(tiny_con, "linkages", _random_linkages(random.Random(len(versions())), ["H1", "H2"]), user="测试")

    indicators.values(tiny_con, Scope.of(2017))
    first = store.data_version(tiny_con)
    age_all(3600)  # built an hour ago …
    commit()
    indicators.values(tiny_con, Scope.of(2017))  # … and replaced only now: kept
    second = store.data_version(tiny_con)
    assert versions() == {tuple(first), tuple(second)}
    age_all(summaries.STALE_GRACE_SECONDS + 60)  # the replacement is now older than the grace period
    commit()
    indicators.values(tiny_con, Scope.of(2017))
    assert versions() == {tuple(second), tuple(store.data_version(tiny_con))}


def test_a_first_page_with_too_many_candidates_reads_by_village(tiny_con, monkeypatch):
    """Beyond summaries.bound_keys_cap candidate households a list's first page is read by its villages
    instead of a bound list of households; the rows are the same."""
    fixture_lifecycle.add(tiny_con)
    pages = {name: fn for name, fn in CALLS.items() if "first" in name}
    shown = 0
    for bound in (0, 1):
        monkeypatch.setattr(summaries, "MAX_BOUND_KEYS", bound)
        monkeypatch.setattr(summaries, "MAX_BOUND_KEYS_POSTGRES", bound)
        shown += assert_summaries_exact(tiny_con, pages, f" (at most {bound} bound)")
    assert shown > 0, "the lists were empty: nothing compared"


def test_a_village_whose_township_is_gone_is_left_out_as_the_rows_leave_it_out(tiny_con):
    """The rows join each village to its 镇办; a village whose 镇办 row is gone is not counted, so the
    totals read from the summaries leave it out too (the 合计 equals the sum of the 镇办 rows)."""
    # 2017 income in both 镇办: H1, H2 (城关街道), and H3 (夜村镇), whose 镇办 row then goes.
    link = {"household_id": "H3", "project_id": "P4", "mechanism": "务工", "sub_type": None, "year": 2017, "income_yuan": 800.0}
    store.commit_rows(tiny_con, "linkages", pl.DataFrame([link], schema=tiny_data.frame("linkages").schema), user="测试")
    tiny_con.execute("DELETE FROM townships WHERE township_code = ?", [T2])
    scope = Scope.of(2017)
    for name, fn in {
        "total": lambda con: pivot.aggregate(con, scope, ()),
        "镇办": lambda con: pivot.pivot(con, scope, "镇办", None, "户数"),
        "镇办 × 产业": lambda con: pivot.pivot(con, scope, "镇办", "产业", "收益金额(元)"),
    }.items():
        with summaries.disabled():
            expected = fn(tiny_con)
        assert _same(fn(tiny_con), expected), name
    assert pivot.aggregate(tiny_con, scope, ())["户数"][0] > 0, "nothing left to compare"
