"""The sign-in gate, through AppTest: who gets in, what an anonymous or unknown visitor sees,
the local mode and its refusal on a reachable address. The real provider round trip is
tests/e2e/test_sign_in.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit import config
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AppUser, Interaction, UserRole
from db.session import make_engine, session_scope
from tests import factories as make
from tests.pages.test_dashboard import PAGE_TITLES
from ui.navigation import PAGE_PATHS

USERS = {
    "coordinacio": ("nuria@xmess.cat", "Núria Vila", UserRole.STAFF, True),
    "comissio": ("pere@ajvic.cat", "Pere Soler", UserRole.COMMISSION, True),
    "admin": ("admin@xmess.cat", "Anna Admin", UserRole.ADMIN, True),
    "baixa": ("exempleada@xmess.cat", "Rosa Antiga", UserRole.STAFF, False),
}


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'gate.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        for email, name, role, active in USERS.values():
            session.add(AppUser(email=email, full_name=name, role=role, active=active))
        make.member(session, "Ajuntament de Vic")
    engine.dispose()
    return url


def _as(key: str) -> dict[str, str]:
    email, name, _, _ = USERS[key]
    # Providers do not agree on case: the e-mail is matched without it.
    return {"email": email.upper(), "name": name}


def _texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.title, *app.markdown, *app.caption, *app.error)]
    return " ".join(str(p) for p in parts)


@pytest.mark.parametrize("url_path", PAGE_PATHS)
def test_an_anonymous_visitor_gets_only_the_sign_in_page_and_no_query(
    app_on: Callable[..., AppTest], url_path: str
) -> None:
    # An unreachable database: the page must not even try it before sign-in.
    unreachable = "postgresql+psycopg://postgres@127.0.0.1:9/xmess?connect_timeout=2"
    app = app_on(unreachable, url_path, user={})
    assert not app.exception
    assert [t.value for t in app.title] == ["XMESS · Quadre de comandament"]
    assert [b.label for b in app.button] == ["Inicia la sessió"]
    assert not app.error and not app.metric and not app.dataframe
    # No menu, no presentation switch, no database caption: nothing but the sign-in.
    assert not app.sidebar.toggle and not app.sidebar.caption and not app.sidebar.button


def test_an_unknown_or_inactive_account_is_told_whom_to_ask(
    app_on: Callable[..., AppTest], url: str
) -> None:
    for user in ({"email": "intrus@example.org", "name": "Intrús"}, _as("baixa")):
        app = app_on(url, "seguiment", user=user)
        assert not app.exception
        assert app.title[0].value == "No teniu accés al quadre de comandament"
        text = _texts(app)
        assert user["email"] in text and "Anna Admin" in text
        assert [b.label for b in app.button] == ["Tanca la sessió"]
        assert not app.dataframe and not app.metric and "Vic" not in text


def test_a_coordinator_gets_in_with_their_name_and_sign_out(
    app_on: Callable[..., AppTest], url: str
) -> None:
    app = app_on(url, "seguiment", user=_as("coordinacio"))
    assert not app.exception
    assert app.title[0].value == PAGE_TITLES["seguiment"]
    sidebar = " ".join(c.value for c in app.sidebar.caption)
    assert "Núria Vila" in sidebar and "coordinació" in sidebar
    assert "Tanca la sessió" in [b.label for b in app.sidebar.button]
    assert app.toggle(key="presentation_mode").value is False
    with Session(make_engine(url)) as session:
        user = session.scalars(select(AppUser).where(AppUser.email == "nuria@xmess.cat")).one()
        assert user.last_signed_in_at is not None


def test_the_commission_is_always_presenting_and_never_served_dades(
    app_on: Callable[..., AppTest], url: str
) -> None:
    app = app_on(url, "inici", user=_as("comissio"))
    assert not app.exception
    switch = app.toggle(key="presentation_mode")
    assert switch.value is True and switch.disabled
    # Signed in, with sign-out at hand, but not even their own name on the shared screen.
    assert "Sessió iniciada · comissió" in [c.value for c in app.sidebar.caption]
    assert "Pere Soler" not in " ".join(c.value for c in app.sidebar.caption)
    assert "Tanca la sessió" in [b.label for b in app.sidebar.button]
    # A crafted request may send the switch off: the server keeps the mode on for this role.
    app.session_state["presentation_mode"] = False
    app.run()
    assert any("<style>" in m.value for m in app.markdown)
    app = app_on(url, "dades", user=_as("comissio"))
    assert not app.exception
    assert [t.value for t in app.title] == ["Pàgina no disponible"]
    assert "no és per al vostre rol (comissió)" in app.info[0].value
    assert not app.tabs and not app.dataframe and not app.main.button


def test_a_write_from_the_commission_is_refused_by_the_one_write_path(url: str) -> None:
    """A crafted request reaching ``ui.writes.write`` as the Commission: the service refuses,
    the page says why in Catalan and nothing is written."""

    def page(url: str) -> None:
        import os
        from datetime import date

        from db.models import Channel, UserRole
        from services.access import Actor
        from services.contacts import ContactForm, log_contact
        from ui.viewer import set_viewer
        from ui.writes import write

        os.environ["XMESS_DATABASE_URL"] = url
        set_viewer(
            Actor(audit_name="pere@ajvic.cat", display_name="Pere", role=UserRole.COMMISSION)
        )
        write(
            log_contact,
            refused="No s'ha desat el contacte.",
            success="Desat",
            form=ContactForm(
                member_id=1, occurred_on=date(2026, 12, 1), channel=Channel.PHONE, summary="Hola"
            ),
            today=date(2026, 12, 4),
        )

    app = AppTest.from_function(page, args=(url,), default_timeout=60).run()
    assert not app.exception
    assert "El vostre rol (comissió) no permet modificar les dades de la xarxa" in (
        app.error[0].value
    )
    with Session(make_engine(url)) as session:
        assert session.scalars(select(Interaction)).all() == []


@pytest.fixture
def reachable_address() -> Iterator[None]:
    saved = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    yield
    config.set_option("server.address", saved)


@pytest.mark.usefixtures("reachable_address")
def test_local_mode_on_a_reachable_address_serves_nothing(
    app_on: Callable[..., AppTest], url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = app_on(url, "seguiment")
    assert not app.exception
    assert app.title[0].value == "Cal configurar l'inici de sessió"
    assert "[auth]" in app.error[0].value and "127.0.0.1" in app.error[0].value
    assert not app.dataframe and not app.metric
    assert "Refusing to serve data: no [auth] section" in caplog.text


def test_local_mode_says_so_and_records_the_os_account(
    app_on: Callable[..., AppTest], url: str
) -> None:
    app = app_on(url, "inici")
    assert not app.exception
    assert "Mode local, sense inici de sessió" in [c.value for c in app.sidebar.caption]
    assert "Tanca la sessió" not in [b.label for b in app.sidebar.button]
