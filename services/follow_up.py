"""Follow-up rules: whom to contact, and which new member is stuck in onboarding.

All derived from stored facts (interactions, onboarding steps); nothing here is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

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
from services.labels import MEMBER_KIND

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
    regular_days: int = 90
    onboarding_days: int = 30


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


def _onboarding_frame(session: Session, member_ids: list[int]) -> pd.DataFrame:
    rows = session.execute(
        select(OnboardingStep.member_id, OnboardingStep.step, OnboardingStep.done_on).where(
            OnboardingStep.member_id.in_(member_ids)
        )
    ).all()
    return pd.DataFrame(rows, columns=["member_id", "step", "done_on"])


def onboarding_progress(*, session: Session, today: date) -> pd.DataFrame:
    """One row per active member with a welcome protocol: steps done, progress, stuck."""
    members = session.execute(
        select(Member.id, Member.name, Member.joined_on, Member.mentor_id).where(
            active_member_clause(today)
        )
    ).all()
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
    steps = _onboarding_frame(session, [m.id for m in members])
    if steps.empty:
        return pd.DataFrame(columns=columns)
    by_member = {m.id: m for m in members}
    result = []
    for member_id, group in steps.groupby("member_id"):
        member = by_member[int(member_id)]
        done = group["done_on"].dropna()
        last_step_on = max(done) if len(done) else None
        complete = len(done) == len(group)
        # A member who joined recently is not stuck just because nothing is done yet.
        reference = last_step_on or member.joined_on
        days_idle = (today - reference).days
        result.append(
            {
                "member_id": int(member_id),
                "member": member.name,
                "joined_on": member.joined_on,
                "steps_done": len(done),
                "steps_total": len(group),
                "progress": len(done) / len(group),
                "last_step_on": last_step_on,
                "complete": complete,
                "stuck": (not complete) and days_idle > STUCK_AFTER_DAYS,
                "days_without_progress": 0 if complete else days_idle,
            }
        )
    return pd.DataFrame(result, columns=columns).sort_values("member").reset_index(drop=True)


def member_status(*, session: Session, today: date, cadence: Cadence = Cadence()) -> pd.DataFrame:
    """Every active member with its last contact, next contact due and follow-up status,
    most urgent first. Members who left the network are not listed."""
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
    contacts = pd.DataFrame(
        session.execute(
            select(
                Interaction.member_id,
                Interaction.occurred_on,
                Interaction.next_contact_on,
                Interaction.id,
            ).where(Interaction.occurred_on <= today)
        ).all(),
        columns=["member_id", "occurred_on", "next_contact_on", "id"],
    )
    latest = (
        contacts.sort_values(["occurred_on", "id"]).groupby("member_id").tail(1)
        if not contacts.empty
        else contacts
    )
    last_by_member = {
        int(row.member_id): (row.occurred_on, row.next_contact_on)
        for row in latest.itertuples(index=False)
    }
    onboarding = onboarding_progress(session=session, today=today)
    in_onboarding = set(onboarding.loc[~onboarding["complete"], "member_id"].astype(int))

    rows = []
    for m in members:
        member_id, name, kind, joined_on, municipality, comarca, province, owner_name = m
        days = cadence.onboarding_days if member_id in in_onboarding else cadence.regular_days
        last_contact, explicit_next = last_by_member.get(member_id, (None, None))
        if last_contact is None:
            next_due = joined_on + timedelta(days=days)
        else:
            next_due = (
                explicit_next if pd.notna(explicit_next) else last_contact + timedelta(days=days)
            )
        status, overdue = classify(today=today, last_contact=last_contact, next_due=next_due)
        rows.append(
            {
                "member_id": member_id,
                "member": name,
                "kind": MEMBER_KIND[kind],
                "municipality": municipality,
                "comarca": comarca,
                "province": province,
                "owner": owner_name or "",
                "joined_on": joined_on,
                "last_contact": last_contact,
                "next_due": next_due,
                "days_overdue": overdue,
                "status": status.value,
                "in_onboarding": member_id in in_onboarding,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    frame["_rank"] = frame["status"].map({s.value: i for i, s in enumerate(STATUS_ORDER)})
    frame = frame.sort_values(
        ["_rank", "days_overdue", "next_due", "member"], ascending=[True, False, True, True]
    )
    return frame.drop(columns="_rank").reset_index(drop=True)
