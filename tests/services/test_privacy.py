"""``services.privacy.redact``: what a role without personal data (the Commission) is handed.

First the rules on each shape a read service returns (tables, frozen dataclasses, mappings,
sequences), then every read service the pages call, on a small network whose person, staff
member and notes are known: redacted, none of them is left anywhere in what comes back."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from sqlalchemy.orm import Session

from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    AppUser,
    Channel,
    EventFormat,
    EventKind,
    Interaction,
    OnboardingStep,
    OnboardingStepKind,
    Referral,
    RegistrationStatus,
    Scenario,
    UserRole,
    WorkGroup,
    WorkGroupMembership,
    WorkGroupStatus,
)
from services import (
    advisories,
    events,
    follow_up,
    map_layers,
    member_file,
    overview,
    participation,
    plan,
    scenarios,
    work_groups,
)
from services.clock import catalan_today
from services.privacy import MASK, PERSONAL_KEYS, redact
from tests import factories as make

# --- The rules -------------------------------------------------------------------------------


def test_a_table_loses_its_personal_columns_values_and_nothing_else() -> None:
    frame = pd.DataFrame(
        {
            "member": ["Ajuntament de Vic", "Ajuntament d'Olot", "Ajuntament de Reus"],
            "person": ["Anna Puig", None, ""],
            "email": ["anna@vic.example.cat", "jordi@olot.example.cat", None],
            "attended": [3, 0, 1],
        }
    )
    before = frame.copy()
    redacted = redact(frame)
    assert redacted["member"].tolist() == frame["member"].tolist()
    assert redacted["attended"].tolist() == [3, 0, 1]
    # Nobody stays nobody: a missing or empty value is not turned into a dash.
    person, email = redacted["person"], redacted["email"]
    assert person[0] == MASK and pd.isna(person[1]) and person[2] == ""
    assert email[0] == email[1] == MASK and pd.isna(email[2])
    # Cached results are shared between viewers: the original is never touched.
    pd.testing.assert_frame_equal(frame, before)


def test_a_table_without_personal_columns_is_handed_as_it_is() -> None:
    frame = pd.DataFrame({"member": ["Ajuntament de Vic"], "index": [42.0]})
    assert redact(frame) is frame


@dataclasses.dataclass(frozen=True)
class _Detail:
    name: str
    owner: str | None
    notes: str
    # A table under a personal key (as a scenario comparison's ``summary``) is not text: it
    # is redacted as a table, not replaced.
    summary: pd.DataFrame
    persons: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()


def test_a_dataclass_loses_its_personal_texts_and_keeps_its_tables() -> None:
    detail = _Detail(
        name="Sense pròrroga",
        owner="Marta Vidal",
        notes="",
        summary=pd.DataFrame({"concept": ["Pressupost"], "email": ["anna@vic.example.cat"]}),
        persons=("Ajuntament de Vic",),
        staff=("Marta Vidal", "Núria Vila"),
    )
    redacted = redact(detail)
    assert redacted.name == "Sense pròrroga" and redacted.persons == ("Ajuntament de Vic",)
    assert redacted.owner == MASK and redacted.notes == ""
    assert redacted.staff == (MASK, MASK)
    assert redacted.summary["concept"].tolist() == ["Pressupost"]
    assert redacted.summary["email"].tolist() == [MASK]
    assert detail.owner == "Marta Vidal"
    nobody = dataclasses.replace(detail, owner=None, summary=pd.DataFrame(), staff=())
    assert redact(nobody) is nobody


def test_mappings_series_and_sequences_are_redacted_through() -> None:
    facts = {"title": "Assemblea", "email": "anna@vic.example.cat", "nested": [{"phone": "93"}]}
    assert redact(facts) == {"title": "Assemblea", "email": MASK, "nested": [{"phone": MASK}]}
    series = pd.Series(["Anna Puig", None], name="person")
    redacted = redact(series)
    assert redacted[0] == MASK and pd.isna(redacted[1])
    plain = (pd.DataFrame({"member": ["Vic"]}), [1, 2], "Vic")
    assert redact(plain) is plain
    frames = [pd.DataFrame({"staff": ["Marta Vidal"]})]
    assert redact(frames)[0]["staff"].tolist() == [MASK]


def test_personal_keys_never_catch_a_member_group_topic_or_scenario_name() -> None:
    # Those are ``name``, ``member``, ``mentor``, ``work_group``, ``topic``: public.
    assert not {"name", "member", "mentor", "mentee", "work_group", "topic", "title"} & (
        PERSONAL_KEYS
    )


# --- Every read service the pages call --------------------------------------------------------

PERSON, EMAIL, PHONE = "Anna Puig Serra", "anna.puig@vic.example.cat", "93 886 12 34"
POSITION = "Regidora d'Economia Social i Solidària"
STAFF = "Marta Vidal Roca"
SUMMARY = "Trucada amb l'Anna Puig sobre la jornada"
NOTES = "Revisat amb la regidora Anna Puig"
SECRETS = (PERSON, EMAIL, PHONE, POSITION, STAFF, SUMMARY, NOTES)


def _texts(value: Any) -> Iterator[str]:
    """Every text in a service's result: headers and cells, fields, keys and items."""
    if isinstance(value, pd.DataFrame):
        yield from (str(column) for column in value.columns)
        yield from (str(cell) for cell in value.to_numpy().ravel())
    elif isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


@pytest.fixture
def network(session: Session) -> dict[str, int]:
    """Vic, owned by Marta, with Anna as its contact: a contact with a summary naming her and
    a referral, an event she registered for, an advisory, a work group, an onboarding under
    way, and two saved scenarios, one with notes naming her."""
    today = catalan_today()
    marta = AppUser(email="marta@xmess.cat", full_name=STAFF, role=UserRole.STAFF)
    session.add(marta)
    session.flush()
    vic = make.member(session, "Ajuntament de Vic", owner_id=marta.id)
    olot = make.member(session, "Ajuntament d'Olot", municipality_code="17114", mentor_id=vic.id)
    anna = make.person(session, vic, PERSON, email=EMAIL, phone=PHONE, position=POSITION)
    session.add(
        Interaction(
            member_id=vic.id,
            person_id=anna.id,
            staff_id=marta.id,
            occurred_on=today - timedelta(days=20),
            channel=Channel.PHONE,
            summary=SUMMARY,
            referral=Referral.ADVISORY,
        )
    )
    session.add(OnboardingStep(member_id=olot.id, step=OnboardingStepKind.WELCOME_MEETING))
    session.add(
        Advisory(
            member_id=vic.id,
            kind=AdvisoryKind.CCPR_EXPERT,
            status=AdvisoryStatus.IN_PROGRESS,
            requested_on=today - timedelta(days=10),
            hours=Decimal("4"),
            description=NOTES,
        )
    )
    group = WorkGroup(code="cures", name="Cures", status=WorkGroupStatus.ACTIVE)
    session.add(group)
    session.flush()
    session.add(WorkGroupMembership(work_group_id=group.id, member_id=vic.id, joined_on=today))
    assembly = make.event(
        session,
        "Assemblea de la Xarxa",
        today - timedelta(days=5),
        format=EventFormat.IN_PERSON,
        municipality_code="08298",
    )
    make.registration(session, assembly, vic, person_id=anna.id, status=RegistrationStatus.ATTENDED)
    make.event(
        session,
        "Sessió del GT de Cures",
        today - timedelta(days=3),
        kind=EventKind.WORK_GROUP_SESSION,
        work_group_id=group.id,
    )
    make.plan_activity(session, "A1-01", "1000", year=today.year)
    ids = []
    for name, notes in (("Amb pròrroga", NOTES), ("Sense pròrroga", "")):
        scenario = Scenario(
            name=name,
            year=today.year,
            conveni_extended=True,
            budget_eur=Decimal("1000"),
            staff_hours=Decimal("10"),
            notes=notes,
            created_by_id=marta.id,
        )
        session.add(scenario)
        session.flush()
        ids.append(scenario.id)
    session.commit()
    return {
        "vic": vic.id,
        "event": assembly.id,
        "group": group.id,
        "scenario": ids[0],
        "other_scenario": ids[1],
    }


def _reads(ids: dict[str, int]) -> dict[str, tuple[Callable[..., Any], dict[str, Any]]]:
    """Every read service the pages open to the Commission call, with their arguments."""
    today = catalan_today()
    cadence = follow_up.Cadence(regular_days=90, onboarding_days=30)
    filters = events.EventFilter(year=today.year)
    vic, event, group = ids["vic"], ids["event"], ids["group"]
    return {
        "member_status": (follow_up.member_status, {"today": today, "cadence": cadence}),
        "onboarding_progress": (follow_up.onboarding_progress, {"today": today}),
        "headline_figures": (overview.headline_figures, {"today": today}),
        "quarter_change": (overview.quarter_change, {"today": today}),
        "upcoming_events": (overview.upcoming_events, {"today": today, "days": 14}),
        "members_by_province": (overview.members_by_province, {"today": today}),
        "member_options": (member_file.member_options, {"today": today}),
        "member_profile": (member_file.member_profile, {"member_id": vic, "today": today}),
        "member_persons": (member_file.member_persons, {"member_id": vic}),
        "member_timeline": (member_file.member_timeline, {"member_id": vic}),
        "member_advisories": (member_file.member_advisories, {"member_id": vic}),
        "member_events": (member_file.member_events, {"member_id": vic, "today": today}),
        "contacts_per_month": (member_file.contacts_per_month, {"today": today}),
        "needs_by_topic": (member_file.needs_by_topic, {"today": today}),
        "staff_options": (member_file.staff_options, {}),
        "topic_options": (member_file.topic_options, {}),
        "needs_by_quarter": (advisories.needs_by_quarter, {"today": today}),
        "referrals": (advisories.referrals_without_follow_up, {"today": today}),
        "open_advisories": (advisories.open_advisories, {}),
        "mentor_pairs": (advisories.mentor_pairs, {"today": today}),
        "ccpr_bag": (advisories.ccpr_bag, {"year": today.year, "bag_hours": 50}),
        "events_table": (events.events_table, {"today": today, "filters": filters}),
        "member_attendance": (events.member_attendance, {"today": today, "filters": filters}),
        "attendance_by_territory": (
            events.attendance_by_territory,
            {"today": today, "filters": filters, "event_id": event},
        ),
        "thematic_days": (events.thematic_days, {"today": today, "year": today.year}),
        "event_years": (events.event_years, {}),
        "province_names": (events.province_names, {}),
        "first_time_members": (events.first_time_members, {"event_id": event, "today": today}),
        "event_registrations": (events.event_registrations, {"event_id": event}),
        "event_facts": (events.event_facts, {"event_id": event}),
        "checkin_options": (events.checkin_options, {"today": today}),
        "person_options": (events.person_options, {"member_id": vic}),
        "group_overview": (work_groups.group_overview, {"today": today}),
        "quarterly_trend": (work_groups.quarterly_trend, {"today": today}),
        "attendance_matrix": (work_groups.attendance_matrix, {"today": today}),
        "members_without_group": (work_groups.members_without_group, {"today": today}),
        "group_options": (work_groups.group_options, {}),
        "group_members": (work_groups.group_members, {"work_group_id": group, "today": today}),
        "group_sessions": (work_groups.group_sessions, {"work_group_id": group, "today": today}),
        "place_options": (work_groups.place_options, {}),
        "participation_index": (participation.participation_index, {"today": today}),
        "map_layers": (map_layers.map_layers, {"today": today, "cadence": cadence}),
        "plan_years": (plan.plan_years, {}),
        "plan_model": (plan.plan_model, {"year": today.year}),
        "plan_table": (plan.plan_table, {"year": today.year}),
        "plan_caps": (plan.plan_caps, {"year": today.year}),
        "list_scenarios": (scenarios.list_scenarios, {"year": today.year}),
        "scenario_detail": (scenarios.scenario_detail, {"scenario_id": ids["scenario"]}),
        "compare_scenarios": (
            scenarios.compare_scenarios,
            {"left_id": ids["scenario"], "right_id": ids["other_scenario"]},
        ),
    }


def test_no_read_service_hands_a_person_to_a_viewer_without_the_right(
    session: Session, network: dict[str, int]
) -> None:
    found: dict[str, set[str]] = {}
    leaked: dict[str, set[str]] = {}
    for name, (service, arguments) in _reads(network).items():
        result = service(session=session, **arguments)
        texts = " | ".join(_texts(result))
        found[name] = {secret for secret in SECRETS if secret in texts}
        redacted = " | ".join(_texts(redact(result)))
        leaked[name] = {secret for secret in SECRETS if secret in redacted}
    # The network does reach the services: as the team reads them, every secret is there.
    assert set().union(*found.values()) == set(SECRETS)
    assert found["member_timeline"] == {PERSON, STAFF, SUMMARY}
    assert found["event_registrations"] == {PERSON, EMAIL}
    assert {PERSON, EMAIL, PHONE, POSITION} <= found["member_persons"]
    assert found["list_scenarios"] == {NOTES}
    assert {name: secrets for name, secrets in leaked.items() if secrets} == {}


def test_redacting_keeps_what_the_commission_reads(
    session: Session, network: dict[str, int]
) -> None:
    reads = _reads(network)

    def read(name: str) -> Any:
        service, arguments = reads[name]
        return redact(service(session=session, **arguments))

    # The map's popups list the year's events; the comparison keeps its table; the profile
    # keeps the member and its mentee.
    layers = read("map_layers")
    assert "Assemblea de la Xarxa" in layers.events["event_lines"].iloc[0]
    assert layers.members["owner"].tolist() != [STAFF]
    comparison = read("compare_scenarios")
    assert comparison.left.name == "Amb pròrroga" and comparison.left.notes == MASK
    assert "Pressupost" in comparison.summary["concept"].tolist()
    profile = read("member_profile")
    assert profile.name == "Ajuntament de Vic" and profile.mentees == ("Ajuntament d'Olot",)
    assert profile.owner == MASK
    assert read("event_facts")["title"] == "Assemblea de la Xarxa"
