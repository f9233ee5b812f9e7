"""Benchmark: how long each page takes to open, as Streamlit runs it (AppTest: the page script, every
fupin_core call, chart building), at sample scale 1 and 100 (≈ a province), for the whole area and
for one 镇办. "cold" is the first open after start (no cached figures), "warm" a re-run with the
figures cached; the ratio is scale 100 ÷ scale 1 of the cold time.

    .venv/bin/python benchmarks/bench_pages.py [--scales 1 100] [--runs 3] [--pages 总览] [--postgres URL]

With --postgres (a server that `bench.py --postgres URL` filled: database fupin_bench_x{scale}) every
page is also opened on PostgreSQL, right after the same page on the DuckDB file, and the table gets a
PostgreSQL column and the ratio PostgreSQL ÷ embedded (issue 18: one 镇办's 总览 ≤ 2×).

Uses the databases of benchmarks/bench.py (benchmarks/out/sample_x{scale}.duckdb), on a copy (migrated:
since issue 18 the summaries of the year are built by the first open of the 总览 before the timed
opens, as the first page opened after a commit builds them; benchmarks/bench_summaries.py times that).
At the end it prints the process's memory: peak and current RSS after every page (AppTest runs the
pages in this process, so that is the app's memory plus the test harness).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench import OUT, build  # noqa: E402
from fupin_core.security import auth  # noqa: E402
from fupin_core.storage import db, schema  # noqa: E402
from fupin_ui import auth_ui, data  # noqa: E402
from fupin_ui.nav import PAGE_SPECS  # noqa: E402

PASSWORD = "Bench-Pages-2017"
BROWSE_PAGES = [spec for spec in PAGE_SPECS if spec.section in ("浏览", "导出")]


def prepared_copy(scale: int) -> tuple[Path, str, str]:
    """A copy of the scale-`scale` sample with an administrator; (path, token, one 镇办 code)."""
    source = build(scale, rebuild=False)
    path = OUT / f"pages_x{scale}.duckdb"
    shutil.copy(source, path)
    con = duckdb.connect(str(path))
    try:
        schema.migrate(con)
        user = auth.get_user(con, "bench") or auth.create_user(con, "bench", PASSWORD, "admin", None)
        token = auth.issue_session(con, user)
        township = con.execute("SELECT min(township_code) FROM townships WHERE township_name = '牧护关镇'").fetchone()[0]
    finally:
        con.close()
    return path, token, township


def prepared_postgres(server_url: str, scale: int) -> tuple[str, str]:
    """The PostgreSQL database of bench.py for `scale`, migrated, with an administrator; (url, token)."""
    url = server_url.rsplit("/", 1)[0] + f"/fupin_bench_x{scale}"
    con = db.connect(url)
    try:
        schema.migrate(con)
        user = auth.get_user(con, "bench") or auth.create_user(con, "bench", PASSWORD, "admin", None)
        token = auth.issue_session(con, user)
    finally:
        con.close()
    return url, token


def open_time(page: str, token: str, township: str | None) -> tuple[float, float]:
    """(cold, warm) seconds to run `page` in a fresh app session."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[auth_ui.TOKEN] = token  # as the login form leaves it (the address carries no token)
    at.session_state["filter_year"] = 2017
    at.session_state["filter_township"] = township
    at.run()  # logs in and opens 总览
    data.invalidate()  # forget every cached figure: the page below computes all of its own
    started = time.perf_counter()
    at.switch_page(page).run()
    cold = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception}")
    if any(box.key in ("login_username", "setup_username") for box in at.text_input):
        raise RuntimeError(f"{page}: the login form was shown, not the page (the token was not accepted)")
    started = time.perf_counter()
    at.run()
    return cold, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="+", help="page titles (default: every 浏览 page and 导出)")
    parser.add_argument("--postgres", help="postgresql:// URL of the server bench.py filled: open every page there too")
    args = parser.parse_args()
    pages = [spec for spec in BROWSE_PAGES if not args.pages or spec.title in args.pages]
    if args.postgres:  # PostgreSQL replicas sign with a shared key; set before any token is issued (it wins over key files)
        os.environ.setdefault("FUPIN_SECRET_KEY", "bench-pages-signing-key-" + "0" * 16)
    results: dict[tuple[str, str, int], tuple[float, float]] = {}
    on_postgres: dict[tuple[str, str, int], tuple[float, float]] = {}
    for scale in args.scales:
        path, token, township = prepared_copy(scale)
        stores = [(results, str(path), token)]
        if args.postgres:
            stores.append((on_postgres, *prepared_postgres(args.postgres, scale)))
        for spec in pages:
            for place, code in (("全区", None), ("牧护关镇", township)):
                for out, url, store_token in stores:  # the same page on each store, back to back
                    os.environ["FUPIN_DB"] = url
                    runs = [open_time(spec.path, store_token, code) for _ in range(args.runs)]
                    out[(spec.title, place, scale)] = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
    pg_header = " | PostgreSQL cold / warm (largest scale) | PostgreSQL ÷ embedded (cold)" if args.postgres else ""
    print("| page | area | " + " | ".join(f"scale {s} cold / warm" for s in args.scales) + f" | ratio (cold){pg_header} |")
    print("|---|---|" + "---:|" * (len(args.scales) + 1 + (2 if args.postgres else 0)))
    for spec in pages:
        for place in ("全区", "牧护关镇"):
            cells = [results[(spec.title, place, s)] for s in args.scales]
            ratio = cells[-1][0] / cells[0][0] if len(cells) > 1 else 1.0
            row = f"| {spec.title} | {place} | " + " | ".join(f"{cold:.2f} s / {warm:.2f} s" for cold, warm in cells) + f" | {ratio:.1f}×"
            if args.postgres:
                pg_cold, pg_warm = on_postgres[(spec.title, place, args.scales[-1])]
                row += f" | {pg_cold:.2f} s / {pg_warm:.2f} s | {pg_cold / cells[-1][0]:.1f}×"
            print(row + " |")


def rss_mib() -> tuple[float, float]:
    """(peak, current) resident memory of this process in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    current = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS:"))
    return peak, current / 1024


if __name__ == "__main__":
    main()
    peak, current = rss_mib()
    print(f"process memory after every page: peak RSS {peak:,.0f} MiB, current RSS {current:,.0f} MiB")
