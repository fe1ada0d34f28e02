"""Grups de Treball through AppTest: the demo view, enrolment, withdrawal, recording a session,
and the refusals that write nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import (
    Event,
    EventKind,
    Registration,
    RegistrationStatus,
    WorkGroup,
    WorkGroupMembership,
    WorkGroupStatus,
)
from db.session import make_engine, session_scope
from services.clock import catalan_today
from tests import factories as make


@pytest.fixture
def network(tmp_path: Path) -> dict:
    """Cures (Vic enrolled, came to last month's session), Finançament suspended, Reus in no
    group."""
    url = f"sqlite:///{tmp_path / 'network.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    today = catalan_today()
    with session_scope(engine) as session:
        cures = WorkGroup(code="cures", name="Cures", status=WorkGroupStatus.ACTIVE)
        financament = WorkGroup(
            code="financament", name="Finançament de l'ESS", status=WorkGroupStatus.SUSPENDED
        )
        session.add_all([cures, financament])
        session.flush()
        vic = make.member(session, "Ajuntament de Vic")
        reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
        session.add(
            WorkGroupMembership(
                work_group_id=cures.id, member_id=vic.id, joined_on=today - timedelta(days=400)
            )
        )
        meeting = make.event(
            session,
            "Sessió del GT de Cures",
            today - timedelta(days=30),
            kind=EventKind.WORK_GROUP_SESSION,
            work_group_id=cures.id,
        )
        make.registration(session, meeting, vic, status=RegistrationStatus.ATTENDED)
        ids = {
            "cures": cures.id,
            "financament": financament.id,
            "vic": vic.id,
            "reus": reus.id,
        }
    engine.dispose()
    return {"url": url, **ids}


def _count(url: str, model: type) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _click(app: AppTest, label: str) -> AppTest:
    return next(b for b in app.button if b.label == label).click().run()


def _table(app: AppTest, column: str):
    return next(df.value for df in app.dataframe if column in df.value.columns)


def _tab(app: AppTest, label: str) -> AppTest:
    """Open a tab: the page's tabs are lazy, only the open one runs."""
    app.session_state["grups_tab"] = label
    return app.run()


MANAGE = "Inscripcions i sessions"


def test_demo_shows_groups_members_and_the_index(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "grups")
    assert not app.exception
    assert app.title[0].value == "Grups de Treball"
    groups = _table(app, "Tendència").set_index("Grup")
    assert groups.loc["Finançament de l'ESS", "Estat"] == "En suspens"
    assert (groups.drop(index="Finançament de l'ESS")["Estat"] == "Actiu").all()
    assert {m.label for m in app.metric} >= {"Grups actius", "Assistència", "Sense grup"}
    assert next(m for m in app.metric if m.label == "Grups actius").value == "8"
    # Enrolled members who never come: a warning in red, not a "+" that reads as growth.
    no_group = next(m for m in app.metric if m.label == "Sense grup")
    assert re.fullmatch(r"\d+ inscrits? que no hi van?", no_group.proto.delta)
    assert no_group.proto.color == Metric.RED
    # Who takes part, who is in no group, and the "cura de membres" list.
    app = _tab(app, "Membres")
    assert not app.exception
    assert len(_table(app, "Membre des de")) > 0
    assert not [df for df in app.dataframe if "Tendència" in df.value.columns]  # lazy tabs
    app = _tab(app, "Índex de participació")
    assert not app.exception
    assert len(_table(app, "Variació")) > 0
    assert (_table(app, "Variació")["Variació"] < 0).all()
    assert any("índex de participació" in md.value for md in app.markdown)

    # The shared screen drops the management tab, even when it was the open one.
    app = _tab(app, MANAGE)
    assert [b for b in app.button if b.label == "Inscriu al grup"]
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert [t.label for t in app.tabs] == ["Grups", "Membres", "Índex de participació"]
    assert not [b for b in app.button if b.label == "Inscriu al grup"]
    assert _table(app, "Tendència") is not None


def test_enrol_a_member_and_withdraw_it(app_on: Callable[..., AppTest], network: dict) -> None:
    app = _tab(app_on(network["url"], "grups"), "Membres")
    assert not app.exception
    assert _table(app, "Membre des de")["Membre"].tolist() == ["Ajuntament de Reus"]
    app = _tab(app, MANAGE)
    app.selectbox(key="grups_enrol_group").set_value(network["cures"])
    app.selectbox(key="grups_enrol_member").set_value(network["reus"])
    app = _click(app, "Inscriu al grup")
    assert not app.exception
    assert "Ajuntament de Reus inscrit al grup Cures" in app.success[0].value
    assert _count(network["url"], WorkGroupMembership) == 2
    assert _table(app, "Al grup des de")["Membre"].tolist() == [
        "Ajuntament de Reus",
        "Ajuntament de Vic",
    ]
    assert _table(_tab(app, "Grups"), "Tendència").set_index("Grup").loc["Cures", "Inscrits"] == 2
    app = _tab(app, "Membres")
    assert not [df for df in app.dataframe if "Membre des de" in df.value.columns]

    app = _tab(app, MANAGE)
    app.selectbox(key="grups_withdraw_member").set_value(network["reus"])
    app = _click(app, "Dona de baixa del grup")
    assert not app.exception
    assert "Ajuntament de Reus ja no és al grup Cures" in app.success[0].value
    assert _table(app, "Al grup des de")["Membre"].tolist() == ["Ajuntament de Vic"]
    app = _tab(app, "Membres")
    assert _table(app, "Membre des de")["Membre"].tolist() == ["Ajuntament de Reus"]


def test_enrolment_in_a_suspended_group_is_refused(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _tab(app_on(network["url"], "grups"), MANAGE)
    app.selectbox(key="grups_enrol_group").set_value(network["financament"])
    app.selectbox(key="grups_enrol_member").set_value(network["reus"])
    app = _click(app, "Inscriu al grup")
    assert not app.exception
    assert "està en suspens" in app.error[0].value
    assert _count(network["url"], WorkGroupMembership) == 1


def test_enrolment_without_a_member_is_refused(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _tab(app_on(network["url"], "grups"), MANAGE)
    app = _click(app, "Inscriu al grup")
    assert not app.exception
    assert app.error[0].value.startswith("No s'ha fet la inscripció:\n- Membre: cal triar-ne un.")
    app = _click(app, "Dona de baixa del grup")
    assert app.error[0].value.startswith("No s'ha fet la baixa:\n- Membre: cal triar-ne un.")
    assert _count(network["url"], WorkGroupMembership) == 1


def test_record_a_session_with_who_attended(app_on: Callable[..., AppTest], network: dict) -> None:
    app = _tab(app_on(network["url"], "grups"), MANAGE)
    app.selectbox(key="grups_session_group").set_value(network["cures"])
    app.multiselect(key="grups_session_attendees").set_value([network["vic"], network["reus"]])
    app = _click(app, "Desa la sessió")
    assert not app.exception
    assert "desada amb 2 membres assistents" in app.success[0].value
    with Session(make_engine(network["url"])) as session:
        event = session.scalars(select(Event).order_by(Event.id.desc())).first()
        assert event.held_on == catalan_today() and event.work_group_id == network["cures"]
        attendees = session.scalars(
            select(Registration.member_id).where(Registration.event_id == event.id)
        ).all()
    assert sorted(attendees) == sorted([network["vic"], network["reus"]])
    sessions = _table(app, "Assistents")
    assert sessions["Assistents"].tolist() == [2, 1]  # newest first
    assert _table(_tab(app, "Grups"), "Tendència").set_index("Grup").loc["Cures", "Sessions"] == 2


def test_a_session_for_a_suspended_group_is_refused(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _tab(app_on(network["url"], "grups"), MANAGE)
    app.selectbox(key="grups_session_group").set_value(network["financament"])
    app.multiselect(key="grups_session_attendees").set_value([network["vic"]])
    app.date_input(key="grups_session_date").set_value(catalan_today() + timedelta(days=7))
    app = _click(app, "Desa la sessió")
    assert not app.exception
    message = app.error[0].value
    assert "No s'ha desat la sessió" in message
    assert "Finançament de l'ESS està en suspens" in message
    assert "encara no s'ha fet" in message  # attendance for a future session, too
    assert _count(network["url"], Event) == 1
    assert _count(network["url"], Registration) == 1
