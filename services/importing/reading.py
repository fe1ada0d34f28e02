"""From uploaded bytes to a table of cells: CSV (comma, semicolon or tab; UTF-8 with or
without BOM, Windows-1252 as Excel writes it, even both in one file) or XLSX.

Nothing here knows what the columns mean: it only finds the header row, the data rows and
where each row is (numbered as a spreadsheet shows them, the header being row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from services.errors import ValidationError
from services.export import is_formula_like

# A file of this many data rows is a mistake (a whole database dump, a runaway sheet).
MAX_ROWS = 500_000
XLSX_MAGIC = b"PK\x03\x04"

Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class RawTable:
    """The header's cells, the data rows as ``(row number, cells)``, notes for the user."""

    headers: tuple[str, ...]
    rows: list[tuple[int, tuple[Cell, ...]]]
    notes: tuple[str, ...] = field(default=())
    file_format: str = "CSV"


def unescape_formula(value: str) -> str:
    """Undo ``services.export.neutralise``: ``'=SUM(A1)`` was exported for ``=SUM(A1)``."""
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def read_table(data: bytes, file_name: str = "") -> RawTable:
    """Read ``data`` (a CSV or XLSX file). Raises ``ValidationError`` when it cannot be read."""
    if not data or not data.strip():
        raise ValidationError([f"El fitxer {file_name or ''} és buit: no hi ha cap fila.".strip()])
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return _read_csv(data)


# --- CSV -------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-8 (BOM or not) when it is; otherwise line by line, so a file pasted together from
    a UTF-8 and a Windows-1252 export keeps its accents on both halves."""
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.splitlines(keepends=True)
    decoded: list[str] = []
    utf8 = legacy = 0
    for line in lines:
        try:
            decoded.append(line.decode("utf-8"))
            utf8 += any(byte >= 0x80 for byte in line)
        except UnicodeDecodeError:
            legacy += 1
            try:
                decoded.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                # Five bytes are undefined in Windows-1252; Latin-1 maps every byte.
                decoded.append(line.decode("latin-1"))
    if utf8 and legacy:
        note = (
            "El fitxer barreja codificacions (UTF-8 i Windows-1252): s'ha llegit cada fila "
            "amb la seva. Reviseu els accents a la previsualització."
        )
    else:
        note = "El fitxer és en Windows-1252 (com el desa l'Excel): s'ha convertit a UTF-8."
    return "".join(decoded), (note,)


def _delimiter(first_line: str) -> str:
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> RawTable:
    text, notes = _decode(data)
    if "\x00" in text:
        raise ValidationError(
            [
                "El fitxer conté caràcters nuls: no sembla un CSV ni un XLSX. Deseu-lo com a "
                "«CSV UTF-8» o «Llibre de l'Excel (.xlsx)» i torneu-lo a pujar."
            ]
        )
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    headers: tuple[str, ...] | None = None
    try:
        for number, cells in enumerate(reader, start=1):
            if headers is None:
                if not any(cell.strip() for cell in cells):
                    continue  # blank lines before the header
                headers = tuple(cell.strip() for cell in cells)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(_too_many_rows())
            rows.append((number, tuple(unescape_formula(c) for c in cells)))
    except csv.Error as error:
        raise ValidationError(
            [f"El fitxer no es pot llegir com a CSV (fila {reader.line_num}): {error}."]
        ) from None
    if headers is None:
        raise ValidationError(["El fitxer és buit: no hi ha cap fila."])
    return RawTable(headers=headers, rows=rows, notes=notes, file_format="CSV")


def _too_many_rows() -> list[str]:
    return [
        f"El fitxer té més de {MAX_ROWS:,} files de dades: dividiu-lo en fitxers més "
        "petits.".replace(",", ".")
    ]


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Cell:
    if isinstance(value, str):
        return unescape_formula(value)
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, datetime | date | bool | int | float) or value is None:
        return value
    return str(value)


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook  # local: only XLSX uploads need it

    try:
        # data_only: a formula cell gives the value Excel computed, never the formula.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ValidationError(
            [
                f"El fitxer no és un llibre XLSX vàlid ({type(error).__name__}): deseu-lo de nou "
                "amb l'Excel o el LibreOffice com a .xlsx, o exporteu-lo a CSV."
            ]
        ) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise ValidationError(["El llibre XLSX no té cap full."])
        headers: tuple[str, ...] | None = None
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_xlsx_cell(v) for v in values)
            blank = all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)
            if headers is None:
                if blank:
                    continue
                headers = tuple("" if c is None else str(c).strip() for c in cells)
                continue
            if blank:
                continue
            if len(rows) >= MAX_ROWS:
                raise ValidationError(_too_many_rows())
            rows.append((number, cells))
    except ValidationError:
        raise
    except Exception as error:  # a corrupt sheet can fail anywhere inside openpyxl
        raise ValidationError(
            [f"El llibre XLSX està malmès i no es pot llegir ({type(error).__name__})."]
        ) from None
    finally:
        workbook.close()
    if headers is None:
        raise ValidationError(["El primer full del llibre és buit: no hi ha cap fila."])
    # Excel often reports trailing empty columns: drop them from the header.
    while headers and not headers[-1]:
        headers = headers[:-1]
    return RawTable(headers=headers, rows=rows, file_format="XLSX")
