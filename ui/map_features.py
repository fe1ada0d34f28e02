"""The map's content as GeoJSON features and its legend, from the territorial layers.

Tooltips, popups and labels are HTML that Leaflet inserts as markup: every value in them is
escaped here, so a member named ``<img src=x onerror=...>`` shows as text. Each feature
carries its Leaflet ``style`` (with a CSS class per kind, which the browser tests count) and
``select``, what a click on it selects beside the map.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import pandas as pd

from services.formatting import fmt_date, fmt_number
from services.map_layers import MapLayers, PresenceClass
from services.territory import comarca_geometries
from ui.cells import float_of, float_or_none, int_of
from ui.chart_specs import STATUS_COLOURS

# The choropleth: the app's teal, light to dark; no presence is hatched in brick red.
PRESENCE_COLOURS = ("#d3ebeb", "#97cdcd", "#4fa3a3", "#17706f")
NO_PRESENCE_FILL = "#fbe3dc"
NO_PRESENCE_LINE = "#a93226"
LINK_COLOUR = "#7d3c98"
DELEGATE_COLOUR = "#17202a"
NEUTRAL_MEMBER_COLOUR = "#7f8c8d"
# Marker radius in pixels for a participation index of 0 and of 100.
MIN_RADIUS, MAX_RADIUS = 4.0, 13.0
DEFAULT_RADIUS = 7.0
# Up to this many member markers, full size.
CROWD_MARKERS = 150

# The hatch pattern ui/map.py adds to Leaflet's SVG; the plain fill is the fallback.
NO_PRESENCE_PATTERN_FILL = f"url(#xmess-hatch) {NO_PRESENCE_FILL}"


def presence_colour(index: int, classes: tuple[PresenceClass, ...]) -> str:
    if index == 0:
        return NO_PRESENCE_PATTERN_FILL
    steps = len(classes) - 1
    # Spread fewer classes over the whole ramp, so the darkest always means "most".
    position = round((index - 1) * (len(PRESENCE_COLOURS) - 1) / max(steps - 1, 1))
    return PRESENCE_COLOURS[position]


def member_radius(participation: float | None, crowd: float = 1.0) -> float:
    """Pixels for a participation index (0-100), times ``crowd`` (see ``crowding``)."""
    if participation is None or pd.isna(participation):
        return round(DEFAULT_RADIUS * crowd, 1)
    share = min(max(float(participation), 0.0), 100.0) / 100
    return round((MIN_RADIUS + share * (MAX_RADIUS - MIN_RADIUS)) * crowd, 1)


def crowding(markers: int) -> float:
    """Markers shrink when there are many (down to 55 % at about 500), so the comarques
    underneath stay readable at ten times the demo network."""
    return max(0.55, min(1.0, math.sqrt(CROWD_MARKERS / max(markers, 1))))


def _kms(value: object) -> str:
    kms = float_or_none(value)
    return "" if kms is None else f"{fmt_number(kms, 1)} km"


def _members_word(count: int) -> str:
    return "1 membre" if count == 1 else f"{fmt_number(count)} membres"


def comarca_features(layers: MapLayers) -> list[dict[str, Any]]:
    geometries = comarca_geometries()
    nearest = layers.uncovered.set_index("comarca_code")
    features = []
    for row in layers.comarques.itertuples(index=False):
        code = str(row.comarca_code)
        geometry = geometries.get(code)
        if geometry is None:
            continue
        empty = row.members == 0
        lines = [
            f"<b>{escape(str(row.comarca))}</b> ({escape(str(row.province))})",
            f"{_members_word(int_of(row.members))} · {fmt_number(int_of(row.municipalities))} "
            f"municipis · {fmt_number(int_of(row.population))} habitants",
        ]
        if row.delegates:
            lines.append(f"Municipis delegats: {fmt_number(int_of(row.delegates))}")
        style = {
            "className": f"xmess-comarca xmess-comarca-{code}" + (" xmess-empty" if empty else ""),
            "fillColor": presence_colour(int_of(row.presence_class), layers.presence_classes),
            "fillOpacity": 0.9 if empty else 0.62,
            "color": NO_PRESENCE_LINE if empty else "#ffffff",
            "weight": 1.6 if empty else 1.0,
            "dashArray": "5 4" if empty else None,
        }
        if empty:
            lines.append("<b>Sense presència</b>")
            if code in nearest.index:
                near = nearest.loc[code]
                if pd.notna(near["nearest_member"]):
                    lines.append(
                        f"Membre més proper: {escape(str(near['nearest_member']))} "
                        f"({_kms(near['nearest_member_km'])})"
                    )
            # Named on the map: the plan's "territoris sense presència" read at a glance. At
            # the population centre, a point Leaflet keeps in place whatever the resizing.
            features.append(
                {
                    "type": "Feature",
                    "id": f"label-{code}",
                    "geometry": _point(row.lat, row.lon),
                    "properties": {"label": escape(str(row.comarca))},
                }
            )
        features.append(
            {
                "type": "Feature",
                "id": f"comarca-{code}",
                "geometry": geometry,
                "properties": {
                    "select": f"comarca:{code}",
                    "style": {k: v for k, v in style.items() if v is not None},
                    "tooltip": "<br>".join(lines),
                },
            }
        )
    # Labels last: drawn above the polygons.
    return sorted(features, key=lambda feature: "label" in feature["properties"])


def _position(lat: object, lon: object) -> list[float]:
    """GeoJSON's ``[lon, lat]``, to about a metre."""
    return [round(float_of(lon), 5), round(float_of(lat), 5)]


def _point(lat: object, lon: object) -> dict[str, Any]:
    return {"type": "Point", "coordinates": _position(lat, lon)}


def _status_colour(status: object) -> str:
    """A member's follow-up status colour; grey for a member without one."""
    if isinstance(status, str):
        return STATUS_COLOURS.get(status, NEUTRAL_MEMBER_COLOUR)
    return NEUTRAL_MEMBER_COLOUR


def _member_popup(row: Any, presentation: bool) -> str:
    status_colour = _status_colour(row.status)
    lines = [
        f"<b>{escape(row.member)}</b>",
        f"{escape(row.kind)} · {escape(row.municipality)} ({escape(row.comarca)})",
        f"Seguiment: <b style='color:{status_colour}'>{escape(str(row.status or '—'))}</b>",
        "Últim contacte: " + (fmt_date(row.last_contact) if pd.notna(row.last_contact) else "cap"),
    ]
    if pd.notna(row.participation):
        lines.append(f"Índex de participació: {fmt_number(float(row.participation), 1)} / 100")
    if row.territorial_delegate:
        lines.append("Municipi delegat al seu territori")
    if row.in_onboarding is True:
        lines.append("En acollida")
    if isinstance(row.mentor, str):
        lines.append(f"Municipi mentor: {escape(row.mentor)}")
    if row.mentees:
        lines.append(f"Mentor de {_members_word(int(row.mentees))}")
    # The staff member in charge is a person: not on the Commission's shared screen.
    if not presentation and isinstance(row.owner, str) and row.owner:
        lines.append(f"Responsable: {escape(row.owner)}")
    return "<br>".join(lines)


def member_features(layers: MapLayers, presentation: bool) -> list[dict[str, Any]]:
    crowd = crowding(len(layers.members))
    features = []
    for row in layers.members.itertuples(index=False):
        colour = _status_colour(row.status)
        features.append(
            {
                "type": "Feature",
                "id": f"member-{row.member_id}",
                "geometry": _point(row.lat, row.lon),
                "properties": {
                    "select": f"member:{row.member_id}",
                    "style": {
                        "className": f"xmess-member xmess-member-{row.member_id}",
                        "radius": member_radius(float_or_none(row.participation), crowd),
                        "fillColor": colour,
                        "fillOpacity": 0.92,
                        "color": "#ffffff",
                        "weight": 1.3,
                    },
                    "tooltip": f"<b>{escape(str(row.member))}</b><br>{escape(str(row.status))}",
                    "popup": _member_popup(row, presentation),
                },
            }
        )
    return features


def delegate_features(layers: MapLayers) -> list[dict[str, Any]]:
    crowd = crowding(len(layers.members))
    delegates = layers.members[layers.members["territorial_delegate"]]
    return [
        {
            "type": "Feature",
            "id": f"delegate-{row.member_id}",
            "geometry": _point(row.lat, row.lon),
            "properties": {
                "select": f"member:{row.member_id}",
                "style": {
                    "className": "xmess-delegate",
                    "radius": member_radius(float_or_none(row.participation), crowd) + 4,
                    "fill": False,
                    "color": DELEGATE_COLOUR,
                    "weight": 2.5,
                },
                "tooltip": f"Municipi delegat: <b>{escape(str(row.member))}</b>",
            },
        }
        for row in delegates.itertuples(index=False)
    ]


def event_features(layers: MapLayers) -> list[dict[str, Any]]:
    features = []
    for row in layers.events.itertuples(index=False):
        items = "".join(f"<li>{escape(line)}</li>" for line in str(row.event_lines).split("\n"))
        features.append(
            {
                "type": "Feature",
                "id": f"event-{row.municipality_code}",
                "geometry": _point(row.lat, row.lon),
                "properties": {
                    "select": f"comarca:{row.comarca_code}",
                    "tooltip": f"<b>{escape(str(row.municipality))}</b>: "
                    f"{fmt_number(int_of(row.events))} esdeveniments el {layers.today.year}",
                    "popup": f"<b>{escape(str(row.municipality))}</b>"
                    f"<ul style='margin:4px 0 0 16px;padding:0'>{items}</ul>",
                },
            }
        )
    return features


def link_features(layers: MapLayers) -> list[dict[str, Any]]:
    return [
        {
            "type": "Feature",
            "id": f"link-{row.mentor_id}-{row.mentee_id}",
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    _position(row.mentor_lat, row.mentor_lon),
                    _position(row.mentee_lat, row.mentee_lon),
                ],
            },
            "properties": {
                "select": f"member:{row.mentee_id}",
                "style": {
                    "className": "xmess-link",
                    "color": LINK_COLOUR,
                    "weight": 2.2,
                    "opacity": 0.85,
                    "dashArray": "6 4",
                },
                "tooltip": f"{escape(str(row.kind))}: <b>{escape(str(row.mentor))}</b> → "
                f"{escape(str(row.mentee))}",
            },
        }
        for row in layers.mentor_links.itertuples(index=False)
    ]


_LEGEND_CSS = """
<style>
  .xmess-legend { display: flex; flex-wrap: wrap; gap: 4px 22px; font-size: 0.85rem;
                  line-height: 1.5; color: #1f2a2e; margin-top: -0.5rem; }
  .xmess-legend div { white-space: nowrap; }
  .xmess-legend b { margin-right: 6px; }
  .xmess-legend i { display: inline-block; width: 14px; height: 11px; margin: 0 5px 0 8px;
                    vertical-align: -1px; border: 1px solid rgba(0,0,0,.25); }
  .xmess-legend i.dot { border-radius: 50%; width: 11px; border-color: #fff; }
  .xmess-legend i.ring { border-radius: 50%; width: 11px; border: 2px solid #17202a; }
  .xmess-legend i.diamond { width: 9px; height: 9px; transform: rotate(45deg);
                            background: #1f3a93; border-color: #fff; }
  .xmess-legend i.line { height: 0; border: 0; border-top: 2px dashed #7d3c98; }
  .xmess-legend i.hatch { border: 1px dashed #a93226;
    background: repeating-linear-gradient(45deg, #fbe3dc 0 3px, #d98880 3px 5px); }
</style>
"""


def legend_html(layers: MapLayers) -> str:
    """The map's key, drawn under the map so it never hides the territory."""
    classes = "".join(
        (
            '<i class="hatch"></i>'
            if step.index == 0
            else f'<i style="background:{presence_colour(step.index, layers.presence_classes)}">'
            "</i>"
        )
        + escape(step.label)
        for step in layers.presence_classes
    )
    statuses = "".join(
        f'<i class="dot" style="background:{colour}"></i>{escape(status)}'
        for status, colour in STATUS_COLOURS.items()
    )
    return (
        f'{_LEGEND_CSS}<div class="xmess-legend">'
        f"<div><b>Membres per comarca:</b>{classes}</div>"
        f"<div><b>Estat de seguiment:</b>{statuses} (mida: índex de participació)</div>"
        '<div><i class="ring"></i>Municipi delegat'
        f'<i class="diamond"></i>Esdeveniments del {layers.today.year}'
        '<i class="line"></i>Mentor → mentorat</div></div>'
    )
