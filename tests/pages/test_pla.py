"""Seguiment del pla through AppTest: adopt the demo's scenario, follow it, link events,
re-plan mid-year and save it, download the Conveni's justification; the Commission reads it
without writing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from db.demo.builder import DEMO_SCENARIOS
from db.models import AppUser, AuditLog, Event, PlanActivity, Scenario, UserRole
from db.session import make_engine, session_scope
from services.access import system_actor
from services.clock import catalan_today
from services.execution import execution_table, update_execution
from services.plan import ActivityEdit
from tests.databases import copy_of_demo

COMMISSION = {"email": "comissio@xmess.example", "name": "Pere Comissió"}


@pytest.fixture
def demo_url(demo_sqlite_url: str, tmp_path: Path) -> str:
    return copy_of_demo(demo_sqlite_url, tmp_path, "pla")


def _tab(app: AppTest, name: str) -> AppTest:
    app.session_state["pla_tabs"] = name
    return app.run()


def _adopted(url: str) -> list[str]:
    with Session(make_engine(url)) as session:
        return list(session.scalars(select(Scenario.name).where(Scenario.adopted_at.is_not(None))))


def _metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def _adopt(app: AppTest, name: str) -> AppTest:
    choice = app.selectbox(key="pla_adopt_choice")
    choice.set_value(next(o for o in choice.options if o == name)).run()
    return app.button(key="pla_adopt").click().run()


def test_adopting_the_demo_scenario_starts_following_it(
    app_on: Callable[..., AppTest], demo_url: str
) -> None:
    app = app_on(demo_url, "pla")
    assert not app.exception
    assert any("Quan hi hagi un pla adoptat" in info.value for info in app.info)

    app = _adopt(app, DEMO_SCENARIOS[0])
    assert not app.exception
    assert _adopted(demo_url) == [DEMO_SCENARIOS[0]]
    assert any(f"«{DEMO_SCENARIOS[0]}» és ara el pla adoptat" in s.value for s in app.success)
    funded = execution_table(
        session=Session(make_engine(demo_url)), year=2026, today=catalan_today()
    )["in_plan"].sum()
    assert _metric(app, "Activitats fetes") == f"0 de {funded}"

    # Adopting the other one replaces it (after the popover's warning) and both are audited.
    app = _adopt(app, DEMO_SCENARIOS[1])
    assert _adopted(demo_url) == [DEMO_SCENARIOS[1]]
    with Session(make_engine(demo_url)) as session:
        entries = session.scalars(select(AuditLog).where(AuditLog.table_name == "scenario")).all()
    assert sum(1 for e in entries if (e.after or {}).get("adopted_at")) == 2


def test_done_activities_and_spending_show_in_the_figures(
    app_on: Callable[..., AppTest], demo_url: str
) -> None:
    app = _adopt(app_on(demo_url, "pla"), DEMO_SCENARIOS[0])
    engine = make_engine(demo_url)
    with session_scope(engine) as session:
        table = execution_table(session=session, year=2026, today=catalan_today())
        first_two = table[table["in_plan"]].head(2)
        update_execution(
            session=session,
            year=2026,
            edits=[
                ActivityEdit(
                    i + 1,
                    int(row.plan_activity_id),
                    int(row.version),
                    (("status", "Feta"), ("actual_cost_eur", "1000")),
                )
                for i, row in enumerate(first_two.itertuples())
            ],
            actor=system_actor(),
        )
    app.run()
    assert _metric(app, "Activitats fetes").startswith("2 de ")
    assert _metric(app, "Diners gastats") == "2.000\xa0€"


def test_linking_an_event_counts_its_attendance(
    app_on: Callable[..., AppTest], demo_url: str
) -> None:
    app = _tab(_adopt(app_on(demo_url, "pla"), DEMO_SCENARIOS[0]), "Execució")
    assert not app.exception
    engine = make_engine(demo_url)
    with Session(engine) as session:
        activity = session.scalars(select(PlanActivity).where(PlanActivity.code == "A1-01")).one()
        # The demo links every event of the year: one moves from its activity to A1-01.
        moved = session.scalars(
            select(Event)
            .where(Event.plan_activity_id.is_not(None), Event.held_on >= date(2026, 1, 1))
            .order_by(Event.held_on)
        ).first()
        assert moved is not None
        moved_id, source_id = moved.id, moved.plan_activity_id
        before = execution_table(session=session, year=2026, today=catalan_today())
    before = before.set_index("plan_activity_id")
    assert int(before.loc[activity.id, "events"]) == 0
    app.selectbox(key="pla_link_activity").set_value(activity.id).run()
    app.multiselect(key=f"pla_link_events_{activity.id}").set_value([moved_id])
    app.button(key="pla_link_save").click().run()
    assert not app.exception
    with Session(engine) as session:
        assert session.get(Event, moved_id).plan_activity_id == activity.id  # type: ignore[union-attr]
        after = execution_table(session=session, year=2026, today=catalan_today())
    after = after.set_index("plan_activity_id")
    assert int(after.loc[activity.id, "events"]) == 1
    assert int(after.loc[source_id, "events"]) == int(before.loc[source_id, "events"]) - 1
    moved_attendance = int(before.loc[source_id, "attended"]) - int(
        after.loc[source_id, "attended"]
    )
    assert int(after.loc[activity.id, "attended"]) == moved_attendance


def test_replan_is_shown_and_saved_as_a_scenario(
    app_on: Callable[..., AppTest], demo_url: str
) -> None:
    app = _tab(_adopt(app_on(demo_url, "pla"), DEMO_SCENARIOS[1]), "Replanificació")
    assert not app.exception
    assert _metric(app, "Gastat") == "0\xa0€"
    app.text_input(key="pla_replan_name").input("Replanificació de prova")
    app.button(key="pla_replan_submit").click().run()
    assert not app.exception
    with Session(make_engine(demo_url)) as session:
        saved = session.scalars(
            select(Scenario).where(Scenario.name == "Replanificació de prova")
        ).one()
    assert "Replanificació a mig any" in saved.notes
    assert saved.adopted_at is None


def test_justification_downloads_an_xlsx_of_the_conveni_activities(
    app_on: Callable[..., AppTest], demo_url: str
) -> None:
    app = _tab(app_on(demo_url, "pla"), "Justificació del Conveni")
    assert not app.exception
    with Session(make_engine(demo_url)) as session:
        conveni = session.scalars(
            select(PlanActivity.code).where(PlanActivity.conveni.is_(True))
        ).all()
    assert _metric(app, "Activitats del Conveni") == str(len(conveni))
    button = app.get("download_button")[0]
    assert button.proto.label == "Justificació del Conveni (XLSX)"


def test_the_commission_reads_the_plan_without_writing_or_seeing_who_adopted_it(
    app_on: Callable[..., AppTest], demo_url: str
) -> None:
    engine = make_engine(demo_url)
    with session_scope(engine) as session:
        session.add(
            AppUser(
                email=COMMISSION["email"], full_name=COMMISSION["name"], role=UserRole.COMMISSION
            )
        )
        scenario_id = session.scalars(select(Scenario.id).order_by(Scenario.id)).first()
        from services.execution import adopt_scenario
        from tests.factories import staff

        adopt_scenario(session=session, scenario_id=scenario_id, actor=staff("marta@xmess.example"))
    app = app_on(demo_url, "pla", user=COMMISSION)
    assert not app.exception
    page_text = " ".join(m.value for m in app.markdown)
    assert DEMO_SCENARIOS[0] in page_text
    assert "marta@xmess.example" not in page_text
    assert not [b for b in app.button if b.key == "pla_adopt"]
    app = _tab(app, "Execució")
    assert any("mode presentació" in info.value for info in app.info)
    assert not app.get("arrow_data_editor")
