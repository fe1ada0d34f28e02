"""Altair chart builders shared by the pages and the Commission's meeting pack (PDF).

No Streamlit here: a page draws a builder through ``ui.charts.show_chart`` (the spec built once
per data), and ``ui.meeting_pack_pdf`` turns the very same builder's spec into SVG with
vl-convert, so the screen and the paper never show two drawings of one figure.
tests/test_architecture.py holds this module (and the PDF's) to it.

Builders are plain functions of a DataFrame (and hashable arguments) returning an Altair chart.
Charts are annotated where built: under mypy altair's ``mark_*`` methods return Any (a
decorator copies their signature in).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from services.follow_up import STATUS_ORDER
from services.formatting import fmt_number
from services.territory import comarca_geometries

# --- Shared marks ------------------------------------------------------------------------------

# What a chart says of the period under way: it is counted up to today, so a lower figure is
# not a fall.
PARTIAL_LABEL = "en curs"


def partial_period_label(period: str) -> str:
    """A Vega expression for ``period``'s axis label and tooltip, marking the period under
    way (a row whose ``partial`` is true): "2026 T4 (en curs)"."""
    return f"datum.partial ? datum.{period} + ' ({PARTIAL_LABEL})' : datum.{period}"


# --- The shared screen --------------------------------------------------------------------------

# Presentation mode is read from across a meeting room: a chart's text there is this much larger
# than on a desk (12 px axis labels become 16 px).
PRESENTATION_TEXT_SCALE = 4 / 3
# Where a spec leaves a size to the theme, the shared screen's size for it, in px.
_PRESENTATION_DEFAULTS: dict[str, dict[str, Any]] = {
    # Vega cuts an axis label at 180 px: a third more, as for the text.
    "axis": {"labelFontSize": 16, "titleFontSize": 16, "labelLimit": 240},
    "legend": {"labelFontSize": 16, "titleFontSize": 16},
    "header": {"labelFontSize": 16, "titleFontSize": 16},
    "title": {"fontSize": 21, "subtitleFontSize": 16},
    "text": {"fontSize": 16},
    # A bar chart left to Vega's 20 px a bar would hide every other larger label.
    "view": {"discreteHeight": {"step": 27}},
}
# The keys of a Vega-Lite spec that size text. A label's line height, padding and width limit grow
# with its text: the heatmap's group names hang from their padding, a line height per extra line.
_TEXT_SIZES = frozenset(
    {
        "fontSize",
        "labelFontSize",
        "titleFontSize",
        "subtitleFontSize",
        "lineHeight",
        "labelLineHeight",
        "labelPadding",
        "labelLimit",
    }
)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _scaled(node: Any, factor: float) -> Any:
    if isinstance(node, dict):
        return {
            key: round(value * factor, 1)
            if (key in _TEXT_SIZES or key == "height") and _is_number(value)
            # A height per row ({"step": 24}) grows with the row's label.
            else {**value, "step": round(value["step"] * factor, 1)}
            if key == "height" and isinstance(value, dict) and _is_number(value.get("step"))
            else _scaled(value, factor)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_scaled(item, factor) for item in node]
    return node


def presentation_text(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` with its text sized for the shared screen: every size the spec sets is scaled by
    ``PRESENTATION_TEXT_SCALE`` (so the work groups' grid keeps its proportions), and sizes it
    leaves to the theme get the shared screen's own. Heights grow by as much, so that a bar
    still has room for its larger label (Vega hides labels that would overlap). The data is
    left as it is."""
    data = spec.get("datasets")
    scaled: dict[str, Any] = _scaled(
        {key: value for key, value in spec.items() if key != "datasets"},
        PRESENTATION_TEXT_SCALE,
    )
    config = scaled.setdefault("config", {})
    for part, sizes in _PRESENTATION_DEFAULTS.items():
        config[part] = {**sizes, **config.get(part, {})}
    if data is not None:
        scaled["datasets"] = data
    return scaled


# --- Follow-up (Seguiment) ---------------------------------------------------------------------

STATUS_COLOURS = {
    "Endarrerit": "#c0392b",
    "Sense contacte": "#8e44ad",
    "Toca aviat": "#e67e22",
    "Al dia": "#27ae60",
}


def status_colour_scale() -> alt.Scale:
    return alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values()))


def status_chart(statuses: pd.DataFrame) -> alt.Chart:
    """Members per follow-up status, from one row per member (a ``status`` column)."""
    counts = (
        statuses["status"]
        .value_counts()
        .reindex([s.value for s in STATUS_ORDER], fill_value=0)
        .rename_axis("Estat")
        .reset_index(name="Membres")
    )
    chart: alt.Chart = (
        alt.Chart(counts, title="Membres per estat de seguiment")
        .mark_bar()
        .encode(
            x=alt.X("Membres:Q"),
            y=alt.Y("Estat:N", sort=list(STATUS_COLOURS), title=None),
            color=alt.Color("Estat:N", scale=status_colour_scale(), legend=None),
            tooltip=["Estat", "Membres"],
        )
    )
    return chart


# --- Inici -------------------------------------------------------------------------------------


def province_bars(by_province: pd.DataFrame) -> alt.Chart:
    chart: alt.Chart = (
        alt.Chart(by_province, title="Membres actius per demarcació")
        .mark_bar()
        .encode(
            x=alt.X("members:Q", title="Membres"),
            y=alt.Y("province:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("province:N", title="Demarcació"),
                alt.Tooltip("members:Q", title="Membres"),
            ],
        )
    )
    return chart


# --- Work groups (Grups de Treball) ------------------------------------------------------------


def trend_grid(trend: pd.DataFrame) -> alt.LayerChart:
    """Each group's attendance per quarter; the quarter under way says so in its label."""
    base = (
        alt.Chart(trend)
        .transform_calculate(period=partial_period_label("quarter"))
        .encode(
            x=alt.X(
                "period:O",
                title=None,
                sort="ascending",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("work_group:N", title=None, axis=alt.Axis(labelLimit=260)),
        )
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "rate:Q",
            title="Assistència",
            scale=alt.Scale(domain=[0, 1], scheme="blues"),
            legend=alt.Legend(format="%"),
        ),
        tooltip=[
            alt.Tooltip("work_group:N", title="Grup"),
            alt.Tooltip("period:O", title="Trimestre"),
            alt.Tooltip("sessions:Q", title="Sessions"),
            alt.Tooltip("attendances:Q", title="Assistències"),
            alt.Tooltip("rate:Q", title="Assistència", format=".0%"),
        ],
    )
    # A quarter with sessions but no rate (no one enrolled) gets no label, rather than "null".
    labels = (
        base.transform_filter("isValid(datum.rate)")
        .mark_text(fontSize=12)
        .encode(
            text=alt.Text("rate:Q", format=".0%"),
            color=alt.condition("datum.rate > 0.6", alt.value("white"), alt.value("#333")),
        )
    )
    grid: alt.LayerChart = (cells + labels).properties(height=alt.Step(30))
    return grid


# --- Events (Esdeveniments) --------------------------------------------------------------------


def reach_data(by_province: pd.DataFrame) -> pd.DataFrame:
    """``events.TerritoryAttendance.by_province`` as ``reach_bars`` draws it: the reach (0 for
    a province with no member) and its "38 de 41" label."""
    return by_province.assign(
        Abast=by_province["reach"].fillna(0.0),
        Etiqueta=[
            f"{fmt_number(a)} de {fmt_number(m)}"
            for a, m in zip(
                by_province["members_attended"], by_province["active_members"], strict=True
            )
        ],
    )


def reach_bars(chart_data: pd.DataFrame) -> alt.LayerChart:
    base = alt.Chart(chart_data, title="Membres que hi han anat, per demarcació").encode(
        x=alt.X(
            "Abast:Q",
            title="Part dels membres actius",
            axis=alt.Axis(format="%"),
            scale=alt.Scale(domain=[0, 1]),
        ),
        y=alt.Y("province:N", title=None),
        tooltip=[
            alt.Tooltip("province:N", title="Demarcació"),
            alt.Tooltip("Etiqueta:N", title="Membres"),
            alt.Tooltip("attendances:Q", title="Assistències"),
            alt.Tooltip("Abast:Q", title="Abast", format=".0%"),
        ],
    )
    bars = base.mark_bar(color="#1f77b4")
    # The counts at the bar's end ("38 de 41" reads better than a bare percentage): inside a
    # long bar, after a short one.
    inside = (
        base.transform_filter("datum.Abast >= 0.3")
        .mark_text(align="right", dx=-6, color="white", fontSize=13)
        .encode(text="Etiqueta:N")
    )
    after = (
        base.transform_filter("datum.Abast < 0.3")
        .mark_text(align="left", dx=6, color="#333", fontSize=13)
        .encode(text="Etiqueta:N")
    )
    chart: alt.LayerChart = (bars + inside + after).properties(height=alt.Step(44))
    return chart


# --- Territory: the static map of comarques ----------------------------------------------------

WITH_PRESENCE = "Amb presència"
WITHOUT_PRESENCE = "Sense presència"
PRESENCE_COLOURS = {WITH_PRESENCE: "#1f77b4", WITHOUT_PRESENCE: "#e3e6ea"}


def _presence_features(presence: pd.DataFrame) -> list[dict[str, Any]]:
    geometries = comarca_geometries()
    features = []
    for row in presence.itertuples(index=False):
        geometry = geometries.get(str(row.comarca_code))
        if geometry is None:
            continue
        members = int(str(row.members))
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "comarca": row.comarca,
                    "members": members,
                    "presence": WITH_PRESENCE if members else WITHOUT_PRESENCE,
                },
            }
        )
    return features


def comarca_map(presence: pd.DataFrame, width: int = 520) -> alt.LayerChart:
    """Catalonia's comarques, with and without active members: a static geoshape over the
    committed comarca boundaries (``services.territory.comarca_geometries``), from
    ``territory.comarca_presence``'s frame. Works offline, on screen and on paper; each
    comarca with presence carries its count of members."""
    features = _presence_features(presence)
    data = alt.Data(values=features)  # type: ignore[no-untyped-call]
    base = alt.Chart(data).project(type="mercator")
    shapes = base.mark_geoshape(stroke="white", strokeWidth=0.8).encode(
        color=alt.Color(
            "properties.presence:N",
            title=None,
            scale=alt.Scale(domain=list(PRESENCE_COLOURS), range=list(PRESENCE_COLOURS.values())),
            legend=alt.Legend(orient="bottom", labelFontSize=12),
        ),
        tooltip=[
            alt.Tooltip("properties.comarca:N", title="Comarca"),
            alt.Tooltip("properties.members:Q", title="Membres actius"),
        ],
    )
    # Each comarca's count of members at its centroid, where there are any.
    counts = (
        base.transform_filter("datum.properties.members > 0")
        .transform_calculate(
            centroid="geoCentroid(null, datum)",
            lon="datum.centroid[0]",
            lat="datum.centroid[1]",
        )
        .mark_text(fontSize=10, color="white", fontWeight="bold")
        .encode(longitude="lon:Q", latitude="lat:Q", text="properties.members:Q")
    )
    chart: alt.LayerChart = (shapes + counts).properties(
        width=width,
        height=int(width * 0.95),
        title=alt.Title(
            "Comarques amb i sense presència",
            subtitle="Xifra: membres actius de la comarca",
        ),
    )
    return chart
