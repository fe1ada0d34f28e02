"""The plan execution's charts as Altair builders: plain functions of a DataFrame, with no
Streamlit, so the page (``ui.charts.show_chart``) and the meeting pack's PDF (vl-convert) draw
the same spec."""

from __future__ import annotations

import altair as alt
import pandas as pd

from db.models import ActivityStatus
from services.formatting import fmt_eur
from services.labels import ACTIVITY_STATUS, PLAN_AXIS

# Status colours: done the network's teal, in progress a lighter teal, pending grey, cancelled
# a muted red; each at 3:1 or more against white (WCAG's non-text contrast).
STATUS_COLOURS = {
    ActivityStatus.DONE: "#0f6e6e",
    ActivityStatus.IN_PROGRESS: "#3a9a9a",
    ActivityStatus.PLANNED: "#8a9396",
    ActivityStatus.CANCELLED: "#b5503c",
}
STATUS_ORDER = [
    ActivityStatus.DONE,
    ActivityStatus.IN_PROGRESS,
    ActivityStatus.PLANNED,
    ActivityStatus.CANCELLED,
]
THOUSANDS_DOT = "replace(format(datum.value, ',.0f'), /,/g, '.')"
MONEY_LABELS = {"estimated_cost_eur": "Previst", "actual_cost_eur": "Gastat"}


def _axis_label(axis: int) -> str:
    return PLAN_AXIS.get(axis, f"Eix {axis}")


def status_by_axis(by_axis: pd.DataFrame, title: str) -> alt.Chart:
    """The adopted plan's activities per axis, stacked by status (``axis_summary`` rows,
    already narrowed to Conveni-linked or not by the caller)."""
    data = pd.DataFrame(
        {
            "Eix": by_axis["axis"].map(_axis_label),
            "Estat": by_axis["status"].map(lambda s: ACTIVITY_STATUS[ActivityStatus(s)]),
            "order": by_axis["status"].map(lambda s: STATUS_ORDER.index(ActivityStatus(s))),
            "Activitats": by_axis["activities"].astype(int),
        }
    )
    chart: alt.Chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(
                "Eix:N", title=None, sort=sorted(set(data["Eix"])), axis=alt.Axis(labelLimit=220)
            ),
            x=alt.X("sum(Activitats):Q", title="Activitats", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "Estat:N",
                scale=alt.Scale(
                    domain=[ACTIVITY_STATUS[s] for s in STATUS_ORDER],
                    range=[STATUS_COLOURS[s] for s in STATUS_ORDER],
                ),
                legend=alt.Legend(title=None, orient="bottom", columns=2),
            ),
            order=alt.Order("order:Q"),
            tooltip=["Eix:N", "Estat:N", alt.Tooltip("sum(Activitats):Q", title="Activitats")],
        )
        .properties(height=alt.Step(26))
    )
    return chart


def money_by_axis(by_axis: pd.DataFrame) -> alt.Chart:
    """Estimated against spent money per axis, side by side."""
    totals = by_axis.groupby("axis", as_index=False)[
        ["estimated_cost_eur", "actual_cost_eur"]
    ].sum()
    data = totals.melt(
        id_vars="axis",
        value_vars=list(MONEY_LABELS),
        var_name="measure",
        value_name="eur",
    )
    data = pd.DataFrame(
        {
            "Eix": data["axis"].map(_axis_label),
            "Import": data["measure"].map(MONEY_LABELS),
            "Euros": data["eur"].astype(float),
            "Text": data["eur"].map(lambda v: fmt_eur(float(v), 0)),
        }
    )
    chart: alt.Chart = (
        alt.Chart(data, title="Diners previstos i gastats per eix")
        .mark_bar()
        .encode(
            y=alt.Y("Eix:N", title=None, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset("Import:N", sort=list(MONEY_LABELS.values())),
            # d3's thousands comma, read ca-ES: a dot.
            x=alt.X("Euros:Q", title="Euros", axis=alt.Axis(labelExpr=THOUSANDS_DOT)),
            color=alt.Color(
                "Import:N",
                scale=alt.Scale(domain=list(MONEY_LABELS.values()), range=["#8a9396", "#0f6e6e"]),
                legend=alt.Legend(title=None, orient="bottom", columns=2),
            ),
            tooltip=["Eix:N", "Import:N", alt.Tooltip("Text:N", title="Euros")],
        )
        .properties(height=alt.Step(14))
    )
    return chart
