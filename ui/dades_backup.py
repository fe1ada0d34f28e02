"""Dades page: the full backup (download) and its restore into an empty database."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from services import backup
from services.catalan import plural
from services.formatting import fmt_number
from ui.data import fresh_read, query
from ui.tables import XLSX_MIME, data_table
from ui.viewer import current_actor
from ui.writes import write

COUNT_LABELS = {"table": "Taula", "rows": "Files", "reference": "Referència"}


def _backup_bytes() -> bytes:
    # Built when the button is clicked, from the database as it is then: never cached.
    return fresh_read(backup.backup_xlsx, actor=current_actor())


def backup_section() -> None:
    st.markdown(
        "Una còpia completa és un llibre XLSX amb un full per taula (també les de referència: "
        "territori i temes) i un full `_info` amb la versió de l'esquema. Es restaura en una "
        "base de dades nova i buida, i en surt exactament la mateixa."
    )
    counts = query(backup.row_counts)
    st.caption(
        f"{fmt_number(int(counts['rows'].sum()))} files en {fmt_number(len(counts))} taules."
    )
    st.download_button(
        "Descarrega la còpia de seguretat (XLSX)",
        data=_backup_bytes,
        file_name=f"xmess-copia-{datetime.now():%Y%m%d-%H%M}.xlsx",
        mime=XLSX_MIME,
        key="dades_backup_download",
        icon=":material/backup:",
        type="primary",
        on_click="ignore",
    )
    data_table(
        counts.assign(reference=counts["reference"].map({True: "Sí", False: ""})),
        key="dades_backup_counts",
        file_name="taules",
        labels=COUNT_LABELS,
    )

    st.subheader("Restaura una còpia")
    busy = query(backup.non_empty_tables)
    if busy:
        st.info(
            "Una còpia només es restaura en una base de dades buida (acabada de crear amb "
            "`make migrate`): aquesta ja té dades. Així no es barreja ni se sobreescriu res.",
            icon=":material/lock:",
        )
        return
    uploaded = st.file_uploader(
        "Còpia de seguretat (XLSX)",
        type=["xlsx"],
        key="dades_restore_file",
        help="El fitxer XLSX que desa «Descarrega la còpia de seguretat (XLSX)» (una pestanya per "
        "taula). Arrossegueu-lo aquí o cliqueu per triar-lo.",
    )
    if uploaded is None:
        return
    if st.button("Restaura la còpia", type="primary", key="dades_restore_go"):
        write(
            backup.restore_xlsx,
            refused="No s'ha restaurat res:",
            success=lambda result: f"Còpia restaurada: {plural(result.total, 'fila', 'files')}.",
            data=uploaded.getvalue(),
        )
