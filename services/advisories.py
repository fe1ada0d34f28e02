"""Needs, referrals, advisories and mentoring (sections 1 and 2 of the work plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.data_version import Area, reads
from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    Interaction,
    InteractionNeed,
    Member,
    Municipality,
    Topic,
)
from services.clauses import active_member_clause
from services.frames import frame_of
from services.labels import ADVISORY_KIND, ADVISORY_STATUS, REFERRAL
from services.privacy import mask_summaries

OPEN_STATUSES = (AdvisoryStatus.REQUESTED, AdvisoryStatus.IN_PROGRESS)


@reads(Area.MEMBERS, Area.CONTACTS, Area.REFERENCE)
def needs_by_quarter(*, session: Session, today: date, quarters: int = 8) -> pd.DataFrame:
    """Needs detected per topic and calendar quarter, over the last ``quarters`` quarters.
    ``partial`` marks the quarter under way (counted up to today)."""
    first_quarter_month = 3 * ((today.month - 1) // 3) + 1
    start = date(today.year, first_quarter_month, 1)
    for _ in range(quarters - 1):
        start = (start - timedelta(days=1)).replace(day=1)
        start = start.replace(month=3 * ((start.month - 1) // 3) + 1)
    rows = session.execute(
        select(Interaction.occurred_on, Topic.name)
        .join(InteractionNeed, InteractionNeed.interaction_id == Interaction.id)
        .join(Topic, Topic.id == InteractionNeed.topic_id)
        .where(Interaction.occurred_on.between(start, today))
    ).all()
    frame = frame_of(rows, ["date", "topic"])
    if frame.empty:
        return pd.DataFrame(columns=["quarter", "topic", "needs", "partial"])

    def label(day: date) -> str:
        return f"{day.year} T{(day.month - 1) // 3 + 1}"

    frame["quarter"] = frame["date"].map(label)
    counts = frame.groupby(["quarter", "topic"]).size().reset_index(name="needs")
    counts["partial"] = counts["quarter"] == label(today)
    return counts


@reads(Area.MEMBERS, Area.CONTACTS, Area.USERS)
def referrals_without_follow_up(
    *, session: Session, today: date, mask_names: bool = False
) -> pd.DataFrame:
    """Referrals made at a contact after which the member was never contacted again.

    With ``mask_names`` (presentation mode) the contact's summary comes as
    ``privacy.MASKED_SUMMARY``, the known persons, e-mails and phones in it masked. (The
    masking reads the persons and the staff: hence ``Area.USERS``.)"""
    later = aliased(Interaction)
    has_later = (
        select(later.id)
        .where(
            later.member_id == Interaction.member_id, later.occurred_on > Interaction.occurred_on
        )
        .exists()
    )
    rows = session.execute(
        select(
            Member.id,
            Member.name,
            Interaction.occurred_on,
            Interaction.referral,
            Interaction.summary,
        )
        .join(Member, Member.id == Interaction.member_id)
        .where(
            Interaction.referral.is_not(None),
            Interaction.occurred_on <= today,
            ~has_later,
            active_member_clause(today),
        )
        .order_by(Interaction.occurred_on)
    ).all()
    frame = frame_of(rows, ["member_id", "member", "occurred_on", "referral", "summary"])
    frame["referral"] = frame["referral"].map(REFERRAL)
    frame.insert(3, "days_waiting", [(today - d).days for d in frame["occurred_on"]])
    return mask_summaries(frame, session=session) if mask_names else frame


@reads(Area.MEMBERS, Area.REFERENCE)
def open_advisories(*, session: Session) -> pd.DataFrame:
    """Open advisory and mentoring requests, by topic and status."""
    rows = session.execute(
        select(Topic.name, Advisory.kind, Advisory.status, func.count(Advisory.id))
        .outerjoin(Topic, Topic.id == Advisory.topic_id)
        .where(Advisory.status.in_(OPEN_STATUSES))
        .group_by(Topic.name, Advisory.kind, Advisory.status)
        .order_by(Topic.name)
    ).all()
    frame = frame_of(rows, ["topic", "kind", "status", "requests"])
    # Shown as is: the requests with no topic, as one group.
    frame["topic"] = frame["topic"].fillna("Sense tema")
    frame["kind"] = frame["kind"].map(ADVISORY_KIND)
    frame["status"] = frame["status"].map(ADVISORY_STATUS)
    return frame


@reads(Area.MEMBERS, Area.REFERENCE)
def open_advisory_requests(*, session: Session, today: date) -> pd.DataFrame:
    """Each open advisory or mentoring request of an active member, the longest open first:
    member, when requested, days open, kind, topic and status."""
    rows = session.execute(
        select(
            Member.id,
            Member.name,
            Advisory.requested_on,
            Advisory.kind,
            Topic.name,
            Advisory.status,
        )
        .join(Member, Member.id == Advisory.member_id)
        .outerjoin(Topic, Topic.id == Advisory.topic_id)
        .where(Advisory.status.in_(OPEN_STATUSES), active_member_clause(today))
        .order_by(Advisory.requested_on, Member.name)
    ).all()
    frame = frame_of(rows, ["member_id", "member", "requested_on", "kind", "topic", "status"])
    frame.insert(3, "days_open", [(today - d).days for d in frame["requested_on"]])
    frame["kind"] = frame["kind"].map(ADVISORY_KIND)
    frame["topic"] = frame["topic"].fillna("Sense tema")
    frame["status"] = frame["status"].map(ADVISORY_STATUS)
    return frame


@reads(Area.MEMBERS)
def mentor_pairs(*, session: Session, today: date) -> pd.DataFrame:
    """Active mentee members and their mentor municipality (municipi mentor)."""
    mentor = aliased(Member)
    rows = session.execute(
        select(mentor.name, Member.name, Member.joined_on)
        .join(mentor, mentor.id == Member.mentor_id)
        .where(active_member_clause(today))
        .order_by(mentor.name, Member.name)
    ).all()
    return frame_of(rows, ["mentor", "mentee", "joined_on"])


@dataclass(frozen=True)
class CcprBag:
    """The yearly bag of expert CCPR advisory hours for small municipalities."""

    year: int
    bag_hours: float
    used_hours: float
    by_member: pd.DataFrame

    @property
    def left_hours(self) -> float:
        return self.bag_hours - self.used_hours

    @property
    def used_share(self) -> float:
        return self.used_hours / self.bag_hours if self.bag_hours else 0.0


@reads(Area.MEMBERS, Area.REFERENCE)
def ccpr_bag(*, session: Session, year: int, bag_hours: float) -> CcprBag:
    """Hours of the CCPR expert service used in ``year`` (not cancelled), and by whom, against
    a bag of ``bag_hours``: the caller passes ``settings.ccpr_bag_hours``, so the cached
    query keys on it."""
    rows = session.execute(
        select(Member.name, Municipality.population, func.sum(Advisory.hours))
        .join(Member, Member.id == Advisory.member_id)
        .join(Municipality, Municipality.ine_code == Member.municipality_code)
        .where(
            Advisory.kind == AdvisoryKind.CCPR_EXPERT,
            Advisory.status != AdvisoryStatus.CANCELLED,
            Advisory.requested_on.between(date(year, 1, 1), date(year, 12, 31)),
        )
        .group_by(Member.name, Municipality.population)
        .order_by(func.sum(Advisory.hours).desc())
    ).all()
    by_member = frame_of(rows, ["member", "population", "hours"])
    by_member["hours"] = by_member["hours"].astype(float)
    return CcprBag(
        year=year,
        bag_hours=float(bag_hours),
        used_hours=float(by_member["hours"].sum()),
        by_member=by_member,
    )
