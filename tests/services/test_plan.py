"""Reading the plan for the optimiser and the editor, and saving edits (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditLog, PlanActivity, PlanActivityDependency
from db.plan_loader import load_plan
from services.errors import ValidationError
from services.optimiser import Inputs, mandatory_floor_eur, solve
from services.plan import (
    ActivityEdit,
    edits_from_tables,
    plan_caps,
    plan_model,
    plan_table,
    plan_years,
    update_activities,
)
from services.scenarios import BUDGET_CONVENI_EXTENDED_EUR, BUDGET_WITHOUT_CONVENI_EUR
from tests.factories import staff

YEAR = 2026


@pytest.fixture
def plan_2026(session: Session) -> Session:
    load_plan(session, YEAR)
    session.commit()
    return session


def _activity(session: Session, code: str) -> PlanActivity:
    return session.scalars(select(PlanActivity).where(PlanActivity.code == code)).one()


def _edit(session: Session, code: str, row: int = 1, **changes: object) -> ActivityEdit:
    activity = _activity(session, code)
    return ActivityEdit(row, activity.id, activity.version, tuple(changes.items()))


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog)) or 0


def test_the_2026_plan_as_the_optimiser_reads_it(plan_2026: Session) -> None:
    plan = plan_model(session=plan_2026, year=YEAR)
    assert plan_years(session=plan_2026) == [YEAR]
    assert len(plan.activities) == 75
    assert plan.total_cost_eur == Decimal("201500")
    assert plan.total_hours == Decimal("3410")
    assert mandatory_floor_eur(plan) == Decimal("28500")
    assert plan.caps == (("jornades", 3),)
    by_code = {a.code: a for a in plan.activities}
    assert by_code["A7-02"].requires == ("A7-01",)
    assert by_code["A5-01"].exclusive_group == by_code["A5-02"].exclusive_group == "acte10anys"
    assert [a.axis for a in plan.activities] == sorted(a.axis for a in plan.activities)


@pytest.mark.parametrize("budget", [BUDGET_CONVENI_EXTENDED_EUR, BUDGET_WITHOUT_CONVENI_EUR])
def test_the_demo_plan_keeps_every_rule_of_the_plan(plan_2026: Session, budget: Decimal) -> None:
    plan = plan_model(session=plan_2026, year=YEAR)
    solution = solve(plan, Inputs(budget, plan.total_hours))
    chosen = [a for a in plan.activities if a.code in solution.selected]
    assert solution.feasible and solution.cost_eur <= budget
    assert all(a.code in solution.selected for a in plan.activities if a.mandatory)
    assert sum(1 for a in chosen if a.cap_group == "jornades") <= 3
    assert sum(1 for a in chosen if a.exclusive_group == "acte10anys") <= 1
    assert all(set(a.requires) <= solution.selected for a in chosen)


def test_without_the_conveni_less_goes_ahead(plan_2026: Session) -> None:
    plan = plan_model(session=plan_2026, year=YEAR)
    extended = solve(plan, Inputs(BUDGET_CONVENI_EXTENDED_EUR, plan.total_hours))
    without = solve(plan, Inputs(BUDGET_WITHOUT_CONVENI_EUR, plan.total_hours))
    assert len(without.selected) < len(extended.selected)
    assert without.value < extended.value


def test_edits_are_saved_with_an_audit_entry_per_activity(plan_2026: Session) -> None:
    session = plan_2026
    version = _activity(session, "A1-04").version
    edits = [
        # The plan loader's decimal comma.
        _edit(session, "A1-04", 4, estimated_cost_eur="3100,5", score_demand=5.0),
        _edit(session, "A1-08", 8, depends_on="A1-07; A1-01", mandatory=True),
    ]
    assert update_activities(session=session, year=YEAR, edits=edits, actor=staff("marta")) == 2
    session.commit()
    session.expire_all()
    edited = _activity(session, "A1-04")
    assert (edited.estimated_cost_eur, edited.score_demand) == (Decimal("3100.50"), 5)
    assert edited.version == version + 1
    delegate = _activity(session, "A1-08")
    assert delegate.mandatory is True
    required = session.scalars(
        select(PlanActivity.code)
        .join(PlanActivityDependency, PlanActivityDependency.requires_id == PlanActivity.id)
        .where(PlanActivityDependency.activity_id == delegate.id)
        .order_by(PlanActivity.code)
    ).all()
    assert required == ["A1-01", "A1-07"]
    entries = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(e.username, e.table_name, e.record_id) for e in entries] == [
        ("marta", "plan_activity", str(edited.id)),
        ("marta", "plan_activity", str(delegate.id)),
    ]
    assert entries[0].before == {"estimated_cost_eur": "2500.00", "score_demand": 4}
    assert entries[0].after["estimated_cost_eur"] == "3100.50"
    assert entries[1].before["depends_on"] == ["A1-07"]
    assert entries[1].after["depends_on"] == ["A1-01", "A1-07"]


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        ("A1-04", {"estimated_cost_eur": -5}, "Fila 3 (A1-04), Cost (€): «-5» no és un import"),
        (
            "A1-04",
            {"estimated_cost_eur": "mil euros"},
            "Fila 3 (A1-04), Cost (€): «mil euros» no és un import vàlid",
        ),
        ("A1-04", {"estimated_cost_eur": None}, "Cost (€): el valor és obligatori"),
        ("A1-04", {"staff_hours": "-1"}, "Fila 3 (A1-04), Hores: «-1» no és un nombre d'hores"),
        ("A1-04", {"score_impact": 7}, "Fila 3 (A1-04), Impacte: «7» ha de ser entre 0 i 5"),
        ("A1-04", {"score_territory": 2.5}, "Territori: «2.5» no és un nombre enter vàlid"),
        ("A1-04", {"conveni": "potser"}, "Conveni: «potser» no és un valor de sí/no"),
        ("A1-04", {"cap_group": "tallers"}, "Grup de límit: «tallers» no és cap grup de límit"),
        (
            "A1-04",
            {"depends_on": "A9-99"},
            "Fila 3 (A1-04), Depèn de: el codi «A9-99» no correspon a cap activitat del pla",
        ),
        ("A1-04", {"depends_on": "A1-04"}, "«A1-04» no pot dependre d'ella mateixa"),
        (
            "A1-07",
            {"depends_on": "A1-08"},
            "Fila 3 (A1-07), Depèn de: dependència circular: A1-07 → A1-08 → A1-07",
        ),
    ],
)
def test_refused_edits_name_row_and_column_and_save_nothing(
    plan_2026: Session, code: str, changes: dict[str, object], message: str
) -> None:
    session = plan_2026
    before = plan_table(session=session, year=YEAR)
    good = _edit(session, "A1-01", 1, estimated_cost_eur=1)
    with pytest.raises(ValidationError) as refused:
        update_activities(
            session=session,
            year=YEAR,
            edits=[good, _edit(session, code, 3, **changes)],
            actor=staff("marta"),
        )
    session.rollback()
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert plan_table(session=session, year=YEAR).equals(before)
    assert _audit_count(session) == 0


def test_a_longer_cycle_is_refused(plan_2026: Session) -> None:
    session = plan_2026
    with pytest.raises(ValidationError) as refused:
        update_activities(
            session=session,
            year=YEAR,
            edits=[
                _edit(session, "A1-01", 1, depends_on="A1-02"),
                _edit(session, "A1-02", 2, depends_on="A1-03"),
                _edit(session, "A1-03", 3, depends_on="A1-01"),
            ],
            actor=staff("marta"),
        )
    assert refused.value.messages == [
        "Fila 1 (A1-01), Depèn de: dependència circular: A1-01 → A1-02 → A1-03 → A1-01."
    ]


def test_an_edit_of_a_row_someone_saved_meanwhile_is_refused(plan_2026: Session) -> None:
    session = plan_2026
    stale = _edit(session, "A1-04", 4, score_impact=1)
    update_activities(
        session=session,
        year=YEAR,
        edits=[_edit(session, "A1-04", 4, depends_on="A1-01")],
        actor=staff("anna"),
    )
    session.commit()
    with pytest.raises(ValidationError) as refused:
        update_activities(session=session, year=YEAR, edits=[stale], actor=staff("marta"))
    assert "Fila 4 (A1-04): una altra persona l'ha modificada" in refused.value.messages[0]
    session.rollback()
    assert _activity(session, "A1-04").score_impact == 4


def test_a_row_saved_by_someone_else_between_reading_and_writing_is_refused(
    plan_2026: Session,
) -> None:
    session = plan_2026
    mine = _edit(session, "A1-04", 4, score_impact=1)  # read at version 1, kept in memory
    with Session(session.get_bind()) as other:
        theirs = other.get(PlanActivity, mine.activity_id)
        assert theirs is not None
        theirs.score_impact = 2
        other.commit()
    with pytest.raises(ValidationError) as refused:
        update_activities(session=session, year=YEAR, edits=[mine], actor=staff("marta"))
    assert "Fila 4 (A1-04): una altra persona l'ha modificada" in refused.value.messages[0]
    session.rollback()
    assert _activity(session, "A1-04").score_impact == 2
    assert _audit_count(session) == 0


def test_editor_rows_that_changed_become_edits(plan_2026: Session) -> None:
    original = plan_table(session=plan_2026, year=YEAR)
    assert list(original.columns[:5]) == ["id", "version", "code", "axis", "title"]
    assert original.loc[original["code"] == "A7-02", "depends_on"].item() == "A7-01"
    edited = original.copy()
    edited.loc[2, "estimated_cost_eur"] = 750.0
    edited.loc[5, "cap_group"] = None  # cleared cell: was already empty
    edited.loc[7, "depends_on"] = " A1-07 "  # same codes, spaces only
    edits = edits_from_tables(original, edited)
    assert [(e.row, e.activity_id, e.changes) for e in edits] == [
        (3, int(original.loc[2, "id"]), (("estimated_cost_eur", 750.0),))
    ]
    assert plan_caps(session=plan_2026, year=YEAR) == {"jornades": 3}


def test_no_edits_is_nothing_to_save(plan_2026: Session) -> None:
    assert update_activities(session=plan_2026, year=YEAR, edits=[], actor=staff("marta")) == 0
