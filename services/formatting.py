"""Catalan (ca-ES) formats for numbers, money, percentages and dates, through Babel."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE = "ca_ES"

# A page formats the same few hundred figures on every run; Babel takes 10 to 20 µs for each,
# which a busy page repeats thousands of times. The results depend only on the arguments.
_remember = lru_cache(maxsize=8192)


@_remember
def fmt_number(value: int | float | Decimal, decimals: int = 0) -> str:
    """``1234.5`` → ``1.234,5`` (with ``decimals=1``)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


@_remember
def fmt_eur(value: int | float | Decimal, decimals: int = 2) -> str:
    """``1234.5`` → ``1.234,50 €``; ``decimals=0`` for headline figures."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0¤"
    return format_currency(value, "EUR", format=pattern, locale=LOCALE, currency_digits=False)


@_remember
def fmt_percent(ratio: float, decimals: int = 0) -> str:
    """``0.456`` → ``46 %``."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    return format_percent(ratio, format=pattern, locale=LOCALE)


def fmt_date(value: date | None) -> str:
    """``date(2026, 11, 23)`` → ``23/11/2026``; empty for no date."""
    # What Babel's dd/MM/yyyy writes for every locale, at a hundredth of its cost (the map
    # formats thousands of dates a run).
    return "" if value is None else f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def fmt_datetime(value: datetime) -> str:
    """``datetime(2026, 11, 23, 9, 5)`` → ``23/11/2026 09:05``, in the moment's own zone."""
    return f"{fmt_date(value.date())} {value:%H:%M}"


def fmt_long_date(value: date) -> str:
    """``date(2026, 11, 23)`` → ``23 de novembre de 2026``."""
    return _babel_date(value, "d MMMM 'de' yyyy", locale=LOCALE)


# Vectorised forms for table columns: Babel's cost per call adds up at hundreds of rows.


def fmt_date_column(values: pd.Series, empty: str = "") -> pd.Series:
    """``dd/mm/yyyy`` per row, as ``fmt_date`` writes it; ``empty`` where there is no date."""
    return values.map(lambda d: d.strftime("%d/%m/%Y") if isinstance(d, date) else empty)


def fmt_percent_column(values: pd.Series) -> pd.Series:
    """``46 %`` per row, as ``fmt_percent`` writes it (ratios under 10: no thousands)."""
    return values.map(lambda v: "" if pd.isna(v) else f"{round(v * 100)}\u00a0%")


def fmt_rate(value: float | None) -> str:
    """A ratio as ``fmt_percent`` writes it, or empty when there is none (no session, no
    registration): ``0.456`` → ``46 %``, ``None`` → ``""``."""
    return "" if value is None or pd.isna(value) else fmt_percent(value)


def fmt_points(value: float | None) -> str:
    """A change of rate in percentage points, with its direction: ``-0.2`` → ``↓ 20 punts``,
    ``0`` → ``= 0 punts``; empty when there is none."""
    if value is None or pd.isna(value):
        return ""
    rounded = round(value * 100)
    arrow = "↓" if rounded < 0 else ("↑" if rounded > 0 else "=")
    return f"{arrow} {fmt_number(abs(rounded))} punts"
