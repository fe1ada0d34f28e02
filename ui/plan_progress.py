"""Seguiment del pla, the view: the adopted plan, how far it has got (per axis, Conveni-linked
or not), money and hours against the estimates, and what is late for its quarter."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from db.models import ActivityStatus
from services import execution, scenarios
from services.access import Right
from services.catalan import plural
from services.formatting import EUR_WHOLE, NUMBER, fmt_datetime, fmt_eur, fmt_number, fmt_percent
from services.labels import ACTIVITY_STATUS, PLAN_AXIS
from ui.charts import show_chart
from ui.data import query
from ui.layout import presentation_mode
from ui.metrics import Figure, metric_row
from ui.plan_charts import money_by_axis, status_by_axis
from ui.rights import may
from ui.tables import data_table
from ui.text import escape_markup
from ui.widgets import id_labels, pick
from ui.writes import write


def adoption(year: int) -> execution.AdoptedPlan | None:
    """Which scenario is the year's plan, and (for the team) adopting one."""
    adopted = query(execution.adopted_scenario, year=year)
    if adopted is not None:
        # Who adopted it is a person's e-mail: not on the shared screen.
        who = "" if presentation_mode() else f" per {escape_markup(adopted.adopted_by)}"
        st.markdown(
            f"Pla adoptat per al {year}: **{escape_markup(adopted.name)}**, des del "
            f"{fmt_datetime(adopted.adopted_at)}{who}."
        )
    if presentation_mode() or not may(Right.EDIT_PLAN):
        if adopted is None:
            st.info(
                f"Encara no s'ha adoptat cap escenari com a pla del {year}. L'equip el pot "
                "adoptar aquí mateix, d'entre els escenaris desats a Priorització."
            )
        return adopted
    saved = query(scenarios.list_scenarios, year=year)
    if saved.empty:
        st.info(
            "Per seguir el pla, primer cal desar un escenari a «Priorització del pressupost» i "
            "adoptar-lo aquí."
        )
        return adopted
    names = id_labels(saved["scenario_id"], saved["name"])
    if adopted is not None:
        names.pop(adopted.scenario_id, None)
    if not names:
        return adopted
    label = "Adopta un altre escenari…" if adopted else "Adopta un escenari com a pla de l'any…"
    with st.popover(label, icon=":material/how_to_vote:", key="pla_adopt_popover"):
        chosen = pick("Escenari", names, key="pla_adopt_choice")
        if adopted is not None:
            st.warning(
                f"Substituirà «{escape_markup(adopted.name)}» com a pla adoptat del {year}. "
                "L'estat, els costos reals i els esdeveniments de les activitats es mantenen."
            )
        if st.button(
            "Sí, adopta'l" if adopted else "Adopta'l",
            type="primary",
            disabled=chosen is None,
            key="pla_adopt",
        ):
            write(
                execution.adopt_scenario,
                refused="No s'ha adoptat l'escenari:",
                success=lambda plan: f"«{plan.name}» és ara el pla adoptat del {plan.year}.",
                scenario_id=chosen,
            )
    return adopted


def _status_counts(in_plan: pd.DataFrame) -> dict[str, int]:
    counts = in_plan["status"].value_counts()
    return {status.value: int(counts.get(status.value, 0)) for status in ActivityStatus}


def progress_figures(table: pd.DataFrame) -> None:
    in_plan = table[table["in_plan"]]
    counts = _status_counts(in_plan)
    live = len(in_plan) - counts[ActivityStatus.CANCELLED]
    estimated = float(in_plan["estimated_cost_eur"].sum())
    spent = float(table["actual_cost_eur"].fillna(0).sum())
    hours_estimated = float(in_plan["estimated_hours"].sum())
    hours_spent = float(table["actual_hours"].fillna(0).sum())
    late = int(in_plan["late"].sum())
    metric_row(
        [
            Figure(
                "Activitats fetes",
                f"{counts[ActivityStatus.DONE]} de {live}",
                delta=f"{counts[ActivityStatus.IN_PROGRESS]} en curs",
                delta_color="off",
                delta_arrow="off",
                help="Del pla adoptat, sense les anul·lades.",
            ),
            Figure(
                "Diners gastats",
                fmt_eur(spent, 0),
                delta=f"{fmt_percent(spent / estimated if estimated else 0)} dels "
                f"{fmt_eur(estimated, 0)} previstos",
                delta_color="off",
                delta_arrow="off",
                help="Costos reals entrats per l'equip, de qualsevol activitat del pla.",
            ),
            Figure(
                "Hores dedicades",
                f"{fmt_number(hours_spent)} h",
                delta=f"de {fmt_number(hours_estimated)} h previstes",
                delta_color="off",
                delta_arrow="off",
            ),
            Figure(
                "Endarrerides",
                str(late),
                delta=plural(counts[ActivityStatus.CANCELLED], "anul·lada", "anul·lades"),
                delta_color="off",
                delta_arrow="off",
                help="Activitats del pla adoptat que no estan fetes i el seu trimestre ja ha "
                "acabat.",
            ),
        ]
    )


def progress_charts(by_axis: pd.DataFrame) -> None:
    if by_axis.empty:
        return
    conveni_column, other_column = st.columns(2)
    for column, linked, title in (
        (conveni_column, True, "Activitats vinculades al Conveni"),
        (other_column, False, "Altres activitats"),
    ):
        part = by_axis[by_axis["conveni"] == linked]
        if part.empty:
            column.info(f"{title}: cap al pla adoptat.")
        else:
            show_chart(status_by_axis, part, title, where=column)
    show_chart(money_by_axis, by_axis)


def late_activities(table: pd.DataFrame) -> None:
    late = table[table["late"] & table["in_plan"]]
    st.subheader("Endarrerides")
    if late.empty:
        st.success(
            "Cap activitat del pla adoptat va tard per al seu trimestre.",
            icon=":material/event_available:",
        )
        return
    data_table(
        pd.DataFrame(
            {
                "Codi": late["code"],
                "Activitat": late["title"],
                "Eix": late["axis"].map(PLAN_AXIS),
                "Trimestre": late["quarter"].map(lambda q: f"T{q}"),
                "Estat": late["status"].map(lambda s: ACTIVITY_STATUS[ActivityStatus(s)]),
            }
        ),
        key="pla_late",
        file_name="activitats-endarrerides",
    )


def activities_table(table: pd.DataFrame) -> None:
    st.subheader("Totes les activitats")
    data_table(
        pd.DataFrame(
            {
                "Codi": table["code"],
                "Activitat": table["title"],
                "Al pla": table["in_plan"].map({True: "Sí", False: "No"}),
                "Conveni": table["conveni"].map({True: "Sí", False: "No"}),
                "Estat": table["status"].map(lambda s: ACTIVITY_STATUS[ActivityStatus(s)]),
                "Trimestre": table["quarter"],
                "Cost previst": table["estimated_cost_eur"],
                "Cost real": table["actual_cost_eur"],
                "Hores previstes": table["estimated_hours"],
                "Hores reals": table["actual_hours"],
                "Esdeveniments": table["events"],
                "Assistents": table["attended"],
                "Membres": table["members_reached"],
                "Comarques": table["comarques"],
            }
        ),
        key="pla_activities",
        file_name="execucio-del-pla",
        formats={
            "Cost previst": EUR_WHOLE,
            "Cost real": EUR_WHOLE,
            "Hores previstes": NUMBER,
            "Hores reals": NUMBER,
            "Trimestre": NUMBER,
        },
    )


def progress_view(year: int, today: date) -> None:
    table = query(execution.execution_table, year=year, today=today)
    if not table["in_plan"].any():
        st.info("Quan hi hagi un pla adoptat, aquí se'n veurà l'avenç.")
        return
    progress_figures(table)
    progress_charts(execution.axis_summary(table))
    late_activities(table)
    activities_table(table)
