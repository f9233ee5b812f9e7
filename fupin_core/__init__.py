"""fupin — 产业扶贫追踪: the domain package (no Streamlit here)."""

__version__ = "0.1.0"
