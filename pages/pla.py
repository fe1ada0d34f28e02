"""Seguiment del pla: the year's adopted plan through the year (how far it has got, money and
hours spent, what is late), the team's execution edits and linked events, the mid-year
re-plan, and the Conveni's justification."""

from __future__ import annotations

import streamlit as st

from services.clock import catalan_today
from ui.feedback import show_flash
from ui.plan_editing import plan_year
from ui.plan_execution_edit import event_links, execution_editor
from ui.plan_progress import adoption, progress_view
from ui.plan_replan import justification_view, replan_view


def render() -> None:
    st.title("Seguiment del pla")
    show_flash()
    year = plan_year()
    if year is None:
        return
    today = catalan_today()
    adoption(year)
    progress_tab, execution_tab, replan_tab, justification_tab = st.tabs(
        ["Avenç", "Execució", "Replanificació", "Justificació del Conveni"],
        key="pla_tabs",
        on_change="rerun",
    )
    # Lazy tabs: only the open one runs.
    if progress_tab.open:
        with progress_tab:
            progress_view(year, today)
    if execution_tab.open:
        with execution_tab:
            execution_editor(year, today)
            event_links(year, today)
    if replan_tab.open:
        with replan_tab:
            replan_view(year, today)
    if justification_tab.open:
        with justification_tab:
            justification_view(year, today)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
