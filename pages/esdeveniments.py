"""Esdeveniments: which events are alive, registrations against attendance, the territories
reached, who never comes, the thematic-day cap, and the check-in."""

from __future__ import annotations

import streamlit as st

from services import events
from services.clock import catalan_today
from ui import check_in
from ui import event_panels as widgets
from ui.data import query
from ui.feedback import show_flash
from ui.rights import offers_forms


def render() -> None:
    today = catalan_today()
    st.title("Esdeveniments")
    show_flash()
    filters = widgets.filters(today)
    frame = query(events.events_table, today=today, filters=filters)
    members = query(events.member_attendance, today=today, filters=filters)
    cap = query(events.thematic_days, today=today, year=filters.year or today.year)
    widgets.headline(frame, members, cap)
    widgets.thematic_cap(cap)

    names = ["Esdeveniments", "Territori", "Membres"]
    # The team's forms: not for a read-only role (the Commission), nor on the shared screen.
    if offers_forms():
        names.append("Check-in")
    # Lazy tabs: only the open one runs, so a rerun costs one tab, not four.
    tabs = st.tabs(names, key="esdeveniments_tab", on_change="rerun")
    if tabs[0].open:
        with tabs[0]:
            if frame.empty:
                st.info("Cap esdeveniment no compleix els filtres triats.")
            else:
                widgets.event_lists(frame)
                widgets.event_detail(frame, today)
    if tabs[1].open:
        with tabs[1]:
            widgets.territory_section(
                query(events.attendance_by_territory, today=today, filters=filters)
            )
    if tabs[2].open:
        with tabs[2]:
            widgets.members_section(members)
    if len(tabs) > 3 and tabs[3].open:
        with tabs[3]:
            check_in.check_in(today)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
