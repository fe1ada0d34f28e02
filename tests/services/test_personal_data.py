"""A person's file (right of access), their erasure (right to erasure) and the consent rule,
on SQLite and PostgreSQL. The erasure test searches every column of every table and a fresh
backup for the erased values."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from db.base import Base
from db.models import (
    AuditAction,
    AuditLog,
    Channel,
    Interaction,
    Member,
    Person,
    PersonRole,
    Registration,
    RegistrationStatus,
)
from services import contacts, events, member_file, overview, personal_data, records
from services.access import AccessDenied
from services.backup import backup_xlsx
from services.errors import ValidationError
from tests import factories as make
from tests.factories import admin, commission, staff

TODAY = date(2026, 5, 4)
NAME = "Núria Ferré"
EMAIL = "nuria.ferre@vic.cat"
PHONE = "600 11 22 33"
OLD_PHONE = "938 86 21 00"
POSITION = "Tècnica del pla local d'economia social"


@dataclass(frozen=True)
class Network:
    vic: int
    nuria: int
    pere: int
    contact: int
    colleague_contact: int
    event: int


def _network(session: Session) -> Network:
    """Núria's name, e-mail and phones in her row, a contact's summary, the member's notes
    and the audit log's before/after, all written by the real write services."""
    vic = make.member(session, "Ajuntament de Vic")
    nuria = records.save_person(
        session=session,
        form=records.PersonForm(
            member_id=vic.id,
            full_name=NAME,
            role=PersonRole.TECHNICIAN,
            position=POSITION,
            email=EMAIL,
            phone=OLD_PHONE,
            consent_contact=True,
        ),
        opened=None,
        actor=staff(),
    )
    opened = records.person_record(session=session, person_id=nuria)
    assert opened is not None
    records.save_person(  # her phone changes: the old one stays in the audit log's before
        session=session,
        form=dataclasses.replace(opened.form, phone=PHONE),
        opened=opened,
        actor=staff(),
    )
    pere = make.person(session, vic, "Pere Soler", email="pere.soler@vic.cat", consent_contact=True)
    member = records.member_record(session=session, member_id=vic.id)
    assert member is not None
    records.save_member(
        session=session,
        form=dataclasses.replace(
            member.form,
            notes=f"La referent és la {NAME.upper()} ({EMAIL}, {PHONE}); el Pere Soler la "
            "substitueix.",
        ),
        opened=member,
        today=TODAY,
        actor=staff(),
    )
    contact = contacts.log_contact(
        session=session,
        form=contacts.ContactForm(
            member_id=vic.id,
            occurred_on=date(2026, 4, 20),
            channel=Channel.PHONE,
            summary=f"Trucada amb {NAME} al {PHONE}: vol entrar al grup de comerç.",
            person_id=nuria,
        ),
        today=TODAY,
        actor=staff(),
    )
    colleague_contact = contacts.log_contact(
        session=session,
        form=contacts.ContactForm(
            member_id=vic.id,
            occurred_on=date(2026, 4, 21),
            channel=Channel.EMAIL,
            summary="Correu amb Pere Soler sobre la jornada.",
            person_id=pere.id,
        ),
        today=TODAY,
        actor=staff(),
    )
    assembly = make.event(session, "Assemblea de primavera", date(2026, 3, 10))
    for person_id in (nuria, pere.id):
        events.register(
            session=session,
            form=events.RegistrationForm(
                event_id=assembly.id, person_id=person_id, status=RegistrationStatus.ATTENDED
            ),
            today=TODAY,
            actor=staff(),
        )
    session.commit()
    return Network(vic.id, nuria, pere.id, contact, colleague_contact, assembly.id)


ERASED = (NAME, EMAIL, PHONE, OLD_PHONE, POSITION)


def _forms(value: str) -> tuple[str, str]:
    """How a value can be stored: as typed, and inside JSON text (non-ASCII escaped)."""
    return value.lower(), json.dumps(value)[1:-1].lower()


def _found(texts: Iterator[tuple[str, str]]) -> list[tuple[str, str]]:
    return [
        (where, value)
        for where, text in texts
        for value in ERASED
        if any(form in text.lower() for form in _forms(value))
    ]


def _database_texts(session: Session) -> Iterator[tuple[str, str]]:
    """Every non-null cell of every table, cast to text, with where it is."""
    for table in Base.metadata.sorted_tables:
        rows = session.execute(select(*(cast(column, Text) for column in table.columns)))
        for row in rows:
            for column, value in zip(table.columns, row, strict=True):
                if value is not None:
                    yield f"{table.name}.{column.name}", str(value)


def _workbook_texts(data: bytes) -> Iterator[tuple[str, str]]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    yield sheet.title, str(value)


def _audit_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog)) or 0


# --- Right of access ------------------------------------------------------------------------


def test_the_file_holds_her_row_contacts_registrations_mentions_and_audit(
    session: Session,
) -> None:
    network = _network(session)
    file = personal_data.person_file(session=session, actor=admin(), person_id=network.nuria)

    row = file.person.iloc[0]
    assert (row["full_name"], row["email"], row["phone"]) == (NAME, EMAIL, PHONE)
    assert (row["member"], row["position"], row["consent_contact"]) == (
        "Ajuntament de Vic",
        POSITION,
        True,
    )
    # Her contact, not her colleague's.
    assert file.contacts["interaction_id"].tolist() == [network.contact]
    assert file.contacts.iloc[0]["channel"] == "Telèfon"
    assert file.registrations["event"].tolist() == ["Assemblea de primavera"]
    assert file.registrations.iloc[0]["status"] == "Hi ha assistit"
    # The member's notes name her; the colleague's contact does not.
    mentioned = set(zip(file.mentions["table"], file.mentions["column"], strict=True))
    assert ("member", "notes") in mentioned
    assert str(network.colleague_contact) not in file.mentions["record_id"].tolist()
    # Her row created and changed, her contact and registration, and the member's notes.
    audited = set(zip(file.audit["table"], file.audit["action"], strict=True))
    assert audited == {
        ("person", "create"),
        ("person", "update"),
        ("interaction", "create"),
        ("registration", "create"),
        ("member", "update"),
    }
    phone_change = file.audit[
        (file.audit["table"] == "person") & (file.audit["action"] == "update")
    ]
    assert phone_change.iloc[0]["before"] == {"phone": OLD_PHONE}

    document = json.loads(personal_data.person_file_json(file))
    assert document["person"]["email"] == EMAIL
    assert document["contacts"][0]["summary"].startswith(f"Trucada amb {NAME}")
    assert document["registrations"][0]["held_on"] == "2026-03-10"
    assert len(document["audit"]) == 5

    workbook = load_workbook(io.BytesIO(personal_data.person_file_xlsx(file)))
    assert workbook.sheetnames == list(personal_data.SHEETS)
    facts = dict(workbook["Persona"].iter_rows(min_row=2, values_only=True))
    assert facts["Nom i cognoms"] == NAME
    assert facts["Consentiment de contacte"] == "Sí"
    contact_header = [c.value for c in workbook["Contactes"][1]]
    assert contact_header[:4] == ["Contacte", "Data", "Membre", "Canal"]
    audit_rows = list(workbook["Registre de canvis"].iter_rows(values_only=True))
    assert audit_rows[0][1] == "Data i hora (hora de Catalunya)"
    assert {r[3] for r in audit_rows[1:]} == {"Alta", "Modificació"}


def test_an_unknown_person_has_no_file(session: Session) -> None:
    with pytest.raises(ValidationError, match="no existeix cap persona"):
        personal_data.person_file(session=session, actor=admin(), person_id=999)


# --- Right to erasure -----------------------------------------------------------------------


def _figures(session: Session) -> tuple[object, ...]:
    filters = events.EventFilter()
    return (
        overview.headline_figures(session=session, today=TODAY),
        events.events_table(session=session, today=TODAY, filters=filters),
        events.member_attendance(session=session, today=TODAY, filters=filters),
        sorted(
            session.execute(
                select(
                    Registration.id,
                    Registration.event_id,
                    Registration.member_id,
                    Registration.person_id,
                    Registration.status,
                )
            ).all()
        ),
    )


def test_after_erasure_no_table_and_no_backup_holds_her_and_the_figures_stay(
    session: Session,
) -> None:
    network = _network(session)
    assert {value for _, value in _found(_database_texts(session))} == set(ERASED)
    headline, attendance, per_member, registrations = _figures(session)
    audit_before = _audit_count(session)

    result = personal_data.erase_person(session=session, actor=admin(), person_id=network.nuria)
    session.commit()

    assert result.placeholder == f"Persona anonimitzada #{network.nuria}"
    assert result.kept == ()
    assert {"interaction", "member", "audit_log"} <= set(result.tables)
    assert _found(_database_texts(session)) == []
    backup = backup_xlsx(session=session, actor=admin())
    assert _found(_workbook_texts(backup)) == []

    # Anonymised, not deleted: every registration, attendance and Inici figure is the same.
    new_headline, new_attendance, new_per_member, new_registrations = _figures(session)
    assert new_registrations == registrations
    pd.testing.assert_frame_equal(new_attendance, attendance)
    pd.testing.assert_frame_equal(new_per_member, per_member)
    assert isinstance(headline, overview.HeadlineFigures)
    assert new_headline == headline

    person = session.get(Person, network.nuria)
    assert person is not None
    assert (person.full_name, person.email, person.phone, person.position) == (
        result.placeholder,
        None,
        None,
        "",
    )
    assert not (person.consent_contact or person.consent_image)
    assert person.active and person.anonymised_at is not None
    # Nobody to pick any more: not in the member's contacts (the contact form) nor among
    # those who can be registered to an event.
    assert NAME not in set(
        member_file.member_persons(session=session, member_id=network.vic)["person"]
    )
    assert network.nuria not in set(
        events.person_options(session=session, member_id=network.vic)["person_id"]
    )
    # Her contact is still hers, reads sensibly, and the colleague's is untouched.
    summaries = dict(session.execute(select(Interaction.id, Interaction.summary)).all())
    assert summaries[network.contact] == (
        f"Trucada amb {result.placeholder} al [telèfon esborrat]: vol entrar al grup de comerç."
    )
    assert summaries[network.colleague_contact] == "Correu amb Pere Soler sobre la jornada."
    notes = session.scalar(select(Member.notes).where(Member.id == network.vic))
    assert notes is not None and "el Pere Soler la substitueix" in notes
    assert "[correu esborrat]" in notes

    # One entry for the erasure, holding none of what it erased.
    assert _audit_count(session) == audit_before + 1
    last = session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(1)).one()
    assert (last.action, last.table_name, last.record_id) == (
        AuditAction.UPDATE,
        "person",
        str(network.nuria),
    )
    assert last.after is not None and last.after["anonymised"] is True


def test_an_erased_persons_file_holds_nothing_of_her(session: Session) -> None:
    network = _network(session)
    personal_data.erase_person(session=session, actor=admin(), person_id=network.nuria)
    file = personal_data.person_file(session=session, actor=admin(), person_id=network.nuria)
    texts = [
        ("json", personal_data.person_file_json(file).decode()),
        *_workbook_texts(personal_data.person_file_xlsx(file)),
    ]
    assert _found(iter(texts)) == []
    assert file.registrations["event"].tolist() == ["Assemblea de primavera"]


def test_erasing_twice_or_an_unknown_person_is_refused(session: Session) -> None:
    network = _network(session)
    personal_data.erase_person(session=session, actor=admin(), person_id=network.nuria)
    count = _audit_count(session)
    with pytest.raises(ValidationError, match="ja està anonimitzada"):
        personal_data.erase_person(session=session, actor=admin(), person_id=network.nuria)
    with pytest.raises(ValidationError, match="no existeix cap persona amb l'identificador 999"):
        personal_data.erase_person(session=session, actor=admin(), person_id=999)
    assert _audit_count(session) == count


def test_a_homonyms_identity_and_a_shared_phone_are_kept_and_reported(session: Session) -> None:
    network = _network(session)
    other = make.member(session, "Ajuntament de Manlleu")
    homonym = make.person(session, other, NAME, phone=PHONE, email="nferre@manlleu.cat")

    result = personal_data.erase_person(session=session, actor=admin(), person_id=network.nuria)

    session.refresh(homonym)
    assert (homonym.full_name, homonym.phone) == (NAME, PHONE)
    assert result.kept == (f"person.full_name ({homonym.id})", f"person.phone ({homonym.id})")


def test_only_an_administrator_may_export_or_erase(session: Session) -> None:
    network = _network(session)
    count = _audit_count(session)
    for actor in (staff(), commission()):
        with pytest.raises(AccessDenied, match="exportar o esborrar les dades d'una persona"):
            personal_data.person_file(session=session, actor=actor, person_id=network.nuria)
        with pytest.raises(AccessDenied):
            personal_data.erase_person(session=session, actor=actor, person_id=network.nuria)
    session.rollback()
    assert _audit_count(session) == count
    assert session.scalar(select(Person.full_name).where(Person.id == network.nuria)) == NAME


# --- Consent --------------------------------------------------------------------------------


def test_only_active_consenting_persons_are_contactable_never_an_anonymised_one(
    session: Session,
) -> None:
    network = _network(session)
    vic = session.get(Member, network.vic)
    assert vic is not None
    make.person(session, vic, "Jordi Sense Consentiment", consent_contact=False)
    make.person(session, vic, "Marta Retirada", consent_contact=True, active=False)
    manlleu = make.member(session, "Ajuntament de Manlleu")
    make.person(session, manlleu, "Laia Roca", consent_contact=True)

    everyone = personal_data.contactable_persons(session=session)
    assert everyone["name"].tolist() == ["Laia Roca", NAME, "Pere Soler"]
    at_vic = personal_data.contactable_persons(session=session, member_id=network.vic)
    assert at_vic["name"].tolist() == [NAME, "Pere Soler"]
    assert at_vic.iloc[0]["email"] == EMAIL

    personal_data.erase_person(session=session, actor=admin(), person_id=network.nuria)
    # Even if someone ticks her consent again, an anonymised person is never contacted.
    person = session.get(Person, network.nuria)
    assert person is not None
    person.consent_contact, person.active = True, True
    session.flush()
    at_vic = personal_data.contactable_persons(session=session, member_id=network.vic)
    assert at_vic["name"].tolist() == ["Pere Soler"]
