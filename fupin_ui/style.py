"""Page-wide CSS: Streamlit's own texts that have no Chinese setting are replaced in Chinese or hidden.

- The file uploader's button ("Upload") and limit line ("200MB per file • …") are fixed English
  strings; CSS hides them and shows Chinese text in their place.
- The table and chart toolbar (Show/hide columns, Download as CSV, Search, Fullscreen) has English
  tooltips only; it is hidden (every list has its own Chinese download button).
- "Press Enter to submit form" / "Press Enter to apply" under inputs is hidden (Enter still works).
- The running indicator's "Running..." / "Stop" is hidden; its animated icon stays.
- A card's value is sized to its card (a container query); it and the change's words wrap rather than being cut: at four cards
  to a row on a 1280-pixel screen "2,201.67万千瓦时" was shown as "2,201.67…".
"""

from __future__ import annotations

import streamlit as st

UPLOAD_BUTTON = "选择文件"
UPLOAD_HINT = "拖放文件到此处，或点“选择文件”；单个文件不超过200MB，Excel（.xlsx/.xls）或CSV"

CSS = f"""
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button > div > span::after {{ content: "{UPLOAD_BUTTON}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: "{UPLOAD_HINT}"; font-size: 0.8rem; }}
[data-testid="stElementToolbar"] {{ display: none !important; }}
[data-testid="InputInstructions"] {{ display: none !important; }}
[data-testid="stStatusWidget"] label, [data-testid="stStatusWidget"] button {{ display: none !important; }}
[data-testid="stMetric"] {{ container-type: inline-size; }}
[data-testid="stMetricValue"] {{ font-size: clamp(1.1rem, 10.5cqi, 2.25rem) !important; }}
[data-testid="stMetricValue"] *, [data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * {{ white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }}
</style>
"""


def apply() -> None:
    st.markdown(CSS, unsafe_allow_html=True)
