"""A table with its downloads: every table view in the app can leave as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from services.export import csv_bytes, xlsx_bytes
from services.privacy import PERSONAL_KEYS
from ui.layout import presentation_mode

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_buttons(frame: pd.DataFrame, *, key: str, file_name: str) -> None:
    """CSV and XLSX buttons for ``frame``; the files are only built when clicked."""
    csv_column, xlsx_column = st.columns(2, width=360)
    csv_column.download_button(
        "CSV",
        data=lambda: csv_bytes(frame),
        file_name=f"{file_name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
        on_click="ignore",
        help="Per obrir amb un full de càlcul (separat per punt i coma, UTF-8).",
    )
    xlsx_column.download_button(
        "XLSX",
        data=lambda: xlsx_bytes({file_name: frame}),
        file_name=f"{file_name}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def data_table(
    frame: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    labels: Mapping[str, str] | None = None,
    **options: Any,
) -> None:
    """``st.dataframe`` (hide_index and full width by default) with its download buttons.

    What is drawn is what the user downloads, so it must read in Catalan: services speak
    English keys, and ``labels`` maps the keys shown to their Catalan headers, in the order
    shown (columns it does not name are left out).

    In presentation mode (always, for the Commission) the labelled columns that hold personal
    data (``services.privacy.PERSONAL_KEYS``) are left out, from the screen and the files:
    a viewer who may not see them gets them blanked, and a blank column says nothing."""
    if labels is not None:
        if presentation_mode():
            labels = {key: label for key, label in labels.items() if key not in PERSONAL_KEYS}
        frame = frame[list(labels)].rename(columns=dict(labels))
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    st.dataframe(frame, key=f"{key}_table", **options)
    download_buttons(frame, key=key, file_name=file_name)
