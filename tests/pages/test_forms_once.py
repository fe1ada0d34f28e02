"""Forms that create something: empty after a save, never saved twice, and their outcome shown
until the person's next action."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from db.models import AppUser, Event, Interaction, Scenario, UserRole
from db.session import make_engine
from tests.databases import copy_of_demo
from tests.pages.test_dades_users import ADMIN
from tests.pages.test_dades_users import url as users_url  # noqa: F401  (a fixture)
from tests.pages.test_grups import MANAGE, _tab
from tests.pages.test_grups import network as groups  # noqa: F401  (a fixture)
from tests.pages.test_seguiment import network  # noqa: F401  (a fixture)


def _count(url: str, model: type) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _by_label(widgets: Any, label: str) -> Any:
    return next(w for w in widgets if w.label == label)


def _successes(app: AppTest) -> list[str]:
    return [s.value for s in app.success]


def _submit_twice(app: AppTest, button: str) -> AppTest:
    """Click ``button`` and run; then send the very same submission again, as a browser does
    on a double click or a resend after a slow answer (the page has moved on meanwhile)."""
    _by_label(app.button, button).click()
    sent = WidgetStates()
    sent.CopyFrom(app._tree.get_widget_states())
    app.run()
    app._run(sent)
    return app


def _open_member(app: AppTest, member_id: int) -> AppTest:
    return app.selectbox(key="seguiment_member").set_value(member_id).run()


def test_contact_form_saves_once_clears_and_keeps_its_message(
    app_on: Callable[..., AppTest],
    network: dict,  # noqa: F811
) -> None:
    app = _open_member(app_on(network["url"], "seguiment"), network["vic"])
    before = _count(network["url"], Interaction)
    _by_label(app.text_area, "Resum").input("Trucada: volen una sessió de CCPR")
    app = _submit_twice(app, "Desa el contacte")
    assert not app.exception
    assert _count(network["url"], Interaction) == before + 1
    assert any("Contacte amb Ajuntament de Vic desat" in m for m in _successes(app))
    # The form is drawn empty, ready for the next contact.
    assert _by_label(app.text_area, "Resum").value == ""
    # A run without any action keeps the message; the next action replaces it.
    app.run()
    assert any("Contacte amb Ajuntament de Vic desat" in m for m in _successes(app))
    app.multiselect(key="seguiment_status").set_value(["Al dia"]).run()
    assert not any("desat" in m for m in _successes(app))


def test_a_refused_contact_keeps_what_was_typed_and_can_be_saved_corrected(
    app_on: Callable[..., AppTest],
    network: dict,  # noqa: F811
) -> None:
    app = _open_member(app_on(network["url"], "seguiment"), network["vic"])
    before = _count(network["url"], Interaction)
    _by_label(app.button, "Desa el contacte").click().run()  # no summary: refused
    assert "No s'ha desat el contacte" in app.error[0].value
    _by_label(app.text_area, "Resum").input("Reunió presencial")
    app = _by_label(app.button, "Desa el contacte").click().run()
    assert not app.exception
    assert _count(network["url"], Interaction) == before + 1
    assert _by_label(app.text_area, "Resum").value == ""


def test_work_group_session_form_saves_once_and_clears(
    app_on: Callable[..., AppTest],
    groups: dict,  # noqa: F811
) -> None:
    app = _tab(app_on(groups["url"], "grups"), MANAGE)
    app.selectbox(key="grups_session_group").set_value(groups["cures"])
    app.multiselect(key="grups_session_attendees").set_value([groups["vic"], groups["reus"]])
    _by_label(app.text_input, "Títol (opcional)").input("Sessió de prova")
    before = _count(groups["url"], Event)
    app = _submit_twice(app, "Desa la sessió")
    assert not app.exception
    assert _count(groups["url"], Event) == before + 1
    assert any("desada amb 2 membres assistents" in m for m in _successes(app))
    assert _by_label(app.text_input, "Títol (opcional)").value == ""
    assert _by_label(app.multiselect, "Membres que hi han assistit").value == []
    app.run()
    assert any("desada amb 2 membres assistents" in m for m in _successes(app))


def test_dades_add_user_form_saves_once_clears_and_keeps_its_message(
    app_on: Callable[..., AppTest],
    users_url: str,  # noqa: F811
) -> None:
    app = app_on(users_url, "dades", user=ADMIN)
    before = _count(users_url, AppUser)
    _by_label(app.text_input, "Correu").input("pau.roca@xmess.cat")
    _by_label(app.text_input, "Nom i cognoms").input("Pau Roca")
    app.selectbox(key="dades_users_add_role").set_value(UserRole.COMMISSION)
    app = _submit_twice(app, "Afegeix l'usuari")
    assert not app.exception
    assert _count(users_url, AppUser) == before + 1
    assert any("Usuari pau.roca@xmess.cat afegit" in m for m in _successes(app))
    assert _by_label(app.text_input, "Correu").value == ""
    assert _by_label(app.text_input, "Nom i cognoms").value == ""
    app.run()
    assert any("Usuari pau.roca@xmess.cat afegit" in m for m in _successes(app))
    # The next action (picking a user to edit) is what the person looks at instead.
    with Session(make_engine(users_url)) as session:
        pau = session.scalar(select(AppUser.id).where(AppUser.email == "pau.roca@xmess.cat"))
    app.selectbox(key="dades_users_edit").set_value(pau).run()
    assert not any("afegit" in m for m in _successes(app))


def test_scenario_form_saves_once_and_clears(
    app_on: Callable[..., AppTest], demo_sqlite_url: str, tmp_path: Path
) -> None:
    url = copy_of_demo(demo_sqlite_url, tmp_path, "scenarios")
    app = app_on(url, "prioritzacio")
    before = _count(url, Scenario)
    app.text_input(key="prioritzacio_save_name").input("Ple de desembre")
    app = _submit_twice(app, "Desa l'escenari")
    assert not app.exception
    assert _count(url, Scenario) == before + 1
    assert any("Escenari «Ple de desembre» desat" in m for m in _successes(app))
    # No "the name already exists" for the second click: it saved nothing and says nothing.
    assert not app.error
    assert app.text_input(key="prioritzacio_save_name~1").value == ""
