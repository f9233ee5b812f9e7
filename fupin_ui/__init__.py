"""Streamlit-side helpers shared by app.py and pages/: the cached connection, cached metric calls,
the global filters and small display widgets. Domain logic stays in fupin_core."""
