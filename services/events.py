"""Events (sections 3 and 5 of the plan): registrations against attendance, territorial reach,
members who never come, the thematic-day cap; and the check-in writes.

Figures are derived from ``Registration`` rows: a registration is a member, through one of its
persons when known, at an event, with status registered / attended / no-show / cancelled.
Members are counted once per event however many of their persons came.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import ColumnElement, Subquery, func, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Comarca,
    Event,
    EventFormat,
    EventKind,
    Member,
    Municipality,
    Person,
    PersonRole,
    PlanActivity,
    PlanCap,
    Province,
    Registration,
    RegistrationStatus,
    WorkGroup,
)
from services.access import Actor, Right, require
from services.audit import add_audited, update_audited
from services.clauses import active_member_clause
from services.collation import sort_by_place
from services.errors import ValidationError
from services.formatting import fmt_date
from services.frames import frame_of
from services.labels import REGISTRATION_STATUS

THEMATIC_CAP_GROUP = "jornades"
# Statuses that only make sense once the event has taken place.
AFTER_THE_EVENT = (RegistrationStatus.ATTENDED, RegistrationStatus.NO_SHOW)


@dataclass(frozen=True)
class EventFilter:
    """What the Esdeveniments page shows. Empty tuples mean "all". Work-group sessions have
    their own page: they are left out unless asked for (``include_sessions`` or by kind)."""

    year: int | None = None
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    # Province names of the event's place (a virtual event has none).
    provinces: tuple[str, ...] = ()
    include_sessions: bool = False


def _clauses(filters: EventFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.year is not None:
        clauses.append(Event.held_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    kinds = set(filters.kinds)
    if kinds:
        if filters.include_sessions:
            kinds.add(EventKind.WORK_GROUP_SESSION.value)
        clauses.append(Event.kind.in_(sorted(kinds)))
    elif not filters.include_sessions:
        clauses.append(Event.kind != EventKind.WORK_GROUP_SESSION)
    if filters.formats:
        clauses.append(Event.format.in_(filters.formats))
    if filters.provinces:
        places = (
            select(Municipality.ine_code)
            .join(Province, Province.code == Municipality.province_code)
            .where(Province.name.in_(filters.provinces))
        )
        clauses.append(Event.municipality_code.in_(places))
    return clauses


def _first_attendances(today: date) -> Subquery:
    """Each member's first attended XMESS activity (any kind), as (member_id, event_id)."""
    ranked = (
        select(
            Registration.member_id,
            Registration.event_id,
            func.row_number()
            .over(partition_by=Registration.member_id, order_by=(Event.held_on, Event.id))
            .label("rank"),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.status == RegistrationStatus.ATTENDED, Event.held_on <= today)
        .subquery()
    )
    return select(ranked.c.member_id, ranked.c.event_id).where(ranked.c.rank == 1).subquery()


EVENT_COLUMNS = [
    "event_id",
    "held_on",
    "title",
    "kind",
    "format",
    "place",
    "comarca",
    "province",
    "work_group",
    "upcoming",
    "registrations",
    "pending",
    "attended",
    "no_show",
    "cancelled",
    "attendance_rate",
    "members",
    "members_attended",
    "first_time",
]


@reads(Area.EVENTS, Area.WORK_GROUPS, Area.REFERENCE)
def events_table(*, session: Session, today: date, filters: EventFilter) -> pd.DataFrame:
    """The filtered events, newest first, each with its registrations by status, attendance
    rate (attended / registrations not cancelled; empty before the event), members
    represented and first-time members (members whose first XMESS activity it was)."""
    rows = session.execute(
        select(
            Event.id,
            Event.held_on,
            Event.title,
            Event.kind,
            Event.format,
            Municipality.name,
            Comarca.name,
            Province.name,
            WorkGroup.name,
        )
        .outerjoin(Municipality, Municipality.ine_code == Event.municipality_code)
        .outerjoin(Comarca, Comarca.code == Municipality.comarca_code)
        .outerjoin(Province, Province.code == Municipality.province_code)
        .outerjoin(WorkGroup, WorkGroup.id == Event.work_group_id)
        .where(*_clauses(filters))
        .order_by(Event.held_on.desc(), Event.title)
    ).all()
    if not rows:
        # Typed, so the pages can filter on ``upcoming`` whatever the filters leave.
        return pd.DataFrame(columns=EVENT_COLUMNS).astype({"upcoming": bool})
    frame = frame_of(
        rows,
        columns=[
            "event_id",
            "held_on",
            "title",
            "kind",
            "format",
            "place",
            "comarca",
            "province",
            "work_group",
        ],
    )
    filtered_ids = select(Event.id).where(*_clauses(filters))
    by_status = frame_of(
        session.execute(
            select(Registration.event_id, Registration.status, func.count(Registration.id))
            .where(Registration.event_id.in_(filtered_ids))
            .group_by(Registration.event_id, Registration.status)
        ).all(),
        columns=["event_id", "status", "count"],
    )
    by_status["status"] = by_status["status"].map(lambda s: RegistrationStatus(s).value)
    counts = by_status.pivot_table(
        index="event_id", columns="status", values="count", aggfunc="sum", fill_value=0
    )
    members = dict(
        session.execute(
            select(Registration.event_id, func.count(func.distinct(Registration.member_id)))
            .where(
                Registration.event_id.in_(filtered_ids),
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .group_by(Registration.event_id)
        ).all()
    )
    members_attended = dict(
        session.execute(
            select(Registration.event_id, func.count(func.distinct(Registration.member_id)))
            .where(
                Registration.event_id.in_(filtered_ids),
                Registration.status == RegistrationStatus.ATTENDED,
            )
            .group_by(Registration.event_id)
        ).all()
    )
    first = _first_attendances(today)
    first_time: dict[int, int] = dict(
        session.execute(
            select(first.c.event_id, func.count())
            .where(first.c.event_id.in_(filtered_ids))
            .group_by(first.c.event_id)
        ).all()
    )
    for status, column in (
        (RegistrationStatus.REGISTERED, "pending"),
        (RegistrationStatus.ATTENDED, "attended"),
        (RegistrationStatus.NO_SHOW, "no_show"),
        (RegistrationStatus.CANCELLED, "cancelled"),
    ):
        values = counts[status.value] if status.value in counts.columns else pd.Series(dtype=int)
        frame[column] = frame["event_id"].map(values).fillna(0).astype(int)
    frame["registrations"] = frame[["pending", "attended", "no_show", "cancelled"]].sum(axis=1)
    frame["upcoming"] = frame["held_on"] > today
    expected = frame["registrations"] - frame["cancelled"]
    frame["attendance_rate"] = (frame["attended"] / expected.where(expected > 0)).where(
        ~frame["upcoming"]
    )
    frame["attendance_rate"] = frame["attendance_rate"].astype(float)
    frame["members"] = frame["event_id"].map(members).fillna(0).astype(int)
    frame["members_attended"] = frame["event_id"].map(members_attended).fillna(0).astype(int)
    frame["first_time"] = frame["event_id"].map(first_time).fillna(0).astype(int)
    frame["kind"] = frame["kind"].map(lambda k: EventKind(k).value)
    frame["format"] = frame["format"].map(lambda f: EventFormat(f).value)
    for column in ("place", "comarca", "province", "work_group"):
        frame[column] = frame[column].fillna("")
    return frame[EVENT_COLUMNS]


@reads(Area.MEMBERS, Area.EVENTS, Area.REFERENCE)
def first_time_members(*, session: Session, event_id: int, today: date) -> pd.DataFrame:
    """Members whose first attended XMESS activity was this event."""
    first = _first_attendances(today)
    rows = session.execute(
        select(Member.id, Member.name, Comarca.name)
        .join(first, first.c.member_id == Member.id)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Comarca.code == Municipality.comarca_code)
        .where(first.c.event_id == event_id)
    ).all()
    return sort_by_place(frame_of(rows, columns=["member_id", "member", "comarca"]))


@dataclass(frozen=True)
class TerritoryAttendance:
    """Attendance at the chosen (past) events by the members' territory. ``reach`` is the
    share of the territory's active members who attended at least once."""

    by_province: pd.DataFrame
    by_comarca: pd.DataFrame


@reads(Area.MEMBERS, Area.EVENTS, Area.REFERENCE)
def attendance_by_territory(
    *,
    session: Session,
    today: date,
    filters: EventFilter,
    event_id: int | None = None,
    since: date | None = None,
) -> TerritoryAttendance:
    """Attendances (member × event) and distinct members who attended, by province and by
    comarca of the member, against the territory's active members. Every province and every
    comarca with an active member is listed, zero included. ``since`` leaves out the events
    held before it (the meeting pack's period: ``since`` to ``today``)."""
    clauses = [*_clauses(filters), Event.held_on <= today]
    if since is not None:
        clauses.append(Event.held_on >= since)
    if event_id is not None:
        clauses = [Event.id == event_id]
    attended = frame_of(
        session.execute(
            select(Registration.member_id, Registration.event_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.status == RegistrationStatus.ATTENDED, *clauses)
            .distinct()
        ).all(),
        columns=["member_id", "event_id"],
    )
    members = frame_of(
        session.execute(
            select(Member.id, Comarca.name, Province.name)
            .join(Municipality, Member.municipality_code == Municipality.ine_code)
            .join(Comarca, Comarca.code == Municipality.comarca_code)
            .join(Province, Province.code == Municipality.province_code)
            .where(active_member_clause(today))
        ).all(),
        columns=["member_id", "comarca", "province"],
    )
    provinces = pd.DataFrame(
        {"province": session.scalars(select(Province.name).order_by(Province.name)).all()}
    )
    joined = attended.merge(members, on="member_id")

    def level(keys: list[str], base: pd.DataFrame) -> pd.DataFrame:
        active = members.groupby(keys).size().rename("active_members")
        attendances = joined.groupby(keys).size().rename("attendances")
        who = joined.groupby(keys)["member_id"].nunique().rename("members_attended")
        frame = base.set_index(keys).join(active).join(attendances).join(who).fillna(0)
        frame = frame.astype(int).reset_index()
        frame["reach"] = (
            frame["members_attended"] / frame["active_members"].where(frame["active_members"] > 0)
        ).astype(float)
        return frame

    comarques = members[["province", "comarca"]].drop_duplicates()
    by_comarca = level(["province", "comarca"], comarques)
    by_comarca = by_comarca.sort_values(["province", "comarca"]).reset_index(drop=True)
    return TerritoryAttendance(by_province=level(["province"], provinces), by_comarca=by_comarca)


MEMBER_COLUMNS = [
    "member_id",
    "member",
    "comarca",
    "province",
    "registered",
    "attended",
    "no_show",
    "attendance_rate",
    "last_attended",
]


@reads(Area.MEMBERS, Area.EVENTS, Area.REFERENCE)
def member_attendance(*, session: Session, today: date, filters: EventFilter) -> pd.DataFrame:
    """Per active member, over the filtered events already held: events registered for (not
    cancelled), attended, no-shows, attendance rate, and the last XMESS activity it attended
    (any, ever), so "never this year" and "never at all" can be told apart."""
    members = sort_by_place(
        frame_of(
            session.execute(
                select(Member.id, Member.name, Comarca.name, Province.name)
                .join(Municipality, Member.municipality_code == Municipality.ine_code)
                .join(Comarca, Comarca.code == Municipality.comarca_code)
                .join(Province, Province.code == Municipality.province_code)
                .where(active_member_clause(today))
            ).all(),
            columns=["member_id", "member", "comarca", "province"],
        )
    )
    if members.empty:
        return pd.DataFrame(columns=MEMBER_COLUMNS)
    statuses = frame_of(
        session.execute(
            select(
                Registration.member_id,
                Registration.status,
                func.count(func.distinct(Registration.event_id)),
            )
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.status != RegistrationStatus.CANCELLED,
                Event.held_on <= today,
                *_clauses(filters),
            )
            .group_by(Registration.member_id, Registration.status)
        ).all(),
        columns=["member_id", "status", "events"],
    )
    statuses["status"] = statuses["status"].map(lambda s: RegistrationStatus(s).value)
    registered = frame_of(
        session.execute(
            select(Registration.member_id, func.count(func.distinct(Registration.event_id)))
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.status != RegistrationStatus.CANCELLED,
                Event.held_on <= today,
                *_clauses(filters),
            )
            .group_by(Registration.member_id)
        ).all(),
        columns=["member_id", "registered"],
    ).set_index("member_id")["registered"]
    last = dict(
        session.execute(
            select(Registration.member_id, func.max(Event.held_on))
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.status == RegistrationStatus.ATTENDED, Event.held_on <= today)
            .group_by(Registration.member_id)
        ).all()
    )
    by_status = statuses.pivot_table(
        index="member_id", columns="status", values="events", aggfunc="sum", fill_value=0
    )
    for status, column in (
        (RegistrationStatus.ATTENDED, "attended"),
        (RegistrationStatus.NO_SHOW, "no_show"),
    ):
        values = by_status[status.value] if status.value in by_status.columns else pd.Series()
        members[column] = members["member_id"].map(values).fillna(0).astype(int)
    members["registered"] = members["member_id"].map(registered).fillna(0).astype(int)
    members["attendance_rate"] = (
        members["attended"] / members["registered"].where(members["registered"] > 0)
    ).astype(float)
    members["last_attended"] = members["member_id"].map(last)
    return members[MEMBER_COLUMNS]


@dataclass(frozen=True)
class ThematicDays:
    """The plan's cap on thematic days (``plan_cap`` "jornades") against the calendar."""

    year: int
    max_count: int | None
    held: int
    upcoming: int
    # Candidate plan activities in the cap group (not cancelled), and those done.
    plan_candidates: int
    plan_done: int
    # (date, title, held) of the year's thematic days, in date order.
    days: tuple[tuple[date, str, bool], ...]

    @property
    def scheduled(self) -> int:
        return self.held + self.upcoming

    @property
    def over_cap(self) -> bool:
        return self.max_count is not None and self.scheduled > self.max_count


@reads(Area.EVENTS, Area.PLAN)
def thematic_days(*, session: Session, today: date, year: int) -> ThematicDays:
    cap = session.get(PlanCap, (year, THEMATIC_CAP_GROUP))
    days = session.execute(
        select(Event.held_on, Event.title)
        .where(
            Event.kind == EventKind.THEMATIC_DAY,
            Event.held_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .order_by(Event.held_on, Event.title)
    ).all()
    activities = session.execute(
        select(PlanActivity.status, func.count(PlanActivity.id))
        .where(PlanActivity.year == year, PlanActivity.cap_group == THEMATIC_CAP_GROUP)
        .group_by(PlanActivity.status)
    ).all()
    by_status = {str(status): int(count) for status, count in activities}
    return ThematicDays(
        year=year,
        max_count=cap.max_count if cap else None,
        held=sum(1 for held_on, _ in days if held_on <= today),
        upcoming=sum(1 for held_on, _ in days if held_on > today),
        plan_candidates=sum(count for status, count in by_status.items() if status != "cancelled"),
        plan_done=by_status.get("done", 0),
        days=tuple((held_on, title, held_on <= today) for held_on, title in days),
    )


@reads(Area.EVENTS)
def event_years(*, session: Session) -> list[int]:
    """Years with events, newest first."""
    bounds = session.execute(select(func.min(Event.held_on), func.max(Event.held_on))).one()
    # Both are empty when there is no event (the column's type says a date).
    first: date | None = bounds[0]
    last: date | None = bounds[1]
    if first is None or last is None:
        return []
    return list(range(last.year, first.year - 1, -1))


@reads(Area.REFERENCE)
def province_names(*, session: Session) -> list[str]:
    return list(session.scalars(select(Province.name).order_by(Province.name)).all())


@reads(Area.MEMBERS, Area.EVENTS, Area.REFERENCE)
def event_registrations(*, session: Session, event_id: int) -> pd.DataFrame:
    """The event's registrations for check-in: member, person (when known), status."""
    rows = session.execute(
        select(
            Registration.id,
            Member.id,
            Member.name,
            Person.full_name,
            Person.role,
            Person.email,
            Comarca.name,
            Registration.status,
            Registration.registered_on,
        )
        .join(Member, Member.id == Registration.member_id)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Comarca.code == Municipality.comarca_code)
        .outerjoin(Person, Person.id == Registration.person_id)
        .where(Registration.event_id == event_id)
        .order_by(Person.full_name)
    ).all()
    frame = sort_by_place(
        frame_of(
            rows,
            columns=[
                "registration_id",
                "member_id",
                "member",
                "person",
                "role",
                "email",
                "comarca",
                "status",
                "registered_on",
            ],
        )
    )
    frame["role"] = frame["role"].map(lambda r: PersonRole(r).value if pd.notna(r) else "")
    frame[["person", "email"]] = frame[["person", "email"]].fillna("")
    frame["status"] = frame["status"].map(lambda s: RegistrationStatus(s).value)
    return frame


@reads(Area.EVENTS, Area.REFERENCE)
def event_facts(*, session: Session, event_id: int) -> dict[str, object] | None:
    """Title, date, kind, format (codes) and place of one event, or None when it does not
    exist."""
    row = session.execute(
        select(Event.title, Event.held_on, Event.kind, Event.format, Municipality.name)
        .outerjoin(Municipality, Municipality.ine_code == Event.municipality_code)
        .where(Event.id == event_id)
    ).one_or_none()
    if row is None:
        return None
    title, held_on, kind, event_format, place = row
    return {
        "title": title,
        "held_on": held_on,
        "kind": EventKind(kind).value,
        "format": EventFormat(event_format).value,
        "place": place or "",
    }


# --- Writes -----------------------------------------------------------------------------------


def _event(session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise ValidationError(
            [f"Esdeveniment: no existeix cap esdeveniment amb l'identificador {event_id}."]
        )
    return event


def _not_yet(event: Event, status: RegistrationStatus, who: str) -> str:
    return (
        f"Estat ({who}): «{REGISTRATION_STATUS[status]}» no es pot marcar per a "
        f"«{event.title}», que és el {fmt_date(event.held_on)} i encara no s'ha fet."
    )


def save_check_in(
    *,
    session: Session,
    event_id: int,
    changes: tuple[tuple[int, str], ...],
    today: date,
    actor: Actor,
) -> int:
    """Set the status of some of the event's registrations, all or none; one audit entry per
    registration changed. ``changes`` are (registration_id, status value) pairs. Returns how
    many registrations changed."""
    require(actor, Right.EDIT_NETWORK)
    event = _event(session, event_id)
    ids = [registration_id for registration_id, _ in changes]
    registrations = {
        r.id: r for r in session.scalars(select(Registration).where(Registration.id.in_(ids))).all()
    }
    names = dict(
        session.execute(
            select(Member.id, Member.name).where(
                Member.id.in_({r.member_id for r in registrations.values()})
            )
        ).all()
    )
    errors: list[str] = []
    planned: list[tuple[Registration, RegistrationStatus]] = []
    for registration_id, value in changes:
        registration = registrations.get(registration_id)
        if registration is None or registration.event_id != event.id:
            errors.append(f"Inscripció {registration_id}: no és una inscripció de «{event.title}».")
            continue
        who = names.get(registration.member_id, str(registration.member_id))
        try:
            status = RegistrationStatus(value)
        except ValueError:
            errors.append(f"Estat ({who}): «{value}» no és un estat d'inscripció.")
            continue
        if status in AFTER_THE_EVENT and event.held_on > today:
            errors.append(_not_yet(event, status, who))
            continue
        if status != registration.status:
            planned.append((registration, status))
    if errors:
        raise ValidationError(errors)
    for registration, status in planned:
        update_audited(session, registration, username=actor.audit_name, status=status)
    return len(planned)


@dataclass(frozen=True)
class RegistrationForm:
    event_id: int
    # The member; may be left out when the person is given (its member is used).
    member_id: int | None = None
    person_id: int | None = None
    status: RegistrationStatus = RegistrationStatus.REGISTERED


def register(*, session: Session, form: RegistrationForm, today: date, actor: Actor) -> int:
    """Register a member (through one of its persons, when given) to an event; returns the
    registration's id. Refuses a person who is no contact of an active member, a member not
    in the network, a duplicate, and attendance marked before the event."""
    require(actor, Right.EDIT_NETWORK)
    event = _event(session, form.event_id)
    errors: list[str] = []
    person = session.get(Person, form.person_id) if form.person_id is not None else None
    if form.person_id is not None and person is None:
        raise ValidationError(
            [f"Persona: no existeix cap persona amb l'identificador {form.person_id}."]
        )
    member_id = form.member_id if form.member_id is not None else (person and person.member_id)
    if member_id is None:
        raise ValidationError(["Membre: cal triar el membre o la persona que s'inscriu."])
    member = session.get(Member, member_id)
    if member is None:
        raise ValidationError([f"Membre: no existeix cap membre amb l'identificador {member_id}."])
    # A past event: a member on that day; an upcoming one: a member today.
    on = min(event.held_on, today)
    in_network = member.joined_on <= on and (member.left_on is None or member.left_on > on)
    if person is not None:
        if person.member_id != member.id:
            errors.append(f"Persona: {person.full_name} no és un contacte de {member.name}.")
        elif not in_network:
            errors.append(
                f"Persona: {person.full_name} és contacte de {member.name}, que no és membre de "
                f"la xarxa el {fmt_date(on)}."
            )
        elif not person.active:
            errors.append(
                f"Persona: {person.full_name} ja no és un contacte actiu de {member.name}."
            )
    if not in_network and person is None:
        errors.append(f"Membre: {member.name} no és membre de la xarxa el {fmt_date(on)}.")
    if form.status in AFTER_THE_EVENT and event.held_on > today:
        errors.append(_not_yet(event, form.status, member.name))
    existing = session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.member_id == member.id
        )
    ).all()
    # Without a person, any registration of the member is the same one again.
    same = [r for r in existing if form.person_id is None or r.person_id == form.person_id]
    if same:
        who = person.full_name if person is not None else member.name
        status = REGISTRATION_STATUS[same[0].status]
        errors.append(
            f"Inscripció duplicada: {who} ja està inscrit a «{event.title}» (estat: {status}); "
            "canvieu-ne l'estat a la taula de check-in."
        )
    if errors:
        raise ValidationError(errors)
    registration = add_audited(
        session,
        Registration(
            event_id=event.id,
            member_id=member.id,
            person_id=form.person_id,
            status=form.status,
            registered_on=today,
        ),
        username=actor.audit_name,
    )
    return registration.id


@reads(Area.EVENTS)
def checkin_options(*, session: Session, today: date, days: int = 120) -> pd.DataFrame:
    """Events of every kind within ``days`` of today, for the check-in picker: newest first,
    with ``default`` marking the latest one already held (or about to be, today)."""
    rows = session.execute(
        select(Event.id, Event.held_on, Event.title)
        .where(Event.held_on.between(today - timedelta(days=days), today + timedelta(days=days)))
        .order_by(Event.held_on.desc(), Event.title)
    ).all()
    frame = frame_of(rows, columns=["event_id", "held_on", "title"])
    held = frame.index[frame["held_on"] <= today]
    frame["default"] = False
    if len(held):
        frame.loc[held[0], "default"] = True
    return frame


@reads(Area.MEMBERS)
def person_options(*, session: Session, member_id: int) -> pd.DataFrame:
    """The member's active persons, who can be registered on its behalf (``register`` refuses
    the others): id, name and role (code)."""
    rows = session.execute(
        select(Person.id, Person.full_name, Person.role)
        # An anonymised person is nobody to register: the erasure keeps the row for counts.
        .where(
            Person.member_id == member_id,
            Person.active.is_(True),
            Person.anonymised_at.is_(None),
        )
        .order_by(Person.role, Person.full_name)
    ).all()
    frame = frame_of(rows, columns=["person_id", "person", "role"])
    frame["role"] = frame["role"].map(lambda r: PersonRole(r).value)
    return frame
