"""The period under way is marked as partial in the monthly and quarterly charts, so a
month or quarter counted up to today does not read as a fall."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ui.advisory import needs_bars
from ui.chart_specs import presentation_text, trend_grid
from ui.follow_up_panels import contacts_chart
from ui.work_group_panels import member_grid, wrapped


def _rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return next(iter(spec["datasets"].values()))


def test_the_month_under_way_is_dashed_and_hollow() -> None:
    per_month = pd.DataFrame(
        {
            "month": pd.date_range("2026-09-01", periods=4, freq="MS"),
            "contacts": [30, 28, 31, 6],
            "partial": [False, False, False, True],
        }
    )
    spec = contacts_chart(per_month).to_dict()
    rows = _rows(spec)
    assert [r["period"] for r in rows][-2:] == ["Mes sencer", "Mes en curs, fins avui"]
    # The dashed stretch joins the last whole month to the one under way, and only them.
    assert [r["tail"] for r in rows] == [False, False, True, True]
    solid, dashed, points = spec["layer"]
    assert solid["transform"] == [{"filter": "!datum.partial"}]
    assert dashed["mark"]["strokeDash"] == [4, 4]
    assert dashed["transform"] == [{"filter": "datum.tail"}]
    assert points["encoding"]["fill"]["condition"]["test"] == "datum.partial"


def test_the_quarter_under_way_says_so_in_its_label() -> None:
    needs = pd.DataFrame(
        {
            "quarter": ["2026 T3", "2026 T4"],
            "topic": ["Cures", "Cures"],
            "needs": [12, 3],
            "partial": [False, True],
        }
    )
    bars = needs_bars(needs).to_dict()
    assert bars["encoding"]["x"]["field"] == "period"
    assert bars["transform"][0]["calculate"] == (
        "datum.partial ? datum.quarter + ' (en curs)' : datum.quarter"
    )
    assert bars["encoding"]["opacity"]["condition"]["test"] == "datum.partial"
    trend = pd.DataFrame(
        {
            "work_group": ["Cures", "Cures"],
            "quarter": ["2026 T3", "2026 T4"],
            "quarter_start": pd.to_datetime(["2026-07-01", "2026-10-01"]),
            "sessions": [2, 1],
            "attendances": [5, 1],
            "rate": [0.8, 0.3],
            "partial": [False, True],
        }
    )
    for layer in trend_grid(trend).to_dict()["layer"]:
        # The labels' layer then leaves out a quarter with no rate (no "null" label).
        assert layer["transform"][: len(bars["transform"])] == bars["transform"]
        assert layer["encoding"]["x"]["field"] == "period"


def test_group_names_on_the_heatmap_are_upright_whole_and_readable() -> None:
    # Hyphenated between syllables, lines of at most nine letters plus the hyphen.
    assert wrapped("Cooperativisme d'Habitatge") == "Coopera-\ntivisme\nd'Habi-\ntatge"
    assert wrapped("Finançament de l'ESS") == "Finança-\nment de\nl'ESS"
    assert wrapped("Compra i Contractació Pública Responsable").split("\n") == [
        "Compra i",
        "Contrac-",
        "tació",
        "Pública",
        "Respon-",
        "sable",
    ]
    assert wrapped("Cures") == "Cures"
    # A name in lines, joined again, is the name.
    name = "Monedes Locals i Socials"
    assert wrapped(name).replace("-\n", "").replace("\n", " ") == name
    matrix = pd.DataFrame(
        {
            "member": ["Ajuntament de Vic"],
            "work_group": ["Cooperativisme d'Habitatge"],
            "Taxa": [0.5],
            "attended": [2],
            "sessions": [4],
            "Inscrit": ["Sí"],
            "Assistencia": ["50 %"],
        }
    )
    spec = member_grid(matrix, ("Ajuntament de Vic",)).to_dict()
    cells, numbers = spec["layer"]
    x_axis = cells["encoding"]["x"]["axis"]
    assert x_axis["labelAngle"] == 0 and x_axis["labelLimit"] == 0
    assert x_axis["labelFontSize"] >= 12
    assert cells["encoding"]["y"]["axis"]["labelFontSize"] >= 12
    assert numbers["mark"]["fontSize"] >= 12


def test_the_shared_screen_draws_chart_text_larger_and_keeps_the_data() -> None:
    """Presentation mode is read from across a room: every size a chart sets grows by the same
    factor (the heatmap keeps its proportions), sizes left to the theme get the shared
    screen's, and no data row changes."""
    matrix = pd.DataFrame(
        {
            "member": ["Ajuntament de Vic", "Ajuntament de Reus"],
            "work_group": ["Cooperativisme d'Habitatge", "Cures"],
            "Taxa": [0.5, 1.0],
            "attended": [2, 4],
            "sessions": [4, 4],
            "Inscrit": ["Sí", "Sí"],
            "Assistencia": ["50 %", "100 %"],
        }
    )
    grid = member_grid(matrix, ("Ajuntament de Vic", "Ajuntament de Reus")).to_dict()
    shown = presentation_text(grid)
    assert shown["datasets"] == grid["datasets"]

    def sizes(node: Any) -> list[float]:
        if isinstance(node, dict):
            own = [v for k, v in node.items() if k in {"fontSize", "labelFontSize"}]
            inner = [
                s for k, v in node.items() if k not in {"datasets", "config"} for s in sizes(v)
            ]
            return own + inner
        if isinstance(node, list):
            return [s for item in node for s in sizes(item)]
        return []

    desk, screen = sizes(grid), sizes(shown)
    # The spec's own sizes (the grid's labels and numbers), each a third larger: 12 px reads
    # at 16 px.
    assert desk and screen == [round(size * 4 / 3, 1) for size in desk]
    assert min(screen) >= 16
    assert shown["config"]["axis"]["labelFontSize"] == 16
    assert shown["config"]["legend"]["titleFontSize"] == 16


def test_the_shared_screen_gives_each_bar_room_for_its_larger_label() -> None:
    """Vega hides an axis label that would overlap its neighbour: on the shared screen a
    chart's height, and a grid's height per row, grow with the text."""
    spec = {"height": 160, "layer": [{"mark": "bar", "height": {"step": 24}}]}
    shown = presentation_text(spec)
    assert shown["height"] == round(160 * 4 / 3, 1)
    assert shown["layer"][0]["height"] == {"step": 32.0}
