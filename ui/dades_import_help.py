"""Dades page: what a kind's import file takes (its columns, an empty template) and the stored
data in that format, to edit in a spreadsheet and import back."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import importing
from services.export import csv_bytes, xlsx_bytes
from ui.data import fresh_read
from ui.tables import XLSX_MIME, data_table, download_buttons

HELP_LABELS = {
    "column": "Columna",
    "required": "Obligatòria",
    "values": "Valors",
    "aliases": "També s'accepta",
}


def kind_help(kind: str) -> None:
    """The expander that explains ``kind``'s file, with its template and current data."""
    spec = importing.spec(kind)
    with st.expander(f"Columnes del fitxer de {spec.label.lower()}", expanded=False):
        st.caption(
            "La capçalera, amb els noms de les columnes, pot ser la primera fila o anar sota "
            "un títol (s'accepten sense accents, en majúscules o minúscules); una fila final "
            "de totals no s'importa. Les files es relacionen amb les dades existents "
            f"{spec.matching}. Una cel·la buida no esborra mai cap valor: per buidar-ne un, "
            "useu la pestanya Edita."
        )
        data_table(
            importing.columns_help(kind),
            key=f"dades_columns_{kind}",
            file_name=f"columnes_{kind}",
            labels=HELP_LABELS,
        )
        st.caption("Plantilla buida:")
        download_buttons(importing.template(kind), key=f"dades_template_{kind}", file_name=kind)
        st.caption("Les dades actuals en aquest format (per editar-les i tornar-les a importar):")
        _current_downloads(kind)


def _current_rows(kind: str) -> pd.DataFrame:
    # Built only when a button is clicked: the whole table can be large.
    return fresh_read(importing.current_rows, kind=kind)


def _current_downloads(kind: str) -> None:
    csv_column, xlsx_column = st.columns(2, width=360)
    csv_column.download_button(
        "CSV",
        data=lambda: csv_bytes(_current_rows(kind)),
        file_name=f"{kind}_actuals.csv",
        mime="text/csv",
        key=f"dades_current_{kind}_csv",
        icon=":material/download:",
        on_click="ignore",
    )
    xlsx_column.download_button(
        "XLSX",
        data=lambda: xlsx_bytes({kind: _current_rows(kind)}),
        file_name=f"{kind}_actuals.xlsx",
        mime=XLSX_MIME,
        key=f"dades_current_{kind}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
