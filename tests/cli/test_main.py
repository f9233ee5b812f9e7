"""`fupin init --sample` then `fupin kpi --json` gives exactly the seed article's figures."""

import json
import stat
import subprocess
import sys

import duckdb
import pytest

from fupin_core.security import session_tokens

SEED_JSON = {
    "households_registered": 28530, "people_registered": 93185, "households_exited_cum": 8541,
    "people_exited_cum": 30961, "households_exited_year": 3180, "people_exited_year": 12554,
    "poverty_villages": 124, "deep_poverty_villages": 34, "villages_exited_year": 5,
    "pv_target_mw": 100, "fungus_target_wan": 1000, "artichoke_target_mu": 10000,
    "linked_households": 12600, "linked_people": 37000, "integrated_funds_allocated_wan": 19840,
    "integrated_funds_spent_wan": 17867, "integrated_funds_spend_rate": 0.901, "pilot_villages": 23,
    "pilot_funds_wan": 690,
}  # fmt: skip
KEYS = [
    "households_registered",
    "people_registered",
    "households_exited_cum",
    "people_exited_cum",
    "households_exited_year",
    "people_exited_year",
    "poverty_villages",
    "deep_poverty_villages",
    "villages_exited_year",
    "pv_capacity_mw",
    "pv_target_mw",
    "fungus_bags_wan",
    "fungus_target_wan",
    "artichoke_mu",
    "artichoke_target_mu",
    "linked_households",
    "linked_people",
    "coverage_rate",
    "integrated_funds_allocated_wan",
    "integrated_funds_spent_wan",
    "integrated_funds_spend_rate",
    "pilot_villages",
    "pilot_funds_wan",
    "dividend_payout_rate",
]


def fupin(*args, check=True):
    result = subprocess.run([sys.executable, "-m", "fupin_core.cli", *args], capture_output=True, text=True)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "x.duckdb"
    fupin("init", "--sample", "--db", str(path))
    return path


def test_kpi_json_equals_seed(db):
    data = json.loads(fupin("kpi", "--year", "2017", "--db", str(db), "--json").stdout)
    assert set(KEYS) <= set(data)
    for key, value in SEED_JSON.items():
        assert data[key] == value, key
    assert 0 < data["dividend_payout_rate"] <= 1
    # Issue 12: 全覆盖 of the households with labour capacity (and how many it counts), total income
    # against the line, PV 扶贫 stations, labour and 专项扶贫资金 as the seed publishes them.
    assert data["coverage_rate"] == 1.0 and data["covered_households"] == data["coverage_base_households"] > 0
    assert (data["poor_labourers"], data["labourers_employed"], data["special_funds_spent_wan"]) == (30340, 23283, 21489)
    assert data["households_below_poverty_line"] > 0 and data["pv_stations_poverty"] > 0


def test_kpi_township_filter(db):
    whole = json.loads(fupin("kpi", "--year", "2017", "--db", str(db), "--json").stdout)
    part = json.loads(fupin("kpi", "--year", "2017", "--township", "611002111", "--db", str(db), "--json").stdout)
    assert 0 < part["households_registered"] < whole["households_registered"]


def test_kpi_plain_text(db):
    out = fupin("kpi", "--year", "2017", "--db", str(db)).stdout
    assert "建档立卡户数：28,530户" in out and "统筹整合涉农资金支出率：90.1%" in out


def test_init_refuses_to_mix_sample_into_data(db):
    result = fupin("init", "--sample", "--db", str(db), check=False)
    assert result.returncode == 2 and "已有数据" in result.stderr
    assert "未做改动" in fupin("init", "--sample", "--if-missing", "--db", str(db)).stdout


def test_missing_database_is_one_clear_line(tmp_path):
    result = fupin("kpi", "--year", "2017", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert result.returncode == 2 and "fupin init" in result.stderr and "Traceback" not in result.stderr


def test_database_held_by_app_is_reported(db):
    holder = duckdb.connect(str(db))  # the app holds its file like this
    try:
        # A second *process* cannot open it: the CLI must say so in one line, exit 2.
        result = fupin("kpi", "--year", "2017", "--db", str(db), "--json", check=False)
        assert result.returncode == 2
        assert result.stderr.strip().count("\n") == 0
        assert "正被另一个程序" in result.stderr
    finally:
        holder.close()


def test_init_creates_the_login_signing_key_once_beside_the_database(tmp_path):
    path = tmp_path / "empty.duckdb"
    fupin("init", "--db", str(path))
    key_file = session_tokens.key_file_for(path)
    first = key_file.read_text()
    assert len(first.strip()) == 64 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    fupin("init", "--db", str(path))  # a second init (an upgrade) keeps it: logins stay valid
    assert key_file.read_text() == first
    con = duckdb.connect(str(path), read_only=True)
    try:  # nothing of it in the database (where versions before issue 16 kept it)
        assert con.execute("SELECT count(*) FROM settings WHERE key = 'session_secret'").fetchone()[0] == 0
    finally:
        con.close()
