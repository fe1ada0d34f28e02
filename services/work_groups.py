"""Work groups (section 6 of the plan): participation per group and per member, trends, and the
writes of the group's life: enrol, withdraw, record a session with who attended.

A member takes part in a group through its sessions: events of kind ``WORK_GROUP_SESSION`` and
``Registration.status == ATTENDED``. A session's attendance rate is the share of the members
enrolled on the session's day who attended it; nothing of it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Comarca,
    Event,
    EventFormat,
    EventKind,
    Member,
    Municipality,
    Province,
    Registration,
    RegistrationStatus,
    WorkGroup,
    WorkGroupMembership,
    WorkGroupStatus,
)
from services.access import Actor, Right, require
from services.audit import add_audited, update_audited
from services.catalan import MONTHS, with_de
from services.clauses import active_member_clause
from services.collation import sort_by_place
from services.errors import ValidationError
from services.formatting import fmt_date
from services.frames import frame_of

YEAR_DAYS = 365
HALF_YEAR_DAYS = 182
TREND_QUARTERS = 8
# A group is "falling" when its attendance rate over the last six months is this many points
# below the six months before, or when it stopped meeting.
FALLING_POINTS = 0.10


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(day: date) -> str:
    """``2026 T3``: sorts as text in time order."""
    return f"{day.year} T{(day.month - 1) // 3 + 1}"


def _quarters_back(today: date, quarters: int) -> date:
    start = quarter_start(today)
    for _ in range(quarters - 1):
        start = quarter_start(start - timedelta(days=1))
    return start


# --- Reads ------------------------------------------------------------------------------------


def _memberships(session: Session) -> pd.DataFrame:
    """Every membership with the member's own dates (a member who left the network stops
    counting in its groups even when the membership was never closed)."""
    rows = session.execute(
        select(
            WorkGroupMembership.id,
            WorkGroupMembership.work_group_id,
            WorkGroupMembership.member_id,
            WorkGroupMembership.joined_on,
            WorkGroupMembership.left_on,
            Member.joined_on,
            Member.left_on,
        ).join(Member, Member.id == WorkGroupMembership.member_id)
    ).all()
    frame = frame_of(
        rows,
        columns=[
            "membership_id",
            "work_group_id",
            "member_id",
            "joined_on",
            "left_on",
            "member_joined_on",
            "member_left_on",
        ],
    )
    # The membership counts from when both the member and the enrolment exist.
    frame["start"] = frame[["joined_on", "member_joined_on"]].max(axis=1)
    frame["end"] = [
        min((d for d in (left, member_left) if pd.notna(d)), default=None)
        for left, member_left in zip(frame["left_on"], frame["member_left_on"], strict=True)
    ]
    return frame


def _enrolled_on(memberships: pd.DataFrame, day_column: str) -> pd.Series:
    ends = memberships["end"]
    return (memberships["start"] <= memberships[day_column]) & (
        ends.isna() | (ends.astype(object) > memberships[day_column])
    )


def _sessions(session: Session, since: date, today: date) -> pd.DataFrame:
    rows = session.execute(
        select(Event.id, Event.work_group_id, Event.held_on).where(
            Event.kind == EventKind.WORK_GROUP_SESSION,
            Event.held_on > since,
            Event.held_on <= today,
        )
    ).all()
    return frame_of(rows, columns=["event_id", "work_group_id", "held_on"])


def _attendances(session: Session, since: date, today: date) -> pd.DataFrame:
    """Distinct (session, member) pairs with an attended registration."""
    rows = session.execute(
        select(Registration.event_id, Registration.member_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.kind == EventKind.WORK_GROUP_SESSION,
            Event.held_on > since,
            Event.held_on <= today,
            Registration.status == RegistrationStatus.ATTENDED,
        )
        .distinct()
    ).all()
    return frame_of(rows, columns=["event_id", "member_id"])


def _session_enrolment(
    memberships: pd.DataFrame, sessions: pd.DataFrame, attendances: pd.DataFrame
) -> pd.DataFrame:
    """One row per (session, member enrolled on the session's day), with ``attended``."""
    pairs = sessions.merge(memberships, on="work_group_id")
    pairs = pairs[_enrolled_on(pairs, "held_on")]
    pairs = pairs.drop_duplicates(["event_id", "member_id"])
    attended = attendances.assign(attended=True)
    pairs = pairs.merge(attended, on=["event_id", "member_id"], how="left")
    pairs["attended"] = pairs["attended"].astype("boolean").fillna(False).astype(bool)
    return pairs[["event_id", "work_group_id", "held_on", "member_id", "attended"]]


def _per_session(
    sessions: pd.DataFrame, enrolment: pd.DataFrame, attendances: pd.DataFrame
) -> pd.DataFrame:
    """Sessions with enrolled members, enrolled attendees, all attendees and the rate."""
    enrolled = enrolment.groupby("event_id").agg(
        enrolled=("member_id", "size"), attended_enrolled=("attended", "sum")
    )
    attendees = attendances.groupby("event_id").size().rename("attendees")
    frame = (
        sessions.set_index("event_id")
        .join(enrolled)
        .join(attendees)
        .fillna({"enrolled": 0, "attended_enrolled": 0, "attendees": 0})
    )
    frame["rate"] = frame["attended_enrolled"] / frame["enrolled"].where(frame["enrolled"] > 0)
    return frame.reset_index()


def _mean_rate(sessions: pd.DataFrame, start: date, end: date) -> pd.Series:
    """Mean session rate per group over sessions held in (start, end]."""
    inside = sessions[(sessions["held_on"] > start) & (sessions["held_on"] <= end)]
    return inside.groupby("work_group_id")["rate"].mean()


GROUP_COLUMNS = [
    "work_group_id",
    "code",
    "work_group",
    "status",
    "suspended",
    "members",
    "sessions",
    "attendance_rate",
    "active_members",
    "last_session",
    "next_session",
    "rate_recent",
    "rate_before",
    "trend",
    "falling",
]


@reads(Area.MEMBERS, Area.EVENTS, Area.WORK_GROUPS)
def group_overview(*, session: Session, today: date) -> pd.DataFrame:
    """One row per work group: status, members enrolled today, sessions held in the last 12
    months, their average attendance rate, members who attended at least once in 12 months,
    last and next session, and the trend (rate over the last 6 months against the 6 before)."""
    groups = session.execute(
        select(WorkGroup.id, WorkGroup.code, WorkGroup.name, WorkGroup.status).order_by(
            WorkGroup.name
        )
    ).all()
    if not groups:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    year_ago = today - timedelta(days=YEAR_DAYS)
    half_year_ago = today - timedelta(days=HALF_YEAR_DAYS)
    memberships = _memberships(session).assign(today=today)
    sessions = _sessions(session, year_ago, today)
    attendances = _attendances(session, year_ago, today)
    enrolment = _session_enrolment(memberships, sessions, attendances)
    per_session = _per_session(sessions, enrolment, attendances)
    next_sessions = dict(
        session.execute(
            select(Event.work_group_id, Event.held_on)
            .where(Event.kind == EventKind.WORK_GROUP_SESSION, Event.held_on > today)
            .order_by(Event.held_on.desc())
        ).all()
    )
    members_now = (
        memberships[_enrolled_on(memberships, "today")]
        .groupby("work_group_id")["member_id"]
        .nunique()
    )
    session_group = sessions.set_index("event_id")["work_group_id"]
    active = (
        attendances.assign(work_group_id=attendances["event_id"].map(session_group))
        .groupby("work_group_id")["member_id"]
        .nunique()
    )
    held = per_session.groupby("work_group_id").agg(
        sessions=("event_id", "size"), rate=("rate", "mean"), last_session=("held_on", "max")
    )
    recent = _mean_rate(per_session, half_year_ago, today)
    before = _mean_rate(per_session, year_ago, half_year_ago)

    rows = []
    for group_id, code, name, status in groups:
        suspended = status == WorkGroupStatus.SUSPENDED
        rate_recent = recent.get(group_id)
        rate_before = before.get(group_id)
        trend = (
            rate_recent - rate_before
            if rate_recent is not None and rate_before is not None
            else None
        )
        stopped = rate_before is not None and rate_recent is None
        # Compared in whole points, as the page shows the trend: "↓ 10 punts" is a fall of
        # ten points even when it is 9.8 before rounding.
        falling = not suspended and (
            stopped or (pd.notna(trend) and round(trend * 100) <= -round(FALLING_POINTS * 100))
        )
        rows.append(
            (
                group_id,
                code,
                name,
                WorkGroupStatus(status).value,
                bool(suspended),
                int(members_now.get(group_id, 0)),
                int(held["sessions"].get(group_id, 0)),
                held["rate"].get(group_id),
                int(active.get(group_id, 0)),
                held["last_session"].get(group_id),
                next_sessions.get(group_id),
                rate_recent,
                rate_before,
                trend,
                bool(falling),
            )
        )
    frame = frame_of(rows, columns=GROUP_COLUMNS)
    for column in ("attendance_rate", "rate_recent", "rate_before", "trend"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


@reads(Area.MEMBERS, Area.EVENTS, Area.WORK_GROUPS)
def quarterly_trend(
    *, session: Session, today: date, quarters: int = TREND_QUARTERS
) -> pd.DataFrame:
    """Per group and calendar quarter (the last ``quarters``, the current one included):
    sessions held, member attendances and the mean attendance rate. Quarters without a
    session are absent (nothing to rate). ``partial`` marks the quarter under way."""
    start = _quarters_back(today, quarters)
    columns = [
        "work_group",
        "quarter",
        "quarter_start",
        "sessions",
        "attendances",
        "rate",
        "partial",
    ]
    sessions = _sessions(session, start - timedelta(days=1), today)
    if sessions.empty:
        return pd.DataFrame(columns=columns)
    attendances = _attendances(session, start - timedelta(days=1), today)
    enrolment = _session_enrolment(_memberships(session), sessions, attendances)
    per_session = _per_session(sessions, enrolment, attendances)
    names = dict(session.execute(select(WorkGroup.id, WorkGroup.name)).all())
    per_session["work_group"] = per_session["work_group_id"].map(names)
    per_session["quarter_start"] = per_session["held_on"].map(quarter_start)
    frame = (
        per_session.groupby(["work_group", "quarter_start"])
        .agg(sessions=("event_id", "size"), attendances=("attendees", "sum"), rate=("rate", "mean"))
        .reset_index()
    )
    frame["quarter"] = frame["quarter_start"].map(quarter_label)
    frame["attendances"] = frame["attendances"].astype(int)
    frame["partial"] = frame["quarter_start"] == quarter_start(today)
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"])
    return frame[columns].sort_values(["work_group", "quarter"]).reset_index(drop=True)


MATRIX_COLUMNS = [
    "member_id",
    "member",
    "province",
    "work_group",
    "enrolled",
    "sessions",
    "attended",
    "rate",
]


@reads(Area.MEMBERS, Area.EVENTS, Area.WORK_GROUPS, Area.REFERENCE)
def attendance_matrix(*, session: Session, today: date) -> pd.DataFrame:
    """Member × group over the last 12 months, for the heatmap: one row per pair where the
    member is enrolled today or attended a session. ``sessions`` counts the group's sessions
    held while the member was enrolled, ``rate`` is attended / sessions (empty for a guest)."""
    year_ago = today - timedelta(days=YEAR_DAYS)
    memberships = _memberships(session).assign(today=today)
    sessions = _sessions(session, year_ago, today)
    attendances = _attendances(session, year_ago, today)
    enrolment = _session_enrolment(memberships, sessions, attendances)
    expected = enrolment.groupby(["member_id", "work_group_id"]).agg(
        sessions=("event_id", "size"), attended_enrolled=("attended", "sum")
    )
    session_group = sessions.set_index("event_id")["work_group_id"]
    attended = (
        attendances.assign(work_group_id=attendances["event_id"].map(session_group))
        .groupby(["member_id", "work_group_id"])
        .size()
        .rename("attended")
    )
    current = memberships[_enrolled_on(memberships, "today")]
    enrolled_now = pd.Series(
        True,
        index=pd.MultiIndex.from_frame(current[["member_id", "work_group_id"]].drop_duplicates()),
        name="enrolled",
    )
    frame = pd.concat([expected, attended, enrolled_now], axis=1).reset_index()
    if frame.empty:
        return pd.DataFrame(columns=MATRIX_COLUMNS)
    frame = frame.rename(columns={"level_0": "member_id", "level_1": "work_group_id"})
    frame["enrolled"] = frame["enrolled"].astype("boolean").fillna(False).astype(bool)
    frame[["sessions", "attended"]] = frame[["sessions", "attended"]].fillna(0).astype(int)
    frame["rate"] = frame["attended_enrolled"] / frame["sessions"].where(frame["sessions"] > 0)
    members = frame_of(
        session.execute(
            select(Member.id, Member.name, Province.name)
            .join(Municipality, Member.municipality_code == Municipality.ine_code)
            .join(Province, Municipality.province_code == Province.code)
            .where(active_member_clause(today))
        ).all(),
        columns=["member_id", "member", "province"],
    )
    names = dict(session.execute(select(WorkGroup.id, WorkGroup.name)).all())
    frame["work_group"] = frame["work_group_id"].map(names)
    frame = frame.merge(members, on="member_id")  # active members only
    frame["rate"] = frame["rate"].astype(float)
    return sort_by_place(frame[MATRIX_COLUMNS].sort_values("work_group"))


@reads(Area.MEMBERS, Area.WORK_GROUPS, Area.REFERENCE)
def members_without_group(*, session: Session, today: date) -> pd.DataFrame:
    """Active members enrolled in no active work group today (a membership of a suspended
    group, such as Finançament, does not count: the group does not meet)."""
    in_a_group = (
        select(WorkGroupMembership.member_id)
        .join(WorkGroup, WorkGroup.id == WorkGroupMembership.work_group_id)
        .where(
            WorkGroup.status == WorkGroupStatus.ACTIVE,
            WorkGroupMembership.joined_on <= today,
            (WorkGroupMembership.left_on.is_(None)) | (WorkGroupMembership.left_on > today),
        )
    )
    rows = session.execute(
        select(Member.id, Member.name, Comarca.name, Province.name, Member.joined_on)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Municipality.comarca_code == Comarca.code)
        .join(Province, Municipality.province_code == Province.code)
        .where(active_member_clause(today), Member.id.not_in(in_a_group))
    ).all()
    return sort_by_place(
        frame_of(rows, columns=["member_id", "member", "comarca", "province", "joined_on"])
    )


@reads(Area.WORK_GROUPS)
def group_options(*, session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(WorkGroup.id, WorkGroup.name, WorkGroup.status).order_by(WorkGroup.name)
    ).all()
    frame = frame_of(rows, columns=["work_group_id", "work_group", "status"])
    frame["suspended"] = frame["status"] == WorkGroupStatus.SUSPENDED
    frame["status"] = frame["status"].map(lambda status: WorkGroupStatus(status).value)
    return frame


@reads(Area.MEMBERS, Area.EVENTS, Area.WORK_GROUPS, Area.REFERENCE)
def group_members(*, session: Session, work_group_id: int, today: date) -> pd.DataFrame:
    """Members enrolled in the group today, with their sessions attended in 12 months and
    their last attendance (ever)."""
    year_ago = today - timedelta(days=YEAR_DAYS)
    rows = session.execute(
        select(
            WorkGroupMembership.id,
            Member.id,
            Member.name,
            Comarca.name,
            WorkGroupMembership.joined_on,
        )
        .join(Member, Member.id == WorkGroupMembership.member_id)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Municipality.comarca_code == Comarca.code)
        .where(
            WorkGroupMembership.work_group_id == work_group_id,
            WorkGroupMembership.joined_on <= today,
            (WorkGroupMembership.left_on.is_(None)) | (WorkGroupMembership.left_on > today),
            active_member_clause(today),
        )
    ).all()
    frame = sort_by_place(
        frame_of(rows, columns=["membership_id", "member_id", "member", "comarca", "joined_on"])
    )
    attended = frame_of(
        session.execute(
            select(Registration.member_id, Event.id, Event.held_on)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Event.work_group_id == work_group_id,
                Event.kind == EventKind.WORK_GROUP_SESSION,
                Event.held_on <= today,
                Registration.status == RegistrationStatus.ATTENDED,
            )
            .distinct()
        ).all(),
        columns=["member_id", "event_id", "held_on"],
    )
    recent = attended[attended["held_on"] > year_ago].groupby("member_id")["event_id"].nunique()
    last = attended.groupby("member_id")["held_on"].max()
    frame["sessions_attended"] = frame["member_id"].map(recent).fillna(0).astype(int)
    frame["last_attended"] = frame["member_id"].map(last)
    return frame


@reads(Area.EVENTS, Area.REFERENCE)
def group_sessions(*, session: Session, work_group_id: int, today: date) -> pd.DataFrame:
    """The group's sessions (newest first) with format, place and attendees."""
    rows = session.execute(
        select(Event.id, Event.held_on, Event.title, Event.format, Municipality.name)
        .outerjoin(Municipality, Municipality.ine_code == Event.municipality_code)
        .where(Event.work_group_id == work_group_id, Event.kind == EventKind.WORK_GROUP_SESSION)
        .order_by(Event.held_on.desc())
    ).all()
    frame = frame_of(rows, columns=["event_id", "held_on", "title", "format", "place"])
    counts = frame_of(
        session.execute(
            select(Registration.event_id, Registration.member_id)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Event.work_group_id == work_group_id,
                Registration.status == RegistrationStatus.ATTENDED,
            )
            .distinct()
        ).all(),
        columns=["event_id", "member_id"],
    )
    per_event = counts.groupby("event_id").size()
    frame["attendees"] = frame["event_id"].map(per_event).fillna(0).astype(int)
    frame["upcoming"] = frame["held_on"] > today
    frame["place"] = frame["place"].fillna("")
    return frame


# --- Writes -----------------------------------------------------------------------------------

# A form sent before a member was chosen.
NO_MEMBER = "Membre: cal triar-ne un."


def _group(session: Session, work_group_id: int) -> WorkGroup:
    group = session.get(WorkGroup, work_group_id)
    if group is None:
        raise ValidationError(
            [f"Grup de treball: no existeix cap grup amb l'identificador {work_group_id}."]
        )
    return group


def _member_on(session: Session, member_id: int, on: date, field_name: str = "Membre") -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise ValidationError(
            [f"{field_name}: no existeix cap membre amb l'identificador {member_id}."]
        )
    if member.joined_on > on:
        raise ValidationError(
            [
                f"{field_name}: {member.name} no era membre de la xarxa el {fmt_date(on)} "
                f"(alta el {fmt_date(member.joined_on)})."
            ]
        )
    if member.left_on is not None and member.left_on <= on:
        raise ValidationError(
            [f"{field_name}: {member.name} va deixar la xarxa el {fmt_date(member.left_on)}."]
        )
    return member


def _open_membership(
    session: Session, work_group_id: int, member_id: int, on: date
) -> WorkGroupMembership | None:
    return session.scalars(
        select(WorkGroupMembership)
        .where(
            WorkGroupMembership.work_group_id == work_group_id,
            WorkGroupMembership.member_id == member_id,
            (WorkGroupMembership.left_on.is_(None)) | (WorkGroupMembership.left_on > on),
        )
        .order_by(WorkGroupMembership.joined_on)
    ).first()


def enrol_member(
    *,
    session: Session,
    work_group_id: int,
    member_id: int | None,
    joined_on: date | None,
    today: date,
    actor: Actor,
) -> int:
    """Enrol a member in a work group from ``joined_on``; returns the membership's id."""
    require(actor, Right.EDIT_NETWORK)
    if member_id is None:
        raise ValidationError([NO_MEMBER])
    if joined_on is None:
        raise ValidationError(["Data d'alta al grup: cal indicar-la."])
    if joined_on > today:
        raise ValidationError([f"Data d'alta al grup: {fmt_date(joined_on)} és una data futura."])
    group = _group(session, work_group_id)
    errors: list[str] = []
    if group.status == WorkGroupStatus.SUSPENDED:
        errors.append(
            f"Grup de treball: {group.name} està en suspens; no s'hi poden inscriure membres."
        )
    member = _member_on(session, member_id, joined_on)
    if _open_membership(session, work_group_id, member_id, joined_on) is not None:
        errors.append(f"Membre: {member.name} ja forma part del grup {group.name}.")
    if errors:
        raise ValidationError(errors)
    membership = add_audited(
        session,
        WorkGroupMembership(work_group_id=work_group_id, member_id=member_id, joined_on=joined_on),
        username=actor.audit_name,
    )
    return membership.id


def withdraw_member(
    *,
    session: Session,
    work_group_id: int,
    member_id: int | None,
    left_on: date | None,
    today: date,
    actor: Actor,
) -> int:
    """Close the member's open membership of the group on ``left_on``; returns its id."""
    require(actor, Right.EDIT_NETWORK)
    if member_id is None:
        raise ValidationError([NO_MEMBER])
    if left_on is None:
        raise ValidationError(["Data de baixa del grup: cal indicar-la."])
    if left_on > today:
        raise ValidationError([f"Data de baixa del grup: {fmt_date(left_on)} és una data futura."])
    group = _group(session, work_group_id)
    member = session.get(Member, member_id)
    if member is None:
        raise ValidationError([f"Membre: no existeix cap membre amb l'identificador {member_id}."])
    membership = _open_membership(session, work_group_id, member_id, today)
    if membership is None:
        raise ValidationError([f"Membre: «{member.name}» no forma part del grup «{group.name}»."])
    if left_on < membership.joined_on:
        raise ValidationError(
            [
                f"Data de baixa del grup: {fmt_date(left_on)} és anterior a l'alta al grup "
                f"({fmt_date(membership.joined_on)})."
            ]
        )
    update_audited(session, membership, username=actor.audit_name, left_on=left_on)
    return membership.id


@dataclass(frozen=True)
class SessionForm:
    work_group_id: int
    held_on: date | None
    format: EventFormat | None
    municipality_code: str | None = None
    title: str = ""
    notes: str = ""
    attendee_ids: tuple[int, ...] = field(default_factory=tuple)


def default_session_title(group_name: str, held_on: date) -> str:
    """The title the demo and the team use: "Sessió del GT de Cures (març 2026)"."""
    return f"Sessió del GT {with_de(group_name)} ({MONTHS[held_on.month - 1]} {held_on.year})"


def record_session(*, session: Session, form: SessionForm, today: date, actor: Actor) -> int:
    """Record a work-group session and the members who attended it; returns the event's id.

    A future session can be scheduled, without attendance: attendance is recorded once held."""
    require(actor, Right.EDIT_NETWORK)
    group = _group(session, form.work_group_id)
    errors: list[str] = []
    if group.status == WorkGroupStatus.SUSPENDED:
        errors.append(
            f"Grup de treball: {group.name} està en suspens; no s'hi poden registrar sessions."
        )
    if form.held_on is None:
        errors.append("Data: cal indicar la data de la sessió.")
    elif form.held_on > today and form.attendee_ids:
        errors.append(
            f"Assistents: la sessió del {fmt_date(form.held_on)} encara no s'ha fet; "
            "l'assistència es registra un cop feta."
        )
    if form.format is None:
        errors.append("Format: cal triar presencial, virtual o híbrid.")
    elif form.format != EventFormat.VIRTUAL and not form.municipality_code:
        errors.append("Lloc: una sessió presencial o híbrida necessita el municipi on es fa.")
    if (
        form.municipality_code
        and form.format != EventFormat.VIRTUAL
        and session.get(Municipality, form.municipality_code) is None
    ):
        errors.append(f"Lloc: el municipi {form.municipality_code} no existeix.")
    title = form.title.strip()
    if len(title) > 200:
        errors.append("Títol: com a màxim 200 caràcters.")
    attendee_ids = tuple(dict.fromkeys(form.attendee_ids))
    if form.held_on is not None:
        for member_id in attendee_ids:
            try:
                _member_on(session, member_id, form.held_on, "Assistents")
            except ValidationError as error:
                errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    assert form.held_on is not None and form.format is not None  # checked above
    event = add_audited(
        session,
        Event(
            title=title or default_session_title(group.name, form.held_on),
            kind=EventKind.WORK_GROUP_SESSION,
            held_on=form.held_on,
            format=form.format,
            municipality_code=(
                None if form.format == EventFormat.VIRTUAL else form.municipality_code
            ),
            work_group_id=group.id,
            notes=form.notes.strip(),
        ),
        username=actor.audit_name,
    )
    for member_id in attendee_ids:
        add_audited(
            session,
            Registration(
                event_id=event.id,
                member_id=member_id,
                person_id=None,
                status=RegistrationStatus.ATTENDED,
                registered_on=form.held_on,
            ),
            username=actor.audit_name,
        )
    return event.id


@reads(Area.REFERENCE)
def place_options(*, session: Session) -> pd.DataFrame:
    """Municipalities for the place of an in-person session: code, name and comarca."""
    rows = session.execute(
        select(Municipality.ine_code, Municipality.name, Comarca.name)
        .join(Comarca, Comarca.code == Municipality.comarca_code)
        .order_by(Municipality.name)
    ).all()
    return frame_of(rows, columns=["municipality_code", "municipality", "comarca"])
