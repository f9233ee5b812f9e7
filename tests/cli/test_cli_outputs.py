"""Every `fupin` command, run in order on a fresh sample database, prints what the recorded run printed.

The recordings in tests/cli/outputs/ were made before the command-line code moved into its own package
(issue 19), so a refactor that changes a word, a figure or an exit status fails here. After an
intended change of output, re-record with `python -m tests.cli.test_cli_outputs` and read the diff.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from fupin_core.cli import main

OUTPUTS = Path(__file__).parent / "outputs"
TOWNSHIP = "611002001"
HOUSEHOLD = "6110021012170035"
PROJECT = "611002-QT-0026"
LINK_CSV = "户编号,项目编号,联结方式,细分类型,年度,收益金额(元)\n{h},{p},务工,,2017,1234\n99,{p},务工,,2017,5\n"

# name, argv (DB and TMP stand for the sample database and a scratch folder), stdin
COMMANDS: list[tuple[str, list[str], str]] = [
    ("kpi", ["kpi", "--db", "DB", "--year", "2017"], ""),
    ("kpi_json", ["kpi", "--db", "DB", "--year", "2017", "--json"], ""),
    ("kpi_township", ["kpi", "--db", "DB", "--year", "2016", "--township", TOWNSHIP], ""),
    ("kpi_bad_township", ["kpi", "--db", "DB", "--year", "2017", "--township", "999999999"], ""),
    ("kpi_missing_db", ["kpi", "--db", "TMP/none.duckdb", "--year", "2017"], ""),
    ("batches", ["batches", "--db", "DB"], ""),
    ("batches_json", ["batches", "--db", "DB", "--json"], ""),
    ("datadict", ["datadict"], ""),
    ("indicators", ["indicators"], ""),
    ("export_csv", ["export", "summary", "--db", "DB", "--year", "2017", "--format", "csv", "--out", "TMP/kpi.csv"], ""),
    ("import_dry_run", ["import", "linkages", "TMP/link.csv", "--db", "DB", "--dry-run"], ""),
    ("import_strict", ["import", "linkages", "TMP/link.csv", "--db", "DB"], ""),
    ("import_partial_json", ["import", "linkages", "TMP/link.csv", "--db", "DB", "--partial", "--json"], ""),
    ("rollback", ["rollback", "BATCH", "--db", "DB"], ""),
    ("rollback_again", ["rollback", "BATCH", "--db", "DB"], ""),
    ("user_add", ["user", "add", "wang", "--role", "editor", "--township", TOWNSHIP, "--db", "DB"], "secret-pass-1\nsecret-pass-1\n"),
    ("user_list", ["user", "list", "--db", "DB"], ""),
    ("user_list_json", ["user", "list", "--db", "DB", "--json"], ""),
    ("user_disable", ["user", "disable", "wang", "--db", "DB"], ""),
    ("user_set_role", ["user", "set-role", "wang", "--role", "viewer", "--db", "DB"], ""),
    ("backup", ["backup", "--db", "DB", "TMP/backup"], ""),
    ("restore", ["restore", "TMP/backup", "--db", "TMP/restored.duckdb", "--key-file", "DB.key"], ""),
    ("kpi_restored", ["kpi", "--db", "TMP/restored.duckdb", "--year", "2017", "--json"], ""),
]


def _normalise(text: str, tmp: Path) -> str:
    """Paths of this run, today's date and clock times differ from run to run; nothing else may."""
    text = text.replace(str(tmp), "TMP")
    text = text.replace(date.today().strftime("%Y%m%d"), "YYYYMMDD").replace(date.today().isoformat(), "YYYY-MM-DD")
    return re.sub(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?", "hh:mm", text)


def _run(argv: list[str], stdin: str, db: Path, tmp: Path, batch: str = "") -> str:
    args = [a.replace("DB", str(db)).replace("TMP", str(tmp)).replace("BATCH", batch) for a in argv]
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(args)
            except SystemExit as exc:  # argparse errors
                status = exc.code
    finally:
        sys.stdin = saved_stdin
    return _normalise(f"$ fupin {' '.join(argv)}\n[exit {status}]\n--- stdout\n{out.getvalue()}--- stderr\n{err.getvalue()}", tmp)


def run_all(tmp: Path) -> dict[str, str]:
    db = tmp / "sample.duckdb"
    main(["init", "--sample", "--db", str(db)])
    (tmp / "link.csv").write_text(LINK_CSV.format(h=HOUSEHOLD, p=PROJECT), encoding="utf-8")
    outputs: dict[str, str] = {}
    batch = ""  # the batch the partial import made, rolled back next
    for name, argv, stdin in COMMANDS:
        outputs[name] = _run(argv, stdin, db, tmp, batch)
        if name == "import_partial_json":
            batch = str(json.loads(outputs[name].split("--- stdout\n")[1].split("--- stderr")[0])["batch_id"])
        if name == "export_csv":
            outputs[name] += "--- kpi.csv\n" + (tmp / "kpi.csv").read_text(encoding="utf-8-sig")
    return outputs


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    with contextlib.redirect_stdout(io.StringIO()):
        return run_all(tmp_path_factory.mktemp("cli_outputs"))


@pytest.mark.parametrize("name", [c[0] for c in COMMANDS])
def test_output_as_recorded(outputs, name):
    assert outputs[name] == (OUTPUTS / f"{name}.txt").read_text(encoding="utf-8")


if __name__ == "__main__":  # re-record
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        OUTPUTS.mkdir(exist_ok=True)
        for name, text in run_all(Path(scratch)).items():
            (OUTPUTS / f"{name}.txt").write_text(text, encoding="utf-8")
