"""What the plan's two editors share (Priorització's activities, Seguiment del pla's
execution): the plan's year, and the bar that saves or discards an editor's changes."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services import plan
from services.catalan import plural
from ui.data import query


def plan_year() -> int | None:
    """The latest year with plan activities; without any, a notice says how to load the plan."""
    years = query(plan.plan_years)
    if not years:
        st.info(
            "No hi ha cap activitat del Pla de Treball a la base de dades. Carregueu el pla "
            "(`make demo` el carrega amb la xarxa de demostració)."
        )
        return None
    return years[-1]


def save_bar(
    edits: list[plan.ActivityEdit], *, key: str, label: str, start_again: Callable[[], None]
) -> bool:
    """Save and discard buttons and how many rows changed; whether save was clicked.
    Discarding calls ``start_again`` (a new editor, drawn from the saved rows) and reruns."""
    save_column, discard_column, count_column = st.columns([1, 1, 3])
    save = save_column.button(
        label, type="primary", disabled=not edits, key=f"{key}_save", icon=":material/save:"
    )
    if discard_column.button("Descarta", disabled=not edits, key=f"{key}_discard"):
        start_again()
        st.rerun()
    count_column.caption(
        plural(len(edits), "activitat modificada", "activitats modificades")
        if edits
        else "Cap canvi pendent."
    )
    return save
