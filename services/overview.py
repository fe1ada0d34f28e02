"""Headline figures of the network for the Inici page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Event,
    EventKind,
    Interaction,
    Member,
    Municipality,
    Person,
    PlanActivity,
    Province,
    Registration,
    RegistrationStatus,
)
from services.clauses import active_member_clause
from services.frames import frame_of
from services.labels import EVENT_FORMAT, EVENT_KIND

# A member counts as new during its first year in the network.
NEW_MEMBER_DAYS = 365


@dataclass(frozen=True)
class HeadlineFigures:
    today: date
    active_members: int
    new_members: int
    left_members: int
    persons: int
    events_this_year: int
    events_held: int
    events_upcoming: int
    plan_year: int
    plan_activities: int
    conveni_activities: int
    plan_cost_eur: float
    conveni_cost_eur: float

    @property
    def conveni_cost_share(self) -> float:
        return self.conveni_cost_eur / self.plan_cost_eur if self.plan_cost_eur else 0.0


@reads(Area.MEMBERS, Area.EVENTS, Area.PLAN)
def headline_figures(*, session: Session, today: date) -> HeadlineFigures:
    active = active_member_clause(today)
    active_members = session.scalar(select(func.count()).where(active)) or 0
    new_members = (
        session.scalar(
            select(func.count()).where(
                active, Member.joined_on > today - timedelta(days=NEW_MEMBER_DAYS)
            )
        )
        or 0
    )
    left_members = (
        session.scalar(
            select(func.count()).where(Member.left_on.is_not(None), Member.left_on <= today)
        )
        or 0
    )
    persons = (
        session.scalar(
            select(func.count(Person.id)).join(Member).where(active, Person.active.is_(True))
        )
        or 0
    )
    # Work-group sessions are counted on their own page; these are the network's events.
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    held, upcoming = session.execute(
        select(
            func.coalesce(func.sum(case((Event.held_on <= today, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Event.held_on > today, 1), else_=0)), 0),
        ).where(
            Event.held_on.between(year_start, year_end),
            Event.kind != EventKind.WORK_GROUP_SESSION,
        )
    ).one()
    plan = session.execute(
        select(
            func.count(PlanActivity.id),
            func.coalesce(func.sum(case((PlanActivity.conveni.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(PlanActivity.estimated_cost_eur), 0),
            func.coalesce(
                func.sum(
                    case((PlanActivity.conveni.is_(True), PlanActivity.estimated_cost_eur), else_=0)
                ),
                0,
            ),
        ).where(PlanActivity.year == today.year)
    ).one()
    return HeadlineFigures(
        today=today,
        active_members=int(active_members),
        new_members=int(new_members),
        left_members=int(left_members),
        persons=int(persons),
        events_this_year=int(held) + int(upcoming),
        events_held=int(held),
        events_upcoming=int(upcoming),
        plan_year=today.year,
        plan_activities=int(plan[0]),
        conveni_activities=int(plan[1]),
        plan_cost_eur=float(plan[2]),
        conveni_cost_eur=float(plan[3]),
    )


@reads(Area.MEMBERS, Area.REFERENCE)
def members_by_province(*, session: Session, today: date) -> pd.DataFrame:
    """Active members per province (all four provinces, zero included)."""
    counts = (
        select(Municipality.province_code, func.count(Member.id).label("members"))
        .join(Member, Member.municipality_code == Municipality.ine_code)
        .where(active_member_clause(today))
        .group_by(Municipality.province_code)
        .subquery()
    )
    rows = session.execute(
        select(Province.name, func.coalesce(counts.c.members, 0))
        .outerjoin(counts, counts.c.province_code == Province.code)
        .order_by(Province.name)
    ).all()
    return frame_of(rows, ["province", "members"])


@reads(Area.EVENTS, Area.REFERENCE)
def upcoming_events(*, session: Session, today: date, days: int = 14) -> pd.DataFrame:
    """Network events (work-group sessions included) in the next ``days`` days."""
    registered = (
        select(Registration.event_id, func.count(Registration.id).label("registered"))
        .where(Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Event.held_on,
            Event.title,
            Event.kind,
            Event.format,
            Municipality.name,
            func.coalesce(registered.c.registered, 0),
        )
        .outerjoin(Municipality, Event.municipality_code == Municipality.ine_code)
        .outerjoin(registered, registered.c.event_id == Event.id)
        .where(Event.held_on.between(today, today + timedelta(days=days)))
        .order_by(Event.held_on, Event.title)
    ).all()
    frame = frame_of(rows, ["held_on", "event", "kind", "format", "place", "registrations"])
    frame["kind"] = frame["kind"].map(EVENT_KIND)
    frame["format"] = frame["format"].map(EVENT_FORMAT)
    # Shown as is: an event with no place is held online.
    frame["place"] = frame["place"].fillna("En línia")
    return frame


# Check-in is done the day of an event or the day after: older unmarked registrations are
# the events page's business, not the morning's.
CHECK_IN_DAYS = 1


@reads(Area.EVENTS)
def events_to_check_in(*, session: Session, today: date) -> pd.DataFrame:
    """Today's and yesterday's events with registrations nobody has marked attended or
    absent yet: event, date, how many are still to mark and how many registered."""
    still = func.sum(case((Registration.status == RegistrationStatus.REGISTERED, 1), else_=0))
    rows = session.execute(
        select(
            Event.id,
            Event.held_on,
            Event.title,
            still,
            func.count(Registration.id),
        )
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Event.held_on.between(today - timedelta(days=CHECK_IN_DAYS), today),
            Registration.status != RegistrationStatus.CANCELLED,
        )
        .group_by(Event.id, Event.held_on, Event.title)
        .having(still > 0)
        .order_by(Event.held_on.desc(), Event.title)
    ).all()
    frame = frame_of(rows, ["event_id", "held_on", "event", "to_mark", "registrations"])
    for column in ("to_mark", "registrations"):
        frame[column] = frame[column].astype(int)
    return frame


QUARTER_DAYS = 91


@dataclass(frozen=True)
class QuarterChange:
    """This quarter against the previous one (rolling 91-day windows ending today)."""

    active_members_now: int
    active_members_before: int
    contacts_now: int
    contacts_before: int
    attendances_now: int
    attendances_before: int


@dataclass(frozen=True)
class PeriodFigures:
    """The network's figures over one period, ``start`` to ``end`` (both included), counted as
    Inici counts its quarter: active members on the last day, contacts logged, and members'
    attendances at events and work-group sessions; with the members who joined and left, and
    the network's events and the work groups' sessions held."""

    start: date
    end: date
    active_members: int
    joined: int
    left: int
    contacts: int
    attendances: int
    events_held: int
    sessions_held: int


def _active_on(session: Session, day: date) -> int:
    return session.scalar(select(func.count()).where(active_member_clause(day))) or 0


def _contacts(session: Session, start: date, end: date) -> int:
    return (
        session.scalar(
            select(func.count(Interaction.id)).where(Interaction.occurred_on.between(start, end))
        )
        or 0
    )


def _attendances(session: Session, start: date, end: date) -> int:
    return (
        session.scalar(
            select(func.count(Registration.id))
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.status == RegistrationStatus.ATTENDED,
                Event.held_on.between(start, end),
            )
        )
        or 0
    )


@reads(Area.MEMBERS, Area.CONTACTS, Area.EVENTS)
def period_figures(*, session: Session, start: date, end: date) -> PeriodFigures:
    joined = session.scalar(
        select(func.count(Member.id)).where(Member.joined_on.between(start, end))
    )
    left = session.scalar(select(func.count(Member.id)).where(Member.left_on.between(start, end)))
    events, sessions = session.execute(
        select(
            func.coalesce(
                func.sum(case((Event.kind != EventKind.WORK_GROUP_SESSION, 1), else_=0)), 0
            ),
            func.coalesce(
                func.sum(case((Event.kind == EventKind.WORK_GROUP_SESSION, 1), else_=0)), 0
            ),
        ).where(Event.held_on.between(start, end))
    ).one()
    return PeriodFigures(
        start=start,
        end=end,
        active_members=_active_on(session, end),
        joined=int(joined or 0),
        left=int(left or 0),
        contacts=_contacts(session, start, end),
        attendances=_attendances(session, start, end),
        events_held=int(events),
        sessions_held=int(sessions),
    )


@reads(Area.MEMBERS, Area.CONTACTS, Area.EVENTS)
def quarter_change(*, session: Session, today: date) -> QuarterChange:
    # The windows are (quarter_ago, today] and (half_year_ago, quarter_ago]: the days after
    # each start, as ``period_figures`` counts them (both ends included).
    quarter_ago = today - timedelta(days=QUARTER_DAYS)
    half_year_ago = quarter_ago - timedelta(days=QUARTER_DAYS)
    one_day = timedelta(days=1)
    return QuarterChange(
        active_members_now=_active_on(session, today),
        active_members_before=_active_on(session, quarter_ago),
        contacts_now=_contacts(session, quarter_ago + one_day, today),
        contacts_before=_contacts(session, half_year_ago + one_day, quarter_ago),
        attendances_now=_attendances(session, quarter_ago + one_day, today),
        attendances_before=_attendances(session, half_year_ago + one_day, quarter_ago),
    )
