"""The year after the what-if: the adopted plan, how far it has got, and the mid-year re-plan.

A saved scenario becomes the year's plan when the team adopts it (one a year: a partial unique
index keeps it so, whoever clicks at the same time). Through the year each activity gets its
status, quarter, actual cost and actual staff hours (``update_execution``, with the plan
editor's optimistic concurrency and audit) and the events that carried it out
(``link_events``). What the events reached is read from their registrations: attended
registrations are the people who came (counted, never named), their members, municipalities and
comarques.

The re-plan answers "with what is left, what else goes ahead?". It is the same optimiser over a
*remaining plan* (``remaining_plan``, a pure function tested against brute force):

- done and in-progress activities are fixed in (mandatory); cancelled ones are fixed out, and
  so is every activity that depends on a cancelled one (it cannot go ahead without it);
- what was spent is taken off the money and hours available: the actual cost and hours of
  every activity that has them (a cancelled activity's spending is gone too), and the estimate
  of a done activity whose actual figures are not entered yet;
- an in-progress activity still needs what is left of its estimate (never less than nothing);
- planned activities, in the adopted plan or not, are free choices again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    ActivityStatus,
    AuditAction,
    Event,
    Member,
    Municipality,
    PlanActivity,
    Registration,
    RegistrationStatus,
    Scenario,
    ScenarioActivity,
)
from services.access import Actor, Right, require
from services.audit import json_value, record_change
from services.errors import ValidationError
from services.frames import frame_of
from services.labels import ACTIVITY_STATUS
from services.optimiser import Activity, Inputs, Plan, Solution, solve, validate
from services.plan import (
    ActivityEdit,
    Refused,
    edit_target,
    flush_audited,
    is_blank,
    parse_amount,
    parse_hours,
    plan_model,
)
from services.scenarios import ScenarioInputs, scenario_detail, store_scenario

# The execution editor's columns, in order, with their Catalan headers.
EXECUTION_LABELS: dict[str, str] = {
    "status": "Estat",
    "quarter": "Trimestre",
    "actual_cost_eur": "Cost real (€)",
    "actual_hours": "Hores reals",
}
EXECUTION_EDITABLE = tuple(EXECUTION_LABELS)
# Fixed in by the re-plan: under way or behind us.
STARTED = (ActivityStatus.DONE, ActivityStatus.IN_PROGRESS)
# Why the re-plan leaves an activity out without asking the optimiser.
CANCELLED_REASON = "Anul·lada"
NEEDS_CANCELLED_REASON = "Depèn d'una activitat anul·lada"


# --- The adopted plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptedPlan:
    scenario_id: int
    name: str
    year: int
    adopted_at: datetime
    adopted_by: str


@reads(Area.SCENARIOS)
def adopted_scenario(*, session: Session, year: int) -> AdoptedPlan | None:
    """The year's adopted scenario, if one is."""
    scenario = session.scalar(
        select(Scenario).where(Scenario.year == year, Scenario.adopted_at.is_not(None))
    )
    if scenario is None or scenario.adopted_at is None:
        return None
    return AdoptedPlan(
        scenario_id=scenario.id,
        name=scenario.name,
        year=scenario.year,
        adopted_at=scenario.adopted_at,
        adopted_by=scenario.adopted_by or "",
    )


def adopt_scenario(*, session: Session, scenario_id: int, actor: Actor) -> AdoptedPlan:
    """Make the scenario its year's plan, replacing the one adopted before (the page asks for a
    confirmation first). Adopting the adopted scenario again changes nothing."""
    require(actor, Right.EDIT_PLAN)
    scenario = session.get(Scenario, scenario_id)
    if scenario is None:
        raise ValidationError(["Aquest escenari ja no existeix."])
    previous = session.scalars(
        select(Scenario).where(Scenario.year == scenario.year, Scenario.adopted_at.is_not(None))
    ).all()
    if scenario.adopted_at is not None:
        adopted = adopted_scenario(session=session, year=scenario.year)
        assert adopted is not None
        return adopted
    for old in previous:
        record_change(
            session,
            username=actor.audit_name,
            action=AuditAction.UPDATE,
            table="scenario",
            record_id=old.id,
            before={"adopted_at": json_value(old.adopted_at), "adopted_by": old.adopted_by},
            after={"adopted_at": None, "adopted_by": None},
        )
        old.adopted_at = None
        old.adopted_by = None
    # The old one's flag goes first: the index allows one adopted scenario a year at a time.
    session.flush()
    now = datetime.now(UTC)
    scenario.adopted_at = now
    scenario.adopted_by = actor.audit_name
    try:
        session.flush()
    except IntegrityError:
        raise ValidationError(
            [
                "Una altra persona ha adoptat un escenari d'aquest any alhora. Torneu a carregar "
                "la pàgina per veure quin és el pla adoptat."
            ]
        ) from None
    record_change(
        session,
        username=actor.audit_name,
        action=AuditAction.UPDATE,
        table="scenario",
        record_id=scenario.id,
        before={"adopted_at": None, "adopted_by": None},
        after={"adopted_at": json_value(now), "adopted_by": actor.audit_name},
    )
    return AdoptedPlan(scenario.id, scenario.name, scenario.year, now, actor.audit_name)


# --- Execution --------------------------------------------------------------------------------


def quarter_end(year: int, quarter: int) -> date:
    """The last day of ``quarter`` (1 to 4) of ``year``."""
    if quarter == 4:
        return date(year, 12, 31)
    return date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def is_late(status: str, quarter: object, year: int, today: date) -> bool:
    """Not done nor cancelled, and its quarter is over."""
    if status in (ActivityStatus.DONE, ActivityStatus.CANCELLED) or is_blank(quarter):
        return False
    return today > quarter_end(year, int(str(quarter)))


def attendance(session: Session, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The year's linked events (one row each) and their attended registrations."""
    events = frame_of(
        session.execute(
            select(
                Event.id,
                Event.plan_activity_id,
                Event.title,
                Event.held_on,
                Event.format,
                Municipality.name,
            )
            .join(PlanActivity, PlanActivity.id == Event.plan_activity_id)
            .outerjoin(Municipality, Municipality.ine_code == Event.municipality_code)
            .where(PlanActivity.year == year)
            .order_by(Event.held_on, Event.id)
        ).all(),
        ["event_id", "plan_activity_id", "title", "held_on", "format", "place"],
    )
    attended = frame_of(
        session.execute(
            select(
                Registration.event_id,
                Event.plan_activity_id,
                Registration.member_id,
                Member.municipality_code,
                Municipality.comarca_code,
            )
            .join(Event, Event.id == Registration.event_id)
            .join(PlanActivity, PlanActivity.id == Event.plan_activity_id)
            .join(Member, Member.id == Registration.member_id)
            .join(Municipality, Municipality.ine_code == Member.municipality_code)
            .where(
                PlanActivity.year == year,
                Registration.status == RegistrationStatus.ATTENDED,
            )
        ).all(),
        ["event_id", "plan_activity_id", "member_id", "municipality_code", "comarca_code"],
    )
    return events, attended


def _reach(attended: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per ``key``: people who came, members, municipalities and comarques reached."""
    if attended.empty:
        return pd.DataFrame(
            columns=["attended", "members_reached", "municipalities", "comarques"],
            index=pd.Index([], name=key),
        )
    return attended.groupby(key).agg(
        attended=("member_id", "size"),
        members_reached=("member_id", "nunique"),
        municipalities=("municipality_code", "nunique"),
        comarques=("comarca_code", "nunique"),
    )


def _selection(session: Session, scenario_id: int | None) -> dict[int, bool]:
    if scenario_id is None:
        return {}
    return dict(
        session.execute(
            select(ScenarioActivity.plan_activity_id, ScenarioActivity.selected).where(
                ScenarioActivity.scenario_id == scenario_id
            )
        ).all()
    )


EXECUTION_COLUMNS = [
    "plan_activity_id", "version", "code", "title", "axis", "conveni", "in_plan", "status",
    "quarter", "estimated_cost_eur", "actual_cost_eur", "estimated_hours", "actual_hours",
    "late", "events", "attended", "members_reached", "municipalities", "comarques",
]  # fmt: skip


@reads(Area.PLAN, Area.SCENARIOS, Area.EVENTS, Area.MEMBERS, Area.REFERENCE)
def execution_table(*, session: Session, year: int, today: date) -> pd.DataFrame:
    """One row per activity of the year's plan: whether the adopted plan funds it, its status,
    quarter, estimated and actual money and hours, whether it is late, and what its linked
    events reached."""
    adopted = adopted_scenario(session=session, year=year)
    selection = _selection(session, adopted.scenario_id if adopted else None)
    activities = session.scalars(
        select(PlanActivity)
        .where(PlanActivity.year == year)
        .order_by(PlanActivity.axis, PlanActivity.code)
    ).all()
    events, attended = attendance(session, year)
    event_counts = events.groupby("plan_activity_id").size()
    reach = _reach(attended, "plan_activity_id")
    reached: dict[int, tuple[int, ...]] = {
        int(key): tuple(int(v) for v in values)
        for key, values in zip(reach.index, reach.itertuples(index=False), strict=True)
    }
    rows = [
        (
            a.id,
            a.version,
            a.code,
            a.title,
            a.axis,
            a.conveni,
            selection.get(a.id, False),
            ActivityStatus(a.status).value,
            a.quarter,
            float(a.estimated_cost_eur),
            None if a.actual_cost_eur is None else float(a.actual_cost_eur),
            float(a.staff_hours),
            None if a.actual_staff_hours is None else float(a.actual_staff_hours),
            is_late(ActivityStatus(a.status).value, a.quarter, year, today),
            int(event_counts.get(a.id, 0)),
            *reached.get(a.id, (0, 0, 0, 0)),
        )
        for a in activities
    ]
    table = frame_of(rows, EXECUTION_COLUMNS)
    return table.astype(
        {
            "quarter": "Int64",
            "actual_cost_eur": float,
            "actual_hours": float,
            "conveni": bool,
            "in_plan": bool,
            "late": bool,
        }
    )


@reads(Area.PLAN, Area.EVENTS, Area.MEMBERS, Area.REFERENCE)
def linked_events(*, session: Session, year: int) -> pd.DataFrame:
    """Every event linked to an activity of the year's plan, with what it reached: date,
    format, place (empty when virtual), people who came, members, municipalities, comarques."""
    events, attended = attendance(session, year)
    codes = dict(
        session.execute(
            select(PlanActivity.id, PlanActivity.code).where(PlanActivity.year == year)
        ).all()
    )
    return events_with_reach(events, attended, codes)


def events_with_reach(
    events: pd.DataFrame, attended: pd.DataFrame, codes: Mapping[int, str]
) -> pd.DataFrame:
    """``attendance``'s two frames as one row per event with its reach and activity code."""
    table = events.join(_reach(attended, "event_id"), on="event_id")
    for column in ("attended", "members_reached", "municipalities", "comarques"):
        table[column] = table[column].fillna(0).astype(int)
    table["place"] = table["place"].fillna("")
    table["format"] = table["format"].map(lambda f: getattr(f, "value", f))
    table.insert(1, "code", table["plan_activity_id"].map(codes))
    return table.reset_index(drop=True)


@reads(Area.EVENTS)
def linkable_events(*, session: Session, year: int) -> pd.DataFrame:
    """The year's events an activity can be linked to (work-group sessions are the groups'
    own), with the activity each is linked to now, if any."""
    rows = session.execute(
        select(Event.id, Event.title, Event.held_on, Event.plan_activity_id)
        .where(
            Event.held_on >= date(year, 1, 1),
            Event.held_on <= date(year, 12, 31),
        )
        .order_by(Event.held_on, Event.id)
    ).all()
    return frame_of(rows, ["event_id", "title", "held_on", "plan_activity_id"])


def axis_summary(table: pd.DataFrame) -> pd.DataFrame:
    """The adopted plan's activities (``execution_table`` rows) per axis, Conveni-linked or
    not, and status: how many, and their estimated and actual money and hours (the view's
    charts and totals). A function of the table, so a page that has it pays no second read."""
    in_plan = table[table["in_plan"]]
    if in_plan.empty:
        return pd.DataFrame(
            columns=[
                "axis",
                "conveni",
                "status",
                "activities",
                "estimated_cost_eur",
                "actual_cost_eur",
                "estimated_hours",
                "actual_hours",
                "late",
            ]  # fmt: skip
        )
    grouped = in_plan.groupby(["axis", "conveni", "status"], as_index=False).agg(
        activities=("code", "size"),
        estimated_cost_eur=("estimated_cost_eur", "sum"),
        actual_cost_eur=("actual_cost_eur", "sum"),
        estimated_hours=("estimated_hours", "sum"),
        actual_hours=("actual_hours", "sum"),
        late=("late", "sum"),
    )
    return grouped


# --- Editing execution ------------------------------------------------------------------------


def _status(value: object) -> ActivityStatus:
    if is_blank(value):
        raise Refused("el valor és obligatori i està buit")
    raw = str(value).strip().lower()
    for status, label in ACTIVITY_STATUS.items():
        if raw in (status.value, label.lower(), label.lower().replace("·", ".")):
            return status
    choices = ", ".join(ACTIVITY_STATUS.values())
    raise Refused(f"«{value}» no és cap estat (useu {choices})")


def _quarter(value: object) -> int | None:
    if is_blank(value):
        return None
    raw = str(value).strip().upper().removeprefix("T")
    try:
        number = float(raw)
    except ValueError:
        raise Refused(f"«{value}» no és cap trimestre (useu 1, 2, 3 o 4)") from None
    if number not in (1, 2, 3, 4):
        raise Refused(f"«{value}» no és cap trimestre (useu 1, 2, 3 o 4)")
    return int(number)


def _parse(column: str, value: object) -> object:
    if column == "status":
        return _status(value)
    if column == "quarter":
        return _quarter(value)
    if is_blank(value):
        return None  # not entered yet
    # The re-plan takes what was spent off the budget: the optimiser's ceilings hold here too.
    if column == "actual_cost_eur":
        return parse_amount(value)
    return parse_hours(value)


# The execution editor's column → the model's attribute.
_ATTRIBUTES = {"actual_hours": "actual_staff_hours"}


def update_execution(
    *, session: Session, year: int, edits: Sequence[ActivityEdit], actor: Actor
) -> int:
    """Save the execution columns of the edited activities in one go; returns how many changed.

    Every cell is checked before anything is written (a refused one names the row, the
    activity and the column); an activity someone else saved meanwhile is refused."""
    require(actor, Right.EDIT_PLAN)
    if not edits:
        return 0
    activities = {
        a.id: a for a in session.scalars(select(PlanActivity).where(PlanActivity.year == year))
    }
    errors: list[str] = []
    parsed: list[tuple[ActivityEdit, PlanActivity, dict[str, object]]] = []
    for edit in edits:
        activity = edit_target(edit, activities, year)
        if isinstance(activity, str):
            errors.append(activity)
            continue
        where = f"Fila {edit.row} ({activity.code})"
        values: dict[str, object] = {}
        for column, raw in edit.changes:
            if column not in EXECUTION_LABELS:
                continue
            try:
                values[_ATTRIBUTES.get(column, column)] = _parse(column, raw)
            except Refused as refused:
                errors.append(f"{where}, {EXECUTION_LABELS[column]}: {refused}.")
        parsed.append((edit, activity, values))
    if errors:
        raise ValidationError(errors)
    changed = 0
    for edit, activity, values in parsed:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for attribute, value in values.items():
            old = getattr(activity, attribute)
            if old == value:
                continue
            before[attribute] = json_value(old)
            after[attribute] = json_value(value)
            setattr(activity, attribute, value)
        if not after:
            continue
        changed += 1
        flush_audited(session, actor.audit_name, activity, edit.row, before, after)
    session.flush()
    return changed


def link_events(
    *, session: Session, plan_activity_id: int, event_ids: Sequence[int], actor: Actor
) -> int:
    """Make ``event_ids`` the events that carried out the activity (linking each one, unlinking
    the ones left out); returns how many events changed. An event carries out one activity: one
    linked elsewhere moves here, and the audit log says from where."""
    require(actor, Right.EDIT_PLAN)
    activity = session.get(PlanActivity, plan_activity_id)
    if activity is None:
        raise ValidationError(["Aquesta activitat ja no existeix al pla."])
    wanted = set(event_ids)
    found = dict(
        session.execute(select(Event.id, Event.plan_activity_id).where(Event.id.in_(wanted))).all()
    )
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationError(
            [f"L'esdeveniment {event_id} ja no existeix." for event_id in missing]
        )
    linked_now = set(
        session.scalars(select(Event.id).where(Event.plan_activity_id == plan_activity_id))
    )
    changes = {event_id: plan_activity_id for event_id in wanted - linked_now} | {
        event_id: None for event_id in linked_now - wanted
    }
    for event_id, target in sorted(changes.items()):
        before = found.get(event_id, plan_activity_id)
        session.execute(update(Event).where(Event.id == event_id).values(plan_activity_id=target))
        record_change(
            session,
            username=actor.audit_name,
            action=AuditAction.UPDATE,
            table="event",
            record_id=event_id,
            before={"plan_activity_id": before},
            after={"plan_activity_id": target},
        )
    session.flush()
    return len(changes)


# --- The mid-year re-plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityProgress:
    """What the re-plan needs of one activity's execution."""

    status: ActivityStatus
    actual_cost_eur: Decimal | None = None
    actual_hours: Decimal | None = None


@dataclass(frozen=True)
class RemainingPlan:
    """The plan with what is done taken out: the optimiser's problem for the rest of the year."""

    plan: Plan
    inputs: Inputs
    fixed_in: tuple[str, ...]
    # Code → why it cannot go ahead any more (cancelled, or needs a cancelled activity).
    fixed_out: Mapping[str, str]
    spent_eur: Decimal
    spent_hours: Decimal
    # What the in-progress activities still need of their estimates.
    committed_eur: Decimal
    committed_hours: Decimal


def remaining_plan(
    plan: Plan, inputs: Inputs, progress: Mapping[str, ActivityProgress]
) -> RemainingPlan:
    """The re-plan's problem: ``plan`` and the adopted ``inputs``, with each activity's
    ``progress`` (an activity missing from it is planned)."""
    planned = ActivityProgress(ActivityStatus.PLANNED)
    by_code = {a.code: a for a in plan.activities}
    fixed_out: dict[str, str] = {
        code: CANCELLED_REASON
        for code in by_code
        if progress.get(code, planned).status == ActivityStatus.CANCELLED
    }

    def started(code: str) -> bool:
        return progress.get(code, planned).status in STARTED

    # Whatever still has to start and needs a cancelled activity, directly or through
    # another, is out as well. What has started stays: it happened (or is happening) anyway.
    grew = True
    while grew:
        grew = False
        for activity in plan.activities:
            if (
                activity.code not in fixed_out
                and not started(activity.code)
                and any(r in fixed_out for r in activity.requires)
            ):
                fixed_out[activity.code] = NEEDS_CANCELLED_REASON
                grew = True
    spent_eur = Decimal("0")
    spent_hours = Decimal("0")
    committed_eur = Decimal("0")
    committed_hours = Decimal("0")
    fixed_in: list[str] = []
    remaining: list[Activity] = []
    for activity in plan.activities:
        state = progress.get(activity.code, planned)
        done = state.status == ActivityStatus.DONE
        actual_cost = state.actual_cost_eur
        actual_hours = state.actual_hours
        if done:
            # A done activity with no figures entered yet cost what it was estimated to.
            actual_cost = activity.cost_eur if actual_cost is None else actual_cost
            actual_hours = activity.staff_hours if actual_hours is None else actual_hours
        spent_eur += actual_cost or Decimal("0")
        spent_hours += actual_hours or Decimal("0")
        if activity.code in fixed_out:
            continue
        if state.status in STARTED:
            fixed_in.append(activity.code)
            cost = Decimal("0")
            hours = Decimal("0")
            if not done:
                cost = max(activity.cost_eur - (actual_cost or Decimal("0")), Decimal("0"))
                hours = max(activity.staff_hours - (actual_hours or Decimal("0")), Decimal("0"))
                committed_eur += cost
                committed_hours += hours
            remaining.append(
                replace(
                    activity,
                    cost_eur=cost,
                    staff_hours=hours,
                    mandatory=True,
                    requires=tuple(r for r in activity.requires if r not in fixed_out),
                )
            )
        else:
            remaining.append(activity)
    return RemainingPlan(
        plan=Plan(activities=tuple(remaining), caps=plan.caps),
        inputs=replace(
            inputs,
            budget_eur=max(inputs.budget_eur - spent_eur, Decimal("0")),
            staff_hours=max(inputs.staff_hours - spent_hours, Decimal("0")),
        ),
        fixed_in=tuple(fixed_in),
        fixed_out=fixed_out,
        spent_eur=spent_eur,
        spent_hours=spent_hours,
        committed_eur=committed_eur,
        committed_hours=committed_hours,
    )


@dataclass(frozen=True)
class Replan:
    adopted: AdoptedPlan
    scenario_inputs: ScenarioInputs
    remaining: RemainingPlan
    solution: Solution
    # Code → (goes ahead, why not), for every activity of the year, as a scenario keeps it.
    selection: Mapping[str, tuple[bool, str]]


def _progress(session: Session, year: int) -> dict[str, ActivityProgress]:
    return {
        a.code: ActivityProgress(
            ActivityStatus(a.status),
            None if a.actual_cost_eur is None else Decimal(a.actual_cost_eur),
            None if a.actual_staff_hours is None else Decimal(a.actual_staff_hours),
        )
        for a in session.scalars(select(PlanActivity).where(PlanActivity.year == year))
    }


@reads(Area.PLAN, Area.SCENARIOS, Area.AUDIT)
def replan(*, session: Session, year: int) -> Replan | None:
    """The optimiser again, over what is left of the year (None when no plan is adopted)."""
    adopted = adopted_scenario(session=session, year=year)
    if adopted is None:
        return None
    detail = scenario_detail(session=session, scenario_id=adopted.scenario_id)
    assert detail is not None
    plan = plan_model(session=session, year=year)
    remaining = remaining_plan(plan, detail.inputs.optimiser_inputs(), _progress(session, year))
    validate(remaining.plan, remaining.inputs)
    solution = solve(remaining.plan, remaining.inputs)
    decided = {d.code: (d.selected, d.reason) for d in solution.decisions}
    selection = {
        a.code: (False, remaining.fixed_out[a.code])
        if a.code in remaining.fixed_out
        else decided.get(a.code, (False, ""))
        for a in plan.activities
    }
    return Replan(adopted, detail.inputs, remaining, solution, selection)


def save_replan(*, session: Session, year: int, name: str, actor: Actor) -> int:
    """Save the re-plan as a new scenario (the adopted one's inputs, the re-plan's selection
    and reasons), to compare with the adopted one; returns its id."""
    require(actor, Right.EDIT_PLAN)
    result = replan(session=session, year=year)
    if result is None:
        raise ValidationError([f"Encara no hi ha cap pla adoptat per al {year}."])
    if not result.solution.feasible:
        raise ValidationError(
            ["No es pot desar la replanificació: les activitats fetes i en curs no hi caben:"]
            + [shortfall.message for shortfall in result.solution.shortfalls]
        )
    return store_scenario(
        session=session,
        year=year,
        name=name,
        inputs=result.scenario_inputs,
        selection=result.selection,
        actor=actor,
        notes=f"Replanificació a mig any del pla adoptat «{result.adopted.name}».",
    )
