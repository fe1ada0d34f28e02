from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    Channel,
    Interaction,
    Referral,
    Topic,
)
from services.advisories import (
    ccpr_bag,
    mentor_pairs,
    needs_by_quarter,
    open_advisories,
    open_advisory_requests,
    referrals_without_follow_up,
)
from tests import factories as make

TODAY = date(2026, 11, 24)


def _topic(session: Session, code: str) -> Topic:
    return session.scalars(select(Topic).where(Topic.code == code)).one()


def _advisory(session: Session, member_id: int, **values: object) -> None:
    defaults: dict[str, object] = {
        "kind": AdvisoryKind.ADVISORY,
        "status": AdvisoryStatus.REQUESTED,
        "requested_on": date(2026, 3, 1),
    }
    session.add(Advisory(member_id=member_id, **(defaults | values)))
    session.flush()


def test_ccpr_bag_counts_this_year_and_not_cancelled(session: Session) -> None:
    small = make.member(session, "Ajuntament de Manlleu", municipality_code="08112")
    vic = make.member(session, "Ajuntament de Vic")
    for member, hours, status, on in [
        (small, "12", AdvisoryStatus.DONE, date(2026, 2, 1)),
        (small, "6.5", AdvisoryStatus.IN_PROGRESS, date(2026, 9, 1)),
        (vic, "10", AdvisoryStatus.DONE, date(2026, 5, 1)),
        (vic, "8", AdvisoryStatus.CANCELLED, date(2026, 6, 1)),
        (vic, "20", AdvisoryStatus.DONE, date(2025, 6, 1)),
    ]:
        _advisory(
            session,
            member.id,
            kind=AdvisoryKind.CCPR_EXPERT,
            hours=Decimal(hours),
            status=status,
            requested_on=on,
        )
    bag = ccpr_bag(session=session, year=2026, bag_hours=50)
    assert bag.used_hours == pytest.approx(28.5)
    assert bag.left_hours == pytest.approx(21.5)
    assert bag.by_member["member"].tolist() == ["Ajuntament de Manlleu", "Ajuntament de Vic"]
    assert bag.by_member["hours"].tolist() == [18.5, 10.0]
    # A smaller bag, as a setting may make it: the same hours now overrun it.
    assert ccpr_bag(session=session, year=2026, bag_hours=20).left_hours == pytest.approx(-8.5)


def test_open_advisories_by_topic_and_status(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    energia = _topic(session, "energia")
    _advisory(session, vic.id, topic_id=energia.id)
    _advisory(session, vic.id, topic_id=energia.id)
    _advisory(session, vic.id, topic_id=energia.id, status=AdvisoryStatus.DONE)
    frame = open_advisories(session=session)
    assert frame.to_dict("records") == [
        {"topic": "Energia", "kind": "Assessorament", "status": "Sol·licitat", "requests": 2}
    ]


def test_mentor_pairs(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    make.member(session, "Ajuntament de Manlleu", municipality_code="08112", mentor_id=vic.id)
    frame = mentor_pairs(session=session, today=TODAY)
    assert frame[["mentor", "mentee"]].values.tolist() == [
        ["Ajuntament de Vic", "Ajuntament de Manlleu"]
    ]


def test_referral_without_a_later_contact_is_listed(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    for member, on, referral in [
        (vic, TODAY - timedelta(days=40), Referral.ATENEU),
        (reus, TODAY - timedelta(days=60), Referral.MENTORING),
        (reus, TODAY - timedelta(days=10), None),
    ]:
        session.add(
            Interaction(
                member_id=member.id,
                occurred_on=on,
                channel=Channel.PHONE,
                summary="Trucada",
                referral=referral,
            )
        )
    session.flush()
    frame = referrals_without_follow_up(session=session, today=TODAY)
    assert frame["member"].tolist() == ["Ajuntament de Vic"]
    assert frame.iloc[0]["referral"] == "Ateneu Cooperatiu"
    assert frame.iloc[0]["days_waiting"] == 40


def test_needs_by_quarter(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    cures, energia = _topic(session, "cures"), _topic(session, "energia")
    for on, topics in [
        (date(2026, 10, 5), [cures, energia]),
        (date(2026, 11, 2), [cures]),
        (date(2026, 2, 2), [energia]),
    ]:
        session.add(
            Interaction(
                member_id=vic.id, occurred_on=on, channel=Channel.PHONE, summary="T", needs=topics
            )
        )
    session.flush()
    frame = needs_by_quarter(session=session, today=TODAY)
    counts = {(r.quarter, r.topic): r.needs for r in frame.itertuples()}
    assert counts == {
        ("2026 T4", "Cures"): 2,
        ("2026 T4", "Energia"): 1,
        ("2026 T1", "Energia"): 1,
    }
    partial = {r.quarter for r in frame.itertuples() if r.partial}
    assert partial == {"2026 T4"}


def test_open_advisory_requests_longest_open_first(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    gone = make.member(session, "Ajuntament de Girona", municipality_code="17079")
    gone.left_on = TODAY - timedelta(days=1)
    cures = _topic(session, "cures")
    for member, status, days_ago, topic_id in [
        (vic, AdvisoryStatus.IN_PROGRESS, 10, cures.id),
        (reus, AdvisoryStatus.REQUESTED, 30, None),
        (vic, AdvisoryStatus.DONE, 90, cures.id),
        (gone, AdvisoryStatus.REQUESTED, 50, None),
    ]:
        session.add(
            Advisory(
                member_id=member.id,
                kind=AdvisoryKind.ADVISORY,
                topic_id=topic_id,
                status=status,
                requested_on=TODAY - timedelta(days=days_ago),
            )
        )
    session.flush()
    frame = open_advisory_requests(session=session, today=TODAY)
    assert frame[["member_id", "member", "days_open", "topic"]].values.tolist() == [
        [reus.id, "Ajuntament de Reus", 30, "Sense tema"],
        [vic.id, "Ajuntament de Vic", 10, cures.name],
    ]
    assert frame["status"].tolist() == ["Sol·licitat", "En curs"]
