from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from db.models import (
    AppUser,
    Channel,
    Interaction,
    OnboardingStep,
    OnboardingStepKind,
    UserRole,
)
from services.follow_up import (
    Cadence,
    FollowUpStatus,
    classify,
    member_status,
    members_owned_by,
    onboarding_progress,
)
from settings import load_settings
from tests import factories as make

TODAY = date(2026, 11, 24)
# The rules below are stated for the default cadence: 90 days, 30 in onboarding.
CADENCE = Cadence(regular_days=90, onboarding_days=30)


def contact(session: Session, member_id: int, on: date, next_on: date | None = None) -> None:
    session.add(
        Interaction(
            member_id=member_id,
            occurred_on=on,
            channel=Channel.PHONE,
            summary="Trucada de seguiment",
            next_contact_on=next_on,
        )
    )
    session.flush()


def status_of(session: Session, name: str, today: date = TODAY) -> dict:
    frame = member_status(session=session, today=today, cadence=CADENCE)
    return frame.set_index("member").loc[name].to_dict()


def test_never_contacted(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", joined_on=date(2026, 1, 10))
    row = status_of(session, "Ajuntament de Vic")
    assert row["status"] == FollowUpStatus.NEVER
    assert row["last_contact"] is None
    assert row["next_due"] == date(2026, 1, 10) + timedelta(days=90)


def test_contact_today_is_up_to_date(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY)
    row = status_of(session, "Ajuntament de Vic")
    assert row["status"] == FollowUpStatus.UP_TO_DATE
    assert row["next_due"] == TODAY + timedelta(days=90)
    assert row["days_overdue"] == 0


def test_cadence_passed_means_overdue_by_the_days_past(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY - timedelta(days=100))
    row = status_of(session, "Ajuntament de Vic")
    assert row["status"] == FollowUpStatus.OVERDUE
    assert row["days_overdue"] == 10


def test_explicit_next_date_earlier_than_the_cadence_wins(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY - timedelta(days=20), next_on=TODAY - timedelta(days=5))
    row = status_of(session, "Ajuntament de Vic")
    assert row["next_due"] == TODAY - timedelta(days=5)
    assert row["status"] == FollowUpStatus.OVERDUE
    assert row["days_overdue"] == 5


def test_due_within_fourteen_days_is_due_soon(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY - timedelta(days=80))
    assert status_of(session, "Ajuntament de Vic")["status"] == FollowUpStatus.DUE_SOON


def test_latest_contact_counts_not_the_first(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY - timedelta(days=300))
    contact(session, vic.id, TODAY - timedelta(days=3))
    assert status_of(session, "Ajuntament de Vic")["status"] == FollowUpStatus.UP_TO_DATE


def test_member_who_joined_yesterday_in_onboarding_uses_the_short_cadence(
    session: Session,
) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=1))
    for step in OnboardingStepKind:
        session.add(OnboardingStep(member_id=new.id, step=step))
    session.flush()
    row = status_of(session, "Ajuntament de Reus")
    assert row["in_onboarding"]
    assert row["status"] == FollowUpStatus.NEVER
    assert row["next_due"] == TODAY + timedelta(days=29)
    onboarding = onboarding_progress(session=session, today=TODAY).set_index("member")
    assert onboarding.loc["Ajuntament de Reus", "progress"] == 0
    assert not onboarding.loc["Ajuntament de Reus", "stuck"]


def test_member_who_left_is_out_of_every_list(session: Session) -> None:
    make.member(session, "Ajuntament de Manlleu", left_on=TODAY - timedelta(days=1))
    assert member_status(session=session, today=TODAY, cadence=CADENCE).empty


def test_stuck_onboarding(session: Session) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=120))
    for index, step in enumerate(OnboardingStepKind):
        done = TODAY - timedelta(days=90 - index) if index < 2 else None
        session.add(OnboardingStep(member_id=new.id, step=step, done_on=done))
    session.flush()
    row = (
        onboarding_progress(session=session, today=TODAY)
        .set_index("member")
        .loc["Ajuntament de Reus"]
    )
    assert row["steps_done"] == 2 and row["steps_total"] == 7
    assert row["stuck"]
    assert row["days_without_progress"] == 89


def test_leap_day_contact_adds_cadence_in_real_days() -> None:
    status, overdue = classify(
        today=date(2024, 5, 30), last_contact=date(2024, 2, 29), next_due=date(2024, 5, 29)
    )
    assert (status, overdue) == (FollowUpStatus.OVERDUE, 1)


def test_leap_day_through_the_service(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic", joined_on=date(2020, 1, 1))
    contact(session, vic.id, date(2028, 2, 29))
    row = status_of(session, "Ajuntament de Vic", today=date(2028, 3, 1))
    assert row["next_due"] == date(2028, 5, 29)


def test_custom_cadence(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY - timedelta(days=40))
    frame = member_status(
        session=session, today=TODAY, cadence=Cadence(regular_days=30, onboarding_days=30)
    )
    assert frame.loc[0, "status"] == FollowUpStatus.OVERDUE


def _configured_status(session: Session, name: str, secrets: Path) -> dict:
    # As the pages compute it: the cadence built from the settings now in force.
    cadence = Cadence.from_settings(load_settings(secrets=secrets))
    frame = member_status(session=session, today=TODAY, cadence=cadence)
    return frame.set_index("member").loc[name].to_dict()


def test_follow_up_cadence_setting_changes_the_status(
    session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    contact(session, vic.id, TODAY - timedelta(days=40))
    missing = tmp_path / "missing.toml"
    monkeypatch.delenv("XMESS_FOLLOW_UP_CADENCE_DAYS", raising=False)
    assert _configured_status(session, "Ajuntament de Vic", missing)["status"] == (
        FollowUpStatus.UP_TO_DATE
    )
    monkeypatch.setenv("XMESS_FOLLOW_UP_CADENCE_DAYS", "30")
    row = _configured_status(session, "Ajuntament de Vic", missing)
    assert row["status"] == FollowUpStatus.OVERDUE
    assert row["days_overdue"] == 10


def test_onboarding_cadence_setting_moves_the_next_contact(
    session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    new = make.member(session, "Ajuntament de Reus", joined_on=TODAY - timedelta(days=1))
    for step in OnboardingStepKind:
        session.add(OnboardingStep(member_id=new.id, step=step))
    session.flush()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[xmess]\nonboarding_cadence_days = 10\n")
    monkeypatch.delenv("XMESS_ONBOARDING_CADENCE_DAYS", raising=False)
    row = _configured_status(session, "Ajuntament de Reus", secrets)
    assert row["next_due"] == TODAY + timedelta(days=9)


def test_urgency_order(session: Session) -> None:
    a = make.member(session, "A", joined_on=date(2020, 1, 1))
    b = make.member(session, "B", joined_on=date(2020, 1, 1))
    make.member(session, "C", joined_on=date(2020, 1, 1))
    d = make.member(session, "D", joined_on=date(2020, 1, 1))
    contact(session, a.id, TODAY - timedelta(days=95))
    contact(session, b.id, TODAY - timedelta(days=200))
    contact(session, d.id, TODAY)
    frame = member_status(session=session, today=TODAY, cadence=CADENCE)
    assert frame["member"].tolist() == ["B", "A", "C", "D"]


def test_members_owned_by_the_signed_in_team_member(session: Session) -> None:
    marta = AppUser(email="Marta@xmess.cat", full_name="Marta Vidal", role=UserRole.STAFF)
    pau = AppUser(email="pau@xmess.cat", full_name="Pau Serra", role=UserRole.STAFF)
    session.add_all([marta, pau])
    session.flush()
    vic = make.member(session, "Ajuntament de Vic", owner_id=marta.id)
    make.member(session, "Ajuntament de Reus", municipality_code="43123", owner_id=pau.id)
    make.member(session, "Ajuntament de Girona", municipality_code="17079")
    session.flush()
    # The e-mail as the sign-in provider gives it, whatever its case.
    assert members_owned_by(session=session, email="marta@xmess.cat ") == {vic.id}
    assert members_owned_by(session=session, email="ningu@xmess.cat") == frozenset()
