from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from db.models import (
    Channel,
    EventKind,
    Interaction,
    Member,
    RegistrationStatus,
    WorkGroup,
    WorkGroupStatus,
)
from services.participation import (
    COMPONENTS,
    falling_members,
    index_bands,
    index_value,
    participation_index,
)
from tests import factories as make

TODAY = date(2026, 11, 24)


def _contacts(session: Session, member: Member, *days_ago: int) -> None:
    for days in days_ago:
        session.add(
            Interaction(
                member_id=member.id,
                occurred_on=TODAY - timedelta(days=days),
                channel=Channel.PHONE,
                summary="Trucada",
            )
        )
    session.flush()


def _attend(
    session: Session,
    member: Member,
    days_ago: int,
    *,
    kind: EventKind = EventKind.ASSEMBLY,
    status: RegistrationStatus = RegistrationStatus.ATTENDED,
    group: WorkGroup | None = None,
) -> None:
    event = make.event(
        session,
        f"Acte {kind} {days_ago} {member.id}",
        TODAY - timedelta(days=days_ago),
        kind=kind,
        work_group_id=group.id if group else None,
    )
    make.registration(session, event, member, status=status)


def _group(session: Session) -> WorkGroup:
    group = WorkGroup(code="cures", name="Cures", status=WorkGroupStatus.ACTIVE)
    session.add(group)
    session.flush()
    return group


def test_weights_add_up_to_100_and_each_part_is_capped() -> None:
    assert sum(c.weight for c in COMPONENTS) == 100
    assert index_value(0, 0, 0) == 0
    caps = {c.column: c.cap for c in COMPONENTS}
    full = index_value(caps["contacts"], caps["work_group_attendances"], caps["event_attendances"])
    assert full == 100
    # Far beyond the caps is still 100: one channel cannot make up for another.
    assert index_value(50, 50, 50) == 100
    only_events = index_value(0, 0, 100)
    assert only_events == next(c.weight for c in COMPONENTS if c.column == "event_attendances")
    # Half the contacts' cap gives half of its weight.
    half = index_value(caps["contacts"] // 2, 0, 0)
    assert half == pytest.approx(COMPONENTS[0].weight / 2, abs=0.1)


def test_index_counts_the_last_twelve_months_and_the_twelve_before(session: Session) -> None:
    group = _group(session)
    busy = make.member(session, "Ajuntament de Vic")
    quiet = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    _contacts(session, busy, 10, 100, 200, 300, 400)
    for days in (20, 80, 140, 200, 260, 320):
        _attend(session, busy, days, kind=EventKind.WORK_GROUP_SESSION, group=group)
    for days in (30, 90, 150):
        _attend(session, busy, days)
    # The twelve months before: a very active year for Reus, silence now.
    _contacts(session, quiet, 400, 450, 500, 550)
    for days in (380, 420, 460, 500, 540, 580):
        _attend(session, quiet, days)
    session.commit()

    frame = participation_index(session=session, today=TODAY).set_index("member")
    vic = frame.loc["Ajuntament de Vic"]
    assert (vic["contacts"], vic["work_group_attendances"], vic["event_attendances"]) == (4, 6, 3)
    assert vic["index"] == pytest.approx(20 + 40 + 40 * 3 / 6)
    assert vic["previous_contacts"] == 1
    reus = frame.loc["Ajuntament de Reus"]
    assert reus["index"] == 0
    assert reus["previous_index"] == pytest.approx(20 + 40)
    assert reus["change"] == pytest.approx(-60)
    assert {type(v) for v in frame["member_id"].tolist()} == {int}

    fallen = falling_members(session=session, today=TODAY)
    assert fallen["member"].tolist() == ["Ajuntament de Reus"]


def test_only_attendance_at_past_events_counts_once_per_event(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    anna = make.person(session, vic, "Anna Puig")
    pere = make.person(session, vic, "Pere Roca")
    assembly = make.event(session, "Assemblea", TODAY - timedelta(days=5))
    # Two persons of the same member at one assembly: one event attended.
    make.registration(session, assembly, vic, person_id=anna.id, status=RegistrationStatus.ATTENDED)
    make.registration(session, assembly, vic, person_id=pere.id, status=RegistrationStatus.ATTENDED)
    _attend(session, vic, 40, status=RegistrationStatus.NO_SHOW)
    _attend(session, vic, 50, status=RegistrationStatus.CANCELLED)
    _attend(session, vic, 60, status=RegistrationStatus.REGISTERED)
    upcoming = make.event(session, "Jornada", TODAY + timedelta(days=10))
    make.registration(session, upcoming, vic, status=RegistrationStatus.ATTENDED)
    session.commit()

    row = participation_index(session=session, today=TODAY).iloc[0]
    assert row["event_attendances"] == 1
    assert row["work_group_attendances"] == 0


def test_members_who_left_are_not_listed(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    make.member(session, "Ajuntament de Manlleu", left_on=date(2025, 6, 1))
    make.member(session, "Ajuntament de Tona", joined_on=TODAY + timedelta(days=3))
    session.commit()
    frame = participation_index(session=session, today=TODAY)
    assert frame["member"].tolist() == ["Ajuntament de Vic"]
    assert frame.loc[0, "index"] == 0 and frame.loc[0, "change"] == 0


def test_no_members_gives_an_empty_frame_with_the_columns(session: Session) -> None:
    frame = participation_index(session=session, today=TODAY)
    assert frame.empty
    assert {"member_id", "index", "previous_index", "change"} <= set(frame.columns)


def test_bands_count_every_member_once_per_period(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    make.member(session, "Ajuntament de Reus", municipality_code="43123")
    _contacts(session, vic, 1, 2, 3, 4)
    session.commit()
    bands = index_bands(session=session, today=TODAY)
    now = bands[bands["period"] == "now"].set_index("band")["members"]
    assert now.sum() == 2
    assert now["0-20"] == 1 and now["20-40"] == 1  # 0 and exactly 20 points
    before = bands[bands["period"] == "year_before"]
    assert before["members"].sum() == 2
