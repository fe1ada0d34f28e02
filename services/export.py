"""Tables out of the app: CSV and XLSX bytes that spreadsheets open safely.

A cell that starts like a formula (``=HYPERLINK(...)``, ``+``, ``-``, ``@``) would be run by
a spreadsheet. In CSV it is prefixed with an apostrophe (spreadsheets then show it as text;
the importer strips it back); in XLSX it is written as a typed string, never as a formula, so
the workbook keeps exactly what was stored.

Numbers, money, ratios and dates go into XLSX as real numbers and dates with Excel's number
formats (``#,##0``, ``#,##0.00 "€"``, ``0.0%``, ``dd/mm/yyyy``), never as the text a page
shows, so they sort and add up in a spreadsheet. CSV keeps the plain values (``2500.0``,
``0.35``, ``2026-03-28``) for whatever machine reads it next.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

from services.formatting import ColumnFormat, column_format

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel caps a sheet name at 31 characters and refuses these.
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: object) -> object:
    return f"'{value}" if is_formula_like(value) else value


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and semicolons: what Excel in Catalan opens straight into columns."""
    safe = frame.apply(lambda column: column.map(neutralise)) if not frame.empty else frame
    return safe.to_csv(index=False, sep=";").encode("utf-8-sig")


def _cell_value(value: object) -> object:
    # pandas-stubs type isna's argument as an array or a known scalar; at runtime it takes
    # any cell value and answers a bool for a scalar one.
    if value is None or (not isinstance(value, str) and pd.isna(value)):  # type: ignore[call-overload]
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Excel has no time zones: the moment as its own clock read it.
        return value.replace(tzinfo=None)
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalars
    return value


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame], formats: Mapping[str, ColumnFormat] | None = None
) -> bytes:
    """One workbook, a sheet per frame; text is always typed as text.

    ``formats`` says how the columns of that name read (money, a ratio, a count); a column it
    does not name is typed by its own dtype (``services.formatting.column_format``)."""
    workbook = Workbook()
    # A new workbook starts with one empty sheet; every sheet of ours is named after its frame.
    workbook.remove(workbook.worksheets[0])
    for name, frame in sheets.items():
        sheet = workbook.create_sheet(title=name.translate(_SHEET_FORBIDDEN)[:31] or "Full")
        sheet.append([str(column) for column in frame.columns])
        number_formats = [
            described.excel if described is not None else None
            for described in (
                (formats or {}).get(str(column)) or column_format(frame[column])
                for column in frame.columns
            )
        ]
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_cell_value(value) for value in row])
            for cell, value, number_format in zip(
                sheet[sheet.max_row], row, number_formats, strict=True
            ):
                if isinstance(value, str):
                    # openpyxl would store "=..." as a formula; force a plain string.
                    cell.value = value
                    cell.data_type = TYPE_STRING
                elif number_format is not None and cell.data_type in ("n", "d"):
                    cell.number_format = number_format
        for index, column in enumerate(frame.columns, start=1):
            width = max([len(str(column)), *(len(str(v)) for v in frame[column].head(200))])
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
