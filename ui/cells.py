"""Typed reads of one cell of a service's DataFrame.

pandas-stubs type a cell (a field of an ``itertuples`` row, ``frame.at[...]``, ``series.iloc[i]``)
as the union of every scalar pandas can hold. These say what a page expects there, and refuse
anything else with a ``TypeError`` rather than drawing it wrong.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

# What a numeric column holds: Python's numbers (Decimal from PostgreSQL's NUMERIC), numpy's.
_NUMBERS = (int, float, Decimal, np.integer, np.floating)


def is_missing(value: object) -> bool:
    """pandas' own test for a missing cell: None, NaN, NaT or NA."""
    # pandas-stubs type isna's scalar argument as a union of known scalars; at runtime it
    # takes any one cell and answers a bool.
    return value is None or bool(pd.isna(value))  # type: ignore[call-overload]


def float_of(value: object) -> float:
    """A number cell as a float (a NaN stays NaN)."""
    if isinstance(value, _NUMBERS):
        return float(value)
    raise TypeError(f"a number was expected, not {value!r}")


def float_or_none(value: object) -> float | None:
    """A number cell as a float, or None when it is missing."""
    return None if is_missing(value) else float_of(value)


def int_of(value: object) -> int:
    """A count cell as an int (numpy's integers; a float column's whole numbers)."""
    if isinstance(value, _NUMBERS):
        return int(value)
    raise TypeError(f"a number was expected, not {value!r}")
