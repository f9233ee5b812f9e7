from pathlib import Path

from fupin_core import catalog
from fupin_core.reports import datadict

DOC = Path(__file__).resolve().parent.parent / "docs" / "DATA_DICTIONARY.md"


def test_committed_dictionary_is_current():
    assert DOC.read_text(encoding="utf-8") == datadict.render(), "run: fupin datadict --out docs/DATA_DICTIONARY.md"


def test_every_column_documented():
    text = datadict.render()
    for ds in catalog.DATASETS:
        assert f"（`{ds.key}`）" in text
        for col in ds.columns:
            assert f"| {col.header} | `{col.name}` |" in text
