from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from db.models import EventKind, RegistrationStatus
from services.overview import (
    events_to_check_in,
    headline_figures,
    members_by_province,
    upcoming_events,
)
from tests import factories as make

TODAY = date(2026, 11, 24)


def test_empty_database_gives_zeros(session: Session) -> None:
    figures = headline_figures(session=session, today=TODAY)
    assert figures.active_members == 0
    assert figures.plan_activities == 0
    assert figures.conveni_cost_share == 0.0


def test_members_counted_by_their_dates(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", joined_on=date(2018, 5, 1))
    make.member(
        session, "Ajuntament de Reus", municipality_code="43123", joined_on=date(2026, 2, 1)
    )
    make.member(
        session, "Ajuntament de Manlleu", joined_on=date(2017, 1, 1), left_on=date(2025, 12, 31)
    )
    # Joins next month: not a member yet.
    make.member(
        session, "Ajuntament de Girona", municipality_code="17079", joined_on=date(2026, 12, 1)
    )
    figures = headline_figures(session=session, today=TODAY)
    assert figures.active_members == 2
    assert figures.new_members == 1
    assert figures.left_members == 1


def test_persons_of_members_who_left_are_not_counted(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    gone = make.member(session, "Ajuntament de Manlleu", left_on=date(2025, 1, 1))
    make.person(session, vic, "Anna Puig")
    make.person(session, vic, "Jordi Vila", active=False)
    make.person(session, gone, "Marta Soler")
    assert headline_figures(session=session, today=TODAY).persons == 1


def test_events_of_this_year_split_into_held_and_upcoming(session: Session) -> None:
    make.event(session, "Assemblea de primavera", date(2026, 3, 20))
    make.event(session, "Assemblea de tardor", date(2026, 10, 23))
    make.event(
        session, "Comissió Executiva", date(2026, 12, 10), kind=EventKind.EXECUTIVE_COMMISSION
    )
    make.event(session, "Assemblea 2025", date(2025, 10, 20))
    figures = headline_figures(session=session, today=TODAY)
    assert (figures.events_this_year, figures.events_held, figures.events_upcoming) == (3, 2, 1)


def test_plan_conveni_share_is_by_cost(session: Session) -> None:
    make.plan_activity(session, "1.01", "3000", conveni=True)
    make.plan_activity(session, "1.02", "1000")
    make.plan_activity(session, "1.01", "9999", year=2025)
    figures = headline_figures(session=session, today=TODAY)
    assert figures.plan_activities == 2
    assert figures.conveni_activities == 1
    assert figures.conveni_cost_share == pytest.approx(0.75)


def test_members_by_province_lists_all_four(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    make.member(session, "Ajuntament de Reus", municipality_code="43123")
    frame = members_by_province(session=session, today=TODAY)
    assert dict(zip(frame["province"], frame["members"], strict=True)) == {
        "Barcelona": 1,
        "Girona": 0,
        "Lleida": 0,
        "Tarragona": 1,
    }


def test_upcoming_events_within_the_window_with_registrations(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    soon = make.event(session, "Jornada CCPR", date(2026, 12, 1), municipality_code="08298")
    make.registration(session, soon, vic)
    make.registration(session, soon, reus, status=RegistrationStatus.CANCELLED)
    make.event(session, "Massa lluny", date(2026, 12, 20))
    make.event(session, "Ja passat", date(2026, 11, 20))
    frame = upcoming_events(session=session, today=TODAY, days=14)
    assert frame["event"].tolist() == ["Jornada CCPR"]
    assert frame.iloc[0]["place"] == "Vic"
    assert frame.iloc[0]["registrations"] == 1
    assert frame.iloc[0]["kind"] == "Assemblea"


def test_events_to_check_in_are_todays_and_yesterdays_with_someone_unmarked(
    session: Session,
) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    today_event = make.event(session, "Jornada d'avui", TODAY)
    yesterday_event = make.event(session, "Taller d'ahir", TODAY - timedelta(days=1))
    done_event = make.event(session, "Assemblea ja marcada", TODAY)
    older_event = make.event(session, "Sessió de fa tres dies", TODAY - timedelta(days=3))
    tomorrow_event = make.event(session, "Demà", TODAY + timedelta(days=1))
    make.registration(session, today_event, vic)
    make.registration(session, today_event, reus, status=RegistrationStatus.ATTENDED)
    make.registration(session, yesterday_event, vic)
    make.registration(session, yesterday_event, reus, status=RegistrationStatus.CANCELLED)
    make.registration(session, done_event, vic, status=RegistrationStatus.ATTENDED)
    make.registration(session, done_event, reus, status=RegistrationStatus.NO_SHOW)
    make.registration(session, older_event, vic)
    make.registration(session, tomorrow_event, vic)
    session.flush()
    frame = events_to_check_in(session=session, today=TODAY)
    assert frame[["event", "to_mark", "registrations"]].values.tolist() == [
        ["Jornada d'avui", 1, 2],
        ["Taller d'ahir", 1, 1],
    ]
