"""Follow-up rules: whom to contact, and which new member is stuck in onboarding.

All derived from stored facts (interactions, onboarding steps); nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.data_version import Area, reads
from db.models import (
    AppUser,
    Comarca,
    Interaction,
    Member,
    Municipality,
    OnboardingStep,
    Province,
)
from services.clauses import active_member_clause
from services.collation import sort_by_place
from services.frames import frame_of
from services.labels import MEMBER_KIND
from settings import Settings

# "Toca aviat": the next contact falls within this many days.
DUE_SOON_DAYS = 14
# An onboarding with no step done for this long is stuck ("encallat").
STUCK_AFTER_DAYS = 30


class FollowUpStatus(StrEnum):
    OVERDUE = "Endarrerit"
    NEVER = "Sense contacte"
    DUE_SOON = "Toca aviat"
    UP_TO_DATE = "Al dia"


# Most urgent first: the order of the morning list.
STATUS_ORDER = [
    FollowUpStatus.OVERDUE,
    FollowUpStatus.NEVER,
    FollowUpStatus.DUE_SOON,
    FollowUpStatus.UP_TO_DATE,
]


@dataclass(frozen=True)
class Cadence:
    """Days between contacts with a member: routinely, and while its onboarding is in progress.

    The caller builds it from the settings and passes it to ``member_status`` rather than the
    service reading the settings itself: the UI caches that query on its arguments, so a
    changed setting changes the cache key and is never served a status computed with the old
    cadence. Frozen, so it hashes as a cache key."""

    regular_days: int
    onboarding_days: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Cadence:
        return cls(
            regular_days=settings.follow_up_cadence_days,
            onboarding_days=settings.onboarding_cadence_days,
        )


def classify(
    *, today: date, last_contact: date | None, next_due: date
) -> tuple[FollowUpStatus, int]:
    """The status and the days overdue (0 unless overdue) of one member."""
    if last_contact is None:
        return FollowUpStatus.NEVER, max((today - next_due).days, 0)
    if next_due < today:
        return FollowUpStatus.OVERDUE, (today - next_due).days
    if next_due <= today + timedelta(days=DUE_SOON_DAYS):
        return FollowUpStatus.DUE_SOON, 0
    return FollowUpStatus.UP_TO_DATE, 0


@reads(Area.MEMBERS)
def onboarding_progress(*, session: Session, today: date) -> pd.DataFrame:
    """One row per active member with a welcome protocol: steps done, progress, stuck."""
    columns = [
        "member_id",
        "member",
        "joined_on",
        "steps_done",
        "steps_total",
        "progress",
        "last_step_on",
        "complete",
        "stuck",
        "days_without_progress",
    ]
    members: dict[int, tuple[str, date]] = {}
    steps: dict[int, list[date | None]] = {}
    for member_id, name, joined_on, done_on in session.execute(
        select(Member.id, Member.name, Member.joined_on, OnboardingStep.done_on)
        .join(OnboardingStep, OnboardingStep.member_id == Member.id)
        .where(active_member_clause(today))
    ):
        members[member_id] = (name, joined_on)
        steps.setdefault(member_id, []).append(done_on)
    result = []
    for member_id, dates in steps.items():
        name, joined_on = members[member_id]
        done = [d for d in dates if d is not None]
        last_step_on = max(done, default=None)
        complete = len(done) == len(dates)
        # A member who joined recently is not stuck just because nothing is done yet.
        days_idle = (today - (last_step_on or joined_on)).days
        result.append(
            (
                member_id,
                name,
                joined_on,
                len(done),
                len(dates),
                len(done) / len(dates),
                last_step_on,
                complete,
                (not complete) and days_idle > STUCK_AFTER_DAYS,
                0 if complete else days_idle,
            )
        )
    return sort_by_place(frame_of(result, columns))


@reads(Area.MEMBERS, Area.CONTACTS, Area.REFERENCE, Area.USERS)
def member_status(*, session: Session, today: date, cadence: Cadence) -> pd.DataFrame:
    """Every active member with its last contact, next contact due (by ``cadence``, unless the
    last contact set one) and follow-up status, most urgent first. Members who left the
    network are not listed."""
    owner = aliased(AppUser)
    members = session.execute(
        select(
            Member.id,
            Member.name,
            Member.kind,
            Member.joined_on,
            Municipality.name,
            Comarca.name,
            Province.name,
            owner.full_name,
        )
        .join(Municipality, Member.municipality_code == Municipality.ine_code)
        .join(Comarca, Municipality.comarca_code == Comarca.code)
        .join(Province, Municipality.province_code == Province.code)
        .outerjoin(owner, Member.owner_id == owner.id)
        .where(active_member_clause(today))
    ).all()
    columns = [
        "member_id",
        "member",
        "kind",
        "municipality",
        "comarca",
        "province",
        "owner",
        "joined_on",
        "last_contact",
        "next_due",
        "days_overdue",
        "status",
        "in_onboarding",
    ]
    if not members:
        return pd.DataFrame(columns=columns)

    # The latest contact up to today per member; on a day with two contacts, the later entry.
    last_by_member: dict[int, tuple[date, date | None]] = {}
    for member_id, occurred_on, next_contact_on in session.execute(
        select(Interaction.member_id, Interaction.occurred_on, Interaction.next_contact_on)
        .where(Interaction.occurred_on <= today)
        .order_by(Interaction.occurred_on, Interaction.id)
    ):
        last_by_member[member_id] = (occurred_on, next_contact_on)
    onboarding = onboarding_progress(session=session, today=today)
    in_onboarding = set(onboarding.loc[~onboarding["complete"], "member_id"].tolist())

    rows = []
    for m in members:
        member_id, name, kind, joined_on, municipality, comarca, province, owner_name = m
        days = cadence.onboarding_days if member_id in in_onboarding else cadence.regular_days
        last_contact, explicit_next = last_by_member.get(member_id, (None, None))
        if last_contact is None:
            next_due = joined_on + timedelta(days=days)
        else:
            next_due = explicit_next or last_contact + timedelta(days=days)
        status, overdue = classify(today=today, last_contact=last_contact, next_due=next_due)
        rows.append(
            (
                member_id,
                name,
                MEMBER_KIND[kind],
                municipality,
                comarca,
                province,
                owner_name or "",
                joined_on,
                last_contact,
                next_due,
                overdue,
                status.value,
                member_id in in_onboarding,
            )
        )
    frame = frame_of(rows, columns)
    frame["_rank"] = frame["status"].map({s.value: i for i, s in enumerate(STATUS_ORDER)})
    frame = frame.sort_values(
        ["_rank", "days_overdue", "next_due", "member"], ascending=[True, False, True, True]
    )
    return frame.drop(columns="_rank").reset_index(drop=True)


@reads(Area.MEMBERS, Area.USERS)
def members_owned_by(*, session: Session, email: str) -> frozenset[int]:
    """The members whose relationship the team member signed in as ``email`` is in charge of
    ("Els meus membres"); none for an address that is no team member's."""
    return frozenset(
        session.scalars(
            select(Member.id)
            .join(AppUser, AppUser.id == Member.owner_id)
            .where(func.lower(AppUser.email) == email.strip().lower())
        )
    )
