"""Inici: the morning view. The network's headline figures against the previous quarter,
whom to contact and why, stuck onboardings, the next events, and what else waits: referrals
with no follow-up, open advisory requests, events to check in, groups losing attendance."""

from __future__ import annotations

import streamlit as st

from services import overview
from services.catalan import plural
from services.clock import catalan_today
from services.formatting import fmt_eur, fmt_long_date, fmt_number, fmt_percent
from ui import morning
from ui.chart_specs import province_bars
from ui.charts import show_chart
from ui.data import query
from ui.metrics import Figure, metric_row
from ui.tables import data_table

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
    # The figure alone: the caption under the row says what it compares with, and a longer
    # text is cut at 1440 px ("respecte al trimestre ant…").
    return f"{sign}{fmt_number(change)}"


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
        "Les variacions comparen amb el trimestre anterior · "
        f"{plural(figures.persons, 'persona', 'persones')} de contacte · "
        f"{plural(figures.events_this_year, 'esdeveniment', 'esdeveniments')} "
        f"el {figures.today.year} ({plural(figures.events_held, 'fet', 'fets')}, "
        f"{fmt_number(figures.events_upcoming)} per fer)"
        + (
            f" · Cost estimat del pla: {fmt_eur(figures.plan_cost_eur, 0)}, "
            f"{fmt_percent(figures.conveni_cost_share)} vinculat al Conveni"
            if figures.plan_activities
            else ""
        )
    )


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

    mine = morning.my_members(today)
    left, right = st.columns([3, 2])
    with left:
        morning.to_contact(today, mine)
    with right:
        morning.stuck(today, mine)
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

    st.subheader("També pendent")
    first_row = st.columns(2)
    with first_row[0]:
        morning.referrals(today, mine)
    with first_row[1]:
        morning.open_advisories(today, mine)
    second_row = st.columns(2)
    with second_row[0]:
        morning.check_ins(today)
    with second_row[1]:
        morning.falling_groups(today)

    by_province = query(overview.members_by_province, today=today)
    show_chart(province_bars, by_province)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
