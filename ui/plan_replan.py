"""The mid-year re-plan ("with what is left, what else goes ahead?") and the Conveni's
justification, on the Seguiment del pla page."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from services import execution, justification
from services.access import Right
from services.catalan import plural
from services.formatting import DATE, EUR, EUR_WHOLE, NUMBER, fmt_date, fmt_eur, fmt_number
from services.labels import PLAN_AXIS
from ui.data import query
from ui.metrics import Figure, metric_row
from ui.navigation import page
from ui.rights import may
from ui.tables import XLSX_MIME, data_table
from ui.text import escape_markup
from ui.writes import submission, write

DECISIONS = {"fixed": "Fixada (feta o en curs)", "funded": "Es finança", "cut": "Queda fora"}


def _decisions(result: execution.Replan, table: pd.DataFrame) -> pd.DataFrame:
    fixed = set(result.remaining.fixed_in)
    selected = result.solution.selected
    rows = table[table["code"].isin(list(result.selection))]
    decision = [
        "fixed" if code in fixed else ("funded" if code in selected else "cut")
        for code in rows["code"]
    ]
    return pd.DataFrame(
        {
            "Codi": rows["code"],
            "Activitat": rows["title"],
            "Eix": rows["axis"].map(PLAN_AXIS),
            "Al pla adoptat": rows["in_plan"],
            "Decisió": [DECISIONS[d] for d in decision],
            "Motiu": rows["code"].map(lambda code: result.selection[code][1]),
            "Cost previst": rows["estimated_cost_eur"],
        }
    ).reset_index(drop=True)


def _changes(decisions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    goes_ahead = decisions["Decisió"] != DECISIONS["cut"]
    entering = decisions[goes_ahead & ~decisions["Al pla adoptat"]]
    leaving = decisions[~goes_ahead & decisions["Al pla adoptat"]]
    return entering, leaving


def replan_view(year: int, today: date) -> None:
    result = query(execution.replan, year=year)
    if result is None:
        st.info("La replanificació parteix del pla adoptat: adopteu-ne un primer.")
        return
    remaining = result.remaining
    st.caption(
        "El mateix optimitzador, amb les activitats fetes i en curs fixades, les anul·lades "
        "fora, i el que ja s'ha gastat descomptat dels diners i les hores del pla adoptat "
        f"(«{escape_markup(result.adopted.name)}»)."
    )
    metric_row(
        [
            Figure("Gastat", fmt_eur(remaining.spent_eur, 0), help="Costos reals entrats, i el "
                   "cost previst de les activitats fetes que encara no en tenen."),
            Figure(
                "Queda per gastar",
                fmt_eur(remaining.inputs.budget_eur, 0),
                delta=f"{fmt_eur(remaining.committed_eur, 0)} compromesos en curs",
                delta_color="off",
                delta_arrow="off",
            ),
            Figure("Hores que queden", f"{fmt_number(remaining.inputs.staff_hours)} h"),
            Figure(
                "Fora del pla",
                str(len(remaining.fixed_out)),
                help="Anul·lades, i les que depenen d'una activitat anul·lada.",
            ),
        ]
    )  # fmt: skip
    if not result.solution.feasible:
        st.error(
            "Les activitats fetes, en curs i obligatòries no hi caben amb el que queda:\n"
            + "\n".join(f"- {escape_markup(s.message)}" for s in result.solution.shortfalls),
            icon=":material/error:",
        )
        return
    table = query(execution.execution_table, year=year, today=today)
    decisions = _decisions(result, table)
    entering, leaving = _changes(decisions)
    entering_text = plural(len(entering), "activitat hi entra", "activitats hi entren")
    leaving_text = plural(len(leaving), "en surt", "en surten")
    st.markdown(f"**Respecte del pla adoptat:** {entering_text} i {leaving_text}.")
    for title, part, columns in (
        ("Hi entren", entering, ["Codi", "Activitat", "Cost previst"]),
        ("En surten", leaving, ["Codi", "Activitat", "Motiu", "Cost previst"]),
    ):
        if not part.empty:
            st.markdown(f"**{title}**")
            data_table(
                part[columns],
                key=f"pla_replan_{'in' if title == 'Hi entren' else 'out'}",
                file_name="replanificacio-canvis",
                formats={"Cost previst": EUR_WHOLE},
            )
    with st.expander("Totes les activitats de la replanificació", key="pla_replan_all"):
        data_table(
            decisions.drop(columns="Al pla adoptat"),
            key="pla_replan_decisions",
            file_name="replanificacio",
            formats={"Cost previst": EUR_WHOLE},
        )
    if may(Right.EDIT_PLAN):
        _save_form(year, result, today)


def _save_form(year: int, result: execution.Replan, today: date) -> None:
    once = submission("pla_replan_save")
    with st.form(key=once.key("pla_replan_form"), border=True):
        name = st.text_input(
            "Desa la replanificació com a escenari",
            value=f"Replanificació {fmt_date(today)}",
            max_chars=120,
            key=once.key("pla_replan_name"),
            help="Es podrà comparar amb el pla adoptat a Priorització › Escenaris desats, i "
            "adoptar si la Comissió ho decideix.",
        )
        submitted = st.form_submit_button(
            "Desa l'escenari", icon=":material/save:", key=once.key("pla_replan_submit")
        )
    if submitted:
        write(
            execution.save_replan,
            refused="No s'ha desat la replanificació:",
            success=f"Replanificació desada com a «{' '.join(name.split())}». Compareu-la amb "
            f"«{result.adopted.name}» a Priorització › Escenaris desats.",
            once=once,
            year=year,
            name=name,
        )


def justification_view(year: int, today: date) -> None:
    result = query(justification.conveni_justification, year=year, today=today)
    if result.activities.empty:
        st.info(f"Cap activitat del pla {year} no està vinculada al Conveni.")
        return
    st.caption(
        "Les activitats vinculades al Conveni amb el Departament de Treball, com es justifiquen: "
        "estat, cost i hores reals i previstos, i els esdeveniments que les han dut a terme. "
        "Les persones es compten, mai no s'anomenen."
    )
    metric_row(
        [
            Figure("Activitats del Conveni", str(len(result.activities)),
                   delta=f"{result.done} fetes", delta_color="off", delta_arrow="off"),
            Figure("Cost real", fmt_eur(result.actual_cost_eur, 0),
                   delta=f"de {fmt_eur(result.estimated_cost_eur, 0)} previstos",
                   delta_color="off", delta_arrow="off"),
            Figure("Assistents", fmt_number(result.attended),
                   delta=plural(result.members_reached, "membre", "membres"),
                   delta_color="off", delta_arrow="off"),
            Figure("Comarques", fmt_number(result.comarques),
                   delta=plural(result.municipalities, "municipi", "municipis"),
                   delta_color="off", delta_arrow="off"),
        ]
    )  # fmt: skip
    st.download_button(
        "Justificació del Conveni (XLSX)",
        data=query(justification.justification_workbook, year=year, today=today),
        file_name=f"justificacio-conveni-{year}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key="pla_justification_xlsx",
    )
    st.page_link(
        page("comissio"),
        label="També al dossier de la Reunió de la Comissió (PDF)",
        icon=":material/picture_as_pdf:",
    )
    data_table(
        justification.activities_sheet(result),
        key="pla_justification_activities",
        file_name=f"justificacio-conveni-{year}-activitats",
        formats={
            "Cost previst (€)": EUR,
            "Cost real (€)": EUR,
            "Hores previstes": NUMBER,
            "Hores reals": NUMBER,
            "Trimestre": NUMBER,
        },
    )
    st.subheader("Esdeveniments")
    events = justification.events_sheet(result)
    if events.empty:
        st.info("Cap esdeveniment vinculat a aquestes activitats.")
        return
    data_table(
        events,
        key="pla_justification_events",
        file_name=f"justificacio-conveni-{year}-esdeveniments",
        formats={"Data": DATE},
    )
