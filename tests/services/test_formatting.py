from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pandas as pd

from services.formatting import (
    fmt_date,
    fmt_date_column,
    fmt_datetime,
    fmt_eur,
    fmt_long_date,
    fmt_number,
    fmt_percent,
    fmt_percent_column,
)

NBSP = "\u00a0"


def test_money_uses_catalan_separators_and_trailing_euro() -> None:
    assert fmt_eur(1234.5) == f"1.234,50{NBSP}€"
    assert fmt_eur(Decimal("98000"), 0) == f"98.000{NBSP}€"
    assert fmt_eur(0) == f"0,00{NBSP}€"


def test_numbers_group_thousands_with_dots() -> None:
    assert fmt_number(1234) == "1.234"
    assert fmt_number(1234567) == "1.234.567"
    assert fmt_number(3.14159, 2) == "3,14"


def test_percent() -> None:
    assert fmt_percent(0.456) == f"46{NBSP}%"
    assert fmt_percent(0.456, 1) == f"45,6{NBSP}%"


def test_dates_day_first() -> None:
    assert fmt_date(date(2026, 11, 23)) == "23/11/2026"
    assert fmt_date(date(2026, 1, 5)) == "05/01/2026"
    assert fmt_date(None) == ""


def test_long_dates_elide_the_article() -> None:
    assert fmt_long_date(date(2026, 4, 1)) == "1 d’abril de 2026"
    assert fmt_long_date(date(2026, 11, 23)) == "23 de novembre de 2026"


def test_column_formats_match_the_single_value_ones() -> None:
    dates = pd.Series([date(2026, 11, 23), None, date(2024, 2, 29)])
    assert fmt_date_column(dates, "Mai").tolist() == [
        fmt_date(date(2026, 11, 23)),
        "Mai",
        fmt_date(date(2024, 2, 29)),
    ]
    ratios = pd.Series([0.456, None, 1.0])
    assert fmt_percent_column(ratios).tolist() == [fmt_percent(0.456), "", fmt_percent(1.0)]


def test_a_moment_reads_as_catalan_date_and_time() -> None:
    assert fmt_datetime(datetime(2026, 11, 23, 9, 5)) == "23/11/2026 09:05"
