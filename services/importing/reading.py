"""From uploaded bytes to a table of cells: CSV (comma, semicolon or tab, or the separator an
Excel ``sep=;`` first line names; UTF-8 with or without BOM, Windows-1252 as Excel writes it,
even both in one file, or Excel's UTF-16 "Unicode text") or XLSX.

Nothing here knows what the columns mean: it gives every non-blank row, numbered as a
spreadsheet shows it, with what only the file can tell (an XLSX's merged cells, a trailing row
of formulas). Which row is the header is for ``services.importing.layout`` to decide.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
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
class Merge:
    """An XLSX merged range, 1-based and inclusive, as the sheet names it (``A3:A5``)."""

    first_row: int
    last_row: int
    first_column: int
    last_column: int


@dataclass(frozen=True)
class RawTable:
    """Every non-blank row as ``(row number, cells)``, header candidates included; notes for
    the user; an XLSX's merged ranges and the rows whose filled cells are all formulas."""

    rows: list[tuple[int, tuple[Cell, ...]]]
    notes: tuple[str, ...] = field(default=())
    file_format: str = "CSV"
    merges: tuple[Merge, ...] = ()
    formula_rows: frozenset[int] = frozenset()


def unescape_formula(value: str) -> str:
    """Undo ``services.export.neutralise``: ``'=SUM(A1)`` was exported for ``=SUM(A1)``."""
    if value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def read_table(data: bytes, file_name: str = "") -> RawTable:
    """Read ``data`` (a CSV or XLSX file). Raises ``ValidationError`` when it cannot be read."""
    if not data or not data.strip():
        raise ValidationError(
            [
                f"El fitxer «{file_name}» és buit: no hi ha cap fila."
                if file_name
                else "El fitxer és buit: no hi ha cap fila."
            ]
        )
    if data.startswith(XLSX_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return _read_csv(data)


# --- CSV ---------------------------------------------------------------------------------------

# Excel's "Unicode text" is UTF-16 with a BOM; without one, ASCII text shows as every other
# byte being NUL.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SEP_LINE = re.compile(r'^"?sep=(.)"?[ \t]*\r?\n', re.IGNORECASE)
# Enough lines to see past a title block to the table: its separator is the one whose count
# repeats most, line after line (commas inside a note do not repeat).
_SNIFF_LINES = 30


def _utf16(data: bytes) -> str | None:
    """``data`` as text when it is UTF-16 (with a BOM, or ASCII-heavy little-endian without)."""
    if data.startswith(_UTF16_BOMS):
        codec = "utf-16"
    else:
        sample = data[:400]
        odd_nul = sample[1::2].count(0)
        if len(sample) < 8 or odd_nul < 0.8 * len(sample[1::2]) or sample[0::2].count(0):
            return None
        codec = "utf-16-le"
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        raise ValidationError(
            [
                "El fitxer sembla «Text Unicode» (UTF-16) però no es pot llegir com a tal: "
                "deseu-lo com a «CSV UTF-8» i torneu-lo a pujar."
            ]
        ) from None


def _decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-16 or UTF-8 (BOM or not) when it is; otherwise line by line, so a file pasted
    together from a UTF-8 and a Windows-1252 export keeps its accents on both halves."""
    utf16 = _utf16(data)
    if utf16 is not None:
        note = (
            "El fitxer és «Text Unicode» de l'Excel (UTF-16, separat per tabulacions): "
            "s'ha llegit com a tal."
        )
        return utf16.removeprefix("\ufeff"), (note,)
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


def _delimiter(text: str) -> str:
    """The separator whose count per line repeats most often (then: the larger count)."""
    lines = [line for line in text.splitlines()[: _SNIFF_LINES * 2] if line.strip()]
    best, best_score = ",", (0, 0)
    for sep in (";", ",", "\t"):
        counts = Counter(line.count(sep) for line in lines[:_SNIFF_LINES])
        counts.pop(0, None)
        if not counts:
            continue
        count, lines_with_it = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (lines_with_it, count) > best_score:
            best, best_score = sep, (lines_with_it, count)
    return best


def _read_csv(data: bytes) -> RawTable:
    text, notes = _decode(data)
    if "\x00" in text:
        raise ValidationError(
            [
                "El fitxer conté caràcters nuls: no sembla un CSV ni un XLSX. Deseu-lo com a "
                "«CSV UTF-8» o «Llibre de l'Excel (.xlsx)» i torneu-lo a pujar."
            ]
        )
    sep_line = _SEP_LINE.match(text)
    if sep_line:
        # Excel hides this line and numbers the header row 1: so do we.
        delimiter = sep_line.group(1)
        text = text[sep_line.end() :]
        notes += (
            f"La primera línia, «sep={delimiter}», només diu quin és el separador (l'Excel no "
            "la mostra): no s'importa, i les files es compten sense ella.",
        )
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) > MAX_ROWS:
                raise ValidationError(_too_many_rows())
            rows.append((number, tuple(unescape_formula(c) for c in cells)))
    except csv.Error as error:
        raise ValidationError(
            [f"El fitxer no es pot llegir com a CSV (fila {reader.line_num}): {error}."]
        ) from None
    if not rows:
        raise ValidationError(["El fitxer és buit: no hi ha cap fila."])
    return RawTable(rows=rows, notes=notes, file_format="CSV")


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
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = tuple(_xlsx_cell(v) for v in values)
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if len(rows) > MAX_ROWS:
                raise ValidationError(_too_many_rows())
            rows.append((number, cells))
        # openpyxl's read-only sheets skip what follows the cells: merges, and formulas
        # (data_only gives their values). Both are read from the sheet's XML itself.
        path = getattr(sheet, "_worksheet_path", None)
        merges, formula_rows = _sheet_extras(data, path) if isinstance(path, str) else ((), ())
    except ValidationError:
        raise
    except Exception as error:  # a corrupt sheet can fail anywhere inside openpyxl
        raise ValidationError(
            [f"El llibre XLSX està malmès i no es pot llegir ({type(error).__name__})."]
        ) from None
    finally:
        workbook.close()
    if not rows:
        raise ValidationError(["El primer full del llibre és buit: no hi ha cap fila."])
    return RawTable(
        rows=rows,
        file_format="XLSX",
        merges=merges,
        formula_rows=frozenset(formula_rows),
    )


# The sheet's XML is streamed: only the tail of its cells (the last rows) and what follows
# them (the merged ranges) are kept, so a 5 MB workbook is never held decompressed.
_TAIL_BYTES = 1 << 18
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData>")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL = re.compile(rb"<(?:\w+:)?c\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
# Rows at the end of the sheet checked for formulas: a totals block is a row or two.
_TRAILING_ROWS = 3


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _sheet_extras(data: bytes, path: str) -> tuple[tuple[Merge, ...], tuple[int, ...]]:
    """The sheet's merged ranges, and which of its last filled rows hold only formulas.

    Best effort: openpyxl has read the cells, so a sheet whose XML these patterns do not
    follow is still imported, without fill-down or formula detection."""
    try:
        return _scan_sheet(data, path)
    except (KeyError, OSError, ValueError, zipfile.BadZipFile):
        return (), ()


def _scan_sheet(data: bytes, path: str) -> tuple[tuple[Merge, ...], tuple[int, ...]]:
    tail = b""
    after: bytes | None = None
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as stream:
        while chunk := stream.read(1 << 20):
            if after is not None:
                after += chunk
                continue
            tail = tail[-_TAIL_BYTES:] + chunk
            end = _SHEET_DATA_END.search(tail)
            if end:
                tail, after = tail[: end.start()], tail[end.start() :]
    merges = tuple(
        Merge(
            first_row=int(first_row),
            last_row=int(last_row),
            first_column=_column_number(first_column),
            last_column=_column_number(last_column),
        )
        for first_column, first_row, last_column, last_row in _MERGE.findall(after or b"")
    )
    filled: list[tuple[int, bool]] = []
    for row in _ROW.finditer(tail):
        number = _ROW_NUMBER.search(row.group(1))
        cells = [c.group(1) or b"" for c in _CELL.finditer(row.group(2) or b"")]
        cells = [c for c in cells if _FORMULA.search(c) or _VALUE.search(c)]
        if number and cells:
            filled.append((int(number.group(1)), all(_FORMULA.search(c) for c in cells)))
    return merges, tuple(n for n, formulas in filled[-_TRAILING_ROWS:] if formulas)
