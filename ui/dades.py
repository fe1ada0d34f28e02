"""Dades page widgets: import a spreadsheet (preview, then all or nothing)."""

from __future__ import annotations

import streamlit as st

from services import importing
from services.catalan import plural
from services.clock import catalan_today
from services.formatting import fmt_number
from services.importing.base import ACTION_LABELS
from ui.dades_import_help import kind_help
from ui.data import query
from ui.feedback import show_refusal
from ui.tables import data_table
from ui.text import escape_quoted
from ui.widgets import pick
from ui.writes import write

_UPLOAD_ROUND = "dades_import_round"
PREVIEW_LABELS = {"line": "Fila", "outcome": "Resultat", "record": "Registre", "detail": "Detall"}


def _preview_table(preview: importing.ImportPreview) -> None:
    rows = preview.rows.assign(outcome=preview.rows["action"].map(ACTION_LABELS))
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
    if kind is None:  # only with no kind to offer: it starts on the first
        return
    kind_help(kind)
    upload_round = st.session_state.get(_UPLOAD_ROUND, 0)
    uploaded = st.file_uploader(
        "Fitxer CSV o XLSX",
        type=["csv", "tsv", "txt", "xlsx"],
        key=f"dades_import_file_{upload_round}",
        help="CSV separat per comes, punt i coma o tabulacions (UTF-8, Windows-1252 o el "
        "«Text Unicode» de l'Excel) o un llibre XLSX (es llegeix el primer full). La "
        "capçalera pot anar sota un títol; una fila final de totals no s'importa.",
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
        f"Importa ({plural(preview.created, 'nou', 'nous')}, "
        f"{plural(preview.updated, 'actualitzat', 'actualitzats')})"
    )

    def new_uploader(_: importing.ImportResult) -> None:
        # The imported file is not offered again.
        st.session_state[_UPLOAD_ROUND] = upload_round + 1

    if st.button(label, type="primary", key="dades_import_go", icon=":material/publish:"):
        write(
            importing.apply_import,
            refused="No s'ha importat res:",
            success=lambda result: (
                f"Importat {uploaded.name}: {plural(result.created, 'nou', 'nous')}, "
                f"{plural(result.updated, 'actualitzat', 'actualitzats')}, "
                f"{fmt_number(result.unchanged)} sense canvis."
            ),
            on_success=new_uploader,
            kind=kind,
            data=data,
            file_name=uploaded.name,
            today=today,
        )


def _show_preview(preview: importing.ImportPreview) -> None:
    header = (
        f" · capçalera a la fila {fmt_number(preview.header_line)}"
        if preview.header_line is not None
        else ""
    )
    st.markdown(f"**Previsualització**{header} · {preview.summary()}")
    new, changed, same, refused = st.columns(4)
    new.metric("Nous", fmt_number(preview.created), border=True)
    changed.metric("Actualitzacions", fmt_number(preview.updated), border=True)
    same.metric("Sense canvis", fmt_number(preview.unchanged + preview.duplicates), border=True)
    refused.metric("Refusats", fmt_number(preview.refused), border=True)
    # The refusal first: it is what has to be acted on; the notes say how the file was read.
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
    notes = [escape_quoted(note) for note in preview.notes]
    if len(notes) == 1:
        st.warning(notes[0], icon=":material/info:")
    elif notes:
        st.warning(
            "**Com s'ha llegit el fitxer**\n\n" + "\n".join(f"- {n}" for n in notes),
            icon=":material/info:",
        )
    if not preview.rows.empty:
        _preview_table(preview)
