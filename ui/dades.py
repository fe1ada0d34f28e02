"""Dades page widgets: import a spreadsheet (preview, then all or nothing) and the flash
message a write leaves for the next run."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from db.session import session_scope
from services import importing
from services.clock import catalan_today
from services.errors import ValidationError
from services.export import csv_bytes, xlsx_bytes
from services.formatting import fmt_number
from ui.data import get_engine, query
from ui.feedback import after_write
from ui.layout import current_username
from ui.tables import XLSX_MIME, data_table, download_buttons

_UPLOAD_ROUND = "dades_import_round"
# Refusals listed above the preview table; the table has them all.
_SHOWN_PROBLEMS = 15


def show_errors(title: str, messages: list[str] | tuple[str, ...]) -> None:
    listed = list(messages[:_SHOWN_PROBLEMS])
    more = len(messages) - len(listed)
    body = "\n".join(f"- {m}" for m in listed)
    if more > 0:
        body += f"\n- … i {fmt_number(more)} més (vegeu la taula)."
    st.error(f"{title}\n{body}", icon=":material/error:")


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
            importing.columns_help(kind), key=f"dades_columns_{kind}", file_name=f"columnes_{kind}"
        )
        st.caption("Plantilla buida:")
        download_buttons(importing.template(kind), key=f"dades_template_{kind}", file_name=kind)
        st.caption("Les dades actuals en aquest format (per editar-les i tornar-les a importar):")
        _current_downloads(kind)


def _current_rows(kind: str) -> pd.DataFrame:
    # Built only when a button is clicked: the whole table can be large.
    with session_scope(get_engine()) as session:
        return importing.current_rows(session=session, kind=kind)


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
    rows = preview.rows
    outcomes = [o for o in rows["Resultat"].unique()]
    chosen = st.pills(
        "Mostra",
        outcomes,
        selection_mode="multi",
        key="dades_import_filter",
        default=None,
    )
    shown = rows[rows["Resultat"].isin(chosen)] if chosen else rows
    data_table(shown, key="dades_import_preview", file_name=f"previsualitzacio_{preview.kind}")


def import_section() -> None:
    kinds = importing.kinds()
    kind = st.selectbox(
        "Què voleu importar?",
        list(kinds),
        format_func=kinds.get,
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
    if st.button(label, type="primary", key="dades_import_go", icon=":material/publish:"):
        try:
            with session_scope(get_engine()) as session:
                result = importing.apply_import(
                    session=session,
                    kind=kind,
                    data=data,
                    file_name=uploaded.name,
                    today=today,
                    username=current_username(),
                )
        except ValidationError as error:
            show_errors("No s'ha importat res:", error.messages)
            return
        st.session_state[_UPLOAD_ROUND] = upload_round + 1
        after_write(
            f"Importat {uploaded.name}: {fmt_number(result.created)} nous, "
            f"{fmt_number(result.updated)} actualitzats, {fmt_number(result.unchanged)} sense "
            "canvis."
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
        show_errors(
            "No es pot importar: corregiu el fitxer i torneu-lo a pujar (no s'importa cap fila "
            "mentre n'hi hagi de refusades).",
            preview.problems,
        )
    elif not preview.can_import:
        st.info("No hi ha res de nou: la base de dades ja té aquestes dades.")
    if not preview.rows.empty:
        _preview_table(preview)
