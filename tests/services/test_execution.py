"""Plan execution: adopting a scenario, execution edits, linked events and their reach, the
mid-year re-plan (against hand-computed figures and a brute force), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import (
    ActivityStatus,
    AuditLog,
    PlanActivity,
    PlanActivityDependency,
    RegistrationStatus,
    Scenario,
)
from services.access import AccessDenied
from services.errors import ValidationError
from services.execution import (
    CANCELLED_REASON,
    NEEDS_CANCELLED_REASON,
    ActivityProgress,
    adopt_scenario,
    adopted_scenario,
    axis_summary,
    execution_table,
    link_events,
    linked_events,
    remaining_plan,
    replan,
    save_replan,
    update_execution,
)
from services.optimiser import Activity, Inputs, Plan, Weights, solve
from services.plan import ActivityEdit
from services.scenarios import ScenarioInputs, compare_scenarios, save_scenario
from tests.factories import commission, event, member, plan_activity, registration, staff

YEAR = 2026
TODAY = date(2026, 7, 15)
EUR = Decimal


# --- A small plan, by hand ----------------------------------------------------------------


@pytest.fixture
def small_plan(session: Session) -> dict[str, PlanActivity]:
    """Four activities: A and B Conveni-linked, C depends on B, D a cheap extra."""
    activities = {
        "A": plan_activity(session, "A", "1000", conveni=True, score_impact=5, quarter=1),
        "B": plan_activity(session, "B", "2000", conveni=True, score_impact=4, quarter=2),
        "C": plan_activity(session, "C", "1500", score_impact=3, quarter=3),
        "D": plan_activity(session, "D", "500", score_impact=1, quarter=4),
    }
    session.add(
        PlanActivityDependency(activity_id=activities["C"].id, requires_id=activities["B"].id)
    )
    session.commit()
    return activities


def _scenario(session: Session, name: str, budget: str, hours: str = "1000") -> int:
    scenario_id = save_scenario(
        session=session,
        year=YEAR,
        name=name,
        inputs=ScenarioInputs(
            conveni_extended=True,
            budget_eur=EUR(budget),
            other_income_eur=EUR("0"),
            staff_hours=EUR(hours),
            weights=Weights(1, 0, 0, 0),
        ),
        actor=staff(),
    )
    session.commit()
    return scenario_id


def _edit(activity: PlanActivity, row: int = 1, **changes: object) -> ActivityEdit:
    return ActivityEdit(row, activity.id, activity.version, tuple(changes.items()))


def test_adopting_a_scenario_replaces_the_years_adopted_one_and_is_audited(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    first = _scenario(session, "Tot", "5000")
    second = _scenario(session, "Retallat", "3000")
    assert adopted_scenario(session=session, year=YEAR) is None

    adopt_scenario(session=session, scenario_id=first, actor=staff("marta"))
    session.commit()
    adopted = adopted_scenario(session=session, year=YEAR)
    assert adopted is not None
    assert (adopted.scenario_id, adopted.name, adopted.adopted_by) == (first, "Tot", "marta")

    adopt_scenario(session=session, scenario_id=second, actor=staff("jordi"))
    session.commit()
    adopted = adopted_scenario(session=session, year=YEAR)
    assert adopted is not None and (adopted.scenario_id, adopted.adopted_by) == (second, "jordi")
    assert session.get(Scenario, first).adopted_at is None  # type: ignore[union-attr]
    entries = session.scalars(
        select(AuditLog).where(AuditLog.table_name == "scenario").order_by(AuditLog.id)
    ).all()
    adoptions = [(e.username, e.record_id, (e.after or {}).get("adopted_by")) for e in entries]
    assert adoptions[-3:] == [
        ("marta", str(first), "marta"),
        ("jordi", str(first), None),
        ("jordi", str(second), "jordi"),
    ]


def test_the_database_keeps_one_adopted_scenario_a_year(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    first = _scenario(session, "Tot", "5000")
    second = _scenario(session, "Retallat", "3000")
    adopt_scenario(session=session, scenario_id=first, actor=staff())
    session.commit()
    other = session.get(Scenario, second)
    assert other is not None
    other.adopted_at = session.get(Scenario, first).adopted_at  # type: ignore[union-attr]
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_commission_cannot_adopt(session: Session, small_plan: dict[str, PlanActivity]) -> None:
    scenario_id = _scenario(session, "Tot", "5000")
    with pytest.raises(AccessDenied):
        adopt_scenario(session=session, scenario_id=scenario_id, actor=commission())


def test_execution_edits_are_saved_audited_and_make_activities_late_or_not(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    adopt_scenario(session=session, scenario_id=_scenario(session, "Tot", "5000"), actor=staff())
    a, b = small_plan["A"], small_plan["B"]
    changed = update_execution(
        session=session,
        year=YEAR,
        edits=[
            _edit(a, 1, status="Feta", actual_cost_eur="1.150,50", actual_hours="12,5"),
            _edit(b, 2, status="en curs", quarter="T3", actual_cost_eur=800),
        ],
        actor=staff("marta"),
    )
    session.commit()
    assert changed == 2
    table = execution_table(session=session, year=YEAR, today=TODAY).set_index("code")
    assert table.loc["A", "status"] == "done"
    assert table.loc["A", "actual_cost_eur"] == pytest.approx(1150.50)
    assert table.loc["A", "actual_hours"] == pytest.approx(12.5)
    assert table.loc["B", ["status", "quarter", "actual_cost_eur"]].tolist() == [
        "in_progress",
        3,
        800.0,
    ]
    # On 15 July: A is done (never late), B's third quarter is under way, C's too, D's ahead.
    assert not table["late"].any()
    in_october = execution_table(session=session, year=YEAR, today=date(2026, 10, 1))
    assert in_october.set_index("code")["late"].to_dict() == {
        "A": False,
        "B": True,
        "C": True,
        "D": False,
    }
    entry = session.scalars(
        select(AuditLog).where(AuditLog.record_id == str(a.id)).order_by(AuditLog.id.desc())
    ).first()
    assert entry is not None and entry.username == "marta"
    assert entry.after is not None and entry.after["status"] == "done"
    assert entry.after["actual_cost_eur"] == "1150.50"


def test_bad_execution_cells_are_refused_by_row_and_column_and_nothing_is_written(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    a, b = small_plan["A"], small_plan["B"]
    with pytest.raises(ValidationError) as refused:
        update_execution(
            session=session,
            year=YEAR,
            edits=[
                _edit(a, 1, status="Feta", actual_cost_eur="-5"),
                _edit(b, 2, status="acabada", quarter="5", actual_hours="molt"),
            ],
            actor=staff(),
        )
    assert refused.value.messages == [
        "Fila 1 (A), Cost real (€): «-5» no és un import vàlid: no pot ser negatiu.",
        "Fila 2 (B), Estat: «acabada» no és cap estat (useu Prevista, En curs, Feta, Anul·lada).",
        "Fila 2 (B), Trimestre: «5» no és cap trimestre (useu 1, 2, 3 o 4).",
        "Fila 2 (B), Hores reals: «molt» no és un nombre d'hores vàlid.",
    ]
    session.rollback()
    table = execution_table(session=session, year=YEAR, today=TODAY).set_index("code")
    assert table.loc["A", "status"] == "planned"
    assert table["actual_cost_eur"].isna().all()


def test_an_execution_edit_on_a_stale_row_is_refused(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    a = small_plan["A"]
    stale = _edit(a, 1, status="Feta")
    update_execution(session=session, year=YEAR, edits=[_edit(a, 1, quarter=2)], actor=staff())
    session.commit()
    with pytest.raises(ValidationError, match="una altra persona l'ha modificada"):
        update_execution(session=session, year=YEAR, edits=[stale], actor=staff())


def test_linked_events_reach_counts_people_members_municipalities_and_comarques(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    a = small_plan["A"]
    vic = member(session, "Ajuntament de Vic", municipality_code="08298")  # Osona
    manlleu = member(session, "Ajuntament de Manlleu", municipality_code="08112")  # Osona
    girona = member(session, "Ajuntament de Girona", municipality_code="17079")  # Gironès
    first = event(session, "Jornada", date(2026, 3, 10), municipality_code="08298")
    second = event(session, "Taller", date(2026, 5, 5))
    elsewhere = event(session, "Assemblea", date(2026, 6, 1))
    attended = RegistrationStatus.ATTENDED
    registration(session, first, vic, status=attended)
    registration(session, first, manlleu, status=attended)
    registration(session, first, girona, status=RegistrationStatus.NO_SHOW)
    registration(session, second, vic, status=attended)
    registration(session, second, girona, status=attended)
    registration(session, elsewhere, girona, status=attended)
    session.commit()

    changed = link_events(
        session=session, plan_activity_id=a.id, event_ids=[first.id, second.id], actor=staff()
    )
    session.commit()
    assert changed == 2
    row = execution_table(session=session, year=YEAR, today=TODAY).set_index("code").loc["A"]
    # 4 attendances (Vic twice), 3 members, 3 municipalities, 2 comarques (Osona, Gironès).
    assert row[
        ["events", "attended", "members_reached", "municipalities", "comarques"]
    ].tolist() == [
        2,
        4,
        3,
        3,
        2,
    ]
    events = linked_events(session=session, year=YEAR).set_index("title")
    assert events.loc["Jornada", ["attended", "place", "format"]].tolist() == [
        2,
        "Vic",
        "virtual",
    ]
    assert events.loc["Taller", "place"] == ""

    # Unlinking one of them: the reach follows.
    link_events(session=session, plan_activity_id=a.id, event_ids=[second.id], actor=staff())
    session.commit()
    row = execution_table(session=session, year=YEAR, today=TODAY).set_index("code").loc["A"]
    assert row[["events", "attended", "members_reached"]].tolist() == [1, 2, 2]


def test_execution_by_axis_sums_the_adopted_plan(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    # 3.500 €: A + B (Conveni first), then D; C (1.500 €) does not fit after them.
    adopt_scenario(
        session=session, scenario_id=_scenario(session, "Ajustat", "3500"), actor=staff()
    )
    update_execution(
        session=session,
        year=YEAR,
        edits=[_edit(small_plan["A"], 1, status="Feta", actual_cost_eur="900")],
        actor=staff(),
    )
    session.commit()
    by_axis = axis_summary(execution_table(session=session, year=YEAR, today=TODAY))
    assert int(by_axis["activities"].sum()) == 3
    done = by_axis[by_axis["status"] == "done"]
    assert done[["conveni", "activities", "actual_cost_eur"]].values.tolist() == [[True, 1, 900.0]]
    assert float(by_axis["estimated_cost_eur"].sum()) == 3500.0


# --- The re-plan ----------------------------------------------------------------------------


def test_replan_fixes_started_activities_takes_off_what_was_spent_and_drops_cancelled_ones(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    # Adopted with 3.500 €: A, B and D go ahead, C is cut.
    adopted = _scenario(session, "Ajustat", "3500")
    adopt_scenario(session=session, scenario_id=adopted, actor=staff())
    # A is done and cost 700 € instead of 1.000 €; D cancelled after spending 100 €.
    update_execution(
        session=session,
        year=YEAR,
        edits=[
            _edit(small_plan["A"], 1, status="Feta", actual_cost_eur="700"),
            _edit(small_plan["D"], 2, status="Anul·lada", actual_cost_eur="100"),
        ],
        actor=staff(),
    )
    session.commit()
    result = replan(session=session, year=YEAR)
    assert result is not None
    remaining = result.remaining
    # Spent: 700 + 100. Left: 3.500 - 800 = 2.700 €, for B (2.000) and C (1.500): B only.
    assert remaining.spent_eur == EUR("800")
    assert remaining.inputs.budget_eur == EUR("2700")
    assert remaining.fixed_in == ("A",)
    assert dict(remaining.fixed_out) == {"D": CANCELLED_REASON}
    assert result.solution.selected == {"A", "B"}
    assert result.selection["D"] == (False, CANCELLED_REASON)
    assert result.selection["C"][0] is False and "Pressupost" in result.selection["C"][1]

    # Saved as a scenario, it compares with the adopted one.
    saved = save_replan(session=session, year=YEAR, name="Replanificació juliol", actor=staff())
    session.commit()
    comparison = compare_scenarios(session=session, left_id=adopted, right_id=saved)
    assert comparison is not None
    changes = comparison.changes.set_index("code")
    # D leaves the plan (cancelled); nothing enters: C still does not fit.
    assert changes["change"].to_dict() == {"D": "leaves"}
    assert changes.loc["D", "reason_b"] == CANCELLED_REASON


def test_replan_of_an_in_progress_activity_needs_only_what_is_left_of_it(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    adopt_scenario(
        session=session, scenario_id=_scenario(session, "Ajustat", "3500"), actor=staff()
    )
    # B is under way and has spent 1.500 € of its 2.000 €: 500 € committed.
    update_execution(
        session=session,
        year=YEAR,
        edits=[_edit(small_plan["B"], 1, status="En curs", actual_cost_eur="1500")],
        actor=staff(),
    )
    session.commit()
    result = replan(session=session, year=YEAR)
    assert result is not None
    assert result.remaining.committed_eur == EUR("500")
    # 3.500 - 1.500 = 2.000 € left: B's 500 € and then A (1.000) + 500 € of D or C? A is
    # Conveni-linked and comes first; C (1.500) no longer fits; D (500) does.
    assert result.solution.selected == {"A", "B", "D"}
    assert result.solution.cost_eur == EUR("2000")


def test_no_replan_without_an_adopted_plan(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    assert replan(session=session, year=YEAR) is None
    with pytest.raises(ValidationError, match="cap pla adoptat"):
        save_replan(session=session, year=YEAR, name="x", actor=staff())


# --- The re-plan against brute force -----------------------------------------------------------

STATUSES = list(ActivityStatus)


def _brute_force(
    plan: Plan, inputs: Inputs, progress: dict[str, ActivityProgress]
) -> tuple[float, float] | None:
    """The best (Conveni value, value) over every subset of the whole plan, read straight from
    the issue: started activities in, cancelled ones out (and what still has to start and needs
    them), what was spent off the money and hours, an in-progress activity needing the rest of
    its estimate."""
    by_code = {a.code: a for a in plan.activities}
    state = {c: progress.get(c, ActivityProgress(ActivityStatus.PLANNED)) for c in by_code}
    started = {
        c for c, p in state.items() if p.status in (ActivityStatus.DONE, ActivityStatus.IN_PROGRESS)
    }
    out = {c for c, p in state.items() if p.status == ActivityStatus.CANCELLED}
    while True:
        more = {
            a.code
            for a in plan.activities
            if a.code not in out and a.code not in started and set(a.requires) & out
        }
        if not more:
            break
        out |= more
    spent = EUR(0)
    spent_hours = EUR(0)
    for code, p in state.items():
        done = p.status == ActivityStatus.DONE
        cost = (
            p.actual_cost_eur
            if p.actual_cost_eur is not None
            else (by_code[code].cost_eur if done else EUR(0))
        )
        hours = (
            p.actual_hours
            if p.actual_hours is not None
            else (by_code[code].staff_hours if done else EUR(0))
        )
        spent += cost
        spent_hours += hours

    def still_needs(code: str) -> tuple[Decimal, Decimal]:
        a, p = by_code[code], state[code]
        if p.status == ActivityStatus.DONE:
            return EUR(0), EUR(0)
        if p.status == ActivityStatus.IN_PROGRESS:
            return (
                max(a.cost_eur - (p.actual_cost_eur or 0), EUR(0)),
                max(a.staff_hours - (p.actual_hours or 0), EUR(0)),
            )
        return a.cost_eur, a.staff_hours

    weights = inputs.weights.as_tuple()

    def value(codes: set[str], conveni_only: bool) -> float:
        return sum(
            sum(w * s for w, s in zip(weights, by_code[c].scores, strict=True))
            for c in codes
            if not conveni_only or by_code[c].conveni
        )

    best = None
    free = [c for c in by_code if c not in out and c not in started]
    for size in range(len(free) + 1):
        for subset in combinations(free, size):
            chosen = started | set(subset)
            money = sum((still_needs(c)[0] for c in chosen), EUR(0))
            hours = sum((still_needs(c)[1] for c in chosen), EUR(0))
            if money > max(inputs.budget_eur - spent, EUR(0)):
                continue
            if hours > max(inputs.staff_hours - spent_hours, EUR(0)):
                continue
            if any(by_code[c].mandatory and c not in chosen for c in by_code if c not in out):
                continue
            if any(
                sum(1 for c in chosen if by_code[c].cap_group == group) > limit
                for group, limit in plan.caps
            ):
                continue
            groups = [by_code[c].exclusive_group for c in chosen if by_code[c].exclusive_group]
            if len(groups) != len(set(groups)):
                continue
            if any(r not in chosen and r not in out for c in chosen for r in by_code[c].requires):
                continue
            if any(r in out for c in chosen if c not in started for r in by_code[c].requires):
                continue
            key = (value(chosen, True) if inputs.conveni_first else 0.0, value(chosen, False))
            if best is None or key > best:
                best = key
    return best


@st.composite
def replans(draw: st.DrawFn) -> tuple[Plan, Inputs, dict[str, ActivityProgress]]:
    size = draw(st.integers(1, 7))
    codes = [f"P{i}" for i in range(size)]
    activities = []
    for i, code in enumerate(codes):
        requires = tuple(
            draw(st.lists(st.sampled_from(codes[:i]), max_size=1, unique=True)) if i else []
        )
        activities.append(
            Activity(
                code=code,
                cost_eur=EUR(draw(st.integers(0, 40)) * 50),
                staff_hours=EUR(draw(st.integers(0, 20)) * 5),
                scores=(draw(st.integers(0, 5)), draw(st.integers(0, 5)), 0, 0),
                conveni=draw(st.booleans()),
                mandatory=draw(st.integers(0, 5)) == 0,
                cap_group="cap" if draw(st.integers(0, 3)) == 0 else None,
                exclusive_group="alt" if draw(st.integers(0, 3)) == 0 else None,
                requires=requires,
            )
        )
    progress = {}
    for activity in activities:
        status = draw(st.sampled_from(STATUSES))
        actual = draw(st.none() | st.integers(0, 40).map(lambda n: EUR(n * 50)))
        hours = draw(st.none() | st.integers(0, 20).map(lambda n: EUR(n * 5)))
        progress[activity.code] = ActivityProgress(status, actual, hours)
    plan = Plan(activities=tuple(activities), caps=(("cap", draw(st.integers(1, 2))),))
    inputs = Inputs(
        budget_eur=EUR(draw(st.integers(0, 80)) * 50),
        staff_hours=EUR(draw(st.integers(0, 40)) * 5),
        weights=Weights(2, 1, 0, 0),
        conveni_first=draw(st.booleans()),
    )
    return plan, inputs, progress


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replans())
def test_replan_equals_brute_force_over_the_whole_plan(
    problem: tuple[Plan, Inputs, dict[str, ActivityProgress]],
) -> None:
    plan, inputs, progress = problem
    remaining = remaining_plan(plan, inputs, progress)
    solution = solve(remaining.plan, remaining.inputs, explain=False)
    best = _brute_force(plan, inputs, progress)
    if best is None:
        assert not solution.feasible
        return
    assert solution.feasible
    conveni_value = solution.conveni_value if inputs.conveni_first else 0.0
    assert (conveni_value, solution.value) == pytest.approx(best)
    assert set(remaining.fixed_in) <= solution.selected
    assert not set(remaining.fixed_out) & solution.selected
    for code, why in remaining.fixed_out.items():
        expected = (
            CANCELLED_REASON
            if progress[code].status == ActivityStatus.CANCELLED
            else NEEDS_CANCELLED_REASON
        )
        assert why == expected


def test_the_audit_log_reads_execution_changes_in_catalan(
    session: Session, small_plan: dict[str, PlanActivity]
) -> None:
    from services.audit import audit_entries

    update_execution(
        session=session,
        year=YEAR,
        edits=[_edit(small_plan["A"], 1, status="Feta", actual_cost_eur="900")],
        actor=staff(),
    )
    session.commit()
    entry = audit_entries(session=session, tables=("plan_activity",)).iloc[0]
    assert entry["record"] == "A Activitat A"
    assert "Estat: Prevista → Feta" in entry["changes"]
    assert "Cost real (€): (buit) → 900" in entry["changes"]
