"""Dades page: the forms that edit a member or a person."""

from __future__ import annotations

import streamlit as st

from ui.dades_member_form import member_editor
from ui.dades_person_form import person_editor


def records_section() -> None:
    what = st.segmented_control(
        "Què voleu editar?",
        ["Membres", "Persones"],
        default="Membres",
        key="dades_edit_what",
    )
    if what == "Persones":
        person_editor()
    else:
        member_editor()
