"""Streamlit-aware helpers shared by the pages: cached loaders, filter widgets, map rendering."""
