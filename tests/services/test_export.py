"""Exported tables: spreadsheets must open them as data, never run what looks like a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from services.export import csv_bytes, xlsx_bytes
from services.formatting import DATE, EUR, HOURS, NEVER_DATE, NUMBER, ColumnFormat

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


TYPED = pd.DataFrame(
    {
        "Municipi": ["Vic", "Reus"],
        "Població": [115701, 9],
        "Cost": [2500.0, 12.5],
        "Assistència": [0.35, 0.5],
        "Data": [date(2026, 3, 28), None],
    }
)
TYPED_FORMATS = {"Cost": EUR, "Assistència": ColumnFormat("percent", 1)}


def test_xlsx_holds_real_numbers_and_dates_with_excel_formats() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes({"Taula": TYPED}, TYPED_FORMATS))).worksheets[0]
    population, cost, rate, day = sheet["B2"], sheet["C2"], sheet["D2"], sheet["E2"]
    # Numbers a spreadsheet adds up, not the text a page shows ("115.701", "2.500,00 €").
    assert (population.data_type, population.value) == ("n", 115701)
    assert population.number_format == "#,##0"
    assert (cost.data_type, cost.value) == ("n", 2500)
    assert cost.number_format == '#,##0.00 "€"'
    # A ratio stays the ratio: Excel's percent format shows 35,0 %.
    assert (rate.data_type, rate.value) == ("n", 0.35)
    assert rate.number_format == "0.0%"
    assert day.is_date and day.value == datetime(2026, 3, 28)
    assert day.number_format == "dd/mm/yyyy"
    assert sheet["E3"].value is None  # no date: a blank cell, not "" nor "NaT"
    assert sheet["A2"].data_type == "s" and sheet["A2"].number_format == "General"


def test_xlsx_types_undescribed_columns_by_their_dtype() -> None:
    frame = pd.DataFrame(
        {
            "Hores": [9.5, 12.0],
            "Desat el": pd.to_datetime(["2026-03-28 09:05", "2026-03-29 10:00"]).tz_localize(
                "Europe/Madrid"
            ),
        }
    )
    sheet = load_workbook(io.BytesIO(xlsx_bytes({"Taula": frame}))).worksheets[0]
    assert sheet["A2"].value == 9.5 and sheet["A2"].number_format == "#,##0.00"
    # Excel has no time zones: the wall-clock time is kept.
    assert sheet["B2"].value == datetime(2026, 3, 28, 9, 5)
    assert sheet["B2"].number_format == "dd/mm/yyyy hh:mm"


def test_csv_stays_plain_values_for_machines() -> None:
    rows = list(csv.reader(io.StringIO(csv_bytes(TYPED).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Vic", "115701", "2500.0", "0.35", "2026-03-28"]


def test_column_format_reads_catalan_whatever_the_type() -> None:
    assert NUMBER.text(np.int64(115701)) == "115.701"
    assert EUR.text(2500) == "2.500,00\u00a0€"
    assert ColumnFormat("percent", 1).text(0.35) == "35,0\u00a0%"
    assert DATE.text(pd.Timestamp("2026-03-28")) == "28/03/2026"
    assert HOURS.text(9.5) == "9,5" and HOURS.text(12.0) == "12"
    assert NEVER_DATE.text(None) == "Mai" and NUMBER.text(float("nan")) == ""
