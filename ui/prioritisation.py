"""Widgets of the budget what-if: the inputs, the optimiser's answer (funded and cut activities
with their reasons, totals by axis), the efficient frontier and saving a scenario."""

from __future__ import annotations

from decimal import Decimal

import altair as alt
import pandas as pd
import streamlit as st

from db.session import session_scope
from services import optimiser, scenarios
from services.errors import ValidationError
from services.formatting import fmt_eur, fmt_number, fmt_percent
from services.labels import PLAN_AXIS
from services.optimiser import CRITERIA, CRITERIA_LABELS, Gain, Inputs, Plan, Solution, Weights
from services.plan import plan_model
from settings import database_url
from ui.data import get_engine, query
from ui.feedback import after_write
from ui.layout import current_username
from ui.tables import data_table

CONVENI_KEY = "prioritzacio_conveni"
BUDGET_KEY = "prioritzacio_budget"
OTHER_INCOME_KEY = "prioritzacio_other_income"
HOURS_KEY = "prioritzacio_hours"
CONVENI_FIRST_KEY = "prioritzacio_conveni_first"
EXTRA_KEY = "prioritzacio_extra"
DEFAULT_EXTRA_EUR = 10_000.0
# Vega's number format speaks English; these label expressions write ca-ES thousands.
_EUR_LABEL = "replace(format(datum.value, ',.0f'), /,/g, '.') + ' €'"
_NUMBER_LABEL = "replace(format(datum.value, ',.0f'), /,/g, '.')"
SERIES = {"value": "Valor total", "conveni_value": "Valor vinculat al Conveni"}


def _hours(value: float) -> str:
    return fmt_number(value, 0 if float(value).is_integer() else 1)


def _yes(value: bool) -> str:
    return "Sí" if value else ""


# --- Inputs ----------------------------------------------------------------------------------


def _reset_budget() -> None:
    """Switching the Conveni on or off puts back that case's default budget."""
    extended = bool(st.session_state[CONVENI_KEY])
    st.session_state[BUDGET_KEY] = float(scenarios.default_budget(extended))


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
        other_income = money[2].number_input(
            "Altres ingressos (€)", min_value=0.0, step=1000.0, format="%.0f", key=OTHER_INCOME_KEY
        )
        hours = money[3].number_input(
            "Hores de l'equip", min_value=0.0, step=10.0, format="%.0f", key=HOURS_KEY
        )
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


@st.cache_data(show_spinner=False, max_entries=500)
def _solution(url: str, year: int, inputs: Inputs) -> Solution:
    return optimiser.solve(query(plan_model, year=year), inputs)


@st.cache_data(show_spinner=False, max_entries=100)
def _frontier(url: str, year: int, inputs: Inputs) -> pd.DataFrame:
    return optimiser.frontier(query(plan_model, year=year), inputs)


@st.cache_data(show_spinner=False, max_entries=100)
def _frontier_spec(url: str, year: int, inputs: Inputs) -> dict:
    # Altair validates its whole schema on every build (~50 ms): build the Vega-Lite spec
    # once per scenario, like the frontier itself.
    return frontier_chart(_frontier(url, year, inputs)).to_dict()


@st.cache_data(show_spinner=False, max_entries=200)
def _gain(url: str, year: int, inputs: Inputs, extra_eur: Decimal) -> Gain | None:
    now = _solution(url, year, inputs)  # cached: the page has just drawn it
    return optimiser.what_more_buys(query(plan_model, year=year), inputs, extra_eur, now=now)


def _refused(error: Exception) -> None:
    if isinstance(error, ValidationError):
        st.error(
            "No es pot calcular l'escenari: reviseu les activitats del pla.\n"
            + "\n".join(f"- {m}" for m in error.messages),
            icon=":material/error:",
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
        return _solution(database_url(), year, inputs)
    except (ValidationError, RuntimeError) as error:
        _refused(error)
        return None


# --- The answer ------------------------------------------------------------------------------


def _activity_rows(frame: pd.DataFrame, *, with_reason: bool) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {
        "Codi": frame["code"],
        "Activitat": frame["title"],
    }
    if with_reason:
        # The reason is what the Commission reads first: next to the title, never off screen.
        columns["Motiu"] = frame["reason"]
    columns |= {
        "Cost": frame["cost_eur"].map(lambda v: fmt_eur(v, 0)),
        "Hores": frame["staff_hours"].map(_hours),
        "Valor": frame["value"].map(fmt_number),
        "Conveni": frame["conveni"].map(_yes),
        "Obligatòria": frame["mandatory"].map(_yes),
        "Eix": frame["axis"].map(PLAN_AXIS),
    }
    return pd.DataFrame(columns)


_ACTIVITY_COLUMNS = {
    "Codi": st.column_config.TextColumn(width="small"),
    "Activitat": st.column_config.TextColumn(width="large"),
    "Motiu": st.column_config.TextColumn(width="large"),
}


def _shortfalls(plan: Plan, result: Solution) -> None:
    st.error(
        "**Les activitats obligatòries no hi caben**, ni deixant fora totes les altres:\n"
        + "\n".join(f"- {shortfall.message}" for shortfall in result.shortfalls),
        icon=":material/block:",
    )
    codes = {code for shortfall in result.shortfalls for code in shortfall.codes}
    frame = optimiser.decisions_frame(plan, result)
    data_table(
        _activity_rows(frame[frame["code"].isin(codes)], with_reason=False).drop(columns=["Valor"]),
        key="prioritzacio_mandatory",
        file_name="activitats_obligatories",
    )


def _metrics(plan: Plan, result: Solution) -> None:
    cells = st.columns(5)
    cells[0].metric(
        "Activitats finançades",
        f"{len(result.selected)} de {len(plan.activities)}",
        border=True,
    )
    cells[1].metric("Cost finançat", fmt_eur(result.cost_eur, 0), border=True)
    cells[2].metric("Diners sobrants", fmt_eur(result.budget_left_eur, 0), border=True)
    cells[3].metric("Hores sobrants", f"{_hours(float(result.hours_left))} h", border=True)
    cells[4].metric(
        "Part del Conveni",
        fmt_percent(result.conveni_share),
        border=True,
        help="Part del cost finançat que va a activitats vinculades al Conveni.",
    )


def _axis_table(plan: Plan, result: Solution) -> None:
    totals = optimiser.axis_totals(plan, result)
    table = pd.DataFrame(
        {
            "Eix": totals["axis"].map(PLAN_AXIS),
            "Finançades": [
                f"{funded} de {count}"
                for funded, count in zip(totals["funded"], totals["activities"], strict=True)
            ],
            "Cost finançat": totals["funded_cost_eur"].map(lambda v: fmt_eur(v, 0)),
            "Cost retallat": totals["cut_cost_eur"].map(lambda v: fmt_eur(v, 0)),
            "Hores finançades": totals["funded_hours"].map(_hours),
        }
    )
    data_table(table, key="prioritzacio_axes", file_name="prioritzacio_per_eix")


def show_solution(plan: Plan, result: Solution) -> None:
    if not result.feasible:
        _shortfalls(plan, result)
        return
    if not result.proven_optimal:
        st.warning(
            "El càlcul ha arribat al temps màxim: la selecció compleix totes les condicions, "
            "però potser no és la millor possible."
        )
    _metrics(plan, result)
    frame = optimiser.decisions_frame(plan, result)
    funded, cut = frame[frame["selected"]], frame[~frame["selected"]]
    st.subheader("Què queda fora i per què")
    if cut.empty:
        st.info("Amb aquests recursos es poden finançar totes les activitats del pla.")
    else:
        data_table(
            _activity_rows(cut, with_reason=True),
            key="prioritzacio_cut",
            file_name="activitats_retallades",
            column_config=_ACTIVITY_COLUMNS,
        )
    st.subheader("Què es finança")
    if funded.empty:
        st.info("Amb aquests recursos no es pot finançar cap activitat.")
    else:
        data_table(
            _activity_rows(funded, with_reason=False),
            key="prioritzacio_funded",
            file_name="activitats_financades",
            column_config=_ACTIVITY_COLUMNS,
        )
    st.subheader("Per eix del pla")
    _axis_table(plan, result)


# --- The frontier ----------------------------------------------------------------------------


def frontier_chart(frame: pd.DataFrame) -> alt.LayerChart:
    long = frame.melt(
        id_vars=["budget_eur", "cost_eur", "funded", "current"],
        value_vars=list(SERIES),
        var_name="series",
        value_name="Valor",
    )
    long["Sèrie"] = long["series"].map(SERIES)
    long["Pressupost"] = long["budget_eur"].map(lambda v: fmt_eur(v, 0))
    long["Cost"] = long["cost_eur"].map(lambda v: fmt_eur(v, 0))
    long["Activitats"] = long["funded"]
    x = alt.X(
        "budget_eur:Q",
        title="Pressupost disponible",
        axis=alt.Axis(labelExpr=_EUR_LABEL),
        scale=alt.Scale(zero=False),
    )
    lines = (
        alt.Chart(long, title="Valor que compra cada pressupost")
        .mark_line(interpolate="step-after", point=True)
        .encode(
            x=x,
            y=alt.Y("Valor:Q", title="Valor ponderat", axis=alt.Axis(labelExpr=_NUMBER_LABEL)),
            color=alt.Color(
                "Sèrie:N",
                scale=alt.Scale(domain=list(SERIES.values()), range=["#1f77b4", "#2ca02c"]),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=["Sèrie", "Pressupost", "Valor", "Activitats", "Cost"],
        )
    )
    current = long[long["current"] & (long["series"] == "value")]
    marker = (
        alt.Chart(current)
        .mark_point(shape="diamond", size=260, filled=True, color="#c0392b")
        .encode(x=x, y="Valor:Q", tooltip=["Pressupost", "Valor", "Activitats", "Cost"])
    )
    rule = alt.Chart(current).mark_rule(color="#c0392b", strokeDash=[4, 4]).encode(x=x)
    label = (
        alt.Chart(current)
        .mark_text(align="left", baseline="top", dx=6, color="#c0392b", fontWeight="bold")
        .encode(x=x, y=alt.value(4), text=alt.value("Escenari actual"))
    )
    return alt.layer(lines, rule, marker, label)


def _gain_text(plan: Plan, gain: Gain) -> str:
    titles = {a.code: a for a in plan.activities}

    def names(codes: tuple[str, ...]) -> str:
        return "\n".join(
            f"  - {code} {titles[code].title} ({fmt_eur(titles[code].cost_eur, 0)})"
            for code in codes
        )

    head = f"**Amb {fmt_eur(gain.extra_eur, 0)} més**"
    if not gain.added and not gain.removed:
        return f"{head} no canviaria res: el que queda fora no hi cap per altres motius."
    parts = [f"{head}, el valor ponderat pujaria {fmt_number(gain.value_gain)} punts."]
    if gain.added:
        parts.append(f"- Entrarien {len(gain.added)} activitats:\n{names(gain.added)}")
    if gain.removed:
        parts.append(
            f"- Sortirien {len(gain.removed)} activitats (per fer-hi lloc):\n{names(gain.removed)}"
        )
    return "\n".join(parts)


def show_frontier(year: int, plan: Plan, inputs: Inputs) -> None:
    st.subheader("Què compra cada euro")
    try:
        frame = _frontier(database_url(), year, inputs)
    except (ValidationError, RuntimeError) as error:
        _refused(error)
        return
    if frame.empty:
        st.info(
            "No es pot dibuixar la corba: les activitats obligatòries no hi caben amb les "
            "hores de l'equip, sigui quin sigui el pressupost."
        )
        return
    st.vega_lite_chart(spec=_frontier_spec(database_url(), year, inputs), width="stretch")
    st.caption(
        f"Del mínim obligatori ({fmt_eur(frame['budget_eur'].min(), 0)}) al pressupost que "
        f"finança tot el que és possible ({fmt_eur(frame['budget_eur'].max(), 0)}), amb les "
        "hores i els pesos triats. Amb «Prioritat al Conveni», el valor total pot "
        "baixar en pujar el pressupost quan una activitat del Conveni gran hi passa a cabre."
    )
    extra = st.number_input(
        "Què compraria un increment de (€)",
        min_value=0.0,
        value=DEFAULT_EXTRA_EUR,
        step=1000.0,
        format="%.0f",
        key=EXTRA_KEY,
    )
    if extra and extra > 0:
        try:
            gain = _gain(database_url(), year, inputs, Decimal(str(round(extra, 2))))
        except (ValidationError, RuntimeError) as error:
            _refused(error)
            return
        if gain is not None:
            st.markdown(_gain_text(plan, gain))


# --- Saving ----------------------------------------------------------------------------------


def save_form(year: int, inputs: scenarios.ScenarioInputs) -> None:
    with st.form("prioritzacio_save_form", border=True):
        st.markdown("**Desa aquest escenari** per comparar-lo o portar-lo a l'acta")
        name = st.text_input(
            "Nom de l'escenari",
            max_chars=scenarios.MAX_NAME_LENGTH,
            placeholder="p. ex. Sense pròrroga del Conveni",
            key="prioritzacio_save_name",
        )
        notes = st.text_area("Notes (opcional)", key="prioritzacio_save_notes", height=80)
        submitted = st.form_submit_button("Desa l'escenari", type="primary")
    if not submitted:
        return
    try:
        with session_scope(get_engine()) as session:
            scenarios.save_scenario(
                session=session,
                year=year,
                name=name or "",
                inputs=inputs,
                username=current_username(),
                notes=notes or "",
            )
    except ValidationError as error:
        st.error(
            "No s'ha desat l'escenari:\n" + "\n".join(f"- {m}" for m in error.messages),
            icon=":material/error:",
        )
    else:
        after_write(f"Escenari «{' '.join((name or '').split())}» desat.")


def load_plan(year: int) -> Plan:
    return query(plan_model, year=year)
