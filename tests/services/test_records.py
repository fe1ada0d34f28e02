"""Editing members and persons: validation, audit, and two people saving the same record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.models import AuditAction, AuditLog, Channel, Interaction, Member, MemberKind, Person
from db.models import PersonRole as Role
from db.session import session_scope
from services.errors import ValidationError
from services.records import (
    ConcurrentEditError,
    MemberForm,
    PersonForm,
    delete_person,
    member_record,
    person_record,
    save_member,
    save_person,
)
from tests import factories as make
from tests.factories import staff

TODAY = date(2026, 11, 24)


def _new_member(**changes: object) -> MemberForm:
    values = {
        "name": "Ajuntament de Vic",
        "kind": MemberKind.AJUNTAMENT,
        "municipality_code": "08298",
        "joined_on": date(2020, 1, 1),
    } | changes
    return MemberForm(**values)  # type: ignore[arg-type]


def test_create_then_update_a_member_with_its_audit(session: Session) -> None:
    member_id = save_member(
        session=session, form=_new_member(), opened=None, today=TODAY, actor=staff("marta")
    )
    session.commit()
    created = session.scalars(select(AuditLog)).one()
    assert (created.action, created.table_name, created.record_id) == (
        AuditAction.CREATE,
        "member",
        str(member_id),
    )
    assert created.username == "marta" and created.after is not None
    assert (created.after["name"], created.after["kind"]) == ("Ajuntament de Vic", "ajuntament")
    assert created.after["joined_on"] == "2020-01-01"
    opened = member_record(session=session, member_id=member_id)
    assert opened is not None and opened.version == 1
    save_member(
        session=session,
        form=replace(opened.form, is_territorial_delegate=True, notes="<b>delegat</b>"),
        opened=opened,
        today=TODAY,
        actor=staff("jordi"),
    )
    session.commit()
    member = session.get(Member, member_id)
    assert member is not None
    assert (member.version, member.notes) == (2, "<b>delegat</b>")
    update = session.scalars(select(AuditLog).where(AuditLog.action == AuditAction.UPDATE)).one()
    assert update.username == "jordi"
    assert update.before == {"is_territorial_delegate": False, "notes": ""}
    assert update.after == {"is_territorial_delegate": True, "notes": "<b>delegat</b>"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "  "}, "Nom: no pot quedar buit."),
        ({"kind": None}, "Tipus d'ens: cal triar-ne un."),
        ({"municipality_code": "99999"}, "Municipi: 99999 no és cap codi INE de Catalunya."),
        ({"joined_on": date(2027, 1, 1)}, "Data d'alta: 01/01/2027 és una data futura."),
        (
            {"left_on": date(2019, 1, 1)},
            "Data de baixa: 01/01/2019 és anterior a l'alta (01/01/2020).",
        ),
        ({"name": "x" * 161}, "Nom: massa llarg (161 caràcters; màxim 160)."),
    ],
)
def test_bad_member_input_is_refused_field_by_field(
    session: Session, changes: dict, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        save_member(
            session=session, form=_new_member(**changes), opened=None, today=TODAY, actor=staff("m")
        )
    assert message in refused.value.messages
    assert session.scalar(select(func.count()).select_from(Member)) == 0


def test_duplicate_member_name_is_refused(session: Session) -> None:
    make.member(session, "Ajuntament de Vic")
    with pytest.raises(ValidationError, match="ja hi ha un membre que es diu"):
        save_member(
            session=session,
            form=_new_member(name="ajuntament de vic"),
            opened=None,
            today=TODAY,
            actor=staff("m"),
        )


def test_second_save_of_the_same_member_is_refused_with_what_changed(engine: Engine) -> None:
    with session_scope(engine) as session:
        member_id = make.member(session, "Ajuntament de Vic", notes="").id
    # Two people open the same member.
    with session_scope(engine) as session:
        first = member_record(session=session, member_id=member_id)
        second = member_record(session=session, member_id=member_id)
    assert first is not None and second is not None
    with session_scope(engine) as session:
        save_member(
            session=session,
            form=replace(first.form, notes="Nova regidora", left_on=date(2026, 6, 30)),
            opened=first,
            today=TODAY,
            actor=staff("marta"),
        )
    with pytest.raises(ConcurrentEditError) as refused, session_scope(engine) as session:
        save_member(
            session=session,
            form=replace(second.form, name="Ajuntament de Vic (Osona)"),
            opened=second,
            today=TODAY,
            actor=staff("jordi"),
        )
    message = refused.value.messages[0]
    assert message.startswith("No s'ha desat: algú altre (marta, ")
    assert refused.value.changes == (
        "Data de baixa: (buit) → 30/06/2026",
        "Notes: (buit) → Nova regidora",
    )
    with session_scope(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        assert (member.name, member.notes, member.version) == (
            "Ajuntament de Vic",
            "Nova regidora",
            2,
        )


def test_a_race_between_check_and_write_is_caught_by_the_version_column(engine: Engine) -> None:
    """Both saves pass the version check; the database's versioned UPDATE stops the second."""
    with session_scope(engine) as session:
        member_id = make.member(session, "Ajuntament de Vic").id
    with session_scope(engine) as session:
        opened = member_record(session=session, member_id=member_id)
    assert opened is not None
    session = Session(engine, expire_on_commit=False)
    try:
        loaded = session.get(Member, member_id)  # our save has read version 1 ...
        assert loaded is not None
        with session_scope(engine) as other:  # ... when someone else commits version 2
            save_member(
                session=other,
                form=replace(opened.form, notes="primer"),
                opened=opened,
                today=TODAY,
                actor=staff("marta"),
            )
        with pytest.raises(ConcurrentEditError) as refused:
            save_member(
                session=session,
                form=replace(opened.form, notes="segon"),
                opened=opened,
                today=TODAY,
                actor=staff("jordi"),
            )
        assert "Notes: (buit) → primer" in refused.value.changes
    finally:
        session.rollback()
        session.close()


def test_persons_create_update_email_unique_and_conflict(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    make.person(session, vic, "Pere Roca", email="pere@vic.cat")
    session.commit()
    form = PersonForm(member_id=vic.id, full_name="Anna Puig", role=Role.ELECTED, email="x@y")
    with pytest.raises(ValidationError, match="«x@y» no és una adreça vàlida"):
        save_person(session=session, form=form, opened=None, actor=staff("marta"))
    with pytest.raises(ValidationError, match="PERE@vic.cat ja és el correu de Pere Roca"):
        save_person(
            session=session, form=replace(form, email="PERE@vic.cat"), opened=None, actor=staff("m")
        )
    person_id = save_person(
        session=session, form=replace(form, email="anna@vic.cat"), opened=None, actor=staff("m")
    )
    session.commit()
    opened = person_record(session=session, person_id=person_id)
    assert opened is not None
    save_person(
        session=session,
        form=replace(opened.form, phone="600 000 000"),
        opened=opened,
        actor=staff("m"),
    )
    session.commit()
    with pytest.raises(ConcurrentEditError, match="Telèfon: \\(buit\\) → 600 000 000"):
        save_person(
            session=session,
            form=replace(opened.form, active=False),
            opened=opened,
            actor=staff("j"),
        )


def test_a_person_with_history_is_kept_and_one_without_is_deleted(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    busy = make.person(session, vic, "Anna Puig")
    idle = make.person(session, vic, "Pere Roca", email="pere@vic.cat")
    session.add(
        Interaction(
            member_id=vic.id,
            person_id=busy.id,
            occurred_on=TODAY,
            channel=Channel.PHONE,
            summary="Trucada",
        )
    )
    session.commit()
    busy_record = person_record(session=session, person_id=busy.id)
    idle_record = person_record(session=session, person_id=idle.id)
    assert busy_record is not None and idle_record is not None
    with pytest.raises(ValidationError, match="apareix en 1 contacte o inscripció:"):
        delete_person(session=session, opened=busy_record, actor=staff("marta"))
    delete_person(session=session, opened=idle_record, actor=staff("marta"))
    session.commit()
    assert session.scalars(select(Person.full_name)).all() == ["Anna Puig"]
    entry = session.scalars(select(AuditLog).where(AuditLog.action == AuditAction.DELETE)).one()
    assert entry.before is not None and entry.before["email"] == "pere@vic.cat"
