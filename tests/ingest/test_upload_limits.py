"""Finding 1 of issue 16: uploads with bounded memory — a size limit (app and CLI) and zip bombs
refused from the archive's directory and its streams before anything is parsed."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fupin_core.ingest import read
from tests.ingest.bombs import lying_xlsx_bomb, xlsx_bomb
from tests.ingest.conftest import run_cli
from tests.ingest.make_corpus import HH_HEAD, ID_A, csv, hh_row, xlsx

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT_MB = 1000  # without the guard, reading this bomb aborts under this limit (it needs > 1 GB)


def test_default_limit_is_50_mb_and_configurable(monkeypatch):
    monkeypatch.delenv(read.MAX_UPLOAD_ENV, raising=False)
    assert read.max_upload_mb() == 50
    monkeypatch.setenv(read.MAX_UPLOAD_ENV, "1")
    assert read.max_upload_bytes() == 1024 * 1024
    big = csv([["户编号", "年度"]] + [["H1", "2017"]] * 150_000)
    assert len(big) > 1024 * 1024
    with pytest.raises(read.FileTooLarge, match="超过上传上限 1 MB"):
        read.read_grid(big, "a.csv")
    monkeypatch.setenv(read.MAX_UPLOAD_ENV, "不是数字")
    assert read.max_upload_mb() == 50


def test_cli_refuses_an_oversized_file_before_reading_it(monkeypatch, capsys, tiny_db, tmp_path):
    monkeypatch.setenv(read.MAX_UPLOAD_ENV, "1")
    path = tmp_path / "大文件.csv"
    path.write_bytes(b"x" * (1024 * 1024 + 1))
    status, out, err = run_cli(capsys, "import", "households", path, "--db", tiny_db)
    assert status == 2
    assert "超过上传上限 1 MB" in err and "Traceback" not in out + err


@pytest.mark.parametrize("make", [xlsx_bomb, lying_xlsx_bomb], ids=["honest-directory", "lying-directory"])
def test_a_zip_bomb_is_refused_in_under_a_second_under_a_memory_limit(make, tiny_db, tmp_path):
    """The bomb expands to 400 MB of sheet XML (GBs as cells); the CLI runs it in a child process
    whose address space is capped, so a regression fails loudly instead of eating the machine."""
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(make(400))
    child = textwrap.dedent(
        f"""
        import json, resource, sys, time
        limit = {MEMORY_LIMIT_MB} * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from fupin_core import cli
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        status = cli.main(["import", "linkages", {str(bomb)!r}, "--db", {str(tiny_db)!r}])
        seconds = time.perf_counter() - started
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(json.dumps({{"status": status, "seconds": seconds, "grown_kb": grown}}))
        """
    )
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 2
    assert "解压后过大" in done.stderr and "已拒绝读取" in done.stderr
    assert result["seconds"] < 1.0
    assert result["grown_kb"] < 64 * 1024  # the refusal itself needs no more than a few MB


def test_a_workbook_over_ten_times_the_limit_expanded_is_refused(monkeypatch):
    monkeypatch.setenv(read.MAX_UPLOAD_ENV, "1")
    with pytest.raises(read.FileTooLarge, match="上限 10.0 MB"):
        read.sheet_names(xlsx_bomb(11), "a.xlsx")


def test_sheet_scans_stream_across_chunk_boundaries(monkeypatch):
    """Merged ranges and numeric ID cells are found by scanning the sheet XML in chunks; matches cut
    by a chunk boundary are still found (small chunks force many boundaries)."""
    rows = [HH_HEAD] + [hh_row(f"H{i}", idn=ID_A) for i in range(400)] + [hh_row("H999", idn=int(ID_A)), ["", ""], ["", ""]]
    content = xlsx(rows, merges=[(402, 1, 403, 1, "合并")])
    whole = (read.numeric_cell_rows(content, "Sheet1", 2), read._merged_ranges(content, "Sheet1"))
    assert whole == ({401}, [(402, 1, 403, 1)])
    for chunk in (64, 1500, 4099):
        monkeypatch.setattr(read, "_STREAM_CHUNK", chunk)
        monkeypatch.setattr(read, "_SCAN_OVERLAP", 600)
        assert (read.numeric_cell_rows(content, "Sheet1", 2), read._merged_ranges(content, "Sheet1")) == whole
