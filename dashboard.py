"""Entry point: page configuration, the sign-in gate, the global sidebar and navigation. No
business logic."""

import streamlit as st

from ui.auth import require_viewer
from ui.layout import render_sidebar, require_database, require_settings
from ui.navigation import app_pages

st.set_page_config(
    page_title="XMESS · Quadre de comandament",
    # An emoji favicon is drawn locally; a Material one is fetched from Google Fonts, which an
    # offline office network cannot reach.
    page_icon="🤝",
    layout="wide",
)

require_settings()
viewer = require_viewer(require_database)
navigation = st.navigation(list(app_pages(viewer).values()))
render_sidebar(viewer)
require_database()
navigation.run()
