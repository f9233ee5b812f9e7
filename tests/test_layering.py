"""House rules: fupin_core never imports streamlit; pages and app.py hold no SQL."""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_core_never_imports_streamlit_statically():
    for path in (ROOT / "fupin_core").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] in ("streamlit", "fupin_ui") for n in names), path


def test_core_never_imports_streamlit_at_runtime():
    modules = sorted(
        "fupin_core." + ".".join(p.relative_to(ROOT / "fupin_core").with_suffix("").parts)
        for p in (ROOT / "fupin_core").rglob("*.py")
        if p.name != "__init__.py"
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
