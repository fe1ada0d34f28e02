"""Dades → Edita → Persones: a person's data requests (GDPR). An administrator downloads the
person's file and anonymises them from the page; the coordination team sees the consents but
not the requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import AppUser, Channel, Interaction, Person, UserRole
from db.session import make_engine, session_scope
from tests import factories as make

NAME = "Núria Ferré"
EMAIL = "nuria.ferre@vic.cat"
STAFF = {"email": "marta@xmess.cat", "name": "Marta Vidal"}


@pytest.fixture
def url(tmp_path: Path) -> str:
    """Vic, with Núria, who is named in a contact's summary."""
    url = f"sqlite:///{tmp_path / 'rgpd.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        session.add(AppUser(email=STAFF["email"], full_name=STAFF["name"], role=UserRole.STAFF))
        vic = make.member(session, "Ajuntament de Vic")
        nuria = make.person(
            session, vic, NAME, email=EMAIL, phone="600 11 22 33", consent_contact=True
        )
        session.add(
            Interaction(
                member_id=vic.id,
                person_id=nuria.id,
                occurred_on=date(2026, 4, 20),
                channel=Channel.PHONE,
                summary=f"Trucada amb {NAME}: vol entrar al grup de comerç.",
            )
        )
    engine.dispose()
    return url


def _ids(url: str) -> tuple[int, int]:
    with Session(make_engine(url)) as session:
        person = session.scalars(select(Person)).one()
        return person.member_id, person.id


def _open_person(app: AppTest, member_id: int, person_id: int) -> AppTest:
    app.segmented_control(key="dades_edit_what").set_value("Persones").run()
    app.selectbox(key="dades_edit_person_member").set_value(member_id).run()
    return app.selectbox(key=f"dades_edit_person_{member_id}").set_value(person_id).run()


def _page_text(app: AppTest) -> str:
    """What a reader sees: texts, messages, fields, the pickers' options and every table."""
    parts: list[str] = []
    for elements in (app.title, app.subheader, app.markdown, app.caption, app.success):
        parts += [str(e.value) for e in elements]
    parts += [str(e.value) for e in app.info] + [str(e.value) for e in app.error]
    parts += [str(t.value) for t in app.text_input] + [str(t.value) for t in app.text_area]
    for box in app.selectbox:
        parts += [str(option) for option in box.options]
    parts += [frame.value.to_string() for frame in app.dataframe]
    return "\n".join(parts)


def test_an_administrator_erases_a_person_from_the_page(
    app_on: Callable[..., AppTest], url: str
) -> None:
    member_id, person_id = _ids(url)
    prefix = f"dades_person_{person_id}"
    app = _open_person(app_on(url, "dades"), member_id, person_id)  # local mode: admin
    assert not app.exception
    assert NAME in _page_text(app)
    assert "Dades personals (RGPD)" in [s.value for s in app.subheader]
    downloads = [b.label for b in app.get("download_button")]
    assert {"Fitxa completa (JSON)", "Fitxa completa (XLSX)"} <= set(downloads)
    assert app.checkbox(key=f"{prefix}_contact").value is True
    # Nothing happens without the confirmation.
    assert app.button(key=f"{prefix}_erase").disabled

    app.checkbox(key=f"{prefix}_erase_confirm").check().run()
    app = app.button(key=f"{prefix}_erase").click().run()
    assert not app.exception
    placeholder = f"Persona anonimitzada #{person_id}"
    assert f"ara és «{placeholder}»" in app.success[0].value
    shown = _page_text(app)
    assert NAME not in shown and EMAIL not in shown
    assert placeholder in app.selectbox(key=f"dades_edit_person_{member_id}").options
    # The audit log's table shows the erasure, and no earlier value.
    log = next(df.value for df in app.dataframe if "Canvis" in df.value.columns)
    assert "anonymised: sí" in log.iloc[0]["Després"]

    with Session(make_engine(url)) as session:
        assert session.scalar(select(Person.full_name)) == placeholder
        summary = session.scalar(select(Interaction.summary))
    assert summary == f"Trucada amb {placeholder}: vol entrar al grup de comerç."


def test_the_coordination_team_edits_consents_but_makes_no_data_request(
    app_on: Callable[..., AppTest], url: str
) -> None:
    member_id, person_id = _ids(url)
    prefix = f"dades_person_{person_id}"
    app = _open_person(app_on(url, "dades", user=STAFF), member_id, person_id)
    assert not app.exception
    assert app.checkbox(key=f"{prefix}_contact").value is True
    assert app.checkbox(key=f"{prefix}_image").value is False
    assert "Dades personals (RGPD)" not in [s.value for s in app.subheader]
    assert not [b for b in app.button if b.key == f"{prefix}_erase"]

    app.checkbox(key=f"{prefix}_contact").uncheck()
    app.checkbox(key=f"{prefix}_image").check()
    app = next(b for b in app.button if b.label == "Desa la persona").click().run()
    assert not app.exception
    assert f"Persona «{NAME}» desada." in app.success[0].value
    with Session(make_engine(url)) as session:
        consents = session.execute(select(Person.consent_contact, Person.consent_image)).one()
    assert tuple(consents) == (False, True)
