from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    AuditLog,
    EventFormat,
    EventKind,
    PersonRole,
    PlanCap,
    Registration,
    RegistrationStatus,
    WorkGroup,
    WorkGroupStatus,
)
from services.errors import ValidationError
from services.events import (
    EventFilter,
    RegistrationForm,
    attendance_by_territory,
    checkin_options,
    event_registrations,
    events_table,
    first_time_members,
    member_attendance,
    person_options,
    register,
    save_check_in,
    thematic_days,
)
from tests import factories as make
from tests.factories import staff

TODAY = date(2026, 11, 24)
ATTENDED = RegistrationStatus.ATTENDED


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def network(session: Session) -> dict:
    """Vic (Osona) and Sabadell (Vallès Occidental) come; Reus (Baix Camp) registers and never
    comes; Girona never registers. An assembly in Vic this year, a virtual training, last
    year's assembly, an upcoming thematic day and a work-group session."""
    vic = make.member(session, "Ajuntament de Vic")
    sabadell = make.member(session, "Ajuntament de Sabadell", municipality_code="08187")
    reus = make.member(session, "Ajuntament de Reus", municipality_code="43123")
    girona = make.member(session, "Ajuntament de Girona", municipality_code="17079")
    anna = make.person(session, vic, "Anna Puig", email="anna@vic.example.cat")
    pere = make.person(session, vic, "Pere Roca")
    past = make.event(session, "Assemblea 2025", date(2025, 10, 20), format=EventFormat.HYBRID)
    make.registration(session, past, vic, status=ATTENDED)
    assembly = make.event(
        session,
        "Assemblea de primavera",
        date(2026, 4, 15),
        format=EventFormat.HYBRID,
        municipality_code="08298",
    )
    make.registration(session, assembly, vic, person_id=anna.id, status=ATTENDED)
    make.registration(session, assembly, vic, person_id=pere.id, status=ATTENDED)
    make.registration(session, assembly, sabadell, status=ATTENDED)
    make.registration(session, assembly, reus, status=RegistrationStatus.NO_SHOW)
    training = make.event(session, "Formació CCPR", date(2026, 6, 10), kind=EventKind.TRAINING)
    make.registration(session, training, sabadell, status=ATTENDED)
    make.registration(session, training, reus, status=RegistrationStatus.CANCELLED)
    make.registration(session, training, vic, status=RegistrationStatus.REGISTERED)
    day = make.event(
        session,
        "Jornada temàtica: Cures",
        TODAY + timedelta(days=10),
        kind=EventKind.THEMATIC_DAY,
        format=EventFormat.IN_PERSON,
        municipality_code="43123",
    )
    make.registration(session, day, reus)
    group = WorkGroup(code="cures", name="Cures", status=WorkGroupStatus.ACTIVE)
    session.add(group)
    session.flush()
    meeting = make.event(
        session,
        "Sessió del GT de Cures",
        date(2026, 9, 1),
        kind=EventKind.WORK_GROUP_SESSION,
        work_group_id=group.id,
    )
    make.registration(session, meeting, girona, status=ATTENDED)
    session.commit()
    return {
        "vic": vic,
        "sabadell": sabadell,
        "reus": reus,
        "girona": girona,
        "anna": anna,
        "pere": pere,
        "assembly": assembly,
        "training": training,
        "day": day,
        "meeting": meeting,
        "past": past,
    }


def test_events_table_counts_registrations_by_status(session: Session, network: dict) -> None:
    frame = events_table(session=session, today=TODAY, filters=EventFilter(year=2026))
    assert frame["title"].tolist() == [
        "Jornada temàtica: Cures",
        "Formació CCPR",
        "Assemblea de primavera",
    ]  # newest first, the work-group session left out
    rows = frame.set_index("title")
    assembly = rows.loc["Assemblea de primavera"]
    assert (assembly["registrations"], assembly["attended"], assembly["no_show"]) == (4, 3, 1)
    assert assembly["attendance_rate"] == pytest.approx(3 / 4)
    assert (assembly["members"], assembly["members_attended"]) == (3, 2)
    # Sabadell's first XMESS activity; Vic had come to last year's assembly.
    assert assembly["first_time"] == 1
    assert (assembly["place"], assembly["comarca"], assembly["province"]) == (
        "Vic",
        "Osona",
        "Barcelona",
    )
    training = rows.loc["Formació CCPR"]
    assert (training["attended"], training["cancelled"], training["pending"]) == (1, 1, 1)
    assert training["attendance_rate"] == pytest.approx(1 / 2)  # cancelled ones do not count
    day = rows.loc["Jornada temàtica: Cures"]
    assert bool(day["upcoming"]) and pd.isna(day["attendance_rate"])
    assert (day["kind"], day["format"]) == ("thematic_day", "in_person")


@pytest.mark.parametrize(
    ("filters", "titles"),
    [
        (EventFilter(), {"Assemblea 2025", "Assemblea de primavera", "Formació CCPR",
                         "Jornada temàtica: Cures"}),
        (EventFilter(year=2025), {"Assemblea 2025"}),
        (EventFilter(kinds=("training",)), {"Formació CCPR"}),
        (EventFilter(formats=("hybrid",), year=2026), {"Assemblea de primavera"}),
        (EventFilter(provinces=("Tarragona",)), {"Jornada temàtica: Cures"}),
        (EventFilter(year=2026, include_sessions=True, kinds=("assembly",)),
         {"Assemblea de primavera", "Sessió del GT de Cures"}),
        (EventFilter(year=2026, include_sessions=True),
         {"Assemblea de primavera", "Formació CCPR", "Jornada temàtica: Cures",
          "Sessió del GT de Cures"}),
    ],
)  # fmt: skip
def test_filters(session: Session, network: dict, filters: EventFilter, titles: set) -> None:
    assert set(events_table(session=session, today=TODAY, filters=filters)["title"]) == titles


def test_first_time_members_of_an_event(session: Session, network: dict) -> None:
    first = first_time_members(session=session, event_id=network["assembly"].id, today=TODAY)
    assert first["member"].tolist() == ["Ajuntament de Sabadell"]


def test_attendance_by_territory(session: Session, network: dict) -> None:
    territory = attendance_by_territory(
        session=session, today=TODAY, filters=EventFilter(year=2026)
    )
    provinces = territory.by_province.set_index("province")
    assert provinces.loc["Barcelona", "active_members"] == 2
    assert provinces.loc["Barcelona", "members_attended"] == 2
    # Vic's two persons at the assembly are one attendance; Sabadell came twice.
    assert provinces.loc["Barcelona", "attendances"] == 3
    assert provinces.loc["Tarragona", "reach"] == 0
    assert provinces.loc["Lleida", "active_members"] == 0 and pd.isna(
        provinces.loc["Lleida", "reach"]
    )
    comarques = territory.by_comarca.set_index("comarca")
    assert set(comarques.index) == {"Osona", "Vallès Occidental", "Baix Camp", "Gironès"}
    assert comarques.loc["Baix Camp", "members_attended"] == 0
    one = attendance_by_territory(
        session=session, today=TODAY, filters=EventFilter(), event_id=network["training"].id
    )
    assert one.by_comarca.set_index("comarca")["members_attended"].to_dict() == {
        "Baix Camp": 0,
        "Gironès": 0,
        "Osona": 0,
        "Vallès Occidental": 1,
    }


def test_member_attendance_and_who_never_comes(session: Session, network: dict) -> None:
    frame = member_attendance(session=session, today=TODAY, filters=EventFilter(year=2026))
    rows = frame.set_index("member")
    assert (
        rows.loc["Ajuntament de Sabadell", "attended"],
        rows.loc["Ajuntament de Sabadell", "attendance_rate"],
    ) == (2, 1.0)
    # Vic: at the assembly (two persons, one event), registered to the training, never checked.
    assert rows.loc["Ajuntament de Vic", "registered"] == 2
    assert rows.loc["Ajuntament de Vic", "attendance_rate"] == pytest.approx(0.5)
    never = frame[frame["attended"] == 0].set_index("member")
    assert set(never.index) == {"Ajuntament de Reus", "Ajuntament de Girona"}
    assert never.loc["Ajuntament de Reus", "registered"] == 1  # the cancellation does not count
    # Girona came to a work-group session: not "never at all".
    assert never.loc["Ajuntament de Girona", "last_attended"] == date(2026, 9, 1)
    assert pd.isna(never.loc["Ajuntament de Reus", "last_attended"])


def test_thematic_days_against_the_plan_cap(session: Session) -> None:
    session.add(PlanCap(year=2026, cap_group="jornades", max_count=3))
    for month in (3, 6, 9):
        make.event(session, f"Jornada {month}", date(2026, month, 10), kind=EventKind.THEMATIC_DAY)
    make.event(session, "Jornada desembre", date(2026, 12, 10), kind=EventKind.THEMATIC_DAY)
    make.event(session, "Jornada 2025", date(2025, 5, 10), kind=EventKind.THEMATIC_DAY)
    make.plan_activity(session, "A5-03", "2500", cap_group="jornades")
    make.plan_activity(session, "A5-04", "2200", cap_group="jornades")
    session.commit()
    cap = thematic_days(session=session, today=TODAY, year=2026)
    assert (cap.max_count, cap.held, cap.upcoming, cap.plan_candidates) == (3, 3, 1, 2)
    assert cap.over_cap
    assert [title for _, title, _ in cap.days][-1] == "Jornada desembre"
    assert thematic_days(session=session, today=TODAY, year=2025).max_count is None


def test_check_in_saves_only_the_changes_with_one_audit_entry_each(
    session: Session, network: dict
) -> None:
    registrations = event_registrations(session=session, event_id=network["training"].id)
    by_member = registrations.set_index("member")["registration_id"]
    changed = save_check_in(
        session=session,
        event_id=network["training"].id,
        changes=(
            (int(by_member["Ajuntament de Vic"]), "attended"),
            (int(by_member["Ajuntament de Sabadell"]), "attended"),  # unchanged
        ),
        today=TODAY,
        actor=staff("marta"),
    )
    session.commit()
    assert changed == 1
    audit = session.scalars(select(AuditLog)).one()
    assert (audit.table_name, audit.before, audit.after) == (
        "registration",
        {"status": "registered"},
        {"status": "attended"},
    )
    training = events_table(session=session, today=TODAY, filters=EventFilter(year=2026))
    assert training.set_index("title").loc["Formació CCPR", "attended"] == 2


def test_check_in_is_all_or_nothing(session: Session, network: dict) -> None:
    training = event_registrations(session=session, event_id=network["training"].id)
    assembly = event_registrations(session=session, event_id=network["assembly"].id)
    upcoming = event_registrations(session=session, event_id=network["day"].id)
    with pytest.raises(ValidationError) as refused:
        save_check_in(
            session=session,
            event_id=network["training"].id,
            changes=(
                (int(training["registration_id"].iloc[0]), "no_show"),
                (int(assembly["registration_id"].iloc[0]), "attended"),
                (int(training["registration_id"].iloc[1]), "present"),
            ),
            today=TODAY,
            actor=staff("marta"),
        )
    assert len(refused.value.messages) == 2
    assert "no és una inscripció de «Formació CCPR»" in refused.value.messages[0]
    assert "«present» no és un estat" in refused.value.messages[1]
    with pytest.raises(ValidationError, match="encara no s'ha fet"):
        save_check_in(
            session=session,
            event_id=network["day"].id,
            changes=((int(upcoming["registration_id"].iloc[0]), "attended"),),
            today=TODAY,
            actor=staff("marta"),
        )
    session.rollback()
    statuses = session.scalars(
        select(Registration.status).where(Registration.event_id == network["training"].id)
    ).all()
    assert sorted(s.value for s in statuses) == ["attended", "cancelled", "registered"]
    assert _count(session, AuditLog) == 0


def test_register_a_person_and_a_member(session: Session, network: dict) -> None:
    anna = network["anna"]
    # The person alone is enough: her member is taken from her.
    register(
        session=session,
        form=RegistrationForm(event_id=network["day"].id, person_id=anna.id),
        today=TODAY,
        actor=staff("marta"),
    )
    register(
        session=session,
        form=RegistrationForm(event_id=network["day"].id, member_id=network["girona"].id),
        today=TODAY,
        actor=staff("marta"),
    )
    # A walk-in at a past event can be recorded as attended.
    register(
        session=session,
        form=RegistrationForm(
            event_id=network["training"].id,
            member_id=network["girona"].id,
            status=RegistrationStatus.ATTENDED,
        ),
        today=TODAY,
        actor=staff("marta"),
    )
    session.commit()
    day = event_registrations(session=session, event_id=network["day"].id)
    assert set(zip(day["member"], day["person"], strict=True)) == {
        ("Ajuntament de Vic", "Anna Puig"),
        ("Ajuntament de Girona", ""),
        ("Ajuntament de Reus", ""),
    }
    assert set(zip(day["person"], day["role"], strict=True)) == {
        ("Anna Puig", "technician"),
        ("", ""),
    }
    assert _count(session, AuditLog) == 3


@pytest.mark.parametrize(
    ("form", "message"),
    [
        # A person of another member.
        ({"event": "day", "member": "reus", "person": "anna"},
         "Persona: Anna Puig no és un contacte de Ajuntament de Reus"),
        # A person of no member of the network (her member left).
        ({"event": "day", "person": "gone_person"},
         "Persona: Jan Soler és contacte de Ajuntament de Roda, que no és membre de la xarxa"),
        ({"event": "day", "member": "gone"}, "Membre: Ajuntament de Roda no és membre"),
        # Duplicates: the same member again (no person), the same person again.
        ({"event": "day", "member": "reus"}, "Inscripció duplicada: Ajuntament de Reus ja està"),
        ({"event": "assembly", "member": "vic", "person": "anna"},
         "Inscripció duplicada: Anna Puig ja està inscrit a «Assemblea de primavera» "
         "\\(estat: Hi ha assistit\\)"),
        # Attendance for an event in the future.
        ({"event": "day", "member": "girona", "status": RegistrationStatus.ATTENDED},
         "no es pot marcar per a «Jornada temàtica: Cures», que és el 04/12/2026"),
        ({"event": "day"}, "Membre: cal triar"),
    ],
)  # fmt: skip
def test_refused_registrations_write_nothing(
    session: Session, network: dict, form: dict, message: str
) -> None:
    gone = make.member(session, "Ajuntament de Roda", left_on=date(2025, 1, 1))
    network |= {"gone": gone, "gone_person": make.person(session, gone, "Jan Soler")}
    session.commit()
    before = _count(session, Registration)
    values = RegistrationForm(
        event_id=network[form["event"]].id,
        member_id=network[form["member"]].id if "member" in form else None,
        person_id=network[form["person"]].id if "person" in form else None,
        status=form.get("status", RegistrationStatus.REGISTERED),
    )
    with pytest.raises(ValidationError, match=message):
        register(session=session, form=values, today=TODAY, actor=staff("marta"))
    session.rollback()
    assert _count(session, Registration) == before
    assert _count(session, AuditLog) == 0


def test_check_in_options_default_to_the_latest_event_held(session: Session, network: dict) -> None:
    options = checkin_options(session=session, today=TODAY)
    assert options["title"].tolist()[:2] == ["Jornada temàtica: Cures", "Sessió del GT de Cures"]
    assert options.loc[options["default"], "title"].tolist() == ["Sessió del GT de Cures"]
    assert "Assemblea 2025" not in options["title"].tolist()  # more than four months ago


def test_person_options_offer_the_members_active_persons(session: Session, network: dict) -> None:
    make.person(session, network["vic"], "Laia Serra", role=PersonRole.ELECTED)
    make.person(session, network["vic"], "Marc Vila", active=False)  # register refuses him
    session.commit()
    options = person_options(session=session, member_id=network["vic"].id)
    assert list(zip(options["person"], options["role"], strict=True)) == [
        ("Laia Serra", "elected"),
        ("Anna Puig", "technician"),
        ("Pere Roca", "technician"),
    ]
