"""Saved scenarios: the list, two side by side with what changes, XLSX for the minutes, delete."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import scenarios
from services.access import Right
from services.catalan import plural
from services.formatting import DATE, EUR_WHOLE, NUMBER
from services.labels import PLAN_AXIS
from ui.data import query
from ui.layout import presentation_mode
from ui.rights import may
from ui.tables import XLSX_MIME, data_table
from ui.text import escape_markup
from ui.widgets import id_labels, pick
from ui.writes import write

CHANGE_LABELS = {"enters": "Entra a B", "leaves": "Surt a B"}


def _rows_height(rows: int) -> int:
    """A table tall enough to show every row without scrolling (35 px a row and the header)."""
    return (rows + 1) * 35 + 3


def _list_table(saved: pd.DataFrame) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "Escenari": saved["name"],
            "Conveni prorrogat": saved["conveni_extended"].map({True: "Sí", False: "No"}),
            "Disponible": saved["available_eur"],
            "Hores de l'equip": saved["staff_hours"],
            "Primer el Conveni": saved["conveni_first"].map({True: "Sí", False: "No"}),
            "Activitats finançades": saved["funded"],
            "Cost finançat": saved["cost_eur"],
            "Desat el": saved["created_at"],
            "Notes": saved["notes"],
        }
    )
    # Notes are free text that may name a person: not on the Commission's shared screen.
    return table.drop(columns="Notes") if presentation_mode() else table


def _changes_table(changes: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Canvi": changes["change"].map(CHANGE_LABELS),
            "Codi": changes["code"],
            "Activitat": changes["title"],
            "Cost": changes["cost_eur"],
            "Motiu a A": changes["reason_a"],
            "Motiu a B": changes["reason_b"],
            "Conveni": changes["conveni"].map(lambda v: "Sí" if v else "No"),
            "Eix": changes["axis"].map(PLAN_AXIS),
        }
    )


def _comparison(names: dict[int, str]) -> None:
    st.subheader("Compara dos escenaris")
    left_column, right_column = st.columns(2)
    left = pick(
        "Escenari A",
        names,
        index=min(1, len(names) - 1),
        key="prioritzacio_compare_a",
        container=left_column,
    )
    right = pick("Escenari B", names, index=0, key="prioritzacio_compare_b", container=right_column)
    if left is None or right is None or left == right:
        st.info("Trieu dos escenaris diferents per veure què canvia de l'un a l'altre.")
        return
    comparison = query(scenarios.compare_scenarios, left_id=left, right_id=right)
    if comparison is None:
        st.warning("Un dels escenaris ja no existeix.")
        return
    if comparison.left.plan_changed_since or comparison.right.plan_changed_since:
        st.warning(
            "El pla s'ha modificat després de desar algun d'aquests escenaris: la selecció és "
            "la que es va desar, però els imports i les hores són els actuals."
        )
    data_table(
        comparison.summary,
        key="prioritzacio_compare_summary",
        file_name="comparacio",
        labels={
            "concept": "Concepte",
            "left": f"A · {comparison.left.name}",
            "right": f"B · {comparison.right.name}",
        },
        height=_rows_height(len(comparison.summary)),
    )
    changes = comparison.changes
    if changes.empty:
        st.info("Els dos escenaris financen exactament les mateixes activitats.")
        return
    entering = int((changes["change"] == "enters").sum())
    leaving = len(changes) - entering
    st.markdown(
        f"**Què canvia de A a B:** {plural(entering, 'activitat hi entra', 'activitats hi entren')}"
        f" i {plural(leaving, 'en surt', 'en surten')}."
    )
    data_table(
        _changes_table(changes),
        key="prioritzacio_compare_changes",
        file_name="canvis",
        formats={"Cost": EUR_WHOLE},
        column_config={
            "Activitat": st.column_config.TextColumn(width="medium"),
            "Motiu a A": st.column_config.TextColumn(width="medium"),
            "Motiu a B": st.column_config.TextColumn(width="medium"),
        },
    )


def _export_and_delete(names: dict[int, str]) -> None:
    delete = may(Right.EDIT_PLAN)
    st.subheader("Exporta o esborra" if delete else "Exporta")
    chosen = pick("Escenari", names, index=0, key="prioritzacio_export_choice")
    if chosen is None:
        return
    name = names[chosen]
    export_column, delete_column = st.columns([1, 1], width=520)
    export_column.download_button(
        "Exporta a XLSX per a l'acta",
        # The notes are free text that may name a person: not from the shared screen (nor,
        # so, for the Commission, always on it).
        data=query(
            scenarios.scenario_workbook, scenario_id=chosen, with_notes=not presentation_mode()
        ),
        file_name=f"escenari_{name}.xlsx",
        mime=XLSX_MIME,
        icon=":material/download:",
        on_click="ignore",
        key="prioritzacio_export",
    )
    if not delete:
        return
    with delete_column.popover(
        "Esborra…", icon=":material/delete:", key="prioritzacio_delete_confirm"
    ):
        st.markdown(f"Segur que voleu esborrar l'escenari «{escape_markup(name)}»?")
        if st.button("Sí, esborra'l", type="primary", key="prioritzacio_delete"):
            write(
                scenarios.delete_scenario,
                refused="No s'ha esborrat l'escenari:",
                success=f"Escenari «{name}» esborrat.",
                scenario_id=chosen,
            )


def saved_scenarios(year: int) -> None:
    saved = query(scenarios.list_scenarios, year=year)
    if saved.empty:
        st.info(
            "Encara no hi ha cap escenari desat. Ajusteu el pressupost a la pestanya "
            "«Escenari» i deseu-lo amb un nom (p. ex. «Conveni prorrogat» i «Sense pròrroga»)."
        )
        return
    data_table(
        _list_table(saved),
        key="prioritzacio_saved",
        file_name="escenaris",
        formats={
            "Disponible": EUR_WHOLE,
            "Hores de l'equip": NUMBER,
            "Cost finançat": EUR_WHOLE,
            "Desat el": DATE,
        },
    )
    names = id_labels(saved["scenario_id"], saved["name"])
    if len(names) < 2:
        st.info("Deseu un altre escenari per poder-los comparar.")
    else:
        _comparison(names)
    _export_and_delete(names)
