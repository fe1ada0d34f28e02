"""Streamlit-side helpers shared by the pages: cached data access and layout widgets."""
