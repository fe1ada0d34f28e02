"""The app shell and the Inici page, driven through AppTest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.session import make_engine
from services.formatting import fmt_number
from services.overview import headline_figures


def _metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_inici_shows_the_demo_network_figures(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    assert not app.exception
    assert app.title[0].value == "Inici"
    with Session(create_engine(demo_sqlite_url)) as session:
        expected = headline_figures(session=session, today=date.today())
    assert expected.active_members > 50
    assert _metric(app, "Membres actius") == fmt_number(expected.active_members)
    assert _metric(app, f"Activitats del pla {date.today().year}") == fmt_number(
        expected.plan_activities
    )
    captions = " ".join(c.value for c in app.caption)
    assert f"{fmt_number(expected.persons)} persones de contacte" in captions
    assert "Conveni" in captions and "€" in captions
    assert any(c.value.startswith("Base de dades: SQLite") for c in app.sidebar.caption)


def test_presentation_mode_switch_enlarges_the_page(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url)
    assert not any("<style>" in m.value for m in app.markdown)
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert app.session_state["presentation_mode"] is True
    assert any("<style>" in m.value for m in app.markdown)


def test_empty_database_gets_a_helpful_empty_state(
    app_on: Callable[..., AppTest], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(make_engine(url))
    app = app_on(url)
    assert not app.exception
    assert "Encara no hi ha dades" in app.info[0].value


def test_database_behind_the_code_says_so_in_catalan(
    app_on: Callable[..., AppTest], tmp_path: Path
) -> None:
    app = app_on(f"sqlite:///{tmp_path / 'never-migrated.db'}")
    assert not app.exception
    assert "La base de dades no està al dia" in app.error[0].value
    assert "make migrate" in app.error[0].value
    assert not app.metric


def test_unreachable_database_says_so_in_catalan(app_on: Callable[..., AppTest]) -> None:
    # Nothing listens on port 9 of the loopback: the connection is refused at once.
    app = app_on("postgresql+psycopg://postgres@127.0.0.1:9/xmess?connect_timeout=2")
    assert not app.exception
    assert "No es pot connectar amb la base de dades" in app.error[0].value


PAGE_TITLES = {
    "inici": "Inici",
    "seguiment": "Seguiment de membres",
    "grups": "Grups de Treball",
    "esdeveniments": "Esdeveniments",
    "mapa": "Mapa territorial",
    "prioritzacio": "Priorització del pressupost",
    "dades": "Dades",
}


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentacio"])
@pytest.mark.parametrize("url_path", list(PAGE_TITLES))
def test_every_page_draws_the_demo_network_and_an_empty_one(
    app_on: Callable[..., AppTest],
    demo_sqlite_url: str,
    tmp_path: Path,
    url_path: str,
    presentation: bool,
) -> None:
    empty_url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade_to_head(make_engine(empty_url))
    for url in (demo_sqlite_url, empty_url):
        app = app_on(url, url_path)
        if presentation:
            app.toggle(key="presentation_mode").set_value(True).run()
        assert not app.exception, (url_path, url, app.exception)
        assert app.title[0].value == PAGE_TITLES[url_path]
        # Something to read on every page, data or an empty state: never a blank page.
        assert app.metric or app.dataframe or app.info or app.table
