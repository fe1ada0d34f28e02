"""Adding an activity to the plan and deleting activities, next to the plan editor.

A form adds one activity (code, axis and title are typed only here: the editor's table keeps
them read-only, so a typo there cannot rename an activity scenarios already refer to). A
multiselect and a confirmation delete; the service says why an activity must stay. Both wait
while the table has unsaved edits: the table is redrawn after either, and its edits are tied
to row positions that adding or deleting would shift."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from services import plan
from services.catalan import and_list, plural
from services.labels import PLAN_AXIS
from ui.text import escape_markup
from ui.widgets import id_labels, pick
from ui.writes import submission, write

ADD_FORM = "prioritzacio_add"
DELETE_FORM = "prioritzacio_activity_delete"
WAIT = "Deseu o descarteu abans els canvis de la taula."


def add_form(
    year: int,
    table: pd.DataFrame,
    caps: dict[str, int],
    *,
    pending: bool,
    start_again: Callable[[], None],
) -> None:
    """A new activity for ``year``, checked by the service as an edit is."""
    labels = plan.NEW_LABELS
    # One round per activity added: the form comes back empty and cannot add it twice.
    once = submission(ADD_FORM)
    codes = id_labels(table["id"], table["code"] + " · " + table["title"]) if len(table) else {}
    by_id = dict(zip(table["id"].astype(int), table["code"], strict=True)) if len(table) else {}
    with st.form(key=once.key(f"{ADD_FORM}_form"), border=True):
        code_column, axis_column = st.columns([1, 2])
        code = code_column.text_input(
            labels["code"],
            max_chars=plan.MAX_CODE_LENGTH,
            placeholder="p. ex. A1-11",
            help="Únic dins l'any: lletres sense accents, xifres i guions.",
            key=once.key(f"{ADD_FORM}_code"),
        )
        axis = pick(
            labels["axis"],
            PLAN_AXIS,
            placeholder="Trieu l'eix…",
            key=once.key(f"{ADD_FORM}_axis"),
            container=axis_column,
        )
        title = st.text_input(
            labels["title"], max_chars=plan.MAX_TITLE_LENGTH, key=once.key(f"{ADD_FORM}_title")
        )
        description = st.text_area(
            f"{labels['description']} (opcional)",
            height=80,
            key=once.key(f"{ADD_FORM}_description"),
        )
        money_column, hours_column = st.columns(2)
        # Text, not a number box: "1.250,50" as the team writes it, read by the service.
        cost = money_column.text_input(
            labels["estimated_cost_eur"],
            placeholder="p. ex. 1.250,50",
            key=once.key(f"{ADD_FORM}_cost"),
        )
        hours = hours_column.text_input(
            labels["staff_hours"], placeholder="p. ex. 30", key=once.key(f"{ADD_FORM}_hours")
        )
        # Under the amounts: four to a row cut "Obligatòria" on a 1280-pixel projector.
        conveni_column, mandatory_column = st.columns(2)
        conveni = conveni_column.checkbox(labels["conveni"], key=once.key(f"{ADD_FORM}_conveni"))
        mandatory = mandatory_column.checkbox(
            labels["mandatory"], key=once.key(f"{ADD_FORM}_mandatory")
        )
        # Empty until chosen: a score left at 0 by oversight would quietly sink the activity.
        scores = {
            column: score_column.number_input(
                labels[column],
                min_value=0,
                max_value=5,
                step=1,
                value=None,
                placeholder="0 a 5",
                key=once.key(f"{ADD_FORM}_{column}"),
            )
            for column, score_column in zip(plan.SCORE_COLUMNS, st.columns(4), strict=True)
        }
        cap_column, exclusive_column = st.columns(2)
        cap_group = pick(
            labels["cap_group"],
            {"": "Cap"} | {group: group for group in caps},
            index=0,
            key=once.key(f"{ADD_FORM}_cap_group"),
            container=cap_column,
        )
        exclusive_group = exclusive_column.text_input(
            labels["exclusive_group"],
            max_chars=40,
            help="Activitats amb el mateix nom de grup són alternatives: només se'n fa una.",
            key=once.key(f"{ADD_FORM}_exclusive_group"),
        )
        depends_on = st.multiselect(
            labels["depends_on"],
            list(codes),
            format_func=lambda activity_id: codes[activity_id],
            placeholder="Cap",
            key=once.key(f"{ADD_FORM}_depends_on"),
        )
        if pending:
            st.caption(WAIT)
        submitted = st.form_submit_button(
            "Afegeix l'activitat",
            type="primary",
            icon=":material/add:",
            disabled=pending,
            key=once.key(f"{ADD_FORM}_submit"),
        )
    if not submitted:
        return
    values: dict[str, object] = {
        "code": code,
        "axis": axis,
        "title": title,
        "description": description,
        "conveni": conveni,
        "mandatory": mandatory,
        "estimated_cost_eur": cost,
        "staff_hours": hours,
        **scores,
        "cap_group": cap_group,
        "exclusive_group": exclusive_group,
        "depends_on": [by_id[activity_id] for activity_id in depends_on],
    }
    write(
        plan.add_activities,
        refused="No s'ha afegit l'activitat:",
        success=lambda added: f"Activitat {and_list(added)} afegida al pla {year}.",
        on_success=lambda _: start_again(),
        once=once,
        year=year,
        activities=[plan.NewActivity(1, values)],
    )


def delete_control(
    year: int, table: pd.DataFrame, *, pending: bool, start_again: Callable[[], None]
) -> None:
    """Activities to delete, and a confirmation."""
    once = submission(DELETE_FORM)
    labels = id_labels(table["id"], table["code"] + " · " + table["title"])
    chosen: list[int] = st.multiselect(
        "Activitats per esborrar",
        list(labels),
        format_func=lambda activity_id: labels[activity_id],
        placeholder="Trieu les activitats…",
        help=(
            "Només es pot esborrar una activitat que cap escenari desat no fa servir, de què no "
            "depèn cap altra, sense esdeveniments vinculats ni execució anotada."
        ),
        key=once.key(DELETE_FORM),
    )
    # The version each activity had when it was chosen, not when the deletion is confirmed:
    # a colleague's change in between must stop the deletion, not be deleted unseen.
    seen: dict[int, int] = st.session_state.setdefault(once.key(f"{DELETE_FORM}_seen"), {})
    versions = dict(zip(table["id"].astype(int), table["version"].astype(int), strict=True))
    for activity_id in list(seen):
        if activity_id not in chosen:
            del seen[activity_id]
    for activity_id in chosen:
        seen.setdefault(activity_id, versions[activity_id])
    codes = dict(zip(table["id"].astype(int), table["code"], strict=True))
    if pending and chosen:
        st.caption(WAIT)
    with st.popover(
        "Esborra…",
        icon=":material/delete:",
        disabled=not chosen or pending,
        key=once.key(f"{DELETE_FORM}_popover"),
    ):
        listed = and_list([codes[activity_id] for activity_id in chosen])
        st.markdown(
            f"Segur que voleu esborrar {plural(len(chosen), 'activitat', 'activitats')} del pla "
            f"{year} ({escape_markup(listed)})? No es pot desfer."
        )
        confirmed = st.button("Sí, esborra", type="primary", key=once.key(f"{DELETE_FORM}_confirm"))
    if not confirmed or not chosen or pending:
        return
    write(
        plan.delete_activities,
        refused="No s'ha esborrat cap activitat:",
        success=lambda deleted: (
            f"Pla {year}: {plural(len(deleted), 'activitat esborrada', 'activitats esborrades')}"
            f" ({and_list(deleted)})."
        ),
        on_success=lambda _: start_again(),
        once=once,
        year=year,
        activities=[
            plan.ActivityRef(activity_id, codes[activity_id], seen[activity_id])
            for activity_id in chosen
        ],
    )
