"""Adding activities to the plan and deleting them, and the optimiser's ceilings in the editors
(SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import event as orm_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    ActivityStatus,
    AuditLog,
    Event,
    EventFormat,
    EventKind,
    PlanActivity,
    PlanActivityDependency,
)
from db.plan_loader import load_plan
from services.audit import audit_entries
from services.errors import ValidationError
from services.execution import adopt_scenario, update_execution
from services.plan import (
    ActivityEdit,
    ActivityRef,
    NewActivity,
    add_activities,
    delete_activities,
    plan_model,
    plan_table,
    update_activities,
)
from services.scenarios import ScenarioInputs, store_scenario
from tests.factories import admin, staff

YEAR = 2026
PLAN_SIZE = 75


@pytest.fixture
def plan_2026(session: Session) -> Session:
    load_plan(session, YEAR)
    session.commit()
    return session


def _activity(session: Session, code: str) -> PlanActivity:
    return session.scalars(
        select(PlanActivity).where(PlanActivity.year == YEAR, PlanActivity.code == code)
    ).one()


def _codes(session: Session) -> set[str]:
    return set(session.scalars(select(PlanActivity.code).where(PlanActivity.year == YEAR)))


def _audit(session: Session) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).order_by(AuditLog.id)))


def _new(row: int = 1, **changes: object) -> NewActivity:
    """A valid new activity of axis 1, with ``changes`` over it."""
    values: dict[str, object] = {
        "code": "A1-11",
        "axis": 1,
        "title": "Guia d'acollida per a nous càrrecs electes",
        "description": "Una guia breu per als primers cent dies.",
        "conveni": True,
        "mandatory": False,
        "estimated_cost_eur": "1.250,50",
        "staff_hours": 30,
        "score_impact": 4,
        "score_territory": 3,
        "score_alignment": 5,
        "score_demand": 2,
        "cap_group": None,
        "exclusive_group": "",
        "depends_on": ["A1-01"],
    }
    return NewActivity(row, values | changes)


def _ref(session: Session, code: str) -> ActivityRef:
    activity = _activity(session, code)
    return ActivityRef(activity.id, activity.code, activity.version)


def _scenario(session: Session, name: str, codes: set[str], *, funded: bool = True) -> int:
    """A saved scenario whose selection holds ``codes`` (funded, or left out)."""
    scenario_id = store_scenario(
        session=session,
        year=YEAR,
        name=name,
        inputs=ScenarioInputs(
            conveni_extended=True,
            budget_eur=Decimal("150000"),
            other_income_eur=Decimal("0"),
            staff_hours=Decimal("3000"),
        ),
        selection={code: (funded, "" if funded else "Pressupost") for code in codes},
        actor=staff("anna"),
    )
    session.commit()
    return scenario_id


@pytest.fixture
def someone_else_first(plan_2026: Session) -> Iterator[list[Any]]:
    """Runs each callable put in the list in another session, committed, just before the
    test session's next flush: a colleague's save between reading the plan and writing."""
    pending: list[Any] = []

    def before_flush(session: Session, *_: object) -> None:
        while pending:
            with Session(session.get_bind()) as other:
                pending.pop(0)(other)
                other.commit()

    orm_event.listen(plan_2026, "before_flush", before_flush)
    yield pending
    orm_event.remove(plan_2026, "before_flush", before_flush)


# --- Adding -----------------------------------------------------------------------------------


def test_new_activities_are_added_with_their_dependencies_and_audited(
    plan_2026: Session,
) -> None:
    session = plan_2026
    added = add_activities(
        session=session,
        year=YEAR,
        activities=[
            _new(1),
            # One may depend on another added with it; the flags and groups may be left out.
            NewActivity(
                2,
                {
                    "code": "A7-09",
                    "axis": "7",
                    "title": "  Vídeo   dels deu anys ",
                    "estimated_cost_eur": 800,
                    "staff_hours": "12,5",
                    "score_impact": 2,
                    "score_territory": 2,
                    "score_alignment": 3,
                    "score_demand": 1,
                    "cap_group": "jornades",
                    "depends_on": "A1-11; A7-01",
                },
            ),
        ],
        actor=staff("marta"),
    )
    session.commit()
    assert added == ["A1-11", "A7-09"]
    session.expire_all()
    guide = _activity(session, "A1-11")
    assert (guide.axis, guide.conveni, guide.mandatory) == (1, True, False)
    assert (guide.estimated_cost_eur, guide.staff_hours) == (Decimal("1250.50"), Decimal("30.0"))
    assert (guide.version, guide.status, guide.exclusive_group) == (1, ActivityStatus.PLANNED, None)
    video = _activity(session, "A7-09")
    assert (video.title, video.cap_group, video.conveni) == (
        "Vídeo dels deu anys",
        "jornades",
        False,
    )
    # The optimiser sees them, in axis and code order, with their requirements.
    plan = plan_model(session=session, year=YEAR)
    by_code = {a.code: a for a in plan.activities}
    assert len(plan.activities) == PLAN_SIZE + 2
    assert by_code["A1-11"].requires == ("A1-01",)
    assert by_code["A7-09"].requires == ("A1-11", "A7-01")
    assert [a.axis for a in plan.activities] == sorted(a.axis for a in plan.activities)
    entries = _audit(session)
    assert [(e.username, e.action.value, e.record_id) for e in entries] == [
        ("marta", "create", str(guide.id)),
        ("marta", "create", str(video.id)),
    ]
    assert entries[0].after is not None
    assert entries[0].after["estimated_cost_eur"] == "1250.50"
    assert entries[0].after["depends_on"] == ["A1-01"]
    assert entries[0].after["version"] == 1
    # The Dades page's log reads it in Catalan.
    shown = audit_entries(session=session, tables=("plan_activity",))
    line = shown.loc[shown["record_id"] == str(video.id)].iloc[0]
    assert line["record"] == "A7-09 Vídeo dels deu anys"
    assert "Depèn de: A1-11, A7-01" in line["changes"]
    assert "Cost estimat (€): 800.00" in line["changes"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"code": "a1-04"},
            "Activitat nova (a1-04), Codi: el codi «a1-04» ja és de l'activitat «A1-04 ",
        ),
        ({"code": ""}, "Activitat nova, Codi: el valor és obligatori i està buit."),
        ({"code": "A1 11"}, "Codi: «A1 11» no és un codi vàlid: useu lletres sense accents"),
        ({"code": "A1;11"}, "Codi: «A1;11» no és un codi vàlid"),
        ({"code": "A" * 21}, "és massa llarg (màxim 20 caràcters)"),
        ({"title": "   "}, "Activitat nova (A1-11), Títol: el valor és obligatori i està buit."),
        (
            {"axis": 8},
            "Activitat nova (A1-11), Eix: «8» no és cap eix del pla (useu un nombre de l'1 al 7).",
        ),
        ({"axis": "tres"}, "Eix: «tres» no és cap eix del pla"),
        ({"axis": None}, "Eix: el valor és obligatori i està buit."),
        ({"estimated_cost_eur": "mil euros"}, "Cost (€): «mil euros» no és un import vàlid."),
        ({"estimated_cost_eur": -5}, "Cost (€): «-5» no és un import vàlid: no pot ser negatiu."),
        (
            {"estimated_cost_eur": "1.500.000.000"},
            "Activitat nova (A1-11), Cost (€): «1.500.000.000» passa del màxim que es pot "
            "calcular (1.000 M€).",
        ),
        (
            {"staff_hours": 2_000_000},
            "Hores: «2000000» passa del màxim que es pot calcular (1.000.000 h).",
        ),
        ({"staff_hours": None}, "Hores: el valor és obligatori i està buit."),
        ({"score_impact": 6}, "Impacte: «6» ha de ser entre 0 i 5."),
        ({"mandatory": "potser"}, "Obligatòria: «potser» no és un valor de sí/no vàlid"),
        ({"cap_group": "tallers"}, "Grup de límit: «tallers» no és cap grup de límit del pla"),
        (
            {"depends_on": ["A9-99"]},
            "Depèn de: el codi «A9-99» no correspon a cap activitat del pla.",
        ),
        ({"depends_on": "A1-11"}, "Depèn de: l'activitat «A1-11» no pot dependre d'ella mateixa."),
    ],
)
def test_a_refused_new_activity_names_its_field_and_nothing_is_added(
    plan_2026: Session, changes: dict[str, object], message: str
) -> None:
    session = plan_2026
    before = plan_table(session=session, year=YEAR)
    with pytest.raises(ValidationError) as refused:
        add_activities(
            session=session,
            year=YEAR,
            activities=[_new(1, **changes)],
            actor=staff("marta"),
        )
    session.rollback()
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert plan_table(session=session, year=YEAR).equals(before)
    assert _audit(session) == []


def test_every_refusal_of_several_new_activities_is_given_at_once(plan_2026: Session) -> None:
    session = plan_2026
    with pytest.raises(ValidationError) as refused:
        add_activities(
            session=session,
            year=YEAR,
            activities=[
                _new(1),
                _new(2, title="Una altra", estimated_cost_eur="x"),  # the same code again
                _new(3, code="A2-99", axis=0),
            ],
            actor=staff("marta"),
        )
    assert refused.value.messages == [
        "Activitat nova 2 (A1-11), Cost (€): «x» no és un import vàlid.",
        "Activitat nova 2 (A1-11), Codi: el codi «A1-11» ja és el de l'activitat nova 1.",
        "Activitat nova 3 (A2-99), Eix: «0» no és cap eix del pla (useu un nombre de l'1 al 7).",
    ]
    session.rollback()
    assert len(_codes(session)) == PLAN_SIZE


def test_new_activities_that_depend_on_each_other_in_a_circle_are_refused(
    plan_2026: Session,
) -> None:
    session = plan_2026
    with pytest.raises(ValidationError) as refused:
        add_activities(
            session=session,
            year=YEAR,
            activities=[
                _new(1, code="A1-11", depends_on="A1-12"),
                _new(2, code="A1-12", depends_on="A1-11"),
            ],
            actor=staff("marta"),
        )
    assert refused.value.messages == [
        "Activitat nova 1 (A1-11), Depèn de: dependència circular: A1-11 → A1-12 → A1-11."
    ]
    session.rollback()
    assert "A1-11" not in _codes(session)


def test_a_code_someone_else_added_meanwhile_is_refused(
    plan_2026: Session, someone_else_first: list[Any]
) -> None:
    session = plan_2026

    def theirs(other: Session) -> None:
        other.add(
            PlanActivity(
                year=YEAR,
                code="A1-11",
                axis=1,
                title="La seva",
                estimated_cost_eur=Decimal("10"),
                staff_hours=Decimal("1"),
            )
        )

    # Read the plan, then (before the insert) a colleague saves the same code.
    someone_else_first.append(theirs)
    with pytest.raises(ValidationError) as refused:
        add_activities(session=session, year=YEAR, activities=[_new(1)], actor=staff("marta"))
    assert refused.value.messages == [
        "Activitat nova (A1-11), Codi: una altra persona ha afegit una activitat amb el codi "
        "«A1-11» mentre l'omplíeu. Torneu a carregar la pàgina i trieu un altre codi."
    ]
    session.rollback()
    assert _activity(session, "A1-11").title == "La seva"
    assert _audit(session) == []


def test_adding_nothing_writes_nothing(plan_2026: Session) -> None:
    assert add_activities(session=plan_2026, year=YEAR, activities=[], actor=staff()) == []


# --- Deleting ---------------------------------------------------------------------------------


def test_a_free_activity_is_deleted_with_its_requirements_and_audited(plan_2026: Session) -> None:
    session = plan_2026
    add_activities(session=session, year=YEAR, activities=[_new(1)], actor=staff("anna"))
    session.commit()
    guide = _activity(session, "A1-11")
    guide_id = guide.id
    deleted = delete_activities(
        session=session, year=YEAR, activities=[_ref(session, "A1-11")], actor=staff("marta")
    )
    session.commit()
    assert deleted == ["A1-11"]
    assert "A1-11" not in _codes(session)
    assert len(_codes(session)) == PLAN_SIZE
    left = session.scalar(
        select(func.count())
        .select_from(PlanActivityDependency)
        .where(PlanActivityDependency.activity_id == guide_id)
    )
    assert left == 0
    entry = _audit(session)[-1]
    assert (entry.username, entry.action.value, entry.record_id) == (
        "marta",
        "delete",
        str(guide_id),
    )
    assert entry.before is not None and entry.after is None
    assert entry.before["code"] == "A1-11"
    assert entry.before["depends_on"] == ["A1-01"]
    # The log still names the activity, though it is gone.
    shown = audit_entries(session=session, tables=("plan_activity",), actions=("delete",))
    assert shown["record"].tolist() == ["A1-11 Guia d'acollida per a nous càrrecs electes"]


def test_an_activity_a_saved_scenario_uses_is_not_deleted(plan_2026: Session) -> None:
    session = plan_2026
    _scenario(session, "Amb pròrroga del Conveni", {"A1-04", "A1-03"})
    with pytest.raises(ValidationError) as refused:
        delete_activities(
            session=session, year=YEAR, activities=[_ref(session, "A1-04")], actor=staff()
        )
    assert refused.value.messages == [
        "Activitat A1-04: no es pot esborrar perquè l'escenari «Amb pròrroga del Conveni» la fa "
        "servir. Esborreu abans l'escenari si ja no us cal."
    ]
    session.rollback()
    assert "A1-04" in _codes(session)
    assert _audit(session)[-1].table_name == "scenario"  # the scenario's own entry, no other


def test_scenarios_that_left_an_activity_out_keep_it_too_and_the_adopted_one_is_named(
    plan_2026: Session,
) -> None:
    """A scenario's reasons for what it left out are part of its record: deleting the activity
    would rewrite them."""
    session = plan_2026
    adopted = _scenario(session, "Pla 2026", {"A1-04"})
    _scenario(session, "Sense pròrroga", {"A1-04"}, funded=False)
    adopt_scenario(session=session, scenario_id=adopted, actor=admin())
    session.commit()
    with pytest.raises(ValidationError) as refused:
        delete_activities(
            session=session, year=YEAR, activities=[_ref(session, "A1-04")], actor=staff()
        )
    assert refused.value.messages == [
        "Activitat A1-04: no es pot esborrar perquè els escenaris «Pla 2026 (el pla adoptat)» i "
        "«Sense pròrroga» la fan servir. Si ja no s'ha de fer, marqueu-la com a anul·lada a "
        "Seguiment del pla."
    ]


def test_an_activity_others_depend_on_goes_only_with_them(plan_2026: Session) -> None:
    session = plan_2026
    with pytest.raises(ValidationError) as refused:
        delete_activities(
            session=session, year=YEAR, activities=[_ref(session, "A7-01")], actor=staff()
        )
    assert refused.value.messages == [
        "Activitat A7-01: no es pot esborrar perquè l'activitat A7-02 en depèn. Traieu-la abans "
        "de «Depèn de», o esborreu-les juntes."
    ]
    session.rollback()
    deleted = delete_activities(
        session=session,
        year=YEAR,
        activities=[_ref(session, "A7-02"), _ref(session, "A7-01")],
        actor=staff(),
    )
    session.commit()
    assert deleted == ["A7-01", "A7-02"]
    assert not {"A7-01", "A7-02"} & _codes(session)
    assert [e.action.value for e in _audit(session)] == ["delete", "delete"]
    # The plan the optimiser reads is still whole: no requirement points nowhere.
    plan = plan_model(session=session, year=YEAR)
    assert all("A7-01" not in a.requires for a in plan.activities)


def test_an_activity_with_linked_events_or_recorded_execution_is_not_deleted(
    plan_2026: Session,
) -> None:
    session = plan_2026
    a104, a103 = _activity(session, "A1-04"), _activity(session, "A1-03")
    for day, title in ((3, "Sessió d'acollida"), (4, "Taller de primeres passes")):
        session.add(
            Event(
                title=title,
                kind=EventKind.TRAINING,
                held_on=date(YEAR, 3, day),
                format=EventFormat.VIRTUAL,
                plan_activity_id=a104.id,
            )
        )
    a103.status = ActivityStatus.DONE
    a103.actual_cost_eur = Decimal("640")
    session.commit()
    with pytest.raises(ValidationError) as refused:
        delete_activities(
            session=session,
            year=YEAR,
            activities=[_ref(session, "A1-04"), _ref(session, "A1-03")],
            actor=staff(),
        )
    assert refused.value.messages == [
        # In code order, whatever the order chosen.
        "Activitat A1-03: no es pot esborrar perquè ja en consta l'execució (és «Feta» i té cost "
        "o hores reals).",
        "Activitat A1-04: no es pot esborrar perquè hi ha 2 esdeveniments vinculats («Sessió "
        "d'acollida» i «Taller de primeres passes»). Desvinculeu-los abans a Seguiment del pla.",
    ]
    session.rollback()
    assert {"A1-04", "A1-03"} <= _codes(session)
    assert session.scalar(select(func.count()).select_from(Event)) == 2


def test_an_activity_someone_changed_since_it_was_chosen_is_not_deleted(
    plan_2026: Session,
) -> None:
    session = plan_2026
    mine = [_ref(session, "A1-04"), _ref(session, "A1-03")]  # as the page showed them
    update_activities(
        session=session,
        year=YEAR,
        edits=[ActivityEdit(4, mine[0].activity_id, mine[0].version, (("mandatory", True),))],
        actor=staff("anna"),
    )
    session.commit()
    with pytest.raises(ValidationError) as refused:
        delete_activities(session=session, year=YEAR, activities=mine, actor=staff("marta"))
    assert refused.value.messages == [
        "Activitat A1-04: una altra persona l'ha modificada després que la triéssiu. Torneu a "
        "carregar la pàgina i, si encara cal, torneu-la a esborrar."
    ]
    session.rollback()
    # Nothing went, not even the one nobody touched.
    assert {"A1-04", "A1-03"} <= _codes(session)
    assert [e.username for e in _audit(session)] == ["anna"]


def test_an_activity_someone_changed_or_deleted_in_another_session_is_not_deleted(
    plan_2026: Session,
) -> None:
    session = plan_2026
    changed, gone = _ref(session, "A1-04"), _ref(session, "A1-03")
    with Session(session.get_bind()) as other:
        theirs = other.get(PlanActivity, changed.activity_id)
        assert theirs is not None
        theirs.score_impact = 1
        removed = other.get(PlanActivity, gone.activity_id)
        other.delete(removed)
        other.commit()
    with pytest.raises(ValidationError) as refused:
        delete_activities(
            session=session, year=YEAR, activities=[changed, gone], actor=staff("marta")
        )
    assert refused.value.messages == [
        "Activitat A1-04: una altra persona l'ha modificada després que la triéssiu. Torneu a "
        "carregar la pàgina i, si encara cal, torneu-la a esborrar.",
        "Activitat A1-03: ja no és al pla 2026; potser l'ha esborrada una altra persona.",
    ]
    session.rollback()
    assert _activity(session, "A1-04").score_impact == 1
    assert _audit(session) == []


def test_deleting_nothing_writes_nothing(plan_2026: Session) -> None:
    assert delete_activities(session=plan_2026, year=YEAR, activities=[], actor=staff()) == []


# --- The optimiser's ceilings in the editors --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1_500_000_000.0, "1500000000.0"), ("1e30", "1e30"), (10**18, str(10**18))],
)
def test_an_edited_cost_above_the_ceiling_is_refused_with_it(
    plan_2026: Session, value: object, shown: str
) -> None:
    session = plan_2026
    activity = _activity(session, "A1-04")
    edit = ActivityEdit(4, activity.id, activity.version, (("estimated_cost_eur", value),))
    with pytest.raises(ValidationError) as refused:
        update_activities(session=session, year=YEAR, edits=[edit], actor=staff())
    assert refused.value.messages == [
        f"Fila 4 (A1-04), Cost (€): «{shown}» passa del màxim que es pot calcular (1.000 M€)."
    ]


def test_the_ceiling_itself_is_accepted(plan_2026: Session) -> None:
    session = plan_2026
    activity = _activity(session, "A1-04")
    edits = [
        ActivityEdit(
            4,
            activity.id,
            activity.version,
            (("estimated_cost_eur", "1.000.000.000"), ("staff_hours", 1_000_000)),
        )
    ]
    assert update_activities(session=session, year=YEAR, edits=edits, actor=staff()) == 1
    session.commit()
    session.expire_all()
    saved = _activity(session, "A1-04")
    assert (saved.estimated_cost_eur, saved.staff_hours) == (
        Decimal("1000000000.00"),
        Decimal("1000000.0"),
    )


def test_an_actual_cost_above_the_ceiling_is_refused_in_the_execution_editor(
    plan_2026: Session,
) -> None:
    session = plan_2026
    activity = _activity(session, "A1-04")
    edit = ActivityEdit(4, activity.id, activity.version, (("actual_cost_eur", 2e9),))
    with pytest.raises(ValidationError) as refused:
        update_execution(session=session, year=YEAR, edits=[edit], actor=staff())
    assert any(
        "«2000000000.0» passa del màxim que es pot calcular (1.000 M€)" in m
        for m in refused.value.messages
    ), refused.value.messages
