"""Domain logic in plain Python: queries, metrics and rules. Never imports Streamlit."""
