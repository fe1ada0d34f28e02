"""Altair charts drawn from a Vega-Lite spec made once per data.

Altair checks a chart against the whole Vega-Lite schema when it is built and again when it is
turned into a spec: 15 to 200 ms a chart at ten times the demo (the work groups' layered
trend grid is the dearest), on every page run, for a chart that only changes with its data.
``show_chart`` builds the spec once per builder, data and arguments (the data's hash is the
key: a few milliseconds) and draws it with ``st.vega_lite_chart``, as the frontier's chart
already was. Builders are plain functions of a DataFrame (and hashable arguments) returning an
Altair chart, so they stay testable on their own; those the meeting pack's PDF draws too live
in the Streamlit-free ``ui.chart_specs``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Hashable
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.chart_specs import presentation_text
from ui.layout import presentation_mode

ChartBuilder = Callable[..., alt.TopLevelMixin]


@st.cache_data(show_spinner=False, max_entries=300)
def _spec(
    module: str, name: str, data: pd.DataFrame, arguments: tuple[Hashable, ...]
) -> dict[str, Any]:
    # The builder is named, not passed: a stable key across reruns and processes' pickles.
    build: ChartBuilder = getattr(importlib.import_module(module), name)
    # The data travels inline in the spec; st.altair_chart, which these replace, has no row
    # limit either (Altair's own 5,000 rows is for notebooks).
    with alt.data_transformers.disable_max_rows():
        return build(data, *arguments).to_dict()


def show_chart(
    build: ChartBuilder,
    data: pd.DataFrame,
    *arguments: Hashable,
    where: DeltaGenerator | None = None,
) -> None:
    """Draw ``build(data, *arguments)`` across the width of ``where`` (the page by default)."""
    spec = _spec(build.__module__, build.__qualname__, data, arguments)
    draw_spec(spec, where=where)


def draw_spec(spec: dict[str, Any], *, where: DeltaGenerator | None = None) -> None:
    """Draw a Vega-Lite spec across the width of ``where``, its text larger on the shared
    screen (a canvas: the page's CSS cannot enlarge it)."""
    if presentation_mode():
        spec = presentation_text(spec)
    (where if where is not None else st).vega_lite_chart(spec, width="stretch")
