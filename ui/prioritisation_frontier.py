"""What each euro buys: the efficient frontier of the what-if, and what a given increase of
the budget would add (and remove)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from services import optimiser
from services.catalan import plural
from services.errors import ValidationError
from services.formatting import fmt_eur
from services.optimiser import Gain, Inputs, Plan
from services.plan import plan_model
from ui.charts import draw_spec
from ui.data import query
from ui.prioritisation import PlanSource, cached_solution, plan_source, refused
from ui.text import escape_markup

EXTRA_KEY = "prioritzacio_extra"
DEFAULT_EXTRA_EUR = 10_000.0
# Vega's number format speaks English; these label expressions write ca-ES thousands.
_EUR_LABEL = "replace(format(datum.value, ',.0f'), /,/g, '.') + ' €'"
_NUMBER_LABEL = "replace(format(datum.value, ',.0f'), /,/g, '.')"
SERIES = {"value": "Valor total", "conveni_value": "Valor vinculat al Conveni"}


@st.cache_data(show_spinner=False, max_entries=100)
def _frontier(source: PlanSource, year: int, inputs: Inputs) -> pd.DataFrame:
    return optimiser.frontier(query(plan_model, year=year), inputs)


@st.cache_data(show_spinner=False, max_entries=100)
def _frontier_spec(source: PlanSource, year: int, inputs: Inputs) -> dict[str, Any]:
    # Altair validates its whole schema on every build (~50 ms): build the Vega-Lite spec
    # once per scenario, like the frontier itself.
    return frontier_chart(_frontier(source, year, inputs)).to_dict()


@st.cache_data(show_spinner=False, max_entries=200)
def _gain(source: PlanSource, year: int, inputs: Inputs, extra_eur: Decimal) -> Gain | None:
    now = cached_solution(source, year, inputs)  # cached: the page has just drawn it
    return optimiser.what_more_buys(query(plan_model, year=year), inputs, extra_eur, now=now)


def frontier_chart(frame: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
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
                # No cut labels ("Valor vinculat al Con…") in presentation mode's larger type.
                legend=alt.Legend(orient="bottom", title=None, labelLimit=0),
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
    # A LayerChart: alt.layer makes a FacetChart only of layers that share a facet.
    return alt.layer(lines, rule, marker, label)


def _gain_text(plan: Plan, gain: Gain) -> str:
    titles = {a.code: a for a in plan.activities}

    def names(codes: tuple[str, ...]) -> str:
        return "\n".join(
            f"  - {escape_markup(code)} {escape_markup(titles[code].title)} "
            f"({fmt_eur(titles[code].cost_eur, 0)})"
            for code in codes
        )

    head = f"**Amb {fmt_eur(gain.extra_eur, 0)} més**"
    if not gain.added and not gain.removed:
        return f"{head} no canviaria res: el que queda fora no hi cap per altres motius."
    parts = [f"{head}, el valor ponderat pujaria {plural(gain.value_gain, 'punt', 'punts')}."]
    if gain.added:
        parts.append(
            (
                "- Entraria 1 activitat:"
                if len(gain.added) == 1
                else f"- Entrarien {len(gain.added)} activitats:"
            )
            + f"\n{names(gain.added)}"
        )
    if gain.removed:
        parts.append(
            (
                "- Sortiria 1 activitat"
                if len(gain.removed) == 1
                else f"- Sortirien {len(gain.removed)} activitats"
            )
            + f" (per fer-hi lloc):\n{names(gain.removed)}"
        )
    return "\n".join(parts)


def sampling_note(frame: pd.DataFrame) -> str:
    """What the chart leaves out on a large plan (empty when every budget is proven)."""
    note = ""
    if not frame["complete"].all():
        note += (
            f" Pla gran: s'han calculat {len(frame)} pressupostos, on la corba canvia més; entre "
            "dos punts, la línia mostra el valor que ja garanteix el pressupost de l'esquerra."
        )
    if not frame["proven"].all():
        unproven = int((~frame["proven"]).sum())
        note += (
            f" {plural(unproven, 'punt és', 'punts són')} el millor pla trobat en el temps de "
            "càlcul, sense demostrar que sigui el millor possible."
        )
    return note


def show_frontier(year: int, plan: Plan, inputs: Inputs) -> None:
    st.subheader("Què compra cada euro")
    try:
        frame = _frontier(plan_source(), year, inputs)
    except (ValidationError, RuntimeError) as error:
        refused(error)
        return
    if frame.empty:
        st.info(
            "No es pot dibuixar la corba: les activitats obligatòries no hi caben amb les "
            "hores de l'equip, sigui quin sigui el pressupost."
        )
        return
    draw_spec(_frontier_spec(plan_source(), year, inputs))
    st.caption(
        f"Del mínim obligatori ({fmt_eur(frame['budget_eur'].min(), 0)}) al pressupost que "
        f"finança tot el que és possible ({fmt_eur(frame['budget_eur'].max(), 0)}), amb les "
        "hores i els pesos triats. Amb «Prioritat al Conveni», el valor total pot "
        "baixar en pujar el pressupost quan una activitat del Conveni gran hi passa a cabre."
        + sampling_note(frame)
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
            gain = _gain(plan_source(), year, inputs, Decimal(str(round(extra, 2))))
        except (ValidationError, RuntimeError) as error:
            refused(error)
            return
        if gain is not None:
            st.markdown(_gain_text(plan, gain))
