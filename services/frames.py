"""DataFrames from query rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd


def frame_of(rows: Sequence[Sequence[Any]], columns: list[str]) -> pd.DataFrame:
    """A DataFrame from query rows, built column by column: handed SQLAlchemy rows, pandas
    probes each one's attributes, which costs tens of milliseconds at scale 10."""
    if not len(rows):
        return pd.DataFrame(columns=columns)
    values = zip(*rows, strict=True)
    return pd.DataFrame(dict(zip(columns, values, strict=True)), columns=columns)
