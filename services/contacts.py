"""Writes of the follow-up work: log a contact, tick an onboarding step.

Every write validates all its fields first and raises ``ValidationError`` with Catalan messages
naming each field; nothing is written unless everything is valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Channel,
    Interaction,
    Member,
    OnboardingStep,
    OnboardingStepKind,
    Person,
    Referral,
    Topic,
)
from services.access import Actor, Right, require
from services.audit import add_audited, update_audited
from services.errors import ValidationError
from services.formatting import fmt_date
from services.labels import ONBOARDING_STEP


@dataclass(frozen=True)
class ContactForm:
    member_id: int
    occurred_on: date | None
    channel: Channel | None
    summary: str
    person_id: int | None = None
    need_codes: tuple[str, ...] = ()
    referral: Referral | None = None
    next_contact_on: date | None = None
    staff_id: int | None = None


def _active_member(session: Session, member_id: int, on: date) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise ValidationError([f"Membre: no existeix cap membre amb l'identificador {member_id}."])
    if member.left_on is not None and member.left_on <= on:
        raise ValidationError(
            [f"Membre: {member.name} va deixar la xarxa el {fmt_date(member.left_on)}."]
        )
    return member


def log_contact(*, session: Session, form: ContactForm, today: date, actor: Actor) -> int:
    """Record a contact with a member; returns the new interaction's id."""
    require(actor, Right.EDIT_NETWORK)
    errors: list[str] = []
    if form.occurred_on is None:
        errors.append("Data: cal indicar la data del contacte.")
    elif form.occurred_on > today:
        errors.append(
            f"Data: {fmt_date(form.occurred_on)} és una data futura; "
            "registreu els contactes un cop fets."
        )
    if form.channel is None:
        errors.append("Canal: cal triar com s'ha fet el contacte.")
    if not form.summary.strip():
        errors.append("Resum: no pot quedar buit; expliqueu breument de què s'ha parlat.")
    if (
        form.next_contact_on is not None
        and form.occurred_on is not None
        and form.next_contact_on < form.occurred_on
    ):
        errors.append(
            f"Proper contacte: {fmt_date(form.next_contact_on)} és anterior a la data del "
            f"contacte ({fmt_date(form.occurred_on)})."
        )
    member = _active_member(session, form.member_id, form.occurred_on or today)
    if form.person_id is not None:
        person = session.get(Person, form.person_id)
        if person is None or person.member_id != member.id:
            errors.append(f"Persona: no és un contacte de {member.name}.")
    topics = (
        session.scalars(select(Topic).where(Topic.code.in_(form.need_codes))).all()
        if form.need_codes
        else []
    )
    unknown = sorted(set(form.need_codes) - {t.code for t in topics})
    if unknown:
        errors.append(f"Necessitats: temes desconeguts ({', '.join(unknown)}).")
    if errors:
        raise ValidationError(errors)

    interaction = Interaction(
        member_id=member.id,
        person_id=form.person_id,
        staff_id=form.staff_id,
        occurred_on=form.occurred_on,
        channel=form.channel,
        summary=form.summary.strip(),
        referral=form.referral,
        next_contact_on=form.next_contact_on,
        needs=list(topics),
    )
    add_audited(
        session,
        interaction,
        username=actor.audit_name,
        # The needs as topic codes, which a snapshot of the columns would leave out.
        after={
            "member_id": member.id,
            "occurred_on": interaction.occurred_on.isoformat(),
            "channel": str(interaction.channel),
            "summary": interaction.summary,
            "referral": str(interaction.referral) if interaction.referral else None,
            "next_contact_on": form.next_contact_on.isoformat() if form.next_contact_on else None,
            "needs": [t.code for t in topics],
        },
    )
    return interaction.id


def mark_onboarding_step(
    *,
    session: Session,
    member_id: int,
    step: OnboardingStepKind,
    done_on: date | None,
    today: date,
    actor: Actor,
) -> None:
    """Tick (``done_on`` a date) or untick (``None``) one step of a member's welcome protocol."""
    require(actor, Right.EDIT_NETWORK)
    member = _active_member(session, member_id, today)
    label = ONBOARDING_STEP[step]
    if done_on is not None and done_on > today:
        raise ValidationError([f"{label}: {fmt_date(done_on)} és una data futura."])
    if done_on is not None and done_on < member.joined_on:
        raise ValidationError(
            [f"{label}: {fmt_date(done_on)} és anterior a l'alta ({fmt_date(member.joined_on)})."]
        )
    row = session.scalar(
        select(OnboardingStep).where(
            OnboardingStep.member_id == member_id, OnboardingStep.step == step
        )
    )
    if row is None:
        # A step outside the member's protocol so far: the tick creates it.
        add_audited(
            session,
            OnboardingStep(member_id=member_id, step=step, done_on=done_on),
            username=actor.audit_name,
        )
        return
    update_audited(session, row, username=actor.audit_name, done_on=done_on)
