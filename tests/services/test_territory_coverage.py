"""Territorial figures: presence per comarca, the empty territories with their nearest member,
the per-province summary, and the layers the map draws (services.territory, map_layers)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    Channel,
    EventFormat,
    Interaction,
    RegistrationStatus,
)
from services import territory
from services.follow_up import Cadence, FollowUpStatus
from services.map_layers import (
    MENTOR_LABEL,
    MENTORING_LABEL,
    NO_PRESENCE_LABEL,
    events_by_place,
    filter_province,
    map_layers,
    presence_class_of,
    presence_classes,
)
from tests import factories as make

TODAY = date(2026, 11, 24)
CADENCE = Cadence(regular_days=90, onboarding_days=30)
VIC, GIRONA, REUS, LLEIDA, SORT, TREMP, OLOT = (
    "08298",
    "17079",
    "43123",
    "25120",
    "25209",
    "25234",
    "17114",
)
OSONA, GIRONES, BAIX_CAMP, SEGRIA, PALLARS_SOBIRA, PALLARS_JUSSA, GARROTXA, BARCELONES = (
    "24",
    "20",
    "08",
    "33",
    "26",
    "25",
    "19",
    "13",
)


def _by_comarca(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("comarca_code")


# --- Distances ------------------------------------------------------------------------------


def test_haversine_gives_known_distances() -> None:
    # Barcelona - Madrid is about 505 km as the crow flies; a point to itself is 0.
    barcelona_madrid = territory.haversine_km(41.3874, 2.1686, 40.4168, -3.7038)
    assert 500 < float(barcelona_madrid) < 510
    assert float(territory.haversine_km(41.0, 1.0, 41.0, 1.0)) == 0


# --- Presence per comarca -------------------------------------------------------------------


def test_coverage_counts_active_members_and_delegates_per_comarca(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", is_territorial_delegate=True)
    make.member(session, "Consell Comarcal d'Osona", municipality_code=VIC)
    make.member(session, "Ajuntament de Girona", municipality_code=GIRONA)
    # Not in the network on TODAY: one left, one joins next month.
    make.member(
        session,
        "Ajuntament de Reus",
        municipality_code=REUS,
        joined_on=date(2018, 1, 1),
        left_on=date(2025, 12, 31),
    )
    make.member(
        session,
        "Ajuntament de Lleida",
        municipality_code=LLEIDA,
        joined_on=TODAY + timedelta(days=20),
    )

    coverage = _by_comarca(territory.comarca_coverage(session=session, today=TODAY))

    assert len(coverage) == 43
    assert coverage.loc[OSONA, ["members", "delegates"]].tolist() == [2, 1]
    assert coverage.loc[GIRONES, ["members", "delegates"]].tolist() == [1, 0]
    assert coverage.loc[BAIX_CAMP, "members"] == 0
    assert coverage.loc[SEGRIA, "members"] == 0
    assert coverage["members"].sum() == 3
    # Reference figures come along: Osona's municipalities and people.
    assert coverage.loc[OSONA, "municipalities"] > 40
    assert coverage.loc[BARCELONES, "population"] > 2_000_000


def test_a_comarca_point_is_its_population_centre() -> None:
    comarques = pd.DataFrame(
        {"comarca_code": ["01"], "comarca": ["A"], "province_code": ["08"], "province": ["B"]}
    )
    points = pd.DataFrame(
        {
            "comarca_code": ["01", "01"],
            "lat": [41.0, 42.0],
            "lon": [1.0, 2.0],
            "population": [100, 300],
        }
    )
    members = pd.DataFrame(columns=["member_id", "comarca_code", "territorial_delegate"])

    row = territory.coverage_from(comarques, points, members).iloc[0]

    # Three quarters of the people live in the second town: the centre leans to it.
    assert row["lat"] == pytest.approx(41.75)
    assert row["lon"] == pytest.approx(1.75)
    assert row["population"] == 400 and row["municipalities"] == 2 and row["members"] == 0


def test_comarca_presence_for_dades_still_counts_members(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    presence = territory.comarca_presence(session=session, today=TODAY).set_index("comarca")
    assert presence.loc["Osona", "members"] == 1
    assert presence.loc["Garrotxa", "members"] == 0
    assert presence.loc["Osona", "comarca_code"] == OSONA
    assert presence.loc["Osona", "province"] == "Barcelona"
    assert len(presence) == 43 and presence["municipalities"].sum() == 947


def test_municipalities_for_dades_carry_their_comarca_and_point(session: Session) -> None:
    towns = territory.municipalities(session=session).set_index("municipality_code")
    assert len(towns) == 947
    vic = towns.loc[VIC]
    assert (vic["municipality"], vic["comarca"], vic["province"]) == ("Vic", "Osona", "Barcelona")
    assert vic["population"] > 40_000
    assert vic["lat"] == pytest.approx(41.93, abs=0.05)
    assert vic["lon"] == pytest.approx(2.25, abs=0.05)


# --- Empty territories and the nearest member -----------------------------------------------


def test_empty_comarques_come_most_populated_first_with_their_nearest_member(
    session: Session,
) -> None:
    make.member(session, "Ajuntament de Lleida", municipality_code=LLEIDA)
    make.member(session, "Ajuntament de Girona", municipality_code=GIRONA)

    uncovered = territory.uncovered_comarques(session=session, today=TODAY)

    assert len(uncovered) == 41
    assert SEGRIA not in set(uncovered["comarca_code"])
    assert uncovered["population"].is_monotonic_decreasing
    assert uncovered.iloc[0]["comarca"] == "Barcelonès"
    rows = _by_comarca(uncovered)
    # The Pyrenees of Lleida are closer to Lleida; the Garrotxa is next to Girona.
    assert rows.loc[PALLARS_JUSSA, "nearest_member"] == "Ajuntament de Lleida"
    assert rows.loc[GARROTXA, "nearest_member"] == "Ajuntament de Girona"
    assert rows.loc[GARROTXA, "nearest_member_comarca"] == "Gironès"
    assert 20 < rows.loc[GARROTXA, "nearest_member_km"] < 60
    # No delegate in the network yet: no candidate delegate either.
    assert uncovered["nearest_delegate"].isna().all()
    assert uncovered["nearest_delegate_km"].isna().all()


def test_the_nearest_delegate_is_chosen_among_delegates_only(session: Session) -> None:
    make.member(session, "Ajuntament de Tremp", municipality_code=TREMP)
    make.member(
        session, "Ajuntament de Lleida", municipality_code=LLEIDA, is_territorial_delegate=True
    )

    rows = _by_comarca(territory.uncovered_comarques(session=session, today=TODAY))

    sobira = rows.loc[PALLARS_SOBIRA]
    assert sobira["nearest_member"] == "Ajuntament de Tremp"
    assert sobira["nearest_delegate"] == "Ajuntament de Lleida"
    assert sobira["nearest_delegate_km"] > sobira["nearest_member_km"]


def test_with_no_members_every_comarca_is_empty_and_nobody_is_nearest(session: Session) -> None:
    uncovered = territory.uncovered_comarques(session=session, today=TODAY)
    assert len(uncovered) == 43
    assert uncovered["nearest_member"].isna().all()


def test_province_summary_adds_up(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", is_territorial_delegate=True)
    make.member(session, "Ajuntament de Sort", municipality_code=SORT)

    summary = territory.province_summary(session=session, today=TODAY).set_index("province")

    assert list(summary.index) == ["Barcelona", "Girona", "Lleida", "Tarragona"]
    assert summary["comarques"].sum() == 43
    assert summary.loc[
        "Barcelona", ["members", "delegates", "comarques_with_presence"]
    ].tolist() == [1, 1, 1]
    assert summary.loc["Lleida", "comarques_with_presence"] == 1
    assert summary.loc["Tarragona", "comarques_with_presence"] == 0
    tarragona = summary.loc["Tarragona"]
    assert tarragona["population_without_presence"] == tarragona["population"]
    barcelona = summary.loc["Barcelona"]
    assert (
        barcelona["comarques_with_presence"] + barcelona["comarques_without_presence"]
        == (barcelona["comarques"])
    )
    assert barcelona["population_without_presence"] < barcelona["population"]


def test_a_member_counts_in_its_own_province_even_when_its_comarca_straddles_two(
    session: Session,
) -> None:
    # Bellver de Cerdanya is in the province of Lleida; the Cerdanya is filed under Girona.
    make.member(session, "Ajuntament de Bellver de Cerdanya", municipality_code="25051")

    summary = territory.province_summary(session=session, today=TODAY).set_index("province")
    located = territory.member_locations(session=session, today=TODAY)
    layers = filter_province(map_layers(session=session, today=TODAY, cadence=CADENCE), "Lleida")

    assert summary.loc["Lleida", "members"] == 1
    assert summary.loc["Girona", "members"] == 0
    # The comarca itself is still counted where it is filed.
    assert summary.loc["Girona", "comarques_with_presence"] == 1
    assert located["province"].tolist() == ["Lleida"]
    assert layers.members["member"].tolist() == ["Ajuntament de Bellver de Cerdanya"]


# --- The map's layers -----------------------------------------------------------------------


def test_presence_classes_start_with_no_presence_and_cover_every_count() -> None:
    classes = presence_classes(pd.Series([0, 0, 1, 1, 2, 3, 5, 8, 13, 40]))
    assert classes[0].label == NO_PRESENCE_LABEL
    assert classes[1].lower == 1 and classes[-1].upper is None
    assert classes[-1].label.endswith("o més")
    assert presence_class_of(0, classes) == 0
    assert presence_class_of(40, classes) == classes[-1].index
    assert presence_classes(pd.Series([0, 0])) == classes[:1]


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1, max_size=60))
def test_every_count_falls_in_exactly_one_presence_class(counts: list[int]) -> None:
    classes = presence_classes(pd.Series(counts))
    for count in counts:
        matching = [
            step
            for step in classes
            if step.lower <= count and (step.upper is None or count <= step.upper)
        ]
        assert len(matching) == 1
        assert (matching[0].index == 0) == (count == 0)
    # Consecutive, no gaps: each class starts right after the previous one.
    for previous, step in zip(classes[1:], classes[2:], strict=False):
        assert previous.upper is not None and step.lower == previous.upper + 1


def test_events_of_the_year_are_grouped_by_place_and_virtual_ones_counted(
    session: Session,
) -> None:
    make.event(
        session,
        "Assemblea de primavera",
        date(2026, 4, 27),
        municipality_code=VIC,
        format=EventFormat.IN_PERSON,
    )
    make.event(
        session, "Jornada CCPR", date(2026, 12, 3), municipality_code=VIC, format=EventFormat.HYBRID
    )
    make.event(
        session,
        "Trobada territorial",
        date(2026, 3, 6),
        municipality_code=OLOT,
        format=EventFormat.IN_PERSON,
    )
    make.event(session, "Comissió Executiva", date(2026, 5, 5))  # virtual, no place
    make.event(
        session,
        "Assemblea 2025",
        date(2025, 11, 20),
        municipality_code=VIC,
        format=EventFormat.IN_PERSON,
    )

    places, virtual = events_by_place(session=session, year=2026, today=TODAY)

    assert virtual == 1
    rows = places.set_index("municipality")
    assert list(rows.index) == ["Olot", "Vic"]
    assert rows.loc["Vic", ["events", "held"]].tolist() == [2, 1]
    assert rows.loc["Vic", "event_lines"].split("\n") == [
        "27/04/2026 · Assemblea de primavera (Assemblea)",
        "03/12/2026 · Jornada CCPR (Assemblea)",
    ]
    assert rows.loc["Olot", "comarca_code"] == GARROTXA


def test_mentor_links_join_assigned_mentors_and_open_mentorings(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    olot = make.member(session, "Ajuntament d'Olot", municipality_code=OLOT, mentor_id=vic.id)
    girona = make.member(session, "Ajuntament de Girona", municipality_code=GIRONA)
    reus = make.member(
        session,
        "Ajuntament de Reus",
        municipality_code=REUS,
        joined_on=date(2018, 1, 1),
        left_on=date(2025, 1, 1),
    )
    sort = make.member(session, "Ajuntament de Sort", municipality_code=SORT)

    def mentoring(mentor_id: int, mentee_id: int, status: AdvisoryStatus) -> None:
        session.add(
            Advisory(
                member_id=mentee_id,
                kind=AdvisoryKind.MENTORING,
                status=status,
                mentor_member_id=mentor_id,
                requested_on=date(2026, 6, 1),
            )
        )

    mentoring(vic.id, olot.id, AdvisoryStatus.IN_PROGRESS)  # same pair: drawn once
    mentoring(girona.id, sort.id, AdvisoryStatus.REQUESTED)
    mentoring(girona.id, vic.id, AdvisoryStatus.DONE)  # over: no line
    mentoring(reus.id, sort.id, AdvisoryStatus.IN_PROGRESS)  # the mentor left: no line
    session.flush()

    links = map_layers(session=session, today=TODAY, cadence=CADENCE).mentor_links

    assert links[["mentor", "mentee", "kind"]].values.tolist() == [
        ["Ajuntament de Girona", "Ajuntament de Sort", MENTORING_LABEL],
        ["Ajuntament de Vic", "Ajuntament d'Olot", MENTOR_LABEL],
    ]
    olot_link = links.iloc[1]
    assert (olot_link["mentor_province"], olot_link["mentee_province"]) == ("Barcelona", "Girona")


def test_map_members_carry_status_participation_and_mentoring(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic", is_territorial_delegate=True)
    olot = make.member(session, "Ajuntament d'Olot", municipality_code=OLOT, mentor_id=vic.id)
    session.add(
        Interaction(
            member_id=vic.id,
            occurred_on=TODAY - timedelta(days=3),
            channel=Channel.PHONE,
            summary="Trucada de seguiment",
        )
    )
    assembly = make.event(session, "Assemblea", TODAY - timedelta(days=30))
    make.registration(session, assembly, vic, status=RegistrationStatus.ATTENDED)
    session.flush()

    layers = map_layers(session=session, today=TODAY, cadence=CADENCE)
    members = layers.members.set_index("member")

    assert members.loc["Ajuntament de Vic", "status"] == FollowUpStatus.UP_TO_DATE
    assert members.loc["Ajuntament de Vic", "last_contact"] == TODAY - timedelta(days=3)
    assert (
        members.loc["Ajuntament de Vic", "participation"]
        > members.loc["Ajuntament d'Olot", "participation"]
    )
    assert members.loc["Ajuntament de Vic", "mentees"] == 1
    assert members.loc["Ajuntament d'Olot", "mentor"] == "Ajuntament de Vic"
    assert members.loc["Ajuntament d'Olot", "status"] == FollowUpStatus.NEVER
    assert bool(members.loc["Ajuntament de Vic", "territorial_delegate"])
    assert layers.comarques.set_index("comarca_code").loc[OSONA, "presence_class"] > 0
    assert olot.id in set(layers.members["member_id"])


def test_map_members_follow_the_cadence_they_are_given(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    session.add(
        Interaction(
            member_id=vic.id,
            occurred_on=TODAY - timedelta(days=60),
            channel=Channel.PHONE,
            summary="Trucada de seguiment",
        )
    )
    session.flush()

    quarterly = map_layers(session=session, today=TODAY, cadence=CADENCE)
    monthly = map_layers(
        session=session, today=TODAY, cadence=Cadence(regular_days=30, onboarding_days=30)
    )

    assert quarterly.members.loc[0, "status"] == FollowUpStatus.UP_TO_DATE
    assert monthly.members.loc[0, "status"] == FollowUpStatus.OVERDUE
    # A new status is a new map: the cached one is not drawn again.
    assert monthly.version != quarterly.version


def test_filtering_a_province_narrows_every_layer(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    make.member(session, "Ajuntament d'Olot", municipality_code=OLOT, mentor_id=vic.id)
    make.member(session, "Ajuntament de Lleida", municipality_code=LLEIDA)
    make.event(
        session,
        "Trobada a Olot",
        date(2026, 3, 6),
        municipality_code=OLOT,
        format=EventFormat.IN_PERSON,
    )
    everything = map_layers(session=session, today=TODAY, cadence=CADENCE)

    girona = filter_province(everything, "Girona")

    assert set(girona.comarques["province"]) == {"Girona"}
    assert girona.members["member"].tolist() == ["Ajuntament d'Olot"]
    assert girona.events["municipality"].tolist() == ["Olot"]
    # A mentoring that crosses into the province is kept: its mentor is in Barcelona.
    assert girona.mentor_links["mentor"].tolist() == ["Ajuntament de Vic"]
    assert set(girona.uncovered["province"]) == {"Girona"}
    assert len(girona.provinces) == 4
    assert girona.version != everything.version
    assert filter_province(everything, None) is everything


def test_the_version_changes_with_the_data_and_only_then(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    first = map_layers(session=session, today=TODAY, cadence=CADENCE)
    assert map_layers(session=session, today=TODAY, cadence=CADENCE).version == first.version
    make.member(session, "Ajuntament de Sort", municipality_code=SORT)
    assert map_layers(session=session, today=TODAY, cadence=CADENCE).version != first.version
