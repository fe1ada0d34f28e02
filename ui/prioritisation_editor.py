"""The plan's activities in a data editor: costs, hours, flags, scores, groups, dependencies;
below it, adding and deleting activities (``ui.plan_activity_forms``).

The edits are saved together or not at all: the service refuses bad cells with a message naming
the row and the column, and a row someone else saved meanwhile."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.elements.lib.column_types import ColumnConfig

from services import plan
from services.access import Right
from ui.data import query
from ui.layout import presentation_mode
from ui.plan_activity_forms import add_form, delete_control
from ui.plan_editing import save_bar
from ui.rights import may
from ui.writes import write

# The editor's key changes after a save, so it starts again from the saved plan.
GENERATION_KEY = "prioritzacio_editor_generation"


def editor_key() -> str:
    return f"prioritzacio_editor_{st.session_state.get(GENERATION_KEY, 0)}"


def _start_again() -> None:
    """A new editor, drawn from the plan as saved (the edits in the old one are dropped)."""
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1


def _column_config(caps: dict[str, int]) -> dict[str, ColumnConfig]:
    # ColumnConfig: what st.column_config's columns are; streamlit exports it nowhere else.
    labels = plan.COLUMN_LABELS
    scores = {
        column: st.column_config.NumberColumn(
            labels[column], min_value=0, max_value=5, step=1, format="%d", width="small"
        )
        for column in plan.SCORE_COLUMNS
    }
    return {
        "code": st.column_config.TextColumn(labels["code"], width="small"),
        "axis": st.column_config.NumberColumn(labels["axis"], format="%d", width="small"),
        "title": st.column_config.TextColumn(labels["title"], width="medium"),
        "conveni": st.column_config.CheckboxColumn(labels["conveni"]),
        "mandatory": st.column_config.CheckboxColumn(labels["mandatory"]),
        # No minimum on purpose: a negative number gets the service's Catalan message.
        "estimated_cost_eur": st.column_config.NumberColumn(
            labels["estimated_cost_eur"], step=0.01, format="localized"
        ),
        "staff_hours": st.column_config.NumberColumn(
            labels["staff_hours"], step=0.5, format="localized"
        ),
        **scores,
        "cap_group": st.column_config.SelectboxColumn(
            labels["cap_group"],
            options=list(caps),
            help="Grups amb un màxim d'activitats l'any (p. ex. 3 jornades).",
        ),
        "exclusive_group": st.column_config.TextColumn(
            labels["exclusive_group"],
            max_chars=40,
            help="Activitats amb el mateix nom de grup són alternatives: només se'n fa una.",
        ),
        "depends_on": st.column_config.TextColumn(
            labels["depends_on"],
            help="Codis de les activitats de què depèn, separats per punt i coma.",
        ),
    }


def activity_editor(year: int) -> None:
    if presentation_mode():
        st.info("L'edició de les activitats no es mostra en mode presentació.")
        return
    if not may(Right.EDIT_PLAN):
        st.info("El vostre rol no permet modificar les activitats del pla.")
        return
    table = query(plan.plan_table, year=year)
    caps = query(plan.plan_caps, year=year)
    if table.empty:
        st.info(f"No hi ha cap activitat del pla {year} per editar.")
        edits: list[plan.ActivityEdit] = []
    else:
        edits = _table_editor(year, table, caps)
    add_column, delete_column = st.columns([3, 2], gap="large")
    with add_column.expander("Afegeix una activitat", icon=":material/add:"):
        add_form(year, table, caps, pending=bool(edits), start_again=_start_again)
    if not table.empty:
        with delete_column.expander("Esborra activitats", icon=":material/delete:"):
            delete_control(year, table, pending=bool(edits), start_again=_start_again)


def _table_editor(year: int, table: pd.DataFrame, caps: dict[str, int]) -> list[plan.ActivityEdit]:
    """The editor and its save bar; the edits not saved yet."""
    st.caption(
        "Editeu les cel·les i deseu: es desa tot junt o res. El codi, l'eix i el títol no es "
        "canvien a la taula; una activitat nova s'afegeix a «Afegeix una activitat»."
    )
    edited = st.data_editor(
        table,
        key=editor_key(),
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        height=600,
        column_order=list(plan.COLUMN_LABELS),
        column_config=_column_config(caps),
        disabled=["code", "axis", "title"],
    )
    edits = plan.edits_from_tables(table, edited)
    save = save_bar(
        edits, key="prioritzacio_editor", label="Desa els canvis", start_again=_start_again
    )
    if save:
        write(
            plan.update_activities,
            refused="No s'ha desat cap canvi:",
            success=lambda changed: f"Activitats desades: {changed}. L'escenari s'ha recalculat.",
            on_success=lambda _: _start_again(),
            year=year,
            edits=edits,
        )
    return edits
