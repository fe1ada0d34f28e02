from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AppUser, Channel, EventKind, Interaction, RegistrationStatus, Topic, UserRole
from services import records
from services.member_file import contacts_per_month, member_events, needs_by_topic, staff_options
from tests import factories as make

TODAY = date(2026, 11, 24)


def _call(session: Session, member_id: int, on: date, needs: list[Topic] | None = None) -> None:
    session.add(
        Interaction(
            member_id=member_id,
            occurred_on=on,
            channel=Channel.PHONE,
            summary="Trucada",
            needs=needs or [],
        )
    )
    session.flush()


def test_contacts_per_month_lists_every_month_with_zeros(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    for on in (date(2026, 11, 2), date(2026, 11, 20), date(2026, 9, 30), date(2024, 1, 5)):
        _call(session, vic.id, on)
    frame = contacts_per_month(session=session, today=TODAY, months=3)
    assert frame["month"].tolist() == [
        pd.Timestamp(2026, 9, 1),
        pd.Timestamp(2026, 10, 1),
        pd.Timestamp(2026, 11, 1),
    ]
    assert frame["contacts"].tolist() == [1, 0, 2]
    # November is under way on the 24th: counted up to today, not a fall.
    assert frame["partial"].tolist() == [False, False, True]


def test_needs_by_topic_lists_every_topic(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    cures = session.scalars(select(Topic).where(Topic.code == "cures")).one()
    _call(session, vic.id, date(2026, 10, 1), needs=[cures])
    _call(session, vic.id, date(2024, 10, 1), needs=[cures])
    needs = needs_by_topic(session=session, today=TODAY).set_index("topic")["needs"]
    assert needs["Cures"] == 1
    assert len(needs) == len(session.scalars(select(Topic)).all())
    assert needs.drop("Cures").eq(0).all()


def test_member_events_are_the_ones_attended_newest_first(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    spring = make.event(session, "Assemblea de primavera", date(2026, 3, 20))
    autumn = make.event(session, "Assemblea de tardor", date(2026, 10, 23))
    missed = make.event(
        session, "Comissió Executiva", date(2026, 6, 1), kind=EventKind.EXECUTIVE_COMMISSION
    )
    make.registration(session, spring, vic, status=RegistrationStatus.ATTENDED)
    make.registration(session, autumn, vic, status=RegistrationStatus.ATTENDED)
    make.registration(session, missed, vic, status=RegistrationStatus.NO_SHOW)
    frame = member_events(session=session, member_id=vic.id, today=TODAY)
    assert frame.to_dict("records") == [
        {"held_on": date(2026, 10, 23), "event": "Assemblea de tardor", "kind": "Assemblea"},
        {"held_on": date(2026, 3, 20), "event": "Assemblea de primavera", "kind": "Assemblea"},
    ]


def test_the_commission_owns_no_member_and_logs_no_contact(session: Session) -> None:
    for email, name, role in (
        ("nuria@xmess.cat", "Núria Vila", UserRole.STAFF),
        ("anna@xmess.cat", "Anna Puig", UserRole.ADMIN),
        ("pere@ajvic.cat", "Pere Soler", UserRole.COMMISSION),
    ):
        session.add(AppUser(email=email, full_name=name, role=role))
    session.flush()
    assert list(staff_options(session=session)["staff"]) == ["Anna Puig", "Núria Vila"]
    assert list(records.staff_options(session=session)["name"]) == ["Anna Puig", "Núria Vila"]
