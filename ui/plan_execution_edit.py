"""The team's side of following the plan: each activity's status, quarter and actual cost and
hours in one editor (saved together or not at all), and the events that carried it out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from db.models import ActivityStatus
from services import execution, plan
from services.access import Right
from services.catalan import plural
from services.formatting import fmt_date
from services.labels import ACTIVITY_STATUS
from ui.data import query
from ui.layout import presentation_mode
from ui.plan_editing import save_bar
from ui.rights import may
from ui.widgets import id_labels, pick
from ui.writes import write

GENERATION_KEY = "pla_editor_generation"
LABELS = execution.EXECUTION_LABELS


def _editor_key() -> str:
    return f"pla_editor_{st.session_state.get(GENERATION_KEY, 0)}"


def _start_again() -> None:
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1


def _editable(table: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows: statuses as the team says them, quarters as whole numbers."""
    return pd.DataFrame(
        {
            "id": table["plan_activity_id"],
            "version": table["version"],
            "code": table["code"],
            "title": table["title"],
            "in_plan": table["in_plan"],
            "status": table["status"].map(lambda s: ACTIVITY_STATUS[ActivityStatus(s)]),
            "quarter": table["quarter"].astype("Int64"),
            "estimated_cost_eur": table["estimated_cost_eur"],
            "actual_cost_eur": table["actual_cost_eur"],
            "estimated_hours": table["estimated_hours"],
            "actual_hours": table["actual_hours"],
        }
    )


def execution_editor(year: int, today: date) -> None:
    if presentation_mode():
        st.info("L'edició de l'execució no es mostra en mode presentació.")
        return
    if not may(Right.EDIT_PLAN):
        st.info("El vostre rol no permet modificar l'execució del pla.")
        return
    table = _editable(query(execution.execution_table, year=year, today=today))
    if table.empty:
        st.info(f"No hi ha cap activitat del pla {year}.")
        return
    st.caption(
        "Estat, trimestre, cost i hores reals de cada activitat. Es desa tot junt o res; "
        "una cel·la buida de cost o hores vol dir que encara no s'ha entrat."
    )
    only_plan = st.toggle("Només les del pla adoptat", value=True, key="pla_editor_only_plan")
    shown = table[table["in_plan"]] if only_plan and table["in_plan"].any() else table
    edited = st.data_editor(
        shown,
        key=_editor_key(),
        hide_index=True,
        num_rows="fixed",
        width="stretch",
        height=560,
        column_order=[
            "code",
            "title",
            "in_plan",
            "status",
            "quarter",
            "estimated_cost_eur",
            "actual_cost_eur",
            "estimated_hours",
            "actual_hours",
        ],  # fmt: skip
        column_config={
            "code": st.column_config.TextColumn("Codi", width="small"),
            "title": st.column_config.TextColumn("Activitat", width="medium"),
            "in_plan": st.column_config.CheckboxColumn("Al pla"),
            "status": st.column_config.SelectboxColumn(
                LABELS["status"], options=list(ACTIVITY_STATUS.values()), required=True
            ),
            "quarter": st.column_config.SelectboxColumn(
                LABELS["quarter"], options=[1, 2, 3, 4], width="small"
            ),
            "estimated_cost_eur": st.column_config.NumberColumn(
                "Cost previst (€)", format="localized"
            ),
            # No minimum on purpose: a negative number gets the service's Catalan message.
            "actual_cost_eur": st.column_config.NumberColumn(
                LABELS["actual_cost_eur"], step=0.01, format="localized"
            ),
            "estimated_hours": st.column_config.NumberColumn("Hores previstes", format="localized"),
            "actual_hours": st.column_config.NumberColumn(
                LABELS["actual_hours"], step=0.5, format="localized"
            ),
        },
        disabled=["code", "title", "in_plan", "estimated_cost_eur", "estimated_hours"],
    )
    edits = plan.edits_from_tables(shown, edited, execution.EXECUTION_EDITABLE)
    save = save_bar(edits, key="pla_editor", label="Desa l'execució", start_again=_start_again)
    if save:
        write(
            execution.update_execution,
            refused="No s'ha desat cap canvi:",
            success=lambda changed: (
                "Execució desada: "
                + plural(changed, "activitat actualitzada", "activitats actualitzades")
                + "."
            ),
            on_success=lambda _: _start_again(),
            year=year,
            edits=edits,
        )


def _event_label(row: pd.Series) -> str:
    return f"{fmt_date(row['held_on'])} · {row['title']}"


def event_links(year: int, today: date) -> None:
    """Which events carried out an activity: picked from the year's events."""
    if presentation_mode() or not may(Right.EDIT_PLAN):
        return
    st.subheader("Esdeveniments de cada activitat")
    table = query(execution.execution_table, year=year, today=today)
    events = query(execution.linkable_events, year=year)
    if table.empty or events.empty:
        st.info(f"No hi ha esdeveniments del {year} per vincular.")
        return
    options = id_labels(table["plan_activity_id"], table["code"] + " · " + table["title"])
    chosen = pick("Activitat", options, key="pla_link_activity")
    if chosen is None:
        st.caption(
            "Trieu una activitat per veure i canviar els esdeveniments que l'han dut a terme."
        )
        return
    event_labels = {int(row["event_id"]): _event_label(row) for _, row in events.iterrows()}
    linked_now = [int(e) for e in events.loc[events["plan_activity_id"] == chosen, "event_id"]]
    elsewhere = events[events["plan_activity_id"].notna() & (events["plan_activity_id"] != chosen)]
    with st.form(key=f"pla_link_form_{chosen}", border=False):
        picked = st.multiselect(
            "Esdeveniments que l'han dut a terme",
            list(event_labels),
            default=linked_now,
            format_func=lambda event_id: event_labels[event_id],
            placeholder="Trieu esdeveniments",
            key=f"pla_link_events_{chosen}",
        )
        if len(elsewhere):
            st.caption(
                "Un esdeveniment ja vinculat a una altra activitat hi passa a aquesta si el "
                "trieu aquí."
            )
        submitted = st.form_submit_button(
            "Desa els esdeveniments", icon=":material/link:", key="pla_link_save"
        )
    if submitted:
        write(
            execution.link_events,
            refused="No s'han desat els esdeveniments:",
            success=lambda changed: (
                "Esdeveniments de l'activitat desats (" + plural(changed, "canvi", "canvis") + ")."
            ),
            plan_activity_id=chosen,
            event_ids=picked,
        )
