"""House rules: the import contracts of pyproject.toml hold (and catch a forbidden import); fupin_core
never imports streamlit, even indirectly; pages and app.py hold no SQL."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}  # the tree under test, ahead of the installed one
    command = [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


def test_import_contracts_are_kept():
    """The layers, the core's independence from the UI and the absence of cycles (pyproject.toml)."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _copy_of_the_tree(tmp_path: Path) -> Path:
    for package in ("fupin_core", "fupin_ui"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition("from __future__ import annotations\n")
    path.write_text(head + "from __future__ import annotations\n" + line + "\n" + rest, encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "forbidden", "contract"),
    [
        ("charts/theme.py", "from fupin_core.metrics import indicators  # noqa", "fupin_core layers"),
        ("storage/store.py", "from fupin_core.security import audit  # noqa", "fupin_core layers"),
        ("catalog.py", "import streamlit  # noqa", "never imports the UI or Streamlit"),
        ("metrics/pv.py", "from fupin_core.metrics import linkage  # noqa", "No import cycles"),
    ],
)
def test_a_forbidden_import_breaks_the_contract(tmp_path, module, forbidden, contract):
    root = _copy_of_the_tree(tmp_path)
    if contract == "No import cycles":  # make pv <-> linkage a circle
        _add_import(root / "fupin_core/metrics/linkage.py", "from fupin_core.metrics import pv  # noqa")
    _add_import(root / "fupin_core" / module, forbidden)
    result = _lint_imports(root)
    assert result.returncode == 1, result.stdout
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout


def test_core_never_imports_streamlit_at_runtime():
    modules = sorted(
        "fupin_core." + ".".join(p.relative_to(ROOT / "fupin_core").with_suffix("").parts)
        for p in (ROOT / "fupin_core").rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    )
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_ui_layer_holds_no_sql():
    sql = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b")
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "fupin_ui").glob("*.py")]
    for path in files:
        assert not sql.search(path.read_text(encoding="utf-8")), path


def test_only_the_cli_package_prints_or_parses_arguments():
    """Every print and every argparse parser of fupin_core lives in fupin_core/cli/ (the pages show,
    the core returns values)."""
    offenders = []
    for path in (ROOT / "fupin_core").rglob("*.py"):
        if path.parent.name == "cli":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"(?<![\w.])print\(", text) or re.search(r"^\s*(import argparse|from argparse)", text, re.M):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_transactions_are_written_in_one_place():
    """BEGIN, COMMIT and ROLLBACK appear only in fupin_core/storage/writes.py: every other write goes
    through storage.writes (the write lock, nesting and retries live there)."""
    statement = re.compile(r"""execute\(\s*["'](BEGIN|COMMIT|ROLLBACK)""")
    offenders = [
        str(path.relative_to(ROOT))
        for path in [*(ROOT / "fupin_core").rglob("*.py"), *(ROOT / "fupin_ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
        if path != ROOT / "fupin_core/storage/writes.py" and statement.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
