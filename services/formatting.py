"""Catalan (ca-ES) formats for numbers, money, percentages and dates, through Babel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Literal

import numpy as np
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


# Table columns: one description says how a column reads on screen (ca-ES, whatever the
# browser's language) and how its cells are typed in an XLSX file (a real number or date,
# with Excel's number format), so the two never disagree.

ColumnKind = Literal["number", "eur", "percent", "date", "datetime"]


@dataclass(frozen=True)
class ColumnFormat:
    """How a table column of numbers, money, ratios or dates reads.

    ``decimals`` is exact unless ``exact`` is false: then it is the most shown (``12`` and
    ``9,5`` in one column of hours). ``empty`` is what a missing value reads as on screen
    (``Mai`` for a member who never came); the XLSX cell stays blank, so the column still
    adds up and sorts."""

    kind: ColumnKind
    decimals: int = 0
    exact: bool = True
    empty: str = ""

    def text(self, value: object) -> str:
        """The ca-ES text of one cell: ``115.701``, ``2.500,00 €``, ``35,0 %``, ``28/03/2026``."""
        if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # type: ignore[call-overload]
            return self.empty
        if self.kind in ("date", "datetime"):
            if isinstance(value, datetime):  # pd.Timestamp is a datetime
                return fmt_datetime(value) if self.kind == "datetime" else fmt_date(value.date())
            if isinstance(value, date):
                return fmt_date(value)
            return str(value)
        if isinstance(value, np.generic):
            value = value.item()  # numpy's scalars, as Python's
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return str(value)
        number = float(value)
        decimals = self.decimals
        if not self.exact:
            # At most ``decimals``, and no trailing zeros: 9.50 reads 9,5.
            shown = number * 100 if self.kind == "percent" else number
            decimals = len(f"{shown:.{self.decimals}f}".rstrip("0").split(".")[1])
        if self.kind == "eur":
            return fmt_eur(number, decimals)
        if self.kind == "percent":
            return fmt_percent(number, decimals)
        return fmt_number(number, decimals)

    @property
    def excel(self) -> str:
        """Excel's number format for the column's cells (a ratio is stored as the ratio)."""
        fraction = "." + "0" * self.decimals if self.decimals else ""
        if self.kind == "date":
            return "dd/mm/yyyy"
        if self.kind == "datetime":
            return "dd/mm/yyyy hh:mm"
        if self.kind == "percent":
            return f"0{fraction}%"
        if self.kind == "eur":
            # The euro sign quoted: a literal every spreadsheet reads in a number format.
            return f'#,##0{fraction} "€"'
        return f"#,##0{fraction}"


NUMBER = ColumnFormat("number")
EUR = ColumnFormat("eur", 2)
EUR_WHOLE = ColumnFormat("eur", 0)
PERCENT = ColumnFormat("percent")
DATE = ColumnFormat("date")
DATETIME = ColumnFormat("datetime")


def column_format(values: pd.Series) -> ColumnFormat | None:
    """What a column's own type says about how it reads, for a column nobody described:
    whole numbers with thousands, other numbers with up to two decimals, dates as dates;
    ``None`` for text, yes/no and anything else."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_integer_dtype(dtype):
        return NUMBER
    if pd.api.types.is_float_dtype(dtype):
        return ColumnFormat("number", 2, exact=False)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        present = values.dropna()
        midnight = present.empty or bool((present == present.dt.normalize()).all())
        return DATE if midnight else DATETIME
    if pd.api.types.is_object_dtype(dtype):
        present = values.dropna()
        if present.empty:
            return None
        if all(isinstance(v, datetime) for v in present):
            return DATETIME
        if all(isinstance(v, date) for v in present):
            return DATE
        if all(isinstance(v, Decimal) for v in present):
            return ColumnFormat("number", 2, exact=False)
    return None


# A member's last attendance: "Mai" on screen when there is none.
NEVER_DATE = ColumnFormat("date", empty="Mai")
# Hours as people write them: no decimals for whole hours, one otherwise.
HOURS = ColumnFormat("number", 1, exact=False)
