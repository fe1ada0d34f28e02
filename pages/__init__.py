"""One module per page. Each only defines ``render()``, which ``dashboard.py`` hands to
``st.Page``: importing a page, or running its file on its own, draws nothing by itself."""
