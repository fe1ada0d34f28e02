"""The Executive Commission's meeting pack: the state of the network over one period, as plain
data for the Reunió de la Comissió page and its PDF (``ui.meeting_pack_pdf``).

Every figure is computed by the service the matching page uses (Inici's counts, Seguiment's
follow-up status, Grups de Treball's overview and trend, Esdeveniments' attendance by
territory, the map's presence per comarca, the plan's execution and the adopted scenario), for
the period instead of "today". The pack is for a shared screen and for taking away: it holds
member names (ajuntaments, consells...) but never a person (no name, e-mail or phone, no staff
member) nor any free text (contact summaries, notes, a scenario's notes); the tests read it
through ``services.privacy.redact`` to prove no personal key is in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Comarca,
    Event,
    EventKind,
    Member,
    Municipality,
    Registration,
    RegistrationStatus,
    WorkGroup,
)
from services import events, execution, follow_up, overview, work_groups
from services.events import TerritoryAttendance
from services.follow_up import STATUS_ORDER, Cadence
from services.formatting import fmt_date
from services.frames import frame_of
from services.justification import Justification, conveni_justification
from services.labels import MEMBER_KIND
from services.scenarios import scenario_detail
from services.territory import comarca_presence
from settings import load_settings

# Catalan ordinals of the quarters: "1r trimestre de 2026".
_QUARTER_ORDINALS = ("1r", "2n", "3r", "4t")
# Plan activity statuses as the Commission reads them (services.execution's codes).
EXECUTION_STATUS = {
    "planned": "prevista",
    "in_progress": "en curs",
    "done": "feta",
    "cancelled": "anul·lada",
}
NO_ADOPTED_PLAN = "Encara no hi ha cap pla adoptat"


# --- Periods ------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1 to 4

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )
        return following.start - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{_QUARTER_ORDINALS[self.number - 1]} trimestre de {self.year}"

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def last_complete_quarter(today: date) -> Quarter:
    """The latest quarter wholly behind ``today`` (the one before today's quarter)."""
    return quarter_of(today).previous()


def recent_quarters(today: date, count: int = 8) -> list[Quarter]:
    """Today's quarter and the ``count - 1`` before it, newest first."""
    quarters = [quarter_of(today)]
    while len(quarters) < count:
        quarters.append(quarters[-1].previous())
    return quarters


def period_label(start: date, end: date) -> str:
    """ "4t trimestre de 2026" for a calendar quarter, else "01/10/2026 – 15/11/2026"."""
    quarter = quarter_of(start)
    if quarter.start == start and quarter.end == end:
        return quarter.label
    return f"{fmt_date(start)} – {fmt_date(end)}"


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period just before ``start``–``end`` (both included): the previous quarter for a
    calendar quarter (quarters differ by a day or two), else as many days just before."""
    quarter = quarter_of(start)
    if quarter.start == start and quarter.end == end:
        before = quarter.previous()
        return before.start, before.end
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


# --- The pack -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptedSummary:
    """The year's adopted scenario as the pack shows it: no one's name (who adopted it is
    left out on purpose)."""

    scenario_id: int
    name: str
    adopted_on: date


@dataclass(frozen=True)
class PlanSection:
    year: int
    adopted: AdoptedSummary | None
    # One row per activity of the adopted plan (services.execution.execution_table, ``in_plan``
    # rows): code, title, axis, conveni, status (Catalan), quarter, estimated_cost_eur,
    # actual_cost_eur, late, events, attended, members_reached, comarques. Empty when no plan
    # is adopted.
    execution: pd.DataFrame
    # The adopted scenario's activities (services.scenarios.scenario_detail): code, title, axis,
    # conveni, mandatory, cost_eur, staff_hours, and, for the cut ones, the reason.
    funded: pd.DataFrame
    cut: pd.DataFrame
    budget_eur: float
    staff_hours: float
    # The adopted plan per axis, Conveni-linked or not, and status (the page's charts'
    # data: services.execution.axis_summary); empty when no plan is adopted.
    by_axis: pd.DataFrame
    # The year's Conveni-linked activities as the Departament de Treball asks them justified.
    justification: Justification


@dataclass(frozen=True)
class MeetingPack:
    start: date
    end: date
    today: date
    # The last day counted: ``end``, or today while the period is under way.
    as_of: date
    label: str
    previous_start: date
    previous_end: date
    now: overview.PeriodFigures
    before: overview.PeriodFigures
    # One row per active member on ``as_of``: only its follow-up ``status`` (no name).
    statuses: pd.DataFrame
    # Members who joined in the period: member, kind, comarca, joined_on, steps_done,
    # steps_total.
    new_members: pd.DataFrame
    # Onboardings stuck on ``as_of``: member, joined_on, steps_done, steps_total,
    # days_without_progress.
    stuck: pd.DataFrame
    # Work groups (group_overview on ``as_of``) with their sessions and attendances in the
    # period: work_group, status, suspended, members, period_sessions, period_attendances,
    # attendance_rate, trend, falling.
    groups: pd.DataFrame
    # work_groups.quarterly_trend on ``as_of``: the Grups page's grid.
    group_trend: pd.DataFrame
    # The network's events in the period (no work-group sessions): held_on, title, kind,
    # format, place, comarca, province, upcoming, registrations, attended, attendance_rate,
    # members_attended.
    events: pd.DataFrame
    territory: TerritoryAttendance
    # territory.comarca_presence on ``as_of``: comarca_code, comarca, province,
    # municipalities, population, members.
    presence: pd.DataFrame
    plan: PlanSection

    @property
    def partial(self) -> bool:
        """Whether the period is still under way (its figures count up to today)."""
        return self.as_of < self.end

    @property
    def status_counts(self) -> list[tuple[str, int]]:
        counts = self.statuses["status"].value_counts()
        return [(s.value, int(counts.get(s.value, 0))) for s in STATUS_ORDER]

    @property
    def held_events(self) -> pd.DataFrame:
        return self.events[~self.events["upcoming"]]

    @property
    def comarques_reached(self) -> int:
        return int((self.territory.by_comarca["members_attended"] > 0).sum())

    @property
    def comarques_with_members(self) -> int:
        return len(self.territory.by_comarca)

    @property
    def members_attended(self) -> int:
        return int(self.territory.by_province["members_attended"].sum())

    @property
    def is_empty(self) -> bool:
        return self.now.active_members == 0 and self.before.active_members == 0


def _new_members(session: Session, start: date, end: date, as_of: date) -> pd.DataFrame:
    rows = session.execute(
        select(Member.id, Member.name, Member.kind, Comarca.name, Member.joined_on)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Comarca.code == Municipality.comarca_code)
        .where(Member.joined_on.between(start, end))
        .order_by(Member.joined_on, Member.name)
    ).all()
    frame = frame_of(rows, ["member_id", "member", "kind", "comarca", "joined_on"])
    frame["kind"] = frame["kind"].map(MEMBER_KIND)
    progress = follow_up.onboarding_progress(session=session, today=as_of).set_index("member_id")
    frame["steps_done"] = frame["member_id"].map(progress["steps_done"]).astype("Int64")
    frame["steps_total"] = frame["member_id"].map(progress["steps_total"]).astype("Int64")
    return frame.drop(columns="member_id").reset_index(drop=True)


def _period_sessions(session: Session, start: date, end: date) -> pd.DataFrame:
    """Per work group: sessions held in the period and members' attendances at them."""
    attended = func.sum(case((Registration.status == RegistrationStatus.ATTENDED, 1), else_=0))
    rows = session.execute(
        select(
            WorkGroup.id,
            func.count(func.distinct(Event.id)),
            func.coalesce(attended, 0),
        )
        .join(Event, Event.work_group_id == WorkGroup.id)
        .outerjoin(Registration, Registration.event_id == Event.id)
        .where(Event.kind == EventKind.WORK_GROUP_SESSION, Event.held_on.between(start, end))
        .group_by(WorkGroup.id)
    ).all()
    return frame_of(rows, ["work_group_id", "period_sessions", "period_attendances"])


def _groups(session: Session, start: date, end: date, as_of: date) -> pd.DataFrame:
    groups = work_groups.group_overview(session=session, today=as_of)
    columns = [
        "work_group",
        "status",
        "suspended",
        "members",
        "period_sessions",
        "period_attendances",
        "attendance_rate",
        "trend",
        "falling",
    ]
    if groups.empty:
        return pd.DataFrame(columns=columns)
    period = _period_sessions(session, start, end).set_index("work_group_id")
    for column in ("period_sessions", "period_attendances"):
        groups[column] = groups["work_group_id"].map(period[column]).fillna(0).astype(int)
    return groups[columns]


def _trend(session: Session, as_of: date) -> pd.DataFrame:
    """The Grups page's quarterly grid up to ``as_of``; a quarter that ends on ``as_of`` is
    whole, not under way."""
    trend = work_groups.quarterly_trend(session=session, today=as_of)
    if as_of == quarter_of(as_of).end and not trend.empty:
        trend = trend.assign(partial=False)
    return trend


_EVENT_COLUMNS = [
    "held_on",
    "title",
    "kind",
    "format",
    "place",
    "comarca",
    "province",
    "upcoming",
    "registrations",
    "attended",
    "attendance_rate",
    "members_attended",
]


def _events(session: Session, start: date, end: date, today: date) -> pd.DataFrame:
    year = start.year if start.year == end.year else None
    frame = events.events_table(session=session, today=today, filters=events.EventFilter(year=year))
    held_on = pd.to_datetime(frame["held_on"]).dt.date
    within = frame[(held_on >= start) & (held_on <= end)]
    return within.sort_values(["held_on", "title"])[_EVENT_COLUMNS].reset_index(drop=True)


def _date_of(moment: datetime | date) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _plan(session: Session, year: int, today: date) -> PlanSection:
    empty = pd.DataFrame()
    adopted = execution.adopted_scenario(session=session, year=year)
    justification = conveni_justification(session=session, year=year, today=today)
    if adopted is None:
        return PlanSection(year, None, empty, empty, empty, 0.0, 0.0, empty, justification)
    summary = AdoptedSummary(
        scenario_id=adopted.scenario_id,
        name=adopted.name,
        adopted_on=_date_of(adopted.adopted_at),
    )
    table: pd.DataFrame = execution.execution_table(session=session, year=year, today=today)
    by_axis = execution.axis_summary(table)
    in_plan = table[table["in_plan"].astype(bool)].copy()
    in_plan["status"] = in_plan["status"].map(lambda s: EXECUTION_STATUS.get(str(s), str(s)))
    keep = [
        "code",
        "title",
        "axis",
        "conveni",
        "status",
        "quarter",
        "estimated_cost_eur",
        "actual_cost_eur",
        "estimated_hours",
        "actual_hours",
        "late",
        "events",
        "attended",
        "members_reached",
        "comarques",
    ]
    in_plan = in_plan[[c for c in keep if c in in_plan.columns]].reset_index(drop=True)
    detail = scenario_detail(session=session, scenario_id=summary.scenario_id)
    if detail is None:
        return PlanSection(year, summary, in_plan, empty, empty, 0.0, 0.0, by_axis, justification)
    listed = ["code", "title", "axis", "conveni", "mandatory", "cost_eur", "staff_hours"]
    activities = detail.activities
    return PlanSection(
        year=year,
        adopted=summary,
        execution=in_plan,
        funded=activities.loc[activities["selected"], listed].reset_index(drop=True),
        cut=activities.loc[~activities["selected"], [*listed, "reason"]].reset_index(drop=True),
        budget_eur=float(detail.inputs.budget_eur + detail.inputs.other_income_eur),
        staff_hours=float(detail.inputs.staff_hours),
        by_axis=by_axis,
        justification=justification,
    )


@reads(
    Area.MEMBERS,
    Area.CONTACTS,
    Area.EVENTS,
    Area.WORK_GROUPS,
    Area.PLAN,
    Area.SCENARIOS,
    Area.REFERENCE,
    Area.USERS,
    Area.AUDIT,
)
def meeting_pack(
    *,
    session: Session,
    start: date,
    end: date,
    today: date,
    cadence: Cadence | None = None,
) -> MeetingPack:
    """The meeting pack of ``start``–``end`` (both included), against the period of the same
    length just before. A period under way is counted up to ``today``. ``cadence`` (the
    follow-up rules) defaults to the configured one; the page passes it, so a changed setting
    changes its cache key."""
    if end < start:
        raise ValueError("La data final del període no pot ser anterior a la inicial.")
    cadence = cadence or Cadence.from_settings(load_settings())
    as_of = min(end, today)
    counted_start = min(start, as_of)
    previous_start, previous_end = previous_period(start, end)
    statuses = follow_up.member_status(session=session, today=as_of, cadence=cadence)
    onboarding = follow_up.onboarding_progress(session=session, today=as_of)
    stuck = onboarding[onboarding["stuck"]] if not onboarding.empty else onboarding
    stuck_columns = ["member", "joined_on", "steps_done", "steps_total", "days_without_progress"]
    stuck = (
        stuck.sort_values("days_without_progress", ascending=False, kind="stable")[stuck_columns]
        if not stuck.empty
        else pd.DataFrame(columns=stuck_columns)
    )
    return MeetingPack(
        start=start,
        end=end,
        today=today,
        as_of=as_of,
        label=period_label(start, end),
        previous_start=previous_start,
        previous_end=previous_end,
        now=overview.period_figures(session=session, start=counted_start, end=as_of),
        before=overview.period_figures(session=session, start=previous_start, end=previous_end),
        statuses=statuses[["status"]].reset_index(drop=True),
        new_members=_new_members(session, start, as_of, as_of),
        stuck=stuck.reset_index(drop=True),
        groups=_groups(session, counted_start, as_of, as_of),
        group_trend=_trend(session, as_of),
        events=_events(session, start, end, today),
        territory=events.attendance_by_territory(
            session=session, today=as_of, filters=events.EventFilter(), since=start
        ),
        presence=comarca_presence(session=session, today=as_of),
        plan=_plan(session, end.year, today),
    )
