"""Priorització del pressupost: which plan activities go ahead with the money and hours there
are, why the others do not, what more money would buy, and saved scenarios side by side."""

from __future__ import annotations

import streamlit as st

from services.access import Right
from services.formatting import fmt_eur, fmt_number
from ui import prioritisation as widgets
from ui.feedback import show_flash
from ui.plan_editing import plan_year
from ui.prioritisation_answer import show_solution
from ui.prioritisation_editor import activity_editor
from ui.prioritisation_frontier import show_frontier
from ui.prioritisation_scenarios import saved_scenarios
from ui.rights import may


def render() -> None:
    st.title("Priorització del pressupost")
    show_flash()
    year = plan_year()
    if year is None:
        return
    plan_now = widgets.load_plan(year)

    scenario_tab, saved_tab, activities_tab = st.tabs(
        ["Escenari", "Escenaris desats", f"Activitats del pla {year}"], key="prioritzacio_tabs"
    )
    with scenario_tab:
        inputs = widgets.scenario_inputs(plan_now)
        st.caption(
            f"Disponible: **{fmt_eur(inputs.available_eur, 0)}** · pla sencer "
            f"{fmt_eur(plan_now.total_cost_eur, 0)} i "
            f"{fmt_number(plan_now.total_hours)} h de l'equip."
        )
        result = widgets.solution(year, inputs.optimiser_inputs())
        if result is not None:
            show_solution(plan_now, result)
            show_frontier(year, plan_now, inputs.optimiser_inputs())
            # Saving is the team's: the Commission reads the what-if without keeping it.
            if result.feasible and may(Right.EDIT_PLAN):
                widgets.save_form(year, inputs)
    with saved_tab:
        saved_scenarios(year)
    with activities_tab:
        activity_editor(year)


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
