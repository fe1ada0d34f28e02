"""The territorial map: a folium map built once per data version, drawn by streamlit-folium.

Every layer is one ``folium.GeoJson`` (not one folium object per marker), styled from each
feature's ``style`` property, so building and rendering stay cheap at ten times the demo.
The features themselves (and their escaped tooltips and popups) come from ``map_features``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, cast

import folium
import streamlit as st
import streamlit_folium
from branca.element import Figure
from folium.utilities import JsCode
from jinja2 import Template

from services.map_layers import MapLayers
from ui.map_assets import MapAssets, asset_urls, install_assets
from ui.map_features import (
    comarca_features,
    delegate_features,
    event_features,
    legend_html,
    link_features,
    member_features,
)

MAP_KEY = "mapa_map"
_LAST_CLICK_KEY = "mapa_last_click"
# Only clicks come back to Python: panning and zooming never rerun the script.
RETURNED_OBJECTS = ["last_active_drawing", "last_object_clicked_count"]

IGN_ATTRIBUTION = (
    'Límits: © <a href="https://www.ign.es/">IGN</a> · '
    'comarques: <a href="https://www.idescat.cat/">Idescat</a>'
)
TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILES_ATTRIBUTION = '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'

# Leaflet calls these per feature; the properties come from ``map_features``.
_STYLE = JsCode("function (feature) { return feature.properties.style; }")
_CIRCLE = JsCode(
    "function (feature, latlng) { return L.circleMarker(latlng, feature.properties.style); }"
)
_EVENT_ICON = JsCode(
    """function (feature, latlng) {
        return L.marker(latlng, {
            icon: L.divIcon({className: "xmess-event", html: "<span></span>", iconSize: [18, 18]}),
            keyboard: false,
        });
    }"""
)
_LABEL = JsCode(
    """function (feature, latlng) {
        return L.marker(latlng, {
            icon: L.divIcon({className: "xmess-label", html: "<span>" + feature.properties.label
                             + "</span>", iconSize: [0, 0]}),
            interactive: false,
            keyboard: false,
        });
    }"""
)
_BIND = JsCode(
    """function (feature, layer) {
        var p = feature.properties;
        if (p.tooltip) {
            layer.bindTooltip(p.tooltip, {sticky: true, className: "xmess-tooltip"});
        }
        if (p.popup) { layer.bindPopup(p.popup, {maxWidth: 360}); }
    }"""
)

_CSS = """
<style>
  .leaflet-container { font: 13px/1.45 system-ui, sans-serif; }
  .leaflet-control-attribution { font-size: 11px; }
  .xmess-tooltip, .leaflet-popup-content { font: 13px/1.45 system-ui, sans-serif; }
  .xmess-label span {
    position: absolute; transform: translate(-50%, -50%); white-space: nowrap;
    color: #7b241c; font: italic 600 11px/1.2 system-ui, sans-serif;
    text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; pointer-events: none;
  }
  .xmess-event span {
    display: block; width: 14px; height: 14px; margin: 2px; transform: rotate(45deg);
    background: #1f3a93; border: 1.5px solid #fff; box-shadow: 0 0 2px rgba(0,0,0,.6);
  }
</style>
"""
_PRESENTATION_CSS = """
<style>
  .xmess-tooltip, .leaflet-popup-content { font-size: 17px; }
  .xmess-label span { font-size: 14px; }
  .leaflet-control-layers { font-size: 15px; }
</style>
"""
# Hatching for comarques without presence: an SVG pattern in Leaflet's own SVG, which
# ``map_features.NO_PRESENCE_PATTERN_FILL`` refers to (with a plain fill as fallback).
_HATCH = """
<defs><pattern id="xmess-hatch" patternUnits="userSpaceOnUse" width="7" height="7"
  patternTransform="rotate(45)"><rect width="7" height="7" fill="#fbe3dc"/>
  <line x1="0" y1="0" x2="0" y2="7" stroke="#cd6155" stroke-width="2.2"/></pattern></defs>
"""


class _MapScript(folium.MacroElement):
    """Raw script run after the layers: a metric scale, the IGN attribution and the hatch
    pattern."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            L.control.scale({imperial: false}).addTo(map);
            if (map.attributionControl) {
                map.attributionControl.addAttribution({{ this.attribution|tojson }});
            }
            var svg = map.getPanes().overlayPane.querySelector("svg");
            if (svg && !svg.querySelector("#xmess-hatch")) {
                svg.insertAdjacentHTML("afterbegin", {{ this.hatch|tojson }});
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, attribution: str) -> None:
        # branca's MacroElement.__init__ has no annotations.
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "XmessMapScript"
        self.attribution = attribution
        self.hatch = _HATCH


@dataclass(frozen=True)
class MapSelection:
    """What the user clicked on the map: a comarca (by code) or a member (by id)."""

    kind: str
    key: str


def _bounds(features: list[dict[str, Any]]) -> list[list[float]] | None:
    lats: list[float] = []
    lons: list[float] = []

    def walk(coordinates: Any) -> None:
        if coordinates and isinstance(coordinates[0], int | float):
            lons.append(coordinates[0])
            lats.append(coordinates[1])
        else:
            for item in coordinates:
                walk(item)

    for feature in features:
        walk(feature["geometry"]["coordinates"])
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def _layer(
    features: list[dict[str, Any]], name: str, point_to_layer: JsCode | None = None
) -> folium.GeoJson:
    options: dict[str, Any] = {"style": _STYLE}
    if point_to_layer is not None:
        options["point_to_layer"] = point_to_layer
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        on_each_feature=_BIND,
        **options,
    )


def _page(fmap: folium.Map) -> Figure:
    """The HTML page the map is drawn in."""
    # folium.Map puts itself in a Figure when built; branca types get_root() as any Element.
    return cast(Figure, fmap.get_root())


def build_map(layers: MapLayers, *, presentation: bool, assets: MapAssets) -> folium.Map:
    """The folium map of ``layers``; its scripts and styles come from ``assets`` only."""
    comarques = comarca_features(layers)
    fmap = folium.Map(
        location=[41.7, 1.75],
        zoom_start=8,
        tiles=None,
        zoom_snap=0.25,
        # Leaflet's keyboard handler focuses the map on mousedown, and the browser then
        # scrolls the page to the iframe: a click on a half-visible map lands elsewhere.
        keyboard=False,
    )
    # Only Leaflet (and jQuery for folium's popup template), served by the app itself.
    fmap.default_js = list(assets.js)
    fmap.default_css = list(assets.css)
    page = _page(fmap)
    page.header.add_child(folium.Element(_CSS), name="xmess_css")
    if presentation:
        page.header.add_child(folium.Element(_PRESENTATION_CSS), name="xmess_presentation_css")
    # Tiles are a bonus when online; the comarques make the map readable without them.
    folium.TileLayer(
        TILES_URL,
        attr=TILES_ATTRIBUTION,
        name="Fons OpenStreetMap (amb internet)",
        opacity=0.45,
        max_zoom=18,
    ).add_to(fmap)
    _layer(comarques, "Comarques: membres i territoris sense presència", _LABEL).add_to(fmap)
    _layer(link_features(layers), "Mentor → mentorat").add_to(fmap)
    _layer(event_features(layers), f"Esdeveniments del {layers.today.year}", _EVENT_ICON).add_to(
        fmap
    )
    _layer(delegate_features(layers), "Municipis delegats", _CIRCLE).add_to(fmap)
    _layer(member_features(layers, presentation), "Membres (estat de seguiment)", _CIRCLE).add_to(
        fmap
    )
    # Collapsed to its icon: open, it would cover a quarter of Catalonia.
    folium.LayerControl(collapsed=True, position="topright").add_to(fmap)
    _MapScript(IGN_ATTRIBUTION).add_to(fmap)
    bounds = _bounds(comarques)
    if bounds is not None:
        fmap.fit_bounds(bounds, padding=(8, 8))
    return fmap


# --- Streamlit ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedMap:
    """What the streamlit-folium component draws, rendered once per data version.

    ``st_folium`` renders the whole folium figure on every run (~40 ms at demo scale, several
    times that at scale 10) and renames the map's elements the first time, so a freshly
    built map renders differently once and the component remounts, losing the view. Keeping
    the rendered strings avoids both; the component call below mirrors ``st_folium``'s own
    (streamlit-folium 0.27, pinned)."""

    script: str
    header: str
    html: str
    map_id: str
    js_links: tuple[str, ...]
    css_links: tuple[str, ...]
    key: str


def render_map(fmap: folium.Map) -> RenderedMap:
    fmap.get_root().render()
    # streamlit-folium's private helpers (see RenderedMap); tests/ui/test_private_apis.py
    # fails, saying why, when an upgrade changes them.
    html = streamlit_folium._get_html(fmap)
    header = streamlit_folium._get_header(fmap)
    script = streamlit_folium._get_map_string(fmap)
    js_links: list[str] = []
    css_links: list[str] = []

    def walk(element: Any) -> None:
        js_links.extend(url for _, url in getattr(element, "default_js", []))
        css_links.extend(url for _, url in getattr(element, "default_css", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(fmap)
    links = tuple(dict.fromkeys(js_links)), tuple(dict.fromkeys(css_links))
    remote = [url for url in (*links[0], *links[1]) if not url.startswith("/")]
    if remote:
        # A layer that pulls a CDN would blank the map offline: refuse it here, loudly.
        raise RuntimeError(f"the map would load assets from outside the app: {remote}")
    digest = hashlib.sha256(script.encode()).hexdigest()[:16]
    return RenderedMap(
        script=script,
        header=header,
        html=html,
        map_id=streamlit_folium.get_full_id(fmap),
        js_links=links[0],
        css_links=links[1],
        key=f"{MAP_KEY}_{digest}",
    )


@st.cache_resource(show_spinner=False)
def _assets(base_url_path: str) -> MapAssets:
    install_assets()
    return asset_urls(base_url_path)


@st.cache_resource(show_spinner=False, max_entries=24)
def _rendered(
    version: str, presentation: bool, base_url_path: str, _layers: MapLayers
) -> RenderedMap:
    # Keyed by the data version (``_layers`` itself is not hashed): one build per version.
    fmap = build_map(_layers, presentation=presentation, assets=_assets(base_url_path))
    return render_map(fmap)


def show_map(layers: MapLayers, *, presentation: bool, height: int) -> MapSelection | None:
    """Draw the map; returns what was clicked since the last run (``None`` if nothing new).

    The component's key depends only on the rendered map: the same data keeps the same
    component, so reruns keep the user's view, open popups and layer choices."""
    base_url_path = str(st.get_option("server.baseUrlPath") or "")
    try:
        rendered = _rendered(layers.version, presentation, base_url_path, layers)
    except OSError as error:
        st.error(
            "No s'han pogut preparar els fitxers del mapa (Leaflet) a la carpeta `static/` de "
            "l'aplicació: comproveu que s'hi pot escriure i torneu a carregar la pàgina.",
            icon=":material/map:",
        )
        st.caption(f"Detall tècnic: {error}")
        return None
    # Private, like the helpers above (see RenderedMap and tests/ui/test_private_apis.py).
    value = streamlit_folium._component_func(
        script=rendered.script,
        header=rendered.header,
        html=rendered.html,
        id=rendered.map_id,
        key=rendered.key,
        height=height,
        width=None,
        returned_objects=RETURNED_OBJECTS,
        default=dict.fromkeys(RETURNED_OBJECTS),
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(rendered.css_links),
        js_links=list(rendered.js_links),
        wrap_longitude=False,
    )
    # The component keeps returning its last click: only a new click counts. A rebuilt map
    # (new data, presentation mode) is a new component whose count starts again.
    click = (rendered.key, (value or {}).get("last_object_clicked_count"))
    if click[1] is None or st.session_state.get(_LAST_CLICK_KEY) == click:
        return None
    st.session_state[_LAST_CLICK_KEY] = click
    return selection_from(value)


def show_legend(layers: MapLayers) -> None:
    st.html(legend_html(layers))


def selection_from(value: dict[str, Any] | None) -> MapSelection | None:
    """The clicked feature's selection (``"comarca:25"``, ``"member:17"``), if any."""
    drawing = (value or {}).get("last_active_drawing") or {}
    select = (drawing.get("properties") or {}).get("select")
    if not isinstance(select, str) or ":" not in select:
        return None
    kind, key = select.split(":", 1)
    if kind not in {"comarca", "member"}:
        return None
    return MapSelection(kind, key)
