"""Peak memory of the upload path (issue 16): a zip bomb renamed .xlsx and a 1,000,000-row linkage CSV
through what the 数据上报 page runs (read.sheet_names, pipeline.prepare, then pipeline.commit), each in
a fresh child process so that its peak RSS (ru_maxrss) is its own.

    .venv/bin/python benchmarks/bench_upload_memory.py [--bomb-mb 1000] [--csv-rows 1000000]

The CSV (52.7 MiB) is over the default 50 MB upload limit; its child runs with FUPIN_MAX_UPLOAD_MB=100
as an operator would set it for such files. Files are built into benchmarks/out/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHILD = textwrap.dedent(
    """
    import json, resource, shutil, sys, time
    from pathlib import Path
    import duckdb
    from fupin_core.ingest import pipeline, read

    path, db_path, commit = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "commit"
    con = duckdb.connect(db_path)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    data = path.read_bytes()
    outcome = "read"
    try:
        read.sheet_names(data, path.name)
        preview = pipeline.prepare(con, "linkages", data, path.name)
        outcome = f"{preview.rows_read} rows, {preview.errors.height} errors"
        if commit:
            outcome += "; " + pipeline.commit(con, preview, user="bench").message
    except read.UnreadableFile as exc:
        outcome = "refused: " + str(exc)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "baseline_mb": baseline / 1024, "peak_mb": peak / 1024, "outcome": outcome}, ensure_ascii=False))
    """
)


def measure(path: Path, db_path: Path, *, commit: bool, env: dict | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(db_path), "commit" if commit else "prepare"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    import bench_ingest  # the 1M-row linkage CSV and the scale-1 sample database

    from tests.ingest.bombs import xlsx_bomb

    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-mb", type=int, default=1000, help="how far the bomb expands (MB of sheet XML)")
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    bench_ingest.OUT.mkdir(exist_ok=True)
    bomb = bench_ingest.OUT / f"bomb_{args.bomb_mb}.xlsx"
    if not bomb.exists():
        bomb.write_bytes(xlsx_bomb(args.bomb_mb))
    csv_path, _ = bench_ingest.write_files(args.csv_rows, 1000)
    cases = [
        (f"zip bomb {bomb.stat().st_size / 2**20:.1f} MiB → {args.bomb_mb} MB", bomb, False, None),
        (f"{args.csv_rows:,}-row CSV {csv_path.stat().st_size / 2**20:.1f} MiB, dry run", csv_path, False, {"FUPIN_MAX_UPLOAD_MB": "100"}),
        (f"{args.csv_rows:,}-row CSV, dry run + commit", csv_path, True, {"FUPIN_MAX_UPLOAD_MB": "100"}),
    ]
    for label, path, commit, env in cases:
        result = measure(path, bench_ingest.fresh_copy(), commit=commit, env=env)
        print(
            f"{label}: {result['seconds']:.2f} s, peak RSS {result['peak_mb']:.0f} MB "
            f"(after imports {result['baseline_mb']:.0f} MB, growth {result['peak_mb'] - result['baseline_mb']:.0f} MB) — {result['outcome'][:80]}"
        )


if __name__ == "__main__":
    main()
