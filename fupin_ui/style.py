"""Page-wide CSS: Streamlit's own widget texts that have no Chinese setting, replaced in Chinese.

The file uploader's button ("Upload") and limit line ("200MB per file • …") are fixed English
strings in Streamlit; CSS hides them and shows Chinese text in their place.
"""

from __future__ import annotations

import streamlit as st

UPLOAD_BUTTON = "选择文件"
UPLOAD_HINT = "拖放文件到此处，或点“选择文件”；单个文件不超过200MB，Excel（.xlsx/.xls）或CSV"

CSS = f"""
<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
  content: "{UPLOAD_BUTTON}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{UPLOAD_HINT}"; font-size: 0.8rem; }}
</style>
"""


def apply() -> None:
    st.markdown(CSS, unsafe_allow_html=True)
