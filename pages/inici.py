"""Inici: the morning view. Whom to contact and why, stuck onboardings, the next events,
and the network's headline figures against the previous quarter."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from services import follow_up, overview
from services.access import Right
from services.clock import catalan_today
from services.formatting import fmt_date, fmt_eur, fmt_long_date, fmt_number, fmt_percent
from settings import load_settings
from ui.charts import show_chart
from ui.data import query
from ui.layout import presentation_mode
from ui.links import member_file_url
from ui.metrics import Figure, metric_row
from ui.navigation import page
from ui.rights import may
from ui.tables import data_table

# Each member row links to the member's file (/seguiment?membre=…).
FILE_LINK = {"Fitxa": "Obre la fitxa"}
URGENT = [follow_up.FollowUpStatus.OVERDUE, follow_up.FollowUpStatus.NEVER]
TO_CONTACT = [*URGENT, follow_up.FollowUpStatus.DUE_SOON]
EVENT_LABELS = {
    "held_on": "Data",
    "event": "Esdeveniment",
    "kind": "Tipus",
    "format": "Format",
    "place": "Lloc",
    "registrations": "Inscripcions",
}


def _delta(now: int, before: int) -> str:
    change = now - before
    sign = "+" if change > 0 else ""
    return f"{sign}{fmt_number(change)} respecte al trimestre anterior"


def _headline(figures: overview.HeadlineFigures, change: overview.QuarterChange) -> None:
    metric_row(
        [
            Figure(
                "Membres actius",
                fmt_number(figures.active_members),
                delta=_delta(change.active_members_now, change.active_members_before),
                help=f"{fmt_number(figures.new_members)} s'han incorporat els darrers 12 mesos.",
            ),
            Figure(
                "Contactes (3 mesos)",
                fmt_number(change.contacts_now),
                delta=_delta(change.contacts_now, change.contacts_before),
            ),
            Figure(
                "Assistències (3 mesos)",
                fmt_number(change.attendances_now),
                delta=_delta(change.attendances_now, change.attendances_before),
                help="Assistències de membres a esdeveniments i sessions de grups de treball.",
            ),
            Figure(
                f"Activitats del pla {figures.plan_year}",
                fmt_number(figures.plan_activities),
                delta=f"{fmt_number(figures.conveni_activities)} vinculades al Conveni",
                delta_color="off",
            ),
        ]
    )
    st.caption(
        f"{fmt_number(figures.persons)} persones de contacte · "
        f"{fmt_number(figures.events_this_year)} esdeveniments el {figures.today.year} "
        f"({fmt_number(figures.events_held)} fets, {fmt_number(figures.events_upcoming)} per fer)"
        + (
            f" · Cost estimat del pla: {fmt_eur(figures.plan_cost_eur, 0)}, "
            f"{fmt_percent(figures.conveni_cost_share)} vinculat al Conveni"
            if figures.plan_activities
            else ""
        )
    )


def _to_contact(statuses: pd.DataFrame) -> None:
    due = statuses[statuses["status"].isin([s.value for s in TO_CONTACT])]
    urgent = int(due["status"].isin([s.value for s in URGENT]).sum())
    st.subheader("Qui cal contactar")
    if due.empty:
        st.success("Tots els membres estan al dia.", icon=":material/check_circle:")
        return
    st.caption(
        f"{fmt_number(urgent)} endarrerits o sense contacte, "
        f"{fmt_number(len(due) - urgent)} que toquen aviat. Els més urgents primer."
    )
    reason = due.apply(
        lambda r: (
            f"{r['days_overdue']} dies de retard"
            if r["status"] == follow_up.FollowUpStatus.OVERDUE
            else (
                "Mai contactat"
                if r["status"] == follow_up.FollowUpStatus.NEVER
                else f"Toca el {fmt_date(r['next_due'])}"
            )
        ),
        axis=1,
    )
    table = pd.DataFrame(
        {
            "Membre": due["member"],
            "Estat": due["status"],
            "Per què": reason,
            "Últim contacte": due["last_contact"],
            "Responsable": due["owner"],
            "Acollida": due["in_onboarding"].map({True: "En curs", False: ""}),
            "Fitxa": due["member_id"].map(member_file_url),
        }
    )
    if presentation_mode():
        # The staff member in charge is a person: not on the Commission's shared screen.
        table = table.drop(columns="Responsable")
    data_table(
        table,
        key="inici_to_contact",
        file_name="qui_cal_contactar",
        links=FILE_LINK,
        height=min(36 * (len(table) + 1), 420),
    )
    st.page_link(
        page("seguiment"),
        label="Obre Seguiment de membres"
        + (" per registrar-hi un contacte" if may(Right.EDIT_NETWORK) else ""),
    )


def _stuck(today: date) -> None:
    onboarding = query(follow_up.onboarding_progress, today=today)
    stuck = onboarding[onboarding["stuck"]] if not onboarding.empty else onboarding
    # The longest stuck first: they need a call first.
    stuck = stuck.sort_values("days_without_progress", ascending=False, kind="stable")
    st.subheader("Acollides encallades")
    if stuck.empty:
        st.caption("Cap acollida encallada: totes avancen o estan completes.")
        return
    data_table(
        pd.DataFrame(
            {
                "Membre": stuck["member"],
                "Passos": stuck["steps_done"].astype(str)
                + " de "
                + stuck["steps_total"].astype(str),
                "Dies sense avançar": stuck["days_without_progress"],
                "Alta": stuck["joined_on"],
                "Fitxa": stuck["member_id"].map(member_file_url),
            }
        ),
        key="inici_stuck",
        file_name="acollides_encallades",
        links=FILE_LINK,
    )


def province_bars(by_province: pd.DataFrame) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(by_province, title="Membres actius per demarcació")
        .mark_bar()
        .encode(
            x=alt.X("members:Q", title="Membres"),
            y=alt.Y("province:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("province:N", title="Demarcació"),
                alt.Tooltip("members:Q", title="Membres"),
            ],
        )
    )
    return chart


def render() -> None:
    today = catalan_today()
    st.title("Inici")
    st.caption(f"Estat de la xarxa a {fmt_long_date(today)}")

    figures = query(overview.headline_figures, today=today)
    if figures.active_members == 0 and figures.plan_activities == 0:
        st.info(
            "Encara no hi ha dades. Carregueu la xarxa de demostració amb `make demo` o "
            "importeu les vostres dades des de la pàgina Dades.",
            icon=":material/inbox:",
        )
        return
    _headline(figures, query(overview.quarter_change, today=today))

    left, right = st.columns([3, 2])
    with left:
        cadence = follow_up.Cadence.from_settings(load_settings())
        _to_contact(query(follow_up.member_status, today=today, cadence=cadence))
    with right:
        _stuck(today)
        st.subheader("Propers esdeveniments (14 dies)")
        events = query(overview.upcoming_events, today=today, days=14)
        if events.empty:
            st.caption("No hi ha cap esdeveniment previst en els propers 14 dies.")
        else:
            data_table(
                events,
                key="inici_events",
                file_name="propers_esdeveniments",
                labels=EVENT_LABELS,
            )
        by_province = query(overview.members_by_province, today=today)
        show_chart(province_bars, by_province)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
