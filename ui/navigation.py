"""The app's pages, in menu order. ``dashboard.py`` hands them to ``st.navigation``; pages use
them for links (``st.page_link`` needs the ``st.Page`` of a function page)."""

from __future__ import annotations

import streamlit as st


def app_pages() -> dict[str, st.Page]:
    # Imported here: page modules import this module for their links.
    from pages import dades, inici, seguiment

    return {
        "inici": st.Page(
            inici.render, title="Inici", icon=":material/home:", url_path="inici", default=True
        ),
        "seguiment": st.Page(
            seguiment.render,
            title="Seguiment de membres",
            icon=":material/contact_phone:",
            url_path="seguiment",
        ),
        "dades": st.Page(dades.render, title="Dades", icon=":material/database:", url_path="dades"),
    }
