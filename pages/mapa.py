"""Mapa territorial: members by follow-up status, comarques without presence, the year's
events, mentor links and delegates; beside it, the empty territories and their nearest
member, and the per-province summary. Works offline (see ``ui/map_assets.py``)."""

from __future__ import annotations

import streamlit as st

from services import map_layers
from services.clock import catalan_today
from services.follow_up import Cadence
from services.formatting import fmt_number
from services.map_layers import MapLayers
from settings import load_settings
from ui.data import query
from ui.layout import presentation_mode
from ui.metrics import Figure, metric_row

ALL_PROVINCES = "Totes"


def _headline(layers: MapLayers) -> None:
    comarques = layers.comarques
    empty = comarques[comarques["members"] == 0]
    # Short labels: on the Commission's screen (large type) long ones are cut. The notes are
    # not changes: no colour, no arrow.
    metric_row(
        [
            Figure("Membres actius", fmt_number(len(layers.members))),
            Figure(
                "Amb presència",
                fmt_number(len(comarques) - len(empty)),
                delta=f"de {fmt_number(len(comarques))} comarques",
                delta_color="off",
                delta_arrow="off",
            ),
            Figure(
                "Sense presència",
                fmt_number(len(empty)),
                delta=f"{fmt_number(int(empty['population'].sum()))} habitants",
                delta_color="off",
                delta_arrow="off",
            ),
            Figure(
                "Delegats",
                fmt_number(int(layers.members["territorial_delegate"].sum())),
                delta="municipis delegats",
                delta_color="off",
                delta_arrow="off",
            ),
        ]
    )


@st.fragment
def _map_and_tables(layers: MapLayers, presentation: bool) -> None:
    # A fragment: a click on the map reruns only this, never the queries above. On the
    # Commission's screen the map takes the whole width and the tables follow it.
    # Imported here: dashboard.py imports every page at start, and folium alone costs about
    # half a second that only this page needs.
    from ui import map as territorial_map
    from ui import map_panel

    map_column, side_column = (
        (st.container(), st.container()) if presentation else st.columns([3, 2], gap="medium")
    )
    with map_column:
        clicked = territorial_map.show_map(
            layers, presentation=presentation, height=760 if presentation else 620
        )
        territorial_map.show_legend(layers)
    selection = map_panel.remember(clicked, layers)
    with side_column:
        map_panel.side_panel(layers, selection, presentation=presentation)


def render() -> None:
    today = catalan_today()
    presentation = presentation_mode()
    st.title("Mapa territorial")
    cadence = Cadence.from_settings(load_settings())
    everything = query(map_layers.map_layers, today=today, cadence=cadence)
    if everything.comarques.empty:
        st.info("No hi ha dades territorials: executeu `make migrate`.")
        return
    province = st.segmented_control(
        "Demarcació",
        [ALL_PROVINCES, *everything.provinces["province"]],
        default=ALL_PROVINCES,
        key="mapa_province",
    )
    layers = map_layers.filter_province(
        everything, None if province in (None, ALL_PROVINCES) else province
    )
    _headline(layers)
    if layers.members.empty:
        st.info(
            "No hi ha cap membre actiu en aquest territori: totes les comarques surten "
            "com a territoris sense presència."
        )
    _map_and_tables(layers, presentation)
    notes = [
        "Sense connexió el mapa es veu igual, sense el fons cartogràfic.",
        "Límits: © Instituto Geográfico Nacional (IGN), CC BY 4.0; comarques: Idescat.",
    ]
    if everything.virtual_events:
        notes.insert(
            0,
            (
                f"1 esdeveniment virtual del {today.year} no té lloc al mapa."
                if everything.virtual_events == 1
                else f"{fmt_number(everything.virtual_events)} esdeveniments virtuals del "
                f"{today.year} no tenen lloc al mapa."
            ),
        )
    st.caption(" ".join(notes))


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
