"""Dades page widgets: import a spreadsheet (preview, then all or nothing)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import importing
from services.clock import catalan_today
from services.export import csv_bytes, xlsx_bytes
from services.formatting import fmt_number
from ui.data import fresh_read, query
from ui.feedback import show_refusal
from ui.tables import XLSX_MIME, data_table, download_buttons
from ui.widgets import pick
from ui.writes import write

_UPLOAD_ROUND = "dades_import_round"
HELP_LABELS = {
    "column": "Columna",
    "required": "Obligatòria",
    "values": "Valors",
    "aliases": "També s'accepta",
}
PREVIEW_LABELS = {"line": "Fila", "outcome": "Resultat", "record": "Registre", "detail": "Detall"}


def _kind_help(kind: str) -> None:
    spec = importing.spec(kind)
    with st.expander(f"Columnes del fitxer de {spec.label.lower()}", expanded=False):
        st.caption(
            "La primera fila ha de tenir els noms de les columnes (s'accepten sense accents, "
            "en majúscules o minúscules). Les files es relacionen amb les dades existents "
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


def _preview_table(preview: importing.ImportPreview) -> None:
    rows = preview.rows.assign(outcome=preview.rows["action"].map(importing.ACTION_LABELS))
    chosen = st.pills(
        "Mostra",
        list(rows["outcome"].unique()),
        selection_mode="multi",
        key="dades_import_filter",
        default=None,
    )
    shown = rows[rows["outcome"].isin(chosen)] if chosen else rows
    data_table(
        shown,
        key="dades_import_preview",
        file_name=f"previsualitzacio_{preview.kind}",
        labels=PREVIEW_LABELS,
    )


def import_section() -> None:
    kind = pick(
        "Què voleu importar?",
        importing.kinds(),
        index=0,
        key="dades_import_kind",
        help="Importeu primer els membres; després persones, esdeveniments, inscripcions, "
        "contactes o activitats del pla, que s'hi refereixen.",
    )
    _kind_help(kind)
    upload_round = st.session_state.get(_UPLOAD_ROUND, 0)
    uploaded = st.file_uploader(
        "Fitxer CSV o XLSX",
        type=["csv", "xlsx", "txt"],
        key=f"dades_import_file_{upload_round}",
        help="CSV separat per comes o punt i coma (UTF-8 o Windows-1252, com el desa "
        "l'Excel) o un llibre XLSX (es llegeix el primer full).",
    )
    if uploaded is None:
        st.info(
            "Trieu un fitxer: primer en veureu la previsualització; no es desa res fins "
            "que premeu Importa.",
            icon=":material/upload_file:",
        )
        return
    data = uploaded.getvalue()
    today = catalan_today()
    preview = query(
        importing.preview_import, kind=kind, data=data, file_name=uploaded.name, today=today
    )
    _show_preview(preview)
    if not preview.can_import:
        return
    label = (
        f"Importa ({fmt_number(preview.created)} nous, {fmt_number(preview.updated)} actualitzats)"
    )

    def new_uploader(_: importing.ImportResult) -> None:
        # The imported file is not offered again.
        st.session_state[_UPLOAD_ROUND] = upload_round + 1

    if st.button(label, type="primary", key="dades_import_go", icon=":material/publish:"):
        write(
            importing.apply_import,
            refused="No s'ha importat res:",
            success=lambda result: (
                f"Importat {uploaded.name}: {fmt_number(result.created)} nous, "
                f"{fmt_number(result.updated)} actualitzats, {fmt_number(result.unchanged)} "
                "sense canvis."
            ),
            on_success=new_uploader,
            kind=kind,
            data=data,
            file_name=uploaded.name,
            today=today,
        )


def _show_preview(preview: importing.ImportPreview) -> None:
    st.markdown(f"**Previsualització** · {preview.summary()}")
    new, changed, same, refused = st.columns(4)
    new.metric("Nous", fmt_number(preview.created), border=True)
    changed.metric("Actualitzacions", fmt_number(preview.updated), border=True)
    same.metric("Sense canvis", fmt_number(preview.unchanged + preview.duplicates), border=True)
    refused.metric("Refusats", fmt_number(preview.refused), border=True)
    for note in preview.notes:
        st.warning(note, icon=":material/info:")
    if preview.problems:
        in_table = (
            " Vegeu-los tots a la taula de previsualització." if not preview.rows.empty else ""
        )
        show_refusal(
            "No es pot importar: corregiu el fitxer i torneu-lo a pujar (no s'importa cap fila "
            f"mentre n'hi hagi de refusades).{in_table}",
            preview.problems,
        )
    elif not preview.can_import:
        st.info("No hi ha res de nou: la base de dades ja té aquestes dades.")
    if not preview.rows.empty:
        _preview_table(preview)
