"""Exported tables: spreadsheets must open them as data, never run what looks like a formula."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
from openpyxl import load_workbook

from services.export import csv_bytes, xlsx_bytes

HOSTILE = pd.DataFrame(
    {
        "Membre": ['=HYPERLINK("http://x","clic")', "<script>alert(1)</script>", "Vic"],
        "Import": [1234.5, -3.0, 0.0],
        "Data": [date(2026, 11, 23), None, date(2024, 2, 29)],
    }
)


def test_csv_opens_in_a_catalan_spreadsheet_and_defuses_formulas() -> None:
    data = csv_bytes(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 accents right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Membre", "Import", "Data"]
    assert rows[1][0] == """'=HYPERLINK("http://x","clic")"""
    # Stored as typed: only what a spreadsheet would run is defused.
    assert rows[2][0] == "<script>alert(1)</script>"
    assert rows[3] == ["Vic", "0.0", "2024-02-29"]


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers() -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes({"Membres: 2026/11": HOSTILE})))
    assert book.sheetnames == ["Membres  2026 11"]
    sheet = book.active
    assert [c.value for c in sheet[1]] == ["Membre", "Import", "Data"]
    formula_cell = sheet["A2"]
    assert formula_cell.value == '=HYPERLINK("http://x","clic")'
    assert formula_cell.data_type == "s"  # a string, not a formula
    assert sheet["B2"].value == 1234.5
    assert sheet["C3"].value is None


def test_empty_table_still_exports_its_header() -> None:
    empty = HOSTILE.iloc[0:0]
    assert csv_bytes(empty).decode("utf-8-sig").strip() == "Membre;Import;Data"
    book = load_workbook(io.BytesIO(xlsx_bytes({"buit": empty})))
    assert [c.value for c in book.active[1]] == ["Membre", "Import", "Data"]
