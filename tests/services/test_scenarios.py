"""Saved what-ifs: save, list, compare, export, delete (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditAction, AuditLog, PlanActivity, Scenario, ScenarioActivity
from db.plan_loader import load_plan
from services.errors import ValidationError
from services.optimiser import Weights
from services.plan import ActivityEdit, update_activities
from services.scenarios import (
    BUDGET_CONVENI_EXTENDED_EUR,
    BUDGET_WITHOUT_CONVENI_EUR,
    ScenarioInputs,
    compare_scenarios,
    default_budget,
    delete_scenario,
    list_scenarios,
    save_scenario,
    scenario_detail,
    scenario_workbook,
)
from tests.factories import staff

YEAR = 2026
HOURS = Decimal("3410")


def _inputs(extended: bool, **values: object) -> ScenarioInputs:
    defaults: dict[str, object] = {
        "conveni_extended": extended,
        "budget_eur": default_budget(extended),
        "other_income_eur": Decimal("0"),
        "staff_hours": HOURS,
    }
    return ScenarioInputs(**(defaults | values))  # type: ignore[arg-type]


@pytest.fixture
def plan_2026(session: Session) -> Session:
    load_plan(session, YEAR)
    session.commit()
    return session


def _save(session: Session, name: str, inputs: ScenarioInputs) -> int:
    scenario_id = save_scenario(
        session=session, year=YEAR, name=name, inputs=inputs, actor=staff("marta")
    )
    session.commit()
    return scenario_id


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_default_budgets_are_named_and_differ_by_the_conveni() -> None:
    assert default_budget(True) == BUDGET_CONVENI_EXTENDED_EUR
    assert default_budget(False) == BUDGET_WITHOUT_CONVENI_EUR
    assert BUDGET_WITHOUT_CONVENI_EUR < BUDGET_CONVENI_EXTENDED_EUR < Decimal("201500")


def test_save_keeps_inputs_selection_reasons_and_audit(plan_2026: Session) -> None:
    session = plan_2026
    inputs = _inputs(False, other_income_eur=Decimal("5000"), weights=Weights(5, 1, 1, 0))
    scenario_id = _save(session, "  Sense   pròrroga ", inputs)
    scenario = session.get(Scenario, scenario_id)
    assert scenario is not None and scenario.name == "Sense pròrroga"
    assert scenario.weights == {"impact": 5.0, "territory": 1.0, "alignment": 1.0, "demand": 0.0}
    rows = session.scalars(select(ScenarioActivity)).all()
    assert len(rows) == 75
    assert all(r.reason == "" for r in rows if r.selected)
    assert all(r.reason for r in rows if not r.selected)
    detail = scenario_detail(session=session, scenario_id=scenario_id)
    assert detail is not None
    assert detail.inputs == inputs
    assert detail.cost_eur <= 65000
    assert set(detail.funded["code"]) >= {"A1-06", "A3-01", "A3-02", "A3-03", "A3-05"}
    audit = session.scalars(select(AuditLog)).one()
    assert (audit.action, audit.table_name, audit.username) == (
        AuditAction.CREATE,
        "scenario",
        "marta",
    )
    assert audit.after["name"] == "Sense pròrroga"
    assert sorted(audit.after["selected"]) == sorted(detail.funded["code"])


@pytest.mark.parametrize(
    ("name", "inputs", "message"),
    [
        ("   ", _inputs(True), "Nom: cal posar un nom"),
        ("conveni PRORROGAT", _inputs(True), "Nom: ja hi ha un escenari «conveni PRORROGAT»"),
        ("x" * 121, _inputs(True), "Nom: és massa llarg"),
        ("Retallada", _inputs(True, budget_eur=Decimal("-1")), "Pressupost: «-1» ha de ser 0"),
        ("Pesos", _inputs(True, weights=Weights(9, 1, 1, 1)), "Pes «Impacte en els membres»"),
        (
            "Tot retallat",
            _inputs(False, budget_eur=Decimal("20000")),
            "Les activitats obligatòries costen 28.500\u00a0€: 8.500\u00a0€ més",
        ),
    ],
)
def test_refused_scenarios_say_why_and_write_nothing(
    plan_2026: Session, name: str, inputs: ScenarioInputs, message: str
) -> None:
    session = plan_2026
    _save(session, "Conveni prorrogat", _inputs(True))
    with pytest.raises(ValidationError) as refused:
        save_scenario(session=session, year=YEAR, name=name, inputs=inputs, actor=staff("marta"))
    session.rollback()
    assert any(message in m for m in refused.value.messages), refused.value.messages
    assert _count(session, Scenario) == 1 and _count(session, AuditLog) == 1


def test_compare_conveni_extended_with_no_extension(plan_2026: Session) -> None:
    session = plan_2026
    extended = _save(session, "Conveni prorrogat", _inputs(True))
    without = _save(session, "Sense pròrroga", _inputs(False))
    listed = list_scenarios(session=session, year=YEAR)
    assert set(listed["name"]) == {"Conveni prorrogat", "Sense pròrroga"}
    by_name = listed.set_index("name")
    assert by_name.loc["Sense pròrroga", "funded"] < by_name.loc["Conveni prorrogat", "funded"]

    comparison = compare_scenarios(session=session, left_id=extended, right_id=without)
    assert comparison is not None
    summary = comparison.summary.set_index("concept")
    assert (comparison.left.name, comparison.right.name) == ("Conveni prorrogat", "Sense pròrroga")
    assert summary.loc["Disponible"].tolist() == ["150.000\u00a0€", "60.000\u00a0€"]
    assert summary.loc["Conveni prorrogat"].tolist() == ["Sí", "No"]
    changes = comparison.changes
    funded_a = set(comparison.left.funded["code"])
    funded_b = set(comparison.right.funded["code"])
    assert set(changes.loc[changes["change"] == "leaves", "code"]) == funded_a - funded_b
    assert set(changes.loc[changes["change"] == "enters", "code"]) == funded_b - funded_a
    leaving = changes[changes["change"] == "leaves"]
    assert not leaving.empty and all(leaving["reason_b"].str.len() > 0)
    assert all(leaving["reason_a"] == "")


def test_workbook_for_the_minutes(plan_2026: Session) -> None:
    session = plan_2026
    scenario_id = _save(session, "Sense pròrroga", _inputs(False))
    workbook = load_workbook(
        io.BytesIO(scenario_workbook(session=session, scenario_id=scenario_id))
    )
    assert workbook.sheetnames == ["Escenari", "Activitats", "Per eix"]
    summary = {row[0]: row[1] for row in workbook["Escenari"].iter_rows(values_only=True)}
    assert summary["Escenari"] == "Sense pròrroga"
    assert summary["Disponible"] == "60.000\u00a0€"
    activities = list(workbook["Activitats"].iter_rows(values_only=True))
    header, body = activities[0], activities[1:]
    assert header[:2] == ("Codi", "Activitat") and "Motiu" in header
    assert len(body) == 75
    decision, reason, cost = (
        header.index("Decisió"),
        header.index("Motiu"),
        header.index("Cost (€)"),
    )
    assert {row[decision] for row in body} == {"Es finança", "Queda fora"}
    assert all(row[reason] for row in body if row[decision] == "Queda fora")
    assert sum(row[cost] for row in body) == 201500
    assert workbook["Per eix"].max_row == 8  # header and the seven axes


def test_the_workbook_leaves_the_notes_out_for_the_shared_screen(plan_2026: Session) -> None:
    session = plan_2026
    scenario_id = save_scenario(
        session=session,
        year=YEAR,
        name="Amb notes",
        inputs=_inputs(True),
        notes="Ho proposa Toni Pujol (toni.pujol@vic.cat)",
        actor=staff("marta"),
    )

    def summary(with_notes: bool) -> dict[object, object]:
        data = scenario_workbook(session=session, scenario_id=scenario_id, with_notes=with_notes)
        sheet = load_workbook(io.BytesIO(data))["Escenari"]
        return {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}

    assert summary(True)["Notes"] == "Ho proposa Toni Pujol (toni.pujol@vic.cat)"
    without = summary(False)
    assert "Notes" not in without and without["Escenari"] == "Amb notes"


def test_delete_removes_the_selection_too(plan_2026: Session) -> None:
    session = plan_2026
    scenario_id = _save(session, "Provisional", _inputs(True))
    delete_scenario(session=session, scenario_id=scenario_id, actor=staff("marta"))
    session.commit()
    assert _count(session, Scenario) == 0 and _count(session, ScenarioActivity) == 0
    last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc())).first()
    assert last is not None and last.action == AuditAction.DELETE
    assert scenario_detail(session=session, scenario_id=scenario_id) is None
    with pytest.raises(ValidationError):
        delete_scenario(session=session, scenario_id=scenario_id, actor=staff("marta"))


def test_details_say_when_the_plan_changed_after_saving(plan_2026: Session) -> None:
    session = plan_2026
    scenario_id = _save(session, "Abans del canvi", _inputs(True))
    detail = scenario_detail(session=session, scenario_id=scenario_id)
    assert detail is not None and not detail.plan_changed_since
    # Saved a while ago (the database clock has a one-second grain on SQLite).
    session.get(Scenario, scenario_id).created_at = datetime(2026, 1, 1, tzinfo=UTC)
    session.commit()
    activity = session.scalars(select(PlanActivity).where(PlanActivity.code == "A1-01")).one()
    update_activities(
        session=session,
        year=YEAR,
        edits=[ActivityEdit(1, activity.id, activity.version, (("score_impact", 1),))],
        actor=staff("marta"),
    )
    session.commit()
    detail = scenario_detail(session=session, scenario_id=scenario_id)
    assert detail is not None and detail.plan_changed_since
