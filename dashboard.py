"""Entry point: page configuration, the sign-in gate, the global sidebar and navigation. No
business logic."""

import streamlit as st

from ui.accessibility import apply_accessibility
from ui.auth import require_viewer
from ui.data import refresh_data_versions
from ui.layout import render_sidebar, require_database, require_settings
from ui.live import keep_page_fresh
from ui.navigation import app_pages, home_alias
from ui.search import sidebar_search
from ui.timing import page_run

st.set_page_config(
    page_title="XMESS · Quadre de comandament",
    # An emoji favicon is drawn locally; a Material one is fetched from Google Fonts, which an
    # offline office network cannot reach.
    page_icon="🤝",
    layout="wide",
)
apply_accessibility()

# The run's server time goes to the run log when the run_log knob names one (make load).
with page_run() as run:
    require_settings()
    viewer = require_viewer(require_database)
    # Every page's own address answers, Inici's (/inici) besides the root.
    navigation = st.navigation([*app_pages(viewer).values(), home_alias()])
    run.url_path = navigation.url_path
    search = render_sidebar(viewer)
    require_database()
    # Once per run: every cached read of this run is of these data versions.
    refresh_data_versions()
    # An open page redraws by itself when anyone changes the data.
    keep_page_fresh()
    sidebar_search(search)
    navigation.run()
