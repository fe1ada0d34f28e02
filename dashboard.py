"""Entry point: page configuration, the global sidebar and navigation. No business logic."""

import streamlit as st

from settings import load_settings
from ui.layout import render_sidebar, require_database
from ui.navigation import app_pages

st.set_page_config(
    page_title="XMESS · Quadre de comandament",
    # An emoji favicon is drawn locally; a Material one is fetched from Google Fonts, which an
    # offline office network cannot reach.
    page_icon="🤝",
    layout="wide",
)

try:
    # Read before any page draws: a bad setting stops here, naming its knob.
    load_settings()
except ValueError as error:
    st.error(f"Configuració incorrecta: {error}", icon=":material/settings:")
    st.stop()

navigation = st.navigation(list(app_pages().values()))
render_sidebar()
require_database()
navigation.run()
