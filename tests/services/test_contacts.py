from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    AuditAction,
    AuditLog,
    Channel,
    Interaction,
    OnboardingStep,
    OnboardingStepKind,
    Referral,
)
from services.contacts import ContactForm, ValidationError, log_contact, mark_onboarding_step
from services.follow_up import Cadence, FollowUpStatus, member_status
from services.member_file import member_profile, member_timeline
from tests import factories as make
from tests.factories import staff

TODAY = date(2026, 11, 24)
CADENCE = Cadence(regular_days=90, onboarding_days=30)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_logging_a_call_moves_an_overdue_member_to_up_to_date(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    anna = make.person(session, vic, "Anna Puig")
    session.add(
        Interaction(
            member_id=vic.id,
            occurred_on=TODAY - timedelta(days=200),
            channel=Channel.EMAIL,
            summary="Correu",
        )
    )
    session.commit()
    before = member_status(session=session, today=TODAY, cadence=CADENCE)
    assert before.loc[0, "status"] == FollowUpStatus.OVERDUE

    log_contact(
        session=session,
        form=ContactForm(
            member_id=vic.id,
            occurred_on=TODAY,
            channel=Channel.PHONE,
            summary="Trucada: volen una jornada sobre CCPR",
            person_id=anna.id,
            need_codes=("ccpr", "cures"),
            referral=Referral.ADVISORY,
            next_contact_on=TODAY + timedelta(days=30),
        ),
        today=TODAY,
        actor=staff("marta"),
    )
    session.commit()
    row = member_status(session=session, today=TODAY, cadence=CADENCE).loc[0]
    assert row["status"] == FollowUpStatus.UP_TO_DATE
    assert row["next_due"] == TODAY + timedelta(days=30)
    latest = member_timeline(session=session, member_id=vic.id).iloc[0]
    assert latest["summary"] == "Trucada: volen una jornada sobre CCPR"
    assert latest["needs"] == "CCPR, Cures"
    assert latest["person"] == "Anna Puig"
    assert latest["referral"] == "Assessorament"
    audit = session.scalars(select(AuditLog)).one()
    assert (audit.username, audit.table_name, audit.after["needs"]) == (
        "marta",
        "interaction",
        ["ccpr", "cures"],
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"occurred_on": TODAY + timedelta(days=1)}, "Data"),
        ({"occurred_on": None}, "Data"),
        ({"summary": "   "}, "Resum"),
        ({"channel": None}, "Canal"),
        ({"next_contact_on": TODAY - timedelta(days=3)}, "Proper contacte"),
        ({"need_codes": ("astrologia",)}, "Necessitats"),
    ],
)
def test_refused_input_names_the_field_and_writes_nothing(
    session: Session, changes: dict, field: str
) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    session.commit()
    values = {
        "member_id": vic.id,
        "occurred_on": TODAY,
        "channel": Channel.PHONE,
        "summary": "Trucada",
    } | changes
    with pytest.raises(ValidationError) as refused:
        log_contact(session=session, form=ContactForm(**values), today=TODAY, actor=staff("marta"))
    session.rollback()
    assert any(message.startswith(f"{field}:") for message in refused.value.messages)
    assert _count(session, Interaction) == 0
    assert _count(session, AuditLog) == 0


def test_every_bad_field_is_reported_at_once(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    form = ContactForm(member_id=vic.id, occurred_on=None, channel=None, summary="")
    with pytest.raises(ValidationError) as refused:
        log_contact(session=session, form=form, today=TODAY, actor=staff("marta"))
    assert len(refused.value.messages) == 3


def test_person_of_another_member_is_refused(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    stranger = make.person(session, reus, "Pere Roca")
    form = ContactForm(
        member_id=vic.id,
        occurred_on=TODAY,
        channel=Channel.PHONE,
        summary="Trucada",
        person_id=stranger.id,
    )
    with pytest.raises(ValidationError, match="Persona: no és un contacte de Ajuntament de Vic"):
        log_contact(session=session, form=form, today=TODAY, actor=staff("marta"))


def test_contact_with_a_member_who_left_is_refused(session: Session) -> None:
    gone = make.member(session, "Ajuntament de Manlleu", left_on=date(2025, 1, 1))
    form = ContactForm(member_id=gone.id, occurred_on=TODAY, channel=Channel.PHONE, summary="Hola")
    with pytest.raises(ValidationError, match="va deixar la xarxa el 01/01/2025"):
        log_contact(session=session, form=form, today=TODAY, actor=staff("marta"))


def test_ticking_and_unticking_an_onboarding_step(session: Session) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=10))
    step = OnboardingStepKind.WELCOME_MEETING
    mark_onboarding_step(
        session=session,
        member_id=new.id,
        step=step,
        done_on=TODAY,
        today=TODAY,
        actor=staff("marta"),
    )
    profile = member_profile(session=session, member_id=new.id, today=TODAY)
    assert profile is not None
    assert profile.onboarding[0] == ("welcome_meeting", "Reunió de benvinguda", TODAY)
    mark_onboarding_step(
        session=session,
        member_id=new.id,
        step=step,
        done_on=None,
        today=TODAY,
        actor=staff("marta"),
    )
    profile = member_profile(session=session, member_id=new.id, today=TODAY)
    assert profile is not None and profile.onboarding[0][2] is None


def test_onboarding_step_in_the_future_is_refused(session: Session) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=10))
    with pytest.raises(ValidationError, match="data futura"):
        mark_onboarding_step(
            session=session,
            member_id=new.id,
            step=OnboardingStepKind.ABC_SHEET,
            done_on=TODAY + timedelta(days=1),
            today=TODAY,
            actor=staff("marta"),
        )


def test_ticking_a_step_outside_the_protocol_creates_it_and_logs_the_creation(
    session: Session,
) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=10))
    mark_onboarding_step(
        session=session,
        member_id=new.id,
        step=OnboardingStepKind.ABC_SHEET,
        done_on=TODAY,
        today=TODAY,
        actor=staff("marta"),
    )
    profile = member_profile(session=session, member_id=new.id, today=TODAY)
    assert profile is not None
    assert [(code, done_on) for code, _, done_on in profile.onboarding] == [("abc_sheet", TODAY)]
    audit = session.scalars(select(AuditLog)).one()
    assert (audit.action, audit.table_name, audit.username) == (
        AuditAction.CREATE,
        "onboarding_step",
        "marta",
    )
    assert audit.after["done_on"] == TODAY.isoformat()


def test_unticking_a_step_logs_the_change_with_its_date_before(session: Session) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=10))
    step = OnboardingStepKind.WELCOME_MEETING
    session.add(OnboardingStep(member_id=new.id, step=step, done_on=TODAY - timedelta(days=2)))
    session.flush()
    mark_onboarding_step(
        session=session,
        member_id=new.id,
        step=step,
        done_on=None,
        today=TODAY,
        actor=staff("marta"),
    )
    audit = session.scalars(select(AuditLog)).one()
    assert audit.action == AuditAction.UPDATE
    assert (audit.before, audit.after) == (
        {"done_on": (TODAY - timedelta(days=2)).isoformat()},
        {"done_on": None},
    )
