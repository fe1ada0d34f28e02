"""A table with its downloads: every table view in the app can leave as CSV and XLSX.

Every table reads in ca-ES whatever the browser's language: ``st.dataframe``'s own number and
date formats follow the browser's locale (an English browser shows ``115,701``), so the table
is handed over as a pandas Styler whose display texts are Catalan. Streamlit draws a cell's
display text but keeps its value, so columns still sort as numbers and dates (its frontend
uses the display text of a number or date column only when the column config gives no
``format``, so a number or date column's own ``format`` is dropped here)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from services.export import csv_bytes, xlsx_bytes
from services.formatting import ColumnFormat, column_format
from services.privacy import PERSONAL_KEYS
from ui.layout import presentation_mode

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A column config's named number formats, as the ca-ES format they asked for ("localized"
# and the rest: what the column's dtype says).
_CONFIG_FORMATS = {
    "%d": ColumnFormat("number"),
    "euro": ColumnFormat("eur", 2),
    "percent": ColumnFormat("percent"),
    "plain": ColumnFormat("number"),
}
# printf's fixed decimals: "%.1f" is a number with one decimal.
_PRINTF_DECIMALS = re.compile(r"%\.(\d)f")
# Column types whose cells Streamlit draws with the Styler's text when they have no format.
_FORMATTED_TYPES = {"number", "date", "datetime"}


def download_buttons(
    frame: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    formats: Mapping[str, ColumnFormat] | None = None,
) -> None:
    """CSV and XLSX buttons for ``frame``; the files are only built when clicked. The XLSX
    cells of the columns ``formats`` names are typed as it says (others by their dtype)."""
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
        data=lambda: xlsx_bytes({file_name: frame}, formats),
        file_name=f"{file_name}.xlsx",
        mime=XLSX_MIME,
        key=f"{key}_xlsx",
        icon=":material/download:",
        on_click="ignore",
    )


def _config_format(config: object) -> ColumnFormat | None:
    """The ca-ES format a column config's printf-style ``format`` stands for, if any."""
    if not isinstance(config, Mapping):
        return None
    type_config = config.get("type_config")
    if not isinstance(type_config, Mapping) or type_config.get("type") != "number":
        return None
    asked = str(type_config.get("format"))
    decimals = _PRINTF_DECIMALS.fullmatch(asked)
    if decimals is not None:
        return ColumnFormat("number", int(decimals.group(1)))
    return _CONFIG_FORMATS.get(asked)


def _without_format(config: object) -> object:
    """A number or date column's config without its ``format``: Streamlit would draw it with
    the browser's locale instead of the Styler's Catalan text."""
    if not isinstance(config, Mapping):
        return config
    type_config = config.get("type_config")
    if not isinstance(type_config, Mapping) or type_config.get("type") not in _FORMATTED_TYPES:
        return config
    kept = {name: value for name, value in type_config.items() if name != "format"}
    return {**config, "type_config": kept}


def column_formats(
    frame: pd.DataFrame,
    formats: Mapping[str, ColumnFormat] | None = None,
    column_config: Mapping[str, Any] | None = None,
) -> dict[str, ColumnFormat]:
    """The ca-ES format of every number and date column of ``frame``: what ``formats`` says,
    else what its column config's ``format`` asked for, else what its dtype says."""
    found: dict[str, ColumnFormat] = {}
    for column in frame.columns:
        name = str(column)
        described = (
            (formats or {}).get(name)
            or _config_format((column_config or {}).get(name))
            or column_format(frame[column])
        )
        if described is not None:
            found[name] = described
    return found


def _stand_in(described: ColumnFormat) -> object:
    """What stands in for a missing value of a column that names one (``Mai``): Streamlit
    draws a missing cell as its placeholder, never as the Styler's text. The oldest date or
    minus infinity sorts first, before every real value, as "never" should."""
    return date.min if described.kind in ("date", "datetime") else float("-inf")


def _text_of(described: ColumnFormat) -> Callable[[object], str]:
    if not described.empty:
        return described.text
    stand_in = _stand_in(described)
    return lambda value: described.empty if value == stand_in else described.text(value)


def catalan_styler(frame: pd.DataFrame, formats: Mapping[str, ColumnFormat]) -> Styler | None:
    """``frame`` as a Styler whose display texts are ca-ES; ``None`` when pandas cannot style
    it (repeated column names or index labels)."""
    if not (frame.columns.is_unique and frame.index.is_unique):
        return None
    shown = frame.copy()
    for column, described in formats.items():
        values = shown[column]
        if described.empty and not pd.api.types.is_datetime64_any_dtype(values.dtype):
            if described.kind in ("date", "datetime"):
                values = values.astype(object)  # a date column of date objects, and None
            shown[column] = values.where(values.notna(), _stand_in(described))
    styler = shown.style
    # Streamlit draws a Styler from its display texts, which it reads from the Styler's
    # _translate(): pandas builds there a dict of a dozen entries for every cell, HTML classes
    # and all, then Streamlit keeps only each cell's text. That was a fifth to two fifths of a
    # warm page run (make load). The texts are the same (tests/ui/test_private_apis.py holds
    # them to pandas' own), written only where they differ from the cell's str(): every cell
    # of a formatted column, and a missing one elsewhere (pandas' "nan" or "None").
    cells: list[dict[str, str]] = []
    for position, column in enumerate(shown.columns):
        values = shown[column]
        rows: Sequence[int]
        texts: Iterable[str]
        if column in formats:
            rows, texts = range(len(values)), values.map(_text_of(formats[column]))
        else:
            rows = values.isna().to_numpy().nonzero()[0].tolist()
            texts = [""] * len(rows)
        cells.extend(
            {"id": f"row{row}_col{position}", "display_value": text}
            for row, text in zip(rows, texts, strict=True)
        )
    translated = {"body": [cells], "cellstyle": [], "table_styles": []}
    styler._translate = lambda *_, **__: translated  # type: ignore[attr-defined]
    return styler


def _contact_links(values: pd.Series, scheme: str) -> pd.Series:
    """``mailto:`` or ``tel:`` addresses of a column of e-mails or phones; blanks stay blank.
    A phone's spaces become hyphens, the visual separator a ``tel:`` address allows (RFC 3966),
    so the link still reads as the number was written ("93 123 45 67" → ``93-123-45-67``)."""

    def link(value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            return None
        target = value.strip()
        if scheme == "tel":
            target = "-".join(target.replace(".", " ").split())
        return f"{scheme}:{quote(target, safe='@+')}"

    return values.map(link)


def _short_table(
    frame: pd.DataFrame, formats: Mapping[str, ColumnFormat], *, key: str, **options: Any
) -> None:
    """A short extract (its own page holds the whole list, sortable and downloadable) drawn
    from its ca-ES texts: a Styler costs several milliseconds a table whatever its size, and
    a morning view of short lists pays that for each. Numbers stay right-aligned."""
    texts = frame.assign(
        **{column: frame[column].map(_text_of(described)) for column, described in formats.items()}
    )
    options["column_config"] = {
        **options.get("column_config", {}),
        **{
            column: st.column_config.TextColumn(column, alignment="right")
            for column, described in formats.items()
            if described.kind not in ("date", "datetime")
        },
    }
    st.dataframe(texts, key=f"{key}_table", **options)


def data_table(
    frame: pd.DataFrame,
    *,
    key: str,
    file_name: str,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, ColumnFormat] | None = None,
    links: Mapping[str, str] | None = None,
    contacts: Mapping[str, str] | None = None,
    downloads: bool = True,
    **options: Any,
) -> None:
    """``st.dataframe`` (hide_index and full width by default) with its download buttons.

    What is drawn is what the user downloads, so it must read in Catalan: services speak
    English keys, and ``labels`` maps the keys shown to their Catalan headers, in the order
    shown (columns it does not name are left out).

    ``formats`` (keyed like ``frame``'s columns, before ``labels``) says which columns are
    money, ratios or numbers with decimals; a column it leaves out reads as its column
    config's ``format`` or its dtype say (whole numbers, dates). Pages hand over the values
    themselves, never texts they formatted: those would sort as text and reach the XLSX as
    text.

    In presentation mode (always, for the Commission) the labelled columns that hold personal
    data (``services.privacy.PERSONAL_KEYS``) are left out, from the screen and the files:
    a viewer who may not see them gets them blanked, and a blank column says nothing.

    ``links`` names the columns (as shown) that hold addresses in the app, each with the text
    its links read ("Obre la fitxa"); they are for the screen, and stay out of the files.
    ``contacts`` names the columns (as shown) of e-mails (``"mailto"``) and phones
    (``"tel"``): on screen each is a link that opens the mail program or dials, for staff who
    act straight from the list; the files keep the plain address or number.

    ``downloads=False`` leaves the buttons out, for a short extract of a list that its own
    page offers whole."""
    formats = dict(formats or {})
    if labels is not None:
        if presentation_mode():
            labels = {key: label for key, label in labels.items() if key not in PERSONAL_KEYS}
        formats = {labels.get(column, column): described for column, described in formats.items()}
        frame = frame[list(labels)].rename(columns=dict(labels))
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    # A missing value reads as nothing, not Streamlit's "None".
    options.setdefault("placeholder", "")
    column_config = {
        **(options.get("column_config") or {}),
        **{
            column: st.column_config.LinkColumn(column, display_text=text)
            for column, text in (links or {}).items()
        },
    }
    options["column_config"] = column_config
    on_screen = frame
    for column, scheme in (contacts or {}).items():
        if column in frame.columns:
            on_screen = on_screen.assign(**{column: _contact_links(frame[column], scheme)})
            column_config[column] = st.column_config.LinkColumn(
                column, display_text=rf"^{scheme}:(.*)$"
            )
    shown_formats = column_formats(frame, formats, column_config)
    if not downloads:
        _short_table(on_screen, shown_formats, key=key, **options)
        return
    styler = catalan_styler(on_screen, shown_formats)
    if styler is not None:
        options["column_config"] = {
            column: _without_format(config) if column in shown_formats else config
            for column, config in column_config.items()
        }
    st.dataframe(styler if styler is not None else on_screen, key=f"{key}_table", **options)
    download_buttons(
        frame.drop(columns=list(links or {})),
        key=key,
        file_name=file_name,
        formats=shown_formats,
    )
