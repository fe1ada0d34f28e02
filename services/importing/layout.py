"""Where the table is in a sheet as people keep it: the header row under a title block, the
data rows, a trailing totals row to leave out, and merged cells to fill down.

A team's workbook often starts with a title (merged across the top), a date or a blank row,
and has its real header on row 3; it may end with a "TOTAL" row or a row of formulas. The
header is the first row whose cells name the kind's columns well enough; what is left out is
said in the preview's notes, so nothing is skipped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from services.importing.base import Column, KindSpec
from services.importing.reading import Cell, Merge, RawTable
from services.importing.values import fold, is_blank, key, shown

# A title block is a few rows: the header is looked for among the first rows only, so a data
# row that happens to hold a column's name further down is never taken for it.
HEADER_SEARCH_ROWS = 20
# "TOTAL", "Total:", "Totals 2026", "TOTAL GENERAL", "Suma", "Subtotal", in ca/es/en.
_TOTALS = re.compile(
    r"(sub)?(total(s|es)?|suma|sumes|sumas|grand total)( general)?[\s:.\d€%()-]*", re.IGNORECASE
)
# A totals block is a row or two; more would be data.
_MAX_TOTALS_ROWS = 2


@dataclass(frozen=True)
class Layout:
    """The header row's number and cells, the data rows under it, and what was left out."""

    header_line: int
    headers: tuple[str, ...]
    rows: list[tuple[int, tuple[Cell, ...]]]
    notes: tuple[str, ...] = ()


@cache
def columns_by_name(kind: KindSpec) -> dict[str, Column]:
    """Every header ``kind`` accepts, as a ``key``, → the column it names (built once per
    kind: the header search asks it of every candidate row)."""
    return {name: column for column in kind.columns for name in column.names()}


def matched_columns(cells: tuple[Cell, ...], kind: KindSpec) -> set[str]:
    """The keys of ``kind``'s columns that ``cells`` name (as a header row would)."""
    names = columns_by_name(kind)
    return {names[key(c)].key for c in cells if isinstance(c, str) and key(c) in names}


def header_index(table: RawTable, kind: KindSpec) -> tuple[int, set[str]]:
    """The position in ``table.rows`` of ``kind``'s header row, and the columns it names.

    The first row that names every required column (and two columns, when the kind has
    two); failing that, the row naming most columns, so the refusal lists what it has;
    failing that, the first row."""
    required = {c.key for c in kind.columns if c.required}
    enough = min(2, len(kind.columns))
    best, best_matched = 0, set[str]()
    for index, (_, cells) in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        matched = matched_columns(cells, kind)
        if required <= matched and len(matched) >= enough:
            return index, matched
        if len(matched) > len(best_matched):
            best, best_matched = index, matched
    return best, best_matched


def _header_cells(cells: tuple[Cell, ...]) -> tuple[str, ...]:
    headers = tuple("" if c is None else shown(c).strip() for c in cells)
    # Sheets report trailing empty columns: they are not part of the header.
    while headers and not headers[-1]:
        headers = headers[:-1]
    return headers


def _first_text(cells: tuple[Cell, ...]) -> str:
    return next((shown(c).strip() for c in cells if not is_blank(c)), "")


def _totals(line: int, cells: tuple[Cell, ...], formula_rows: frozenset[int]) -> str | None:
    """How a totals row shows itself ("(fórmules)", "(«TOTAL»)"); None for a data row."""
    filled = [c for c in cells if not is_blank(c)]
    if line in formula_rows or (
        # A CSV that kept the formulas' text.
        filled and all(isinstance(c, str) and c.lstrip().startswith("=") for c in filled)
    ):
        return "(fórmules)"
    first = _first_text(cells)
    if first and _TOTALS.fullmatch(fold(first)) is not None:
        return f"(«{first[:40]}»)"
    return None


def _drop_totals(
    rows: list[tuple[int, tuple[Cell, ...]]], formula_rows: frozenset[int]
) -> list[str]:
    """Take the trailing totals rows off ``rows``; the notes that say so."""
    notes: list[str] = []
    for _ in range(_MAX_TOTALS_ROWS):
        what = _totals(*rows[-1], formula_rows) if len(rows) > 1 else None
        if what is None:
            break
        line, _ = rows.pop()
        notes.insert(0, f"La fila {line} {what} és una fila de totals: no s'importa.")
    return notes


def _ranges(lines: list[tuple[int, int]]) -> str:
    shown_ranges = [f"{first}–{last}" for first, last in lines[:3]]
    more = f" i {len(lines) - 3} més" if len(lines) > 3 else ""
    return ", ".join(shown_ranges) + more


def _fill_merges(
    rows: list[tuple[int, tuple[Cell, ...]]],
    merges: tuple[Merge, ...],
    header_line: int,
    headers: tuple[str, ...],
) -> list[str]:
    """Copy each merged data cell's value down its range, in place; the notes that say so.

    Only ranges within the data rows: a merged title or header is the layout, not a value."""
    position = {line: index for index, (line, _) in enumerate(rows)}
    filled: dict[int, list[tuple[int, int]]] = {}
    for merge in merges:
        if merge.first_row <= header_line or merge.last_row == merge.first_row:
            continue
        column = merge.first_column - 1
        top = position.get(merge.first_row)
        if top is None or column >= len(rows[top][1]) or is_blank(rows[top][1][column]):
            continue
        value = rows[top][1][column]
        for line in range(merge.first_row + 1, merge.last_row + 1):
            index = position.get(line)
            if index is None:
                continue
            number, cells = rows[index]
            if column < len(cells) and is_blank(cells[column]):
                rows[index] = (number, (*cells[:column], value, *cells[column + 1 :]))
        filled.setdefault(column, []).append((merge.first_row, merge.last_row))
    notes = []
    for column, lines in sorted(filled.items()):
        name = headers[column] if column < len(headers) and headers[column] else f"{column + 1}"
        notes.append(
            f"Cel·les combinades a la columna *{name}* (files {_ranges(sorted(lines))}): "
            "s'ha copiat el valor a cada fila."
        )
    return notes


def lay_out(table: RawTable, kind: KindSpec) -> Layout:
    """The table ``kind``'s importer reads from ``table``."""
    index, _ = header_index(table, kind)
    header_line, header_cells = table.rows[index]
    headers = _header_cells(header_cells)
    notes: list[str] = []
    if index:
        above = _first_text(table.rows[0][1])
        notes.append(
            f"La capçalera és a la fila {header_line}: el que hi ha a sobre («{above[:60]}»"
            f"{'…' if index > 1 or len(above) > 60 else ''}) no s'importa."
        )
    rows = list(table.rows[index + 1 :])
    notes.extend(_drop_totals(rows, table.formula_rows))
    notes.extend(_fill_merges(rows, table.merges, header_line, headers))
    return Layout(header_line=header_line, headers=headers, rows=rows, notes=tuple(notes))
