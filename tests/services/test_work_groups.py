from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    AuditLog,
    Event,
    EventFormat,
    EventKind,
    Member,
    Registration,
    RegistrationStatus,
    WorkGroup,
    WorkGroupMembership,
    WorkGroupStatus,
)
from services.errors import ValidationError
from services.work_groups import (
    SessionForm,
    attendance_matrix,
    enrol_member,
    group_members,
    group_overview,
    members_without_group,
    quarterly_trend,
    record_session,
    withdraw_member,
)
from tests import factories as make
from tests.factories import staff

TODAY = date(2026, 11, 24)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _group(
    session: Session, code: str, name: str, status: WorkGroupStatus = WorkGroupStatus.ACTIVE
) -> WorkGroup:
    group = WorkGroup(code=code, name=name, status=status)
    session.add(group)
    session.flush()
    return group


def _enrol(
    session: Session,
    group: WorkGroup,
    member: Member,
    joined_on: date,
    left_on: date | None = None,
) -> None:
    session.add(
        WorkGroupMembership(
            work_group_id=group.id, member_id=member.id, joined_on=joined_on, left_on=left_on
        )
    )
    session.flush()


def _session(
    session: Session,
    group: WorkGroup,
    days_ago: int,
    attendees: list[Member],
    absent: tuple[Member, ...] | list[Member] = (),
) -> Event:
    event = make.event(
        session,
        f"Sessió {group.code} {days_ago}",
        TODAY - timedelta(days=days_ago),
        kind=EventKind.WORK_GROUP_SESSION,
        work_group_id=group.id,
    )
    for member in attendees:
        make.registration(session, event, member, status=RegistrationStatus.ATTENDED)
    for member in absent:
        make.registration(session, event, member, status=RegistrationStatus.NO_SHOW)
    return event


@pytest.fixture
def network(session: Session) -> dict:
    """Cures with three members (Vic always comes, Reus came once long ago, Tona never) and a
    session planned; Finançament suspended, with Manlleu only there; Girona in no group."""
    cures = _group(session, "cures", "Cures")
    financament = _group(session, "financament", "Finançament", WorkGroupStatus.SUSPENDED)
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    tona = make.member(session, "Ajuntament de Tona")
    manlleu = make.member(session, "Ajuntament de Manlleu")
    girona = make.member(session, "Ajuntament de Girona", municipality_code="17079")
    for member in (vic, reus, tona):
        _enrol(session, cures, member, date(2024, 1, 10))
    _enrol(session, financament, manlleu, date(2022, 3, 1))
    # Last 6 months: Vic alone (1 of 3). The 6 before: Vic and Reus (2 of 3).
    _session(session, cures, 30, [vic], absent=[tona])
    _session(session, cures, 90, [vic])
    _session(session, cures, 250, [vic, reus])
    _session(session, cures, 300, [vic, reus])
    make.event(
        session,
        "Sessió cures futura",
        TODAY + timedelta(days=12),
        kind=EventKind.WORK_GROUP_SESSION,
        work_group_id=cures.id,
    )
    session.commit()
    return {
        "cures": cures,
        "financament": financament,
        "vic": vic,
        "reus": reus,
        "tona": tona,
        "manlleu": manlleu,
        "girona": girona,
    }


def test_overview_per_group(session: Session, network: dict) -> None:
    overview = group_overview(session=session, today=TODAY).set_index("code")
    cures = overview.loc["cures"]
    assert cures["status"] == "active"
    assert (cures["members"], cures["sessions"], cures["active_members"]) == (3, 4, 2)
    assert cures["attendance_rate"] == pytest.approx((1 / 3 + 1 / 3 + 2 / 3 + 2 / 3) / 4)
    assert cures["last_session"] == TODAY - timedelta(days=30)
    assert cures["next_session"] == TODAY + timedelta(days=12)
    assert cures["trend"] == pytest.approx(1 / 3 - 2 / 3)
    assert bool(cures["falling"])
    financament = overview.loc["financament"]
    assert financament["status"] == "suspended"
    assert (financament["members"], financament["sessions"]) == (1, 0)
    assert not financament["falling"]


def test_a_group_that_stopped_meeting_is_falling(session: Session) -> None:
    agro = _group(session, "agro", "Agroecologia")
    vic = make.member(session, "Ajuntament de Vic")
    _enrol(session, agro, vic, date(2024, 1, 1))
    _session(session, agro, 250, [vic])
    session.commit()
    row = group_overview(session=session, today=TODAY).iloc[0]
    assert row["falling"] and pd.isna(row["rate_recent"])


def test_a_fall_the_page_shows_as_ten_points_is_falling(session: Session) -> None:
    agro = _group(session, "agro", "Agroecologia")
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    for member in (vic, reus):
        _enrol(session, agro, member, date(2024, 1, 1))
    # The 6 months before: always both (100 %). The last 6: both at four sessions, Vic alone
    # at one (90 %): 0.9 - 1.0 is -0.0999… in floating point, which reads "↓ 10 punts".
    _session(session, agro, 300, [vic, reus])
    for days_ago in (20, 40, 60, 80):
        _session(session, agro, days_ago, [vic, reus])
    _session(session, agro, 100, [vic], absent=[reus])
    session.commit()
    row = group_overview(session=session, today=TODAY).iloc[0]
    assert round(row["trend"] * 100) == -10
    assert row["falling"]


def test_the_rate_counts_only_members_enrolled_on_the_session_day(session: Session) -> None:
    agro = _group(session, "agro", "Agroecologia")
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    late = make.member(session, "Ajuntament de Girona", municipality_code="17079")
    gone = make.member(session, "Ajuntament de Tona")
    _enrol(session, agro, vic, date(2024, 1, 1))
    _enrol(session, agro, reus, TODAY - timedelta(days=30))
    _enrol(session, agro, late, TODAY - timedelta(days=10))
    _enrol(session, agro, gone, date(2024, 1, 1), left_on=TODAY - timedelta(days=60))
    # On the day: Vic and Reus enrolled (Girona not yet, Tona no longer); Vic came.
    _session(session, agro, 20, [vic])
    session.commit()
    row = group_overview(session=session, today=TODAY).iloc[0]
    assert row["attendance_rate"] == pytest.approx(0.5)
    assert row["members"] == 3


def test_quarterly_trend(session: Session, network: dict) -> None:
    trend = quarterly_trend(session=session, today=TODAY)
    assert set(trend["work_group"]) == {"Cures"}
    q4 = trend[trend["quarter"] == "2026 T4"].iloc[0]
    assert (q4["sessions"], q4["attendances"]) == (1, 1)
    assert q4["rate"] == pytest.approx(1 / 3)
    assert trend["quarter"].tolist() == sorted(trend["quarter"])
    assert set(trend.loc[trend["partial"], "quarter"]) == {"2026 T4"}


def test_matrix_and_members_in_no_group(session: Session, network: dict) -> None:
    matrix = attendance_matrix(session=session, today=TODAY).set_index(["member", "work_group"])
    assert matrix.loc[("Ajuntament de Vic", "Cures"), "attended"] == 4
    assert matrix.loc[("Ajuntament de Vic", "Cures"), "rate"] == pytest.approx(1.0)
    tona = matrix.loc[("Ajuntament de Tona", "Cures")]
    assert (tona["sessions"], tona["attended"], bool(tona["enrolled"])) == (4, 0, True)
    assert ("Ajuntament de Girona", "Cures") not in matrix.index
    alone = members_without_group(session=session, today=TODAY)["member"].tolist()
    # Manlleu sits only in a suspended group: it counts as in no group.
    assert alone == ["Ajuntament de Girona", "Ajuntament de Manlleu"]


def test_group_members_with_their_attendance(session: Session, network: dict) -> None:
    members = group_members(
        session=session, work_group_id=network["cures"].id, today=TODAY
    ).set_index("member")
    assert members.loc["Ajuntament de Vic", "sessions_attended"] == 4
    assert members.loc["Ajuntament de Vic", "last_attended"] == TODAY - timedelta(days=30)
    assert members.loc["Ajuntament de Tona", "sessions_attended"] == 0


def test_enrol_and_withdraw_with_audit(session: Session, network: dict) -> None:
    cures, girona = network["cures"], network["girona"]
    membership_id = enrol_member(
        session=session,
        work_group_id=cures.id,
        member_id=girona.id,
        joined_on=TODAY,
        today=TODAY,
        actor=staff("marta"),
    )
    session.commit()
    assert (
        "Ajuntament de Girona"
        not in members_without_group(session=session, today=TODAY)["member"].tolist()
    )
    withdraw_member(
        session=session,
        work_group_id=cures.id,
        member_id=girona.id,
        left_on=TODAY,
        today=TODAY,
        actor=staff("marta"),
    )
    session.commit()
    assert session.get(WorkGroupMembership, membership_id).left_on == TODAY
    entries = session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [(e.action.value, e.table_name) for e in entries] == [
        ("create", "work_group_membership"),
        ("update", "work_group_membership"),
    ]
    assert entries[1].before == {"left_on": None}
    assert entries[1].after == {"left_on": TODAY.isoformat()}


@pytest.mark.parametrize(
    ("group", "member", "joined_on", "message"),
    [
        ("financament", "girona", TODAY, "Finançament està en suspens"),
        ("cures", "vic", TODAY, "Ajuntament de Vic ja forma part del grup Cures"),
        ("cures", "girona", TODAY + timedelta(days=1), "és una data futura"),
        ("cures", "girona", None, "cal indicar-la"),
        ("cures", "girona", date(2019, 1, 1), "no era membre de la xarxa el 01/01/2019"),
        ("cures", None, TODAY, "Membre: cal triar-ne un"),  # the form sent without a member
    ],
)
def test_refused_enrolments_write_nothing(
    session: Session,
    network: dict,
    group: str,
    member: str | None,
    joined_on: date | None,
    message: str,
) -> None:
    before = _count(session, WorkGroupMembership)
    with pytest.raises(ValidationError, match=message):
        enrol_member(
            session=session,
            work_group_id=network[group].id,
            member_id=network[member].id if member else None,
            joined_on=joined_on,
            today=TODAY,
            actor=staff("marta"),
        )
    session.rollback()
    assert _count(session, WorkGroupMembership) == before
    assert _count(session, AuditLog) == 0


def test_refused_withdrawals(session: Session, network: dict) -> None:
    with pytest.raises(ValidationError, match="Girona» no forma part del grup «Cures»"):
        withdraw_member(
            session=session,
            work_group_id=network["cures"].id,
            member_id=network["girona"].id,
            left_on=TODAY,
            today=TODAY,
            actor=staff("marta"),
        )
    with pytest.raises(ValidationError, match="anterior a l'alta al grup"):
        withdraw_member(
            session=session,
            work_group_id=network["cures"].id,
            member_id=network["vic"].id,
            left_on=date(2023, 1, 1),
            today=TODAY,
            actor=staff("marta"),
        )
    with pytest.raises(ValidationError, match="Membre: cal triar-ne un"):
        withdraw_member(
            session=session,
            work_group_id=network["cures"].id,
            member_id=None,
            left_on=TODAY,
            today=TODAY,
            actor=staff("marta"),
        )


def test_record_a_session_with_its_attendees(session: Session, network: dict) -> None:
    form = SessionForm(
        work_group_id=network["cures"].id,
        held_on=TODAY - timedelta(days=1),
        format=EventFormat.IN_PERSON,
        municipality_code="08298",
        attendee_ids=(network["vic"].id, network["tona"].id, network["vic"].id),
    )
    event_id = record_session(session=session, form=form, today=TODAY, actor=staff("marta"))
    session.commit()
    event = session.get(Event, event_id)
    assert event.title == "Sessió del GT de Cures (novembre 2026)"
    assert event.kind == EventKind.WORK_GROUP_SESSION and event.municipality_code == "08298"
    attended = session.scalars(
        select(Registration.member_id).where(
            Registration.event_id == event_id, Registration.status == RegistrationStatus.ATTENDED
        )
    ).all()
    assert sorted(attended) == sorted([network["vic"].id, network["tona"].id])
    assert _count(session, AuditLog) == 3  # the event and two registrations
    row = group_overview(session=session, today=TODAY).set_index("code").loc["cures"]
    assert row["last_session"] == TODAY - timedelta(days=1)


def test_a_future_session_can_be_scheduled_without_attendance(
    session: Session, network: dict
) -> None:
    form = SessionForm(
        work_group_id=network["cures"].id,
        held_on=TODAY + timedelta(days=30),
        format=EventFormat.VIRTUAL,
        municipality_code="08298",  # ignored: a virtual session has no place
        title="Sessió de planificació",
    )
    event_id = record_session(session=session, form=form, today=TODAY, actor=staff("marta"))
    assert session.get(Event, event_id).municipality_code is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"work_group": "financament"}, "Finançament està en suspens"),
        ({"held_on": TODAY + timedelta(days=3)}, "Assistents: la sessió del 27/11/2026 encara"),
        ({"format": EventFormat.HYBRID, "place": None}, "Lloc: una sessió presencial"),
        ({"held_on": None}, "Data: cal indicar"),
        ({"format": None}, "Format: cal triar"),
        ({"attendee": "gone"}, "Assistents: Ajuntament de Roda va deixar la xarxa"),
    ],
)
def test_refused_sessions_write_nothing(
    session: Session, network: dict, changes: dict, message: str
) -> None:
    gone = make.member(session, "Ajuntament de Roda", left_on=date(2025, 1, 1))
    session.commit()
    attendee = gone if changes.get("attendee") == "gone" else network["vic"]
    form = SessionForm(
        work_group_id=network[changes.get("work_group", "cures")].id,
        held_on=changes.get("held_on", TODAY),
        format=changes.get("format", EventFormat.VIRTUAL),
        municipality_code=changes.get("place"),
        attendee_ids=(attendee.id,),
    )
    events_before, registrations_before = _count(session, Event), _count(session, Registration)
    with pytest.raises(ValidationError, match=message):
        record_session(session=session, form=form, today=TODAY, actor=staff("marta"))
    session.rollback()
    assert _count(session, Event) == events_before
    assert _count(session, Registration) == registrations_before
    assert _count(session, AuditLog) == 0
