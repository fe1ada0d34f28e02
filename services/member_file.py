"""A member's file: profile, contacts, timeline, onboarding, advisories, groups, events;
and the network-wide follow-up charts (contacts per month, needs by topic)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.data_version import Area, reads
from db.models import (
    Advisory,
    AppUser,
    Comarca,
    Event,
    Interaction,
    InteractionNeed,
    Member,
    Municipality,
    OnboardingStep,
    OnboardingStepKind,
    Person,
    Province,
    Registration,
    RegistrationStatus,
    Topic,
    UserRole,
    WorkGroup,
    WorkGroupMembership,
)
from services import privacy
from services.clauses import active_member_clause
from services.frames import frame_of
from services.labels import (
    ADVISORY_KIND,
    ADVISORY_STATUS,
    CHANNEL,
    EVENT_KIND,
    MEMBER_KIND,
    ONBOARDING_STEP,
    PERSON_ROLE,
    REFERRAL,
)


@dataclass(frozen=True)
class MemberProfile:
    member_id: int
    name: str
    kind: str
    municipality: str
    comarca: str
    province: str
    joined_on: date
    left_on: date | None
    mentor: str | None
    mentees: tuple[str, ...]
    territorial_delegate: bool
    abc_sheet_updated_on: date | None
    owner: str | None
    work_groups: tuple[str, ...]
    # (step code, Catalan label, date done or None), in protocol order; empty if no protocol.
    onboarding: tuple[tuple[str, str, date | None], ...]


@reads(Area.MEMBERS)
def member_options(*, session: Session, today: date) -> pd.DataFrame:
    """Active members for pickers: id and name, alphabetical."""
    rows = session.execute(
        select(Member.id, Member.name).where(active_member_clause(today)).order_by(Member.name)
    ).all()
    return frame_of(rows, ["member_id", "member"])


@reads(Area.MEMBERS, Area.WORK_GROUPS, Area.REFERENCE, Area.USERS)
def member_profile(*, session: Session, member_id: int, today: date) -> MemberProfile | None:
    mentor = aliased(Member)
    row = session.execute(
        select(Member, Municipality.name, Comarca.name, Province.name, mentor.name, AppUser)
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Municipality.comarca_code == Comarca.code)
        .join(Province, Municipality.province_code == Province.code)
        .outerjoin(mentor, Member.mentor_id == mentor.id)
        .outerjoin(AppUser, Member.owner_id == AppUser.id)
        .where(Member.id == member_id)
    ).one_or_none()
    if row is None:
        return None
    member, municipality, comarca, province, mentor_name, owner = row
    mentees = session.scalars(
        select(Member.name)
        .where(Member.mentor_id == member_id, active_member_clause(today))
        .order_by(Member.name)
    ).all()
    groups = session.scalars(
        select(WorkGroup.name)
        .join(WorkGroupMembership, WorkGroupMembership.work_group_id == WorkGroup.id)
        .where(
            WorkGroupMembership.member_id == member_id,
            (WorkGroupMembership.left_on.is_(None)) | (WorkGroupMembership.left_on > today),
        )
        .order_by(WorkGroup.name)
    ).all()
    steps = {
        step: done_on
        for step, done_on in session.execute(
            select(OnboardingStep.step, OnboardingStep.done_on).where(
                OnboardingStep.member_id == member_id
            )
        ).all()
    }
    onboarding = tuple(
        (str(kind), ONBOARDING_STEP[kind], steps[kind])
        for kind in OnboardingStepKind
        if kind in steps
    )
    return MemberProfile(
        member_id=member.id,
        name=member.name,
        kind=MEMBER_KIND[member.kind],
        municipality=municipality,
        comarca=comarca,
        province=province,
        joined_on=member.joined_on,
        left_on=member.left_on,
        mentor=mentor_name,
        mentees=tuple(mentees),
        territorial_delegate=member.is_territorial_delegate,
        abc_sheet_updated_on=member.abc_sheet_updated_on,
        owner=owner.full_name if owner else None,
        work_groups=tuple(groups),
        onboarding=onboarding,
    )


@reads(Area.MEMBERS)
def member_persons(*, session: Session, member_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(
            Person.id,
            Person.full_name,
            Person.role,
            Person.position,
            Person.email,
            Person.phone,
            Person.consent_contact,
        )
        # An anonymised person is kept only for the counts: nobody to list or to contact.
        .where(
            Person.member_id == member_id,
            Person.active.is_(True),
            Person.anonymised_at.is_(None),
        )
        .order_by(Person.role, Person.full_name)
    ).all()
    frame = frame_of(
        rows, ["person_id", "person", "role", "position", "email", "phone", "consent_contact"]
    )
    frame["role"] = frame["role"].map(PERSON_ROLE)
    return frame


@reads(Area.MEMBERS, Area.CONTACTS, Area.REFERENCE, Area.USERS)
def member_timeline(*, session: Session, member_id: int, mask_names: bool = False) -> pd.DataFrame:
    """Interactions, newest first, with needs, referral and the agreed next contact.

    With ``mask_names`` (presentation mode), for a shared screen: the summary comes as
    ``MASKED_SUMMARY``, with known persons, e-mails and phones masked, and the staff member
    and the person are blank; nothing in it names anyone the network knows."""
    staff = aliased(AppUser)
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.occurred_on,
            Interaction.channel,
            staff.full_name,
            Person.full_name,
            Interaction.summary,
            Interaction.referral,
            Interaction.next_contact_on,
        )
        .outerjoin(staff, Interaction.staff_id == staff.id)
        .outerjoin(Person, Interaction.person_id == Person.id)
        .where(Interaction.member_id == member_id)
        .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())
    ).all()
    frame = frame_of(
        rows,
        [
            "interaction_id",
            "occurred_on",
            "channel",
            "staff",
            "person",
            "summary",
            "referral",
            "next_contact_on",
        ],
    )
    needs = session.execute(
        select(InteractionNeed.interaction_id, Topic.name)
        .join(Topic, Topic.id == InteractionNeed.topic_id)
        .join(Interaction, Interaction.id == InteractionNeed.interaction_id)
        .where(Interaction.member_id == member_id)
        .order_by(Topic.name)
    ).all()
    by_interaction: dict[int, list[str]] = {}
    for interaction_id, topic in needs:
        by_interaction.setdefault(interaction_id, []).append(topic)
    frame["needs"] = frame["interaction_id"].map(lambda i: ", ".join(by_interaction.get(i, [])))
    frame["channel"] = frame["channel"].map(CHANNEL)
    frame["referral"] = frame["referral"].map(REFERRAL).fillna("")
    frame[["staff", "person"]] = frame[["staff", "person"]].fillna("")
    if mask_names:
        frame = privacy.mask_summaries(frame, session=session)
        frame[["staff", "person"]] = ""
    return frame


@reads(Area.MEMBERS, Area.REFERENCE)
def member_advisories(*, session: Session, member_id: int) -> pd.DataFrame:
    mentor = aliased(Member)
    rows = session.execute(
        select(
            Advisory.requested_on,
            Advisory.kind,
            Topic.name,
            Advisory.status,
            Advisory.hours,
            mentor.name,
        )
        .outerjoin(Topic, Topic.id == Advisory.topic_id)
        .outerjoin(mentor, mentor.id == Advisory.mentor_member_id)
        .where(Advisory.member_id == member_id)
        .order_by(Advisory.requested_on.desc())
    ).all()
    frame = frame_of(rows, ["requested_on", "kind", "topic", "status", "hours", "mentor"])
    frame["kind"] = frame["kind"].map(ADVISORY_KIND)
    frame["status"] = frame["status"].map(ADVISORY_STATUS)
    frame["hours"] = frame["hours"].astype(float)
    frame[["topic", "mentor"]] = frame[["topic", "mentor"]].fillna("")
    return frame


@reads(Area.EVENTS)
def member_events(*, session: Session, member_id: int, today: date) -> pd.DataFrame:
    """Events the member attended, newest first."""
    rows = session.execute(
        select(Event.held_on, Event.title, Event.kind)
        .join(Registration, Registration.event_id == Event.id)
        .where(
            Registration.member_id == member_id,
            Registration.status == RegistrationStatus.ATTENDED,
            Event.held_on <= today,
        )
        .distinct()
        .order_by(Event.held_on.desc())
    ).all()
    frame = frame_of(rows, ["held_on", "event", "kind"])
    frame["kind"] = frame["kind"].map(EVENT_KIND)
    return frame


def _month_start(day: date) -> date:
    return day.replace(day=1)


@reads(Area.MEMBERS, Area.CONTACTS)
def contacts_per_month(*, session: Session, today: date, months: int = 24) -> pd.DataFrame:
    """Contacts per calendar month over the last ``months`` months, zero months included.
    ``partial`` marks the month under way: counted up to today, it is not a fall."""
    first = _month_start(today)
    for _ in range(months - 1):
        first = _month_start(first - timedelta(days=1))
    dates = session.scalars(
        select(Interaction.occurred_on).where(Interaction.occurred_on.between(first, today))
    ).all()
    counts = Counter(_month_start(d) for d in dates)
    starts = pd.date_range(first, today, freq="MS")
    return pd.DataFrame(
        {
            "month": starts,
            "contacts": [counts[m.date()] for m in starts],
            "partial": [m.date() == _month_start(today) for m in starts],
        }
    )


@reads(Area.MEMBERS, Area.CONTACTS, Area.REFERENCE)
def needs_by_topic(*, session: Session, today: date, months: int = 12) -> pd.DataFrame:
    """Needs detected per topic over the last ``months`` months, every topic listed."""
    since = today - timedelta(days=round(months * 30.44))
    counts = (
        select(InteractionNeed.topic_id, func.count().label("needs"))
        .join(Interaction, Interaction.id == InteractionNeed.interaction_id)
        .where(Interaction.occurred_on.between(since, today))
        .group_by(InteractionNeed.topic_id)
        .subquery()
    )
    rows = session.execute(
        select(Topic.name, func.coalesce(counts.c.needs, 0))
        .outerjoin(counts, counts.c.topic_id == Topic.id)
        .order_by(Topic.id)
    ).all()
    return frame_of(rows, ["topic", "needs"])


@reads(Area.USERS)
def staff_options(*, session: Session) -> pd.DataFrame:
    """Active staff who can own a relationship or log a contact (not the Commission)."""
    rows = session.execute(
        select(AppUser.id, AppUser.full_name)
        .where(AppUser.active.is_(True), AppUser.role != UserRole.COMMISSION)
        .order_by(AppUser.full_name)
    ).all()
    return frame_of(rows, ["staff_id", "staff"])


@reads(Area.REFERENCE)
def topic_options(*, session: Session) -> pd.DataFrame:
    rows = session.execute(select(Topic.code, Topic.name).order_by(Topic.id)).all()
    return frame_of(rows, ["code", "name"])
