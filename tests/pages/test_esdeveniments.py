"""Esdeveniments through AppTest: the demo view, filters, check-in in the data editor,
registering a member, the refusals that write nothing, and presentation mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.migrate import upgrade_to_head
from db.models import EventKind, Registration
from db.session import make_engine, session_scope
from services.clock import catalan_today
from tests import factories as make


@pytest.fixture
def network(tmp_path: Path) -> dict:
    """An assembly five days ago (Anna of Vic and Reus registered, no check-in yet) and a
    thematic day in ten days (Reus registered)."""
    url = f"sqlite:///{tmp_path / 'network.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    today = catalan_today()
    with session_scope(engine) as session:
        vic = make.member(session, "Ajuntament de Vic")
        reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
        anna = make.person(session, vic, "Anna Puig", email="anna@vic.example.cat")
        assembly = make.event(session, "Assemblea de tardor", today - timedelta(days=5))
        make.registration(session, assembly, vic, person_id=anna.id)
        make.registration(session, assembly, reus)
        day = make.event(
            session,
            "Jornada temàtica: Cures",
            today + timedelta(days=10),
            kind=EventKind.THEMATIC_DAY,
        )
        make.registration(session, day, reus)
        ids = {"vic": vic.id, "reus": reus.id, "assembly": assembly.id, "day": day.id}
    engine.dispose()
    return {"url": url, **ids}


def _statuses(url: str, event_id: int) -> dict[int, str]:
    with Session(make_engine(url)) as session:
        rows = session.execute(
            select(Registration.member_id, Registration.status).where(
                Registration.event_id == event_id
            )
        ).all()
    return {member_id: status.value for member_id, status in rows}


def _registrations(url: str) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(Registration)) or 0


def _edit(app: AppTest, event_id: int, edits: dict[int, object], column: str = "Estat") -> AppTest:
    """Seed the check-in grid's edit state (what a user's clicks in the grid produce):
    ``edits`` maps a row to its new value in ``column``. The grid is drawn anew after each
    edit, under a new key (``esdeveniments_checkin_<event>_<round>``)."""
    key = app.data_editor[0].key
    assert key is not None and key.startswith(f"esdeveniments_checkin_{event_id}")
    app.session_state[key] = {
        "edited_rows": {row: {column: value} for row, value in edits.items()},
        "added_rows": [],
        "deleted_rows": [],
    }
    return app.run()


def _tab(app: AppTest, label: str) -> AppTest:
    """Open a tab: the page's tabs are lazy, only the open one runs."""
    app.session_state["esdeveniments_tab"] = label
    return app.run()


def _checkin(app: AppTest) -> AppTest:
    return _tab(app, "Check-in")


def _save(app: AppTest) -> AppTest:
    return app.button(key="esdeveniments_checkin_save").click().run()


def test_demo_shows_events_territory_members_and_the_thematic_cap(
    app_on: Callable[..., AppTest], demo_sqlite_url: str
) -> None:
    app = app_on(demo_sqlite_url, "esdeveniments")
    assert not app.exception
    assert app.title[0].value == "Esdeveniments"
    metrics = {m.label: m.value for m in app.metric}
    # The demo calendar holds the plan's three thematic days this year.
    assert metrics["Jornades"] == "3 de 3"
    past = next(df.value for df in app.dataframe if "Primer cop" in df.value.columns)
    assert len(past) > 10
    assert "Sessió de grup de treball" not in set(past["Tipus"])
    app = _tab(app, "Territori")
    assert not app.exception
    comarques = next(df.value for df in app.dataframe if "Abast" in df.value.columns)
    assert len(comarques) > 10
    app = _tab(app, "Membres")
    assert not app.exception
    assert any("Situació" in df.value.columns for df in app.dataframe)  # who never comes
    app = _checkin(app)
    assert not app.exception
    assert app.data_editor, "the check-in editor is there for the team"
    app = _tab(app, "Esdeveniments")

    app.checkbox(key="esdeveniments_sessions").check().run()
    past = next(df.value for df in app.dataframe if "Primer cop" in df.value.columns)
    assert "Sessió de grup de treball" in set(past["Tipus"])
    app.multiselect(key="esdeveniments_kind").set_value(["assembly"]).run()
    app.checkbox(key="esdeveniments_sessions").uncheck().run()
    past = next(df.value for df in app.dataframe if "Primer cop" in df.value.columns)
    assert set(past["Tipus"]) == {"Assemblea"}


def test_event_detail_opens_on_the_latest_event_held(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _tab(app_on(network["url"], "esdeveniments"), "Esdeveniments")
    assert not app.exception
    # Listed newest first, the thematic day to come is first: the detail skips it.
    assert app.selectbox(key="esdeveniments_detail").value == network["assembly"]
    assert any("Assemblea de tardor" in text.value for text in app.markdown)


def test_check_in_marks_attendance_in_one_save(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    assert not app.exception
    assert app.selectbox(key="esdeveniments_checkin_event").value == network["assembly"]
    editor = app.data_editor[0].value
    assert editor["Membre"].tolist() == ["Ajuntament de Reus", "Ajuntament de Vic"]
    app = _edit(app, network["assembly"], {0: "No s'hi ha presentat", 1: "Hi ha assistit"})
    assert app.button(key="esdeveniments_checkin_save").label == "Desa el check-in (2 canvis)"
    app = _save(app)
    assert not app.exception
    assert "2 inscripcions actualitzades" in app.success[0].value
    assert _statuses(network["url"], network["assembly"]) == {
        network["reus"]: "no_show",
        network["vic"]: "attended",
    }
    assert app.data_editor[0].value["Estat"].tolist() == ["No s'hi ha presentat", "Hi ha assistit"]


def test_one_click_on_present_marks_a_person_and_a_second_unmarks_it(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    assert app.data_editor[0].value["Present"].tolist() == [False, False]
    app = _edit(app, network["assembly"], {1: True}, column="Present")
    assert app.button(key="esdeveniments_checkin_save").label == "Desa el check-in (1 canvi)"
    assert app.data_editor[0].value["Estat"].tolist()[1] == "Hi ha assistit"
    app = _edit(app, network["assembly"], {1: False}, column="Present")
    assert app.button(key="esdeveniments_checkin_save").label == "Desa el check-in (0 canvis)"
    app = _edit(app, network["assembly"], {1: True}, column="Present")
    app = _save(app)
    assert "1 inscripció actualitzada" in app.success[0].value
    assert _statuses(network["url"], network["assembly"]) == {
        network["reus"]: "registered",
        network["vic"]: "attended",
    }


def test_all_present_and_a_search_that_keeps_the_marks(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    # A search narrows the list to Vic (by its person's name, without the accent or case).
    app = app.text_input(key="esdeveniments_checkin_search").input("PUIG").run()
    assert app.data_editor[0].value["Membre"].tolist() == ["Ajuntament de Vic"]
    button = app.button(key=f"esdeveniments_checkin_all_{network['assembly']}")
    assert button.label == "Tots presents (1)"
    app = button.click().run()
    assert app.data_editor[0].value["Present"].tolist() == [True]
    # Back to the whole list: Vic's mark is kept, Reus still to mark.
    app = app.text_input(key="esdeveniments_checkin_search").input("").run()
    assert app.data_editor[0].value["Present"].tolist() == [False, True]
    assert app.button(key="esdeveniments_checkin_save").label == "Desa el check-in (1 canvi)"
    assert _statuses(network["url"], network["assembly"])[network["vic"]] == "registered"
    app = app.button(key=f"esdeveniments_checkin_all_{network['assembly']}").click().run()
    app = _save(app)
    assert "2 inscripcions actualitzades" in app.success[0].value
    assert set(_statuses(network["url"], network["assembly"]).values()) == {"attended"}
    assert app.button(key=f"esdeveniments_checkin_all_{network['assembly']}").disabled


def test_a_search_with_no_match_says_so(app_on: Callable[..., AppTest], network: dict) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    app = app.text_input(key="esdeveniments_checkin_search").input("Girona").run()
    assert not app.data_editor
    assert any("Cap inscripció amb «Girona»" in c.value for c in app.caption)


def test_attendance_for_a_future_event_is_refused(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    app.selectbox(key="esdeveniments_checkin_event").set_value(network["day"]).run()
    app = _save(_edit(app, network["day"], {0: "Hi ha assistit"}))
    assert not app.exception
    assert "No s'ha desat el check-in" in app.error[0].value
    assert "encara no s'ha fet" in app.error[0].value
    assert _statuses(network["url"], network["day"]) == {network["reus"]: "registered"}


def test_register_a_member_and_refuse_a_duplicate(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    app.selectbox(key="esdeveniments_checkin_event").set_value(network["day"]).run()
    app.selectbox(key="esdeveniments_register_member").set_value(network["vic"]).run()
    assert (
        "Anna Puig (Personal tècnic)" in app.selectbox(key="esdeveniments_register_person").options
    )
    app = app.button(key="esdeveniments_register_submit").click().run()
    assert not app.exception
    assert "Ajuntament de Vic inscrit a l'esdeveniment (Inscrit)" in app.success[0].value
    assert _registrations(network["url"]) == 4
    assert "Ajuntament de Vic" in app.data_editor[0].value["Membre"].tolist()

    # After a registration the form is drawn anew (its next round) and empty.
    assert app.selectbox(key="esdeveniments_register_member~1").value is None
    app.selectbox(key="esdeveniments_register_member~1").set_value(network["reus"]).run()
    app = app.button(key="esdeveniments_register_submit~1").click().run()
    assert not app.exception
    assert "Inscripció duplicada: Ajuntament de Reus ja està inscrit" in app.error[0].value
    assert _registrations(network["url"]) == 4


def test_registering_nobody_is_refused(app_on: Callable[..., AppTest], network: dict) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    app = app.button(key="esdeveniments_register_submit").click().run()
    assert not app.exception
    assert "No s'ha fet la inscripció:\n- Membre: cal triar-ne un." in app.error[0].value
    assert _registrations(network["url"]) == 3


def test_presentation_mode_hides_persons_and_the_check_in(
    app_on: Callable[..., AppTest], network: dict
) -> None:
    app = _checkin(app_on(network["url"], "esdeveniments"))
    assert "Anna Puig" in app.data_editor[0].value["Persona"].tolist()
    app.toggle(key="presentation_mode").set_value(True).run()
    assert not app.exception
    assert [t.label for t in app.tabs] == ["Esdeveniments", "Territori", "Membres"]
    shown = ""
    for label in ("Esdeveniments", "Territori", "Membres"):
        app = _tab(app, label)
        assert not app.exception and not app.data_editor
        shown += " ".join(str(df.value.values) for df in app.dataframe)
        shown += " ".join(md.value for md in app.markdown)
    assert "Anna Puig" not in shown and "anna@vic.example.cat" not in shown
    assert "Ajuntament de Vic" in shown  # members, not persons
