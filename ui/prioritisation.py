"""Widgets of the budget what-if: the inputs, the optimiser's answer cached by inputs, and
saving a scenario. The answer's tables are in ``ui.prioritisation_answer``, the efficient
frontier in ``ui.prioritisation_frontier``."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from db.data_version import Area, DataVersions
from services import optimiser, scenarios
from services.errors import ValidationError
from services.formatting import fmt_eur, fmt_number
from services.optimiser import CRITERIA, CRITERIA_LABELS, Inputs, Plan, Solution, Weights
from services.plan import plan_model
from settings import database_url
from ui.data import data_key, query
from ui.feedback import show_refusal
from ui.writes import submission, write

# The database's URL and its plan's data version.
PlanSource = tuple[str, DataVersions]

CONVENI_KEY = "prioritzacio_conveni"
BUDGET_KEY = "prioritzacio_budget"
OTHER_INCOME_KEY = "prioritzacio_other_income"
HOURS_KEY = "prioritzacio_hours"
CONVENI_FIRST_KEY = "prioritzacio_conveni_first"
# The budget the Conveni switch last put back, until the person changes it: the field says
# so, as a changed figure nobody typed would otherwise go unnoticed.
_BUDGET_RESET_KEY = "_prioritzacio_budget_reset"


# --- Inputs ----------------------------------------------------------------------------------


def _reset_budget() -> None:
    """Switching the Conveni on or off puts back that case's default budget."""
    extended = bool(st.session_state[CONVENI_KEY])
    st.session_state[BUDGET_KEY] = float(scenarios.default_budget(extended))
    st.session_state[_BUDGET_RESET_KEY] = (extended, st.session_state[BUDGET_KEY])


def _budget_notes(where: DeltaGenerator, budget: float) -> None:
    """Under the budget: the figure as it reads in euros, and why it changed when the
    Conveni switch put its default back."""
    text = fmt_eur(budget, 0)
    reset = st.session_state.get(_BUDGET_RESET_KEY)
    if reset is not None and reset[1] == budget:
        extended = reset[0]
        text += (
            " · posat al valor per defecte en "
            + ("activar" if extended else "desactivar")
            + " la pròrroga del Conveni"
        )
    else:
        st.session_state.pop(_BUDGET_RESET_KEY, None)
    where.caption(text)


def scenario_inputs(plan: Plan) -> scenarios.ScenarioInputs:
    """The what-if's inputs; results follow them on every change."""
    defaults = {
        CONVENI_KEY: False,
        BUDGET_KEY: float(scenarios.default_budget(False)),
        OTHER_INCOME_KEY: 0.0,
        HOURS_KEY: float(plan.total_hours),
        CONVENI_FIRST_KEY: True,
        **{
            f"prioritzacio_weight_{name}": int(getattr(scenarios.DEFAULT_WEIGHTS, name))
            for name in CRITERIA
        },
    }
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value
    with st.container(border=True):
        money = st.columns(4)
        extended = money[0].toggle(
            "Conveni prorrogat",
            key=CONVENI_KEY,
            on_change=_reset_budget,
            help="Amb el Conveni amb el Departament de Treball prorrogat, el pressupost "
            f"per defecte és {fmt_eur(scenarios.BUDGET_CONVENI_EXTENDED_EUR, 0)}; sense pròrroga, "
            f"{fmt_eur(scenarios.BUDGET_WITHOUT_CONVENI_EUR, 0)} (fons propis).",
        )
        conveni_first = money[0].toggle(
            "Prioritat al Conveni",
            key=CONVENI_FIRST_KEY,
            help="Com demana el pla: primer el màxim valor de les activitats vinculades al "
            "Conveni, i amb el que quedi, la resta. Desactivat: només el valor ponderat.",
        )
        budget = money[1].number_input(
            "Pressupost (€)", min_value=0.0, step=1000.0, format="%.0f", key=BUDGET_KEY
        )
        _budget_notes(money[1], budget or 0.0)
        other_income = money[2].number_input(
            "Altres ingressos (€)", min_value=0.0, step=1000.0, format="%.0f", key=OTHER_INCOME_KEY
        )
        money[2].caption(fmt_eur(other_income or 0.0, 0))
        hours = money[3].number_input(
            "Hores de l'equip", min_value=0.0, step=10.0, format="%.0f", key=HOURS_KEY
        )
        money[3].caption(f"{fmt_number(hours or 0.0)} h")
        sliders = st.columns(len(CRITERIA))
        weights = {
            name: column.slider(
                f"Pes: {CRITERIA_LABELS[name]}",
                min_value=0,
                max_value=scenarios.MAX_WEIGHT,
                key=f"prioritzacio_weight_{name}",
            )
            for column, name in zip(sliders, CRITERIA, strict=True)
        }
    return scenarios.ScenarioInputs(
        conveni_extended=bool(extended),
        budget_eur=Decimal(str(round(budget or 0.0, 2))),
        other_income_eur=Decimal(str(round(other_income or 0.0, 2))),
        staff_hours=Decimal(str(round(hours or 0.0, 1))),
        weights=Weights(**{name: float(value) for name, value in weights.items()}),
        conveni_first=bool(conveni_first),
    )


# --- Cached solves ---------------------------------------------------------------------------


def plan_source() -> PlanSource:
    """The database and the version of its plan: what the what-if's cached answers are
    valid for (a logged contact or a saved scenario leaves them cached)."""
    return database_url(), data_key(Area.PLAN)


@st.cache_data(show_spinner=False, max_entries=500)
def cached_solution(source: PlanSource, year: int, inputs: Inputs) -> Solution:
    """The optimiser's answer for ``inputs``, once per plan version, year and inputs."""
    return optimiser.solve(query(plan_model, year=year), inputs)


def refused(error: Exception) -> None:
    """Why the optimiser gave no answer: the plan's refused data, or a failure."""
    if isinstance(error, ValidationError):
        show_refusal(
            "No es pot calcular l'escenari: reviseu les activitats del pla.", error.messages
        )
    else:
        st.error(
            "El càlcul de l'escenari ha fallat. Torneu-ho a provar; si es repeteix, reviseu "
            "les activitats del pla.",
            icon=":material/error:",
        )
        st.caption(f"Detall tècnic: {error}")


def solution(year: int, inputs: Inputs) -> Solution | None:
    """The optimiser's answer (cached by inputs), or None after saying why there is none."""
    try:
        return cached_solution(plan_source(), year, inputs)
    except (ValidationError, RuntimeError) as error:
        refused(error)
        return None


# --- Saving ----------------------------------------------------------------------------------


def save_form(year: int, inputs: scenarios.ScenarioInputs) -> None:
    # One round per saved scenario: the form comes back empty, and a second click on the same
    # drawing (a double click, a resubmission after a slow answer) saves nothing twice.
    once = submission("prioritzacio_save")
    with st.form(once.key("prioritzacio_save_form"), border=True):
        st.markdown("**Desa aquest escenari** per comparar-lo o portar-lo a l'acta")
        name = st.text_input(
            "Nom de l'escenari",
            max_chars=scenarios.MAX_NAME_LENGTH,
            placeholder="p. ex. Sense pròrroga del Conveni",
            key=once.key("prioritzacio_save_name"),
        )
        notes = st.text_area("Notes (opcional)", key=once.key("prioritzacio_save_notes"), height=80)
        submitted = st.form_submit_button("Desa l'escenari", type="primary")
    if submitted:
        write(
            scenarios.save_scenario,
            refused="No s'ha desat l'escenari:",
            success=f"Escenari «{' '.join((name or '').split())}» desat.",
            once=once,
            year=year,
            name=name or "",
            inputs=inputs,
            notes=notes or "",
        )


def load_plan(year: int) -> Plan:
    return query(plan_model, year=year)
