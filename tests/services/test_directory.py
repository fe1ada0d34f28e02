"""The sidebar search: any part of a member's or a person's name, as Catalan compares it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from services.directory import find, search_entries
from tests import factories as make

TODAY = date(2026, 12, 6)


def _network(session: Session) -> dict[str, int]:
    vic = make.member(session, "Ajuntament de Vic")
    vila = make.member(session, "Ajuntament de la Vilà Nova", municipality_code="43123")
    gone = make.member(session, "Ajuntament de Vilobí", municipality_code="17079")
    gone.left_on = TODAY - timedelta(days=30)
    make.person(session, vic, "Anna Puig", email="anna@vic.example.cat")
    make.person(session, vila, "Joan Vicens", email="joan@vila.example.cat")
    make.person(session, gone, "Pere Vilobí", email="pere@vilobi.example.cat")
    session.flush()
    return {"vic": vic.id, "vila": vila.id, "gone": gone.id}


def _labels(found) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(row.member, row.person) for row in found.itertuples()]


def test_any_part_of_the_name_finds_members_then_persons(session: Session) -> None:
    ids = _network(session)
    entries = search_entries(session=session, today=TODAY, include_persons=True)
    # "vi" is in Vic, Vilà and Joan Vicens; members first, then the person, and never a
    # member that has left (nor its persons).
    assert _labels(find(entries, "vi")) == [
        ("Ajuntament de Vic", ""),
        ("Ajuntament de la Vilà Nova", ""),
        ("Ajuntament de la Vilà Nova", "Joan Vicens"),
    ]
    # Accents and case do not matter; every word must be there, in any order.
    assert _labels(find(entries, "VILA")) == [("Ajuntament de la Vilà Nova", "")]
    assert _labels(find(entries, "puig anna")) == [("Ajuntament de Vic", "Anna Puig")]
    # A person's hit opens their member's file.
    assert find(entries, "anna")["member_id"].tolist() == [ids["vic"]]
    assert find(entries, "zzz").empty
    assert find(entries, "   ").empty
    assert len(find(entries, "a", limit=2)) == 2


def test_without_persons_only_members_are_found(session: Session) -> None:
    _network(session)
    entries = search_entries(session=session, today=TODAY, include_persons=False)
    assert entries["person"].eq("").all()
    assert find(entries, "anna").empty
    assert _labels(find(entries, "nova")) == [("Ajuntament de la Vilà Nova", "")]
