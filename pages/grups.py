"""Grups de Treball: which groups are alive, who takes part and who never comes, the
participation index ("cura de membres"), and the groups' enrolments and sessions."""

from __future__ import annotations

import streamlit as st

from services import participation, work_groups
from services.clock import catalan_today
from ui import work_group_panels as widgets
from ui.data import query
from ui.feedback import show_flash
from ui.rights import offers_forms


def render() -> None:
    today = catalan_today()
    st.title("Grups de Treball")
    show_flash()
    overview = query(work_groups.group_overview, today=today)
    if overview.empty:
        st.info("Encara no hi ha cap grup de treball. Carregueu la demo (`make demo`).")
        return
    matrix = query(work_groups.attendance_matrix, today=today)
    no_group = query(work_groups.members_without_group, today=today)
    index = query(participation.participation_index, today=today)
    widgets.headline(overview, matrix, no_group=len(no_group), members=len(index))

    names = ["Grups", "Membres", "Índex de participació"]
    # The team's forms: not for a read-only role (the Commission), nor on the shared screen.
    if offers_forms():
        names.append("Inscripcions i sessions")
    # Lazy tabs: only the open one runs, so a rerun costs one tab, not four.
    tabs = st.tabs(names, key="grups_tab", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            widgets.groups_table(overview)
            widgets.falling_groups(overview)
            widgets.trend_chart(query(work_groups.quarterly_trend, today=today))
    if tabs[1].open:
        with tabs[1]:
            widgets.heatmap(matrix, overview["work_group"].tolist())
            widgets.without_group(no_group, index)
    if tabs[2].open:
        with tabs[2]:
            if index.empty:
                st.info("No hi ha cap membre actiu per calcular-ne l'índex.")
            else:
                widgets.participation_section(
                    index, participation.falling_from(index), participation.bands_from(index)
                )
    if len(tabs) > 3 and tabs[3].open:
        groups = query(work_groups.group_options)
        with tabs[3]:
            widgets.enrolment(groups, today)
            st.divider()
            widgets.session_form(groups, today)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
