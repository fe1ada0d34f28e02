"""Leaflet and jQuery served by the app itself, so the map works with no internet.

folium points at CDNs by default; offline, the map's iframe then stays blank with no error
anywhere. The pinned XStatic packages ship the files: they are copied once per process into
``static/vendor/`` (ignored by git), which Streamlit serves at ``/app/static/vendor/...``
(``server.enableStaticServing``). Bootstrap and Font-Awesome are left out: plain Leaflet
with GeoJSON, circle markers, popups, tooltips and the layer control does not need them; the
jQuery is for folium's own popup template.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.jquery as xstatic_jquery
import xstatic.pkg.leaflet as xstatic_leaflet

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Versioned folders: a browser never mixes a cached old file with a new one.
LEAFLET_DIR = f"vendor/leaflet-{xstatic_leaflet.VERSION}"
JQUERY_DIR = f"vendor/jquery-{xstatic_jquery.VERSION}"
_FILES = (
    (Path(xstatic_leaflet.BASE_DIR) / "leaflet.js", f"{LEAFLET_DIR}/leaflet.js"),
    (Path(xstatic_leaflet.BASE_DIR) / "leaflet.css", f"{LEAFLET_DIR}/leaflet.css"),
    # leaflet.css refers to these next to itself (layer control icon, default markers).
    *(
        (image, f"{LEAFLET_DIR}/images/{image.name}")
        for image in sorted((Path(xstatic_leaflet.BASE_DIR) / "images").glob("*.png"))
    ),
    (Path(xstatic_jquery.BASE_DIR) / "jquery.min.js", f"{JQUERY_DIR}/jquery.min.js"),
)


@dataclass(frozen=True)
class MapAssets:
    """Where the browser finds the map's scripts and styles (paths on the app's server)."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


def install_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy the vendor files into ``static_dir`` where missing or different; returns what
    was copied. Safe to call at every start."""
    copied = []
    for source, relative in _FILES:
        target = static_dir / relative
        if target.exists() and target.stat().st_size == source.stat().st_size:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        # Copy then rename: a browser never gets half a file from a concurrent start.
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(source, partial)
        partial.replace(target)
        copied.append(target)
    return copied


def asset_urls(base_url_path: str = "") -> MapAssets:
    """The URLs of the installed files, under Streamlit's ``/app/static/`` route (and the
    server's ``baseUrlPath`` when the app runs below a prefix)."""
    prefix = f"/{base_url_path.strip('/')}" if base_url_path.strip("/") else ""
    root = f"{prefix}/app/static"
    return MapAssets(
        js=(
            ("leaflet", f"{root}/{LEAFLET_DIR}/leaflet.js"),
            ("jquery", f"{root}/{JQUERY_DIR}/jquery.min.js"),
        ),
        css=(("leaflet_css", f"{root}/{LEAFLET_DIR}/leaflet.css"),),
    )
