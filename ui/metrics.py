"""A row of headline figures (``st.metric``) that stays readable on the shared screen.

In presentation mode the type is large and a figure must never be cut ("2…"): a row of five
or more becomes balanced rows of at most ``PRESENTING_PER_ROW``, and the presentation CSS
(``ui.layout``) puts fewer per row when the screen is narrow, which only the browser
knows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.layout import presentation_mode

# Four figures at presentation size fit a 1440 px screen with the sidebar collapsed; the CSS
# halves a row of four on a narrower one.
PRESENTING_PER_ROW = 4


@dataclass(frozen=True)
class Figure:
    """One ``st.metric``: what it says, and how its delta reads."""

    label: str
    value: str
    delta: str | None = None
    help: str | None = None
    # "off" for a delta that is a note, not a change: no colour.
    delta_color: Literal["normal", "inverse", "off"] = "normal"
    delta_arrow: Literal["auto", "up", "down", "off"] = "auto"


def row_sizes(count: int, per_row: int) -> list[int]:
    """``count`` cells in as few rows of at most ``per_row`` as possible, as even as possible
    (five in rows of four: 3 + 2, not 4 + 1; seven in rows of three: 3 + 2 + 2)."""
    if count <= 0:
        return []
    rows = math.ceil(count / per_row)
    base, extra = divmod(count, rows)
    return [base + 1 if index < extra else base for index in range(rows)]


def metric_cells(count: int) -> list[DeltaGenerator]:
    """``count`` cells for figures: one row of columns, or, on the shared screen, balanced
    rows of at most ``PRESENTING_PER_ROW``."""
    if not presentation_mode() or count <= PRESENTING_PER_ROW:
        return list(st.columns(count))
    cells: list[DeltaGenerator] = []
    sizes = row_sizes(count, PRESENTING_PER_ROW)
    widest = max(sizes)
    for size in sizes:
        # A short last row keeps the first rows' cell width: figures line up as a grid.
        columns = st.columns(widest)
        cells.extend(columns[:size])
    return cells


def metric_row(figures: Sequence[Figure], *, border: bool = True) -> None:
    """Draw ``figures`` side by side (see ``metric_cells``)."""
    for cell, figure in zip(metric_cells(len(figures)), figures, strict=True):
        cell.metric(
            figure.label,
            figure.value,
            delta=figure.delta,
            help=figure.help,
            delta_color=figure.delta_color,
            delta_arrow=figure.delta_arrow,
            border=border,
        )
