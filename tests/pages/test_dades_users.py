"""Dades for each role, through AppTest with sign-in configured: an admin manages users from the
page; the coordination team sees only its own tabs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Tab

from db.migrate import upgrade_to_head
from db.models import AppUser, AuditLog, UserRole
from db.session import make_engine, session_scope
from tests import factories as make

ADMIN = {"email": "cap@xmess.cat", "name": "Núria Cap"}
STAFF = {"email": "marta@xmess.cat", "name": "Marta Soler"}
ADMIN_ONLY_TABS = {"Importa", "Registre de canvis", "Còpia de seguretat", "Usuaris"}


@pytest.fixture
def url(tmp_path: Path) -> str:
    """A migrated SQLite database with one member, an admin and a coordinator."""
    url = f"sqlite:///{tmp_path / 'users.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        make.member(session, "Ajuntament de Vic", notes="")
        session.add_all(
            [
                AppUser(email=ADMIN["email"], full_name=ADMIN["name"], role=UserRole.ADMIN),
                AppUser(email=STAFF["email"], full_name=STAFF["name"], role=UserRole.STAFF),
            ]
        )
    engine.dispose()
    return url


def _users(url: str) -> dict[str, tuple[str, UserRole, bool]]:
    with Session(make_engine(url)) as session:
        return {
            row.email: (row.full_name, row.role, row.active)
            for row in session.scalars(select(AppUser))
        }


def _tabs(app: AppTest) -> set[str]:
    """The page's own tabs (not the Territori tab's inner ones)."""
    for node in app.main.children.values():
        labels = {c.label for c in getattr(node, "children", {}).values() if isinstance(c, Tab)}
        if labels:
            return labels
    return set()


def _users_table(app: AppTest) -> list[str]:
    table = next(df.value for df in app.dataframe if "Darrer inici de sessió" in df.value.columns)
    return list(table["Correu"])


def test_an_admin_adds_a_user_and_changes_a_role(app_on: Callable[..., AppTest], url: str) -> None:
    app = app_on(url, "dades", user=ADMIN)
    assert not app.exception
    assert _tabs(app) == ADMIN_ONLY_TABS | {"Edita", "Territori"}
    assert _users_table(app) == ["marta@xmess.cat", "cap@xmess.cat"]  # by name
    # The admin's own sign-in is already listed, in Catalan date format.
    table = next(df.value for df in app.dataframe if "Darrer inici de sessió" in df.value.columns)
    signed_in = table.set_index("Correu").loc["cap@xmess.cat", "Darrer inici de sessió"]
    assert signed_in != "Mai" and signed_in[2] == "/" and signed_in[5] == "/"
    assert table.set_index("Correu").loc["marta@xmess.cat", "Darrer inici de sessió"] == "Mai"

    app.text_input(key="dades_users_add_email").input("no és un correu")
    app.text_input(key="dades_users_add_name").input("Pau Roca")
    app.selectbox(key="dades_users_add_role").set_value(UserRole.COMMISSION)
    app = _click(app, "Afegeix l'usuari")
    assert not app.exception
    assert "No s'ha afegit l'usuari:" in app.error[0].value
    assert "Correu: «no és un correu» no és una adreça vàlida." in app.error[0].value
    assert set(_users(url)) == {"cap@xmess.cat", "marta@xmess.cat"}
    # The form keeps what was typed.
    assert app.text_input(key="dades_users_add_name").value == "Pau Roca"

    app.text_input(key="dades_users_add_email").input(" Pau.Roca@XMESS.cat ")
    app = _click(app, "Afegeix l'usuari")
    assert not app.exception
    assert "Usuari pau.roca@xmess.cat afegit" in app.success[0].value
    assert _users(url)["pau.roca@xmess.cat"] == ("Pau Roca", UserRole.COMMISSION, True)
    assert "pau.roca@xmess.cat" in _users_table(app)
    # A fresh form: its next round's widgets, drawn empty.
    assert app.text_input(key="dades_users_add_email~1").value == ""
    with Session(make_engine(url)) as session:
        entry = session.scalars(select(AuditLog)).one()
    assert (entry.username, entry.table_name) == ("cap@xmess.cat", "app_user")

    marta = next(
        user_id
        for user_id, email in _ids(url).items()
        if email == "marta@xmess.cat"  # the coordinator is made inactive
    )
    app.selectbox(key="dades_users_edit").set_value(marta).run()
    app.checkbox(key=f"dades_user_{marta}_active").uncheck()
    app = _click(app, "Desa l'usuari")
    assert not app.exception
    assert "Usuari marta@xmess.cat desat: coordinació, desactivat." in app.success[0].value
    assert _users(url)["marta@xmess.cat"] == ("Marta Soler", UserRole.STAFF, False)


def test_the_last_admin_cannot_demote_themself_from_the_page(
    app_on: Callable[..., AppTest], url: str
) -> None:
    cap = next(user_id for user_id, email in _ids(url).items() if email == ADMIN["email"])
    app = app_on(url, "dades", user=ADMIN)
    app.selectbox(key="dades_users_edit").set_value(cap).run()
    app.selectbox(key=f"dades_user_{cap}_role").set_value(UserRole.STAFF)
    app = _click(app, "Desa l'usuari")
    assert not app.exception
    assert "Rol: Núria Cap és l'únic administrador actiu" in app.error[0].value
    assert _users(url)[ADMIN["email"]] == (ADMIN["name"], UserRole.ADMIN, True)


def test_staff_sees_the_forms_and_territory_only(app_on: Callable[..., AppTest], url: str) -> None:
    app = app_on(url, "dades", user=STAFF)
    assert not app.exception
    assert _tabs(app) == {"Edita", "Territori"}
    assert not (ADMIN_ONLY_TABS & _tabs(app))
    # Nothing of the admin tabs is drawn: no upload, no backup, no user list or audit log.
    assert not app.file_uploader
    assert not [b for b in app.get("download_button") if "còpia" in b.label.lower()]
    assert not [df for df in app.dataframe if "Darrer inici de sessió" in df.value.columns]
    assert not [df for df in app.dataframe if "Canvis" in df.value.columns]
    assert [s for s in app.selectbox if s.key == "dades_edit_member"]


def _ids(url: str) -> dict[int, str]:
    with Session(make_engine(url)) as session:
        return {
            user_id: email for user_id, email in session.execute(select(AppUser.id, AppUser.email))
        }


def _click(app: AppTest, label: str) -> AppTest:
    return next(b for b in app.button if b.label == label).click().run()
