"""Mapa territorial through AppTest (tables, filters, selection, presentation mode) and the
map's own building blocks (offline assets, escaping, click parsing). AppTest cannot look
inside the map component: what Leaflet draws is checked in tests/e2e/test_mapa_offline.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AppUser, Channel, Interaction, UserRole
from db.session import make_engine, session_scope
from services import map_layers, territory
from services.clock import catalan_today
from services.follow_up import Cadence
from tests import factories as make
from ui import map as territorial_map
from ui import map_features
from ui.map import MapSelection
from ui.map_assets import asset_urls, install_assets

HOSTILE = "<img src=x onerror=alert(1)>"
OLOT, SORT, VIELHA = "17114", "25209", "25243"


@pytest.fixture
def network(tmp_path: Path) -> dict:
    """Vic (a delegate, mentor of Olot), Olot, and a hostile name in Vielha; Marta owns Vic."""
    url = f"sqlite:///{tmp_path / 'mapa.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        marta = AppUser(email="marta@xmess.cat", full_name="Marta Vidal", role=UserRole.STAFF)
        session.add(marta)
        session.flush()
        vic = make.member(
            session, "Ajuntament de Vic", owner_id=marta.id, is_territorial_delegate=True
        )
        olot = make.member(session, "Ajuntament d'Olot", municipality_code=OLOT, mentor_id=vic.id)
        hostile = make.member(session, HOSTILE, municipality_code=VIELHA)
        ids = {"vic": vic.id, "olot": olot.id, "hostile": hostile.id}
    engine.dispose()
    return {"url": url, **ids}


def _table(app: AppTest, column: str) -> pd.DataFrame:
    return next(df.value for df in app.dataframe if column in df.value.columns)


def _metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_demo_map_page_ranks_the_empty_territories(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "mapa")
    assert not app.exception
    assert app.title[0].value == "Mapa territorial"
    with Session(make_engine(demo_sqlite_url)) as session:
        today = catalan_today()
        members = len(territory.member_locations(session=session, today=today))
        empty = territory.uncovered_comarques(session=session, today=today)
    metrics = _metrics(app)
    assert metrics["Membres actius"] == str(members)
    assert metrics["Sense presència"] == str(len(empty))
    uncovered = _table(app, "Membre més proper")
    assert uncovered["Comarca"].tolist() == empty["comarca"].tolist()
    assert uncovered["Població"].is_monotonic_decreasing
    assert uncovered["Membre més proper"].notna().all()
    provinces = _table(app, "Sense presència")
    assert provinces["Demarcació"].tolist() == ["Barcelona", "Girona", "Lleida", "Tarragona"]
    assert provinces["Comarques"].sum() == 43


def test_a_province_narrows_figures_and_tables(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "mapa")
    everyone = int(_metrics(app)["Membres actius"])
    app.segmented_control(key="mapa_province").set_value("Lleida").run()
    assert not app.exception
    assert int(_metrics(app)["Membres actius"]) < everyone
    assert set(_table(app, "Membre més proper")["Demarcació"]) == {"Lleida"}
    with Session(make_engine(demo_sqlite_url)) as session:
        coverage = territory.comarca_coverage(session=session, today=catalan_today())
    lleida = set(coverage.loc[coverage["province"] == "Lleida", "comarca"])
    assert set(_table(app, "Participació")["Comarca"]) <= lleida


def test_a_clicked_comarca_or_member_narrows_the_tables(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = app_on(network["url"], "mapa")
    assert len(_table(app, "Membre més proper")) == 40

    # What a click on Pallars Sobirà leaves (the map component itself is Chromium's job).
    app.session_state["mapa_selection"] = MapSelection("comarca", "26")
    app.run()
    assert not app.exception
    assert any("Pallars Sobirà" in md.value for md in app.markdown)
    only = _table(app, "Membre més proper")
    assert only["Comarca"].tolist() == ["Pallars Sobirà"]
    # Sort's nearest member: Vielha (Aran) beats Vic and Olot.
    assert only["Membre més proper"].tolist() == [HOSTILE]

    # A member: itself and the members it mentors.
    app.session_state["mapa_selection"] = MapSelection("member", str(network["vic"]))
    app.run()
    assert sorted(_table(app, "Participació")["Membre"]) == [
        "Ajuntament d'Olot",
        "Ajuntament de Vic",
    ]
    # The selected member's file is one click away, and so is each listed member's.
    link = next(p.proto for p in app.get("page_link") if p.proto.label.startswith("Obre la fitxa"))
    assert (link.page, link.query_string) == ("seguiment", f"membre={network['vic']}")
    assert set(_table(app, "Participació")["Fitxa"]) == {
        f"seguiment?membre={network['vic']}",
        f"seguiment?membre={network['olot']}",
    }

    next(b for b in app.button if b.label == "Treu la selecció").click().run()
    assert not app.exception
    assert len(_table(app, "Participació")) == 3
    assert len(_table(app, "Membre més proper")) == 40


def test_a_hostile_name_beside_the_map_stays_text(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = app_on(network["url"], "mapa")
    app.session_state["mapa_selection"] = MapSelection("member", str(network["hostile"]))
    app.run()
    line = next(md.value for md in app.markdown if md.value.startswith("Membre:"))
    # Every markup character is escaped for Markdown: "<" never opens a tag.
    assert re.search(r"(?<!\\)[<>]", line) is None
    assert "img src=x onerror=alert\\(1\\)" in line


MEMBER_HEADERS = [
    "Membre",
    "Fitxa",
    "Tipus",
    "Comarca",
    "Estat",
    "Últim contacte",
    "Participació",
    "Delegat",
    "Municipi mentor",
    "Responsable",
]


def test_presentation_mode_hides_the_staff_in_charge(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = app_on(network["url"], "mapa")
    members = _table(app, "Participació")
    assert members.columns.tolist() == MEMBER_HEADERS
    assert "Marta Vidal" in members["Responsable"].tolist()
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert _table(app, "Participació").columns.tolist() == [
        h for h in MEMBER_HEADERS if h != "Responsable"
    ]
    shown = " ".join(str(df.value.values) for df in app.dataframe)
    assert "Marta Vidal" not in shown


def test_the_follow_up_cadence_setting_colours_the_members(
    app_on: Callable[..., AppTest], network: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(network["url"])
    with session_scope(engine) as session:
        session.add(
            Interaction(
                member_id=network["vic"],
                occurred_on=catalan_today() - timedelta(days=3),
                channel=Channel.PHONE,
                summary="Trucada de seguiment",
            )
        )
    engine.dispose()

    def status_of_vic() -> str:
        app = app_on(network["url"], "mapa")
        assert not app.exception
        members = _table(app, "Participació").set_index("Membre")
        return members.loc["Ajuntament de Vic", "Estat"]

    # Called 3 days ago: up to date at 90 days, overdue at 2.
    monkeypatch.delenv("XMESS_FOLLOW_UP_CADENCE_DAYS", raising=False)
    assert status_of_vic() == "Al dia"
    monkeypatch.setenv("XMESS_FOLLOW_UP_CADENCE_DAYS", "2")
    assert status_of_vic() == "Endarrerit"


def test_an_empty_network_still_shows_the_territory(
    app_on: Callable[..., AppTest], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(make_engine(url))
    app = app_on(url, "mapa")
    assert not app.exception
    assert "No hi ha cap membre actiu" in app.info[0].value
    assert len(_table(app, "Membre més proper")) == 43


def test_a_read_only_app_folder_gets_a_clear_message(
    app_on: Callable[..., AppTest], network: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> list[Path]:
        raise PermissionError(13, "Permission denied", "static/vendor")

    monkeypatch.setattr(territorial_map, "install_assets", refuse)
    # Cached once per process: start from nothing so the copy is really attempted.
    territorial_map._assets.clear()
    territorial_map._rendered.clear()
    app = app_on(network["url"], "mapa")
    assert not app.exception
    assert "No s'han pogut preparar els fitxers del mapa" in app.error[0].value
    # Everything else on the page still works.
    assert len(_table(app, "Membre més proper")) == 40


# --- The map's building blocks --------------------------------------------------------------


@pytest.fixture
def layers(session: Session) -> map_layers.MapLayers:
    marta = AppUser(email="marta@xmess.cat", full_name="Marta Vidal", role=UserRole.STAFF)
    session.add(marta)
    session.flush()
    vic = make.member(session, "Ajuntament de Vic", owner_id=marta.id, is_territorial_delegate=True)
    make.member(session, HOSTILE, municipality_code=SORT, mentor_id=vic.id)
    make.event(session, f"Jornada {HOSTILE}", date(2026, 5, 5), municipality_code=OLOT)
    return map_layers.map_layers(
        session=session,
        today=date(2026, 11, 24),
        cadence=Cadence(regular_days=90, onboarding_days=30),
    )


def test_the_map_loads_nothing_from_outside_the_app(layers: map_layers.MapLayers) -> None:
    fmap = territorial_map.build_map(layers, presentation=False, assets=asset_urls())
    page = fmap.get_root().render()
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert sources and styles
    assert all(url.startswith("/app/static/vendor/") for url in sources + styles)
    # The only addresses outside the app: the optional tiles and attribution links.
    hosts = set(re.findall(r"https?://([^/\"'{]+)", page))
    assert hosts <= {
        "tile.openstreetmap.org",
        "www.openstreetmap.org",
        "www.ign.es",
        "www.idescat.cat",
        "leafletjs.com",
    }
    rendered = territorial_map.render_map(fmap)
    assert set(rendered.js_links) == {url for _, url in asset_urls().js}
    # Under a base URL path the assets follow it.
    assert asset_urls("/xmess/").js[0][1].startswith("/xmess/app/static/vendor/leaflet-")


def test_assets_are_installed_once_from_the_pinned_packages(tmp_path: Path) -> None:
    copied = install_assets(tmp_path)
    for _, url in (*asset_urls().js, *asset_urls().css):
        file = tmp_path / url.removeprefix("/app/static/")
        assert file.stat().st_size > 1000
    assert (tmp_path / url.removeprefix("/app/static/")).parent.joinpath("images").is_dir()
    assert copied and install_assets(tmp_path) == []


def test_names_in_tooltips_and_popups_are_escaped(layers: map_layers.MapLayers) -> None:
    html = " ".join(
        str(feature["properties"].get(part))
        for feature in (
            map_features.member_features(layers, presentation=False)
            + map_features.delegate_features(layers)
            + map_features.event_features(layers)
            + map_features.link_features(layers)
            + map_features.comarca_features(layers)
        )
        for part in ("tooltip", "popup", "label")
    )
    assert HOSTILE not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_presentation_popups_leave_out_the_staff_in_charge(layers: map_layers.MapLayers) -> None:
    def popups(presentation: bool) -> str:
        features = map_features.member_features(layers, presentation=presentation)
        return " ".join(feature["properties"]["popup"] for feature in features)

    assert "Marta Vidal" in popups(False)
    assert "Marta Vidal" not in popups(True)


def test_markers_grow_with_participation() -> None:
    radius = map_features.member_radius
    assert radius(0) == map_features.MIN_RADIUS
    assert radius(100) == map_features.MAX_RADIUS
    assert radius(0) < radius(50) < radius(100)
    assert radius(None) == radius(float("nan")) == map_features.DEFAULT_RADIUS
    # A crowded map draws smaller markers, in the same proportions.
    assert map_features.crowding(70) == 1.0
    assert 0.55 <= map_features.crowding(700) < 1.0
    assert radius(100, map_features.crowding(700)) < radius(100)


def test_a_click_is_read_from_the_feature_it_hit() -> None:
    def clicked(properties: dict | None) -> MapSelection | None:
        drawing = None if properties is None else {"properties": properties}
        return territorial_map.selection_from({"last_active_drawing": drawing})

    assert clicked({"select": "comarca:26"}) == MapSelection("comarca", "26")
    assert clicked({"select": "member:17"}) == MapSelection("member", "17")
    assert clicked({"select": "link:3"}) is None
    assert clicked({}) is None
    assert clicked(None) is None
    assert territorial_map.selection_from(None) is None
