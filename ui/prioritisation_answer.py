"""The optimiser's answer on the page: what is funded, what is cut and why, the totals by
axis, and the mandatory activities when even they do not fit."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import optimiser
from services.formatting import EUR_WHOLE, HOURS, NUMBER, fmt_eur, fmt_number, fmt_percent
from services.labels import PLAN_AXIS
from services.optimiser import Plan, Solution
from ui.metrics import Figure, metric_row
from ui.tables import data_table


def fmt_hours(value: float) -> str:
    """Hours as people write them: no decimals for whole hours, one otherwise."""
    return fmt_number(value, 0 if float(value).is_integer() else 1)


def _yes(value: bool) -> str:
    return "Sí" if value else ""


def _activity_rows(frame: pd.DataFrame, *, with_reason: bool) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {
        "Codi": frame["code"],
        "Activitat": frame["title"],
    }
    if with_reason:
        # The reason is what the Commission reads first: next to the title, never off screen.
        columns["Motiu"] = frame["reason"]
    columns |= {
        "Cost": frame["cost_eur"],
        "Hores": frame["staff_hours"],
        "Valor": frame["value"],
        "Conveni": frame["conveni"].map(_yes),
        "Obligatòria": frame["mandatory"].map(_yes),
        "Eix": frame["axis"].map(PLAN_AXIS),
    }
    return pd.DataFrame(columns)


# Money in whole euros, hours as people write them (``12``, ``9,5``), values as counts.
_ACTIVITY_FORMATS = {"Cost": EUR_WHOLE, "Hores": HOURS, "Valor": NUMBER}
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
        formats=_ACTIVITY_FORMATS,
    )


def _metrics(plan: Plan, result: Solution) -> None:
    # Five figures: on the shared screen they take two rows (ui/metrics.py), never cut.
    metric_row(
        [
            Figure("Activitats finançades", f"{len(result.selected)} de {len(plan.activities)}"),
            Figure("Cost finançat", fmt_eur(result.cost_eur, 0)),
            Figure("Diners sobrants", fmt_eur(result.budget_left_eur, 0)),
            Figure("Hores sobrants", f"{fmt_hours(float(result.hours_left))} h"),
            Figure(
                "Part del Conveni",
                fmt_percent(result.conveni_share),
                help="Part del cost finançat que va a activitats vinculades al Conveni.",
            ),
        ]
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
            "Cost finançat": totals["funded_cost_eur"],
            "Cost retallat": totals["cut_cost_eur"],
            "Hores finançades": totals["funded_hours"],
        }
    )
    data_table(
        table,
        key="prioritzacio_axes",
        file_name="prioritzacio_per_eix",
        formats={"Cost finançat": EUR_WHOLE, "Cost retallat": EUR_WHOLE, "Hores finançades": HOURS},
    )


def trust_note(result: Solution) -> tuple[bool, str]:
    """Whether the plan is proven the best, and how far the page can vouch for it."""
    if result.proven_optimal:
        checks = (
            "Resultat comprovat: el càlcul demostra que és el millor pla possible, i una "
            "revisió exacta, al cèntim, confirma que compleix totes les condicions i que cap "
            "activitat afegida o intercanviada el millora"
        )
        if result.corrected:
            return True, (
                f"{checks}. El primer càlcul s'ha corregit i un segon càlcul, més acurat, ho "
                "ha confirmat."
            )
        if result.solved_twice:
            return True, f"{checks}, i un segon càlcul, més acurat, dona el mateix."
        return True, f"{checks}."
    head = (
        "És el millor pla trobat en el temps de càlcul, no està demostrat que sigui el millor "
        "possible. Compleix totes les condicions"
    )
    if result.gap is None:
        return False, f"{head}."
    if result.gap == 0:
        return False, (
            f"{head} i cap pla no aporta més valor; potser n'hi ha un d'igual valor i més barat."
        )
    share = fmt_percent(result.gap, 0 if result.gap >= 0.1 else 1)
    return False, f"{head}; un altre pla podria aportar, com a molt, un {share} més de valor."


def show_solution(plan: Plan, result: Solution) -> None:
    if not result.feasible:
        _shortfalls(plan, result)
        return
    proven, note = trust_note(result)
    if proven:
        st.caption(note)
    else:
        st.warning(note)
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
            formats=_ACTIVITY_FORMATS,
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
            formats=_ACTIVITY_FORMATS,
            column_config=_ACTIVITY_COLUMNS,
        )
    st.subheader("Per eix del pla")
    _axis_table(plan, result)
