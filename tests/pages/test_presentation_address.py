"""Presentation mode lives in the address (``?presentacio=1``), through AppTest: a reload or a
link with it opens the shared screen in the mode, the switch writes it and removes it, the
menu's page change (which clears the query string in the browser) finds it written again, and
the Commission's address always carries it. Inici answers at its own address too. The browser
side (reload, collapsed sidebar, figures never cut) is tests/e2e/test_presentation_layout.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from db.migrate import upgrade_to_head
from db.models import AppUser, UserRole
from db.session import make_engine, session_scope
from tests import factories as make
from tests.pages.conftest import DASHBOARD, TEST_AUTH
from ui.layout import PRESENTATION_PARAM

SWITCH = "presentation_mode"


def _open(
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    query: dict[str, str],
    url_path: str | None = None,
    *,
    user: dict[str, str] | None = None,
) -> AppTest:
    """A new session (a reload, a link) at ``url_path`` with ``query`` in its address."""
    monkeypatch.setenv("XMESS_DATABASE_URL", url)
    app = AppTest.from_file(DASHBOARD, default_timeout=60)
    if user is not None:
        app.secrets["auth"] = TEST_AUTH
        app.user = {"is_logged_in": True, **user}
    app.query_params.update(query)
    if url_path is not None:
        # Private to AppTest; tests/ui/test_private_apis.py guards it.
        app._page_hash = calc_hash(url_path)
    app.run()
    assert not app.exception
    return app


def _presenting(app: AppTest) -> bool:
    """What the person sees: the switch's position and the shared screen's large type."""
    switch = app.sidebar.toggle(key=SWITCH).value
    styled = any("<style>" in m.value for m in app.markdown)
    assert switch == styled, (switch, styled)
    return bool(switch)


def test_an_address_with_presentacio_opens_in_presentation_mode(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = _open(monkeypatch, demo_sqlite_url, {PRESENTATION_PARAM: "1"}, "grups")
    assert _presenting(app)
    assert app.title[0].value == "Grups de Treball"
    assert app.query_params.get(PRESENTATION_PARAM) == "1"


def test_an_address_without_it_or_with_another_value_opens_as_usual(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    assert not _presenting(_open(monkeypatch, demo_sqlite_url, {}))
    app = _open(monkeypatch, demo_sqlite_url, {PRESENTATION_PARAM: "0"})
    assert not _presenting(app)
    # A value that does not turn the mode on is not left in the address either.
    assert PRESENTATION_PARAM not in app.query_params


def test_the_switch_writes_the_mode_into_the_address_and_takes_it_out(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    assert PRESENTATION_PARAM not in app.query_params
    app.sidebar.toggle(key=SWITCH).set_value(True).run()
    assert _presenting(app)
    assert app.query_params.get(PRESENTATION_PARAM) == "1"
    app.sidebar.toggle(key=SWITCH).set_value(False).run()
    assert not _presenting(app)
    assert PRESENTATION_PARAM not in app.query_params


def test_switching_off_a_session_opened_with_the_address_stays_off(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    app = _open(monkeypatch, demo_sqlite_url, {PRESENTATION_PARAM: "1"})
    app.sidebar.toggle(key=SWITCH).set_value(False).run()
    assert not _presenting(app)
    assert PRESENTATION_PARAM not in app.query_params
    # Further runs of the same session (a click anywhere) keep it off.
    app.run()
    assert not _presenting(app)


def test_another_page_from_the_menu_keeps_the_mode_in_its_address(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    app.sidebar.toggle(key=SWITCH).set_value(True).run()
    # The browser clears the query string when the menu opens another page.
    app.query_params.clear()
    app._page_hash = calc_hash("mapa")
    app.run()
    assert not app.exception
    assert app.title[0].value == "Mapa territorial"
    assert _presenting(app)
    assert app.query_params.get(PRESENTATION_PARAM) == "1"


def test_the_commissions_address_always_carries_the_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'commission.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        session.add(
            AppUser(email="pere@ajvic.cat", full_name="Pere Soler", role=UserRole.COMMISSION)
        )
        make.member(session, "Ajuntament de Vic")
    engine.dispose()
    app = _open(monkeypatch, url, {}, "inici", user={"email": "pere@ajvic.cat", "name": "Pere"})
    assert _presenting(app)
    assert app.sidebar.toggle(key=SWITCH).disabled
    assert app.query_params.get(PRESENTATION_PARAM) == "1"


@pytest.mark.parametrize("url_path", [None, "inici"], ids=["arrel", "inici"])
def test_inici_answers_at_the_root_and_at_its_own_address(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, url_path: str | None
) -> None:
    app = app_on(demo_sqlite_url, url_path)
    assert not app.exception
    assert [t.value for t in app.title] == ["Inici"]
    assert app.metric


def _chart_specs(app: AppTest) -> list[dict[str, object]]:
    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def test_the_shared_screen_draws_chart_text_larger(
    monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str
) -> None:
    """Read from across the room: Grups' charts leave with 16 px axis labels on the shared
    screen, and as the desk draws them otherwise (a canvas the page's CSS cannot enlarge)."""
    desk = _chart_specs(_open(monkeypatch, demo_sqlite_url, {}, "grups"))
    shared = _chart_specs(_open(monkeypatch, demo_sqlite_url, {PRESENTATION_PARAM: "1"}, "grups"))
    assert desk and len(shared) == len(desk)
    for spec in desk:
        assert spec["config"].get("axis", {}).get("labelFontSize") is None
    for spec in shared:
        assert spec["config"]["axis"]["labelFontSize"] == 16
        assert spec["config"]["legend"]["labelFontSize"] == 16
