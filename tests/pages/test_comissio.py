"""Reunió de la Comissió through AppTest: the last complete quarter by default, every section
of the pack on the page, any dates, the PDF offered, the shared screen and the Commission's
role, and an empty database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AppUser, UserRole
from db.session import make_engine, session_scope
from services.clock import catalan_today
from services.meeting_pack import last_complete_quarter
from tests.databases import copy_of_demo
from ui.meeting_pack_pdf import SECTIONS

COMMISSION = {"email": "comissio@xmess.example", "name": "Pere Comissió"}


def _headers(app: AppTest) -> list[str]:
    return [h.value for h in app.header]


def test_the_last_complete_quarter_with_every_section(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "comissio")
    assert not app.exception
    quarter = app.selectbox(key="comissio_quarter")
    assert quarter.value == last_complete_quarter(catalan_today()).label
    assert _headers(app) == [heading for _, heading in SECTIONS]
    assert app.get("download_button"), "the PDF is offered"
    figures = app.dataframe[0].value
    assert figures.columns.tolist() == ["Indicador", "Període", "Període anterior", "Variació"]
    # The figures are ca-ES texts, as on paper, and still read right-aligned.
    config = json.loads(app.dataframe[0].proto.columns)
    assert {name for name, column in config.items() if column.get("alignment") == "right"} == {
        "Període",
        "Període anterior",
        "Variació",
    }

    app.selectbox(key="comissio_quarter").set_value("Unes altres dates").run()
    assert not app.exception
    assert app.date_input(key="comissio_dates").value
    assert _headers(app) == [heading for _, heading in SECTIONS]


def test_on_the_shared_screen_and_for_the_commission(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, tmp_path: Path
) -> None:
    shared = app_on(demo_sqlite_url, "comissio", query={"presentacio": "1"})
    assert not shared.exception
    assert _headers(shared) == [heading for _, heading in SECTIONS]

    url = copy_of_demo(demo_sqlite_url, tmp_path, "commission")
    with session_scope(make_engine(url)) as session:
        session.add(
            AppUser(
                email=COMMISSION["email"], full_name=COMMISSION["name"], role=UserRole.COMMISSION
            )
        )
    app = app_on(url, "comissio", user=COMMISSION)
    assert not app.exception
    assert _headers(app) == [heading for _, heading in SECTIONS]
    assert app.get("download_button")


def test_an_empty_database(app_on: Callable[..., AppTest], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    app = app_on(url, "comissio")
    assert not app.exception
    assert any("Encara no hi ha dades" in i.value for i in app.info)
    assert _headers(app) == []
