"""The app's pages, in menu order. ``dashboard.py`` hands them to ``st.navigation``; pages use
them for links (``st.page_link`` needs the ``st.Page`` of a function page)."""

from __future__ import annotations

import streamlit as st


def app_pages() -> dict[str, st.Page]:
    # Imported here: page modules import this module for their links.
    from pages import dades, esdeveniments, grups, inici, mapa, prioritzacio, seguiment

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
        "grups": st.Page(
            grups.render, title="Grups de Treball", icon=":material/groups:", url_path="grups"
        ),
        "esdeveniments": st.Page(
            esdeveniments.render,
            title="Esdeveniments",
            icon=":material/event:",
            url_path="esdeveniments",
        ),
        "mapa": st.Page(
            mapa.render, title="Mapa territorial", icon=":material/map:", url_path="mapa"
        ),
        "prioritzacio": st.Page(
            prioritzacio.render,
            title="Priorització del pressupost",
            icon=":material/balance:",
            url_path="prioritzacio",
        ),
        "dades": st.Page(dades.render, title="Dades", icon=":material/database:", url_path="dades"),
    }
