"""Editing members and persons in forms, safely when two people edit the same record.

A form opens on a ``MemberRecord`` / ``PersonRecord``: the values and the ``version`` read
then. Saving checks that the record still has that version (optimistic concurrency, with the
``version`` column SQLAlchemy maintains). When someone saved in between, the save is refused
with ``ConcurrentEditError``, whose messages say who changed what since the form was opened;
nothing is overwritten. Every save validates all fields first and records an audit entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.data_version import Area, reads
from db.models import (
    AppUser,
    AuditAction,
    AuditLog,
    Interaction,
    Member,
    MemberKind,
    Municipality,
    Person,
    PersonRole,
    Registration,
    UserRole,
)
from services.access import Actor, Right, require
from services.audit import add_audited, json_value, record_change
from services.catalan import plural
from services.collation import sort_by_place
from services.errors import ConcurrentEditError, ValidationError
from services.formatting import fmt_date
from services.frames import frame_of
from services.labels import MEMBER_KIND, PERSON_ROLE

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class MemberForm:
    name: str
    kind: MemberKind | None
    municipality_code: str | None
    joined_on: date | None
    left_on: date | None = None
    mentor_id: int | None = None
    is_territorial_delegate: bool = False
    abc_sheet_updated_on: date | None = None
    owner_id: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class PersonForm:
    member_id: int | None
    full_name: str
    role: PersonRole | None
    position: str = ""
    email: str | None = None
    phone: str | None = None
    consent_contact: bool = False
    consent_image: bool = False
    active: bool = True


_Form = MemberForm | PersonForm
# Constrained, not a union: ``session.get(model, ...)`` then gives back the model's own type.
_Row = TypeVar("_Row", Member, Person)


@dataclass(frozen=True)
class MemberRecord:
    """A member as a form opened it: its id, its version then, and its values."""

    member_id: int
    version: int
    form: MemberForm


@dataclass(frozen=True)
class PersonRecord:
    person_id: int
    version: int
    form: PersonForm


MEMBER_LABELS = {
    "name": "Nom",
    "kind": "Tipus d'ens",
    "municipality_code": "Municipi",
    "joined_on": "Data d'alta",
    "left_on": "Data de baixa",
    "mentor_id": "Municipi mentor",
    "is_territorial_delegate": "Municipi delegat",
    "abc_sheet_updated_on": "Fitxa ABC actualitzada",
    "owner_id": "Responsable",
    "notes": "Notes",
}
PERSON_LABELS = {
    "member_id": "Membre",
    "full_name": "Nom",
    "role": "Rol",
    "position": "Càrrec",
    "email": "Correu electrònic",
    "phone": "Telèfon",
    "consent_contact": "Consentiment de contacte",
    "consent_image": "Consentiment d'imatge",
    "active": "Activa",
}


# --- Reading for the forms ------------------------------------------------------------------


@reads(Area.MEMBERS)
def member_options(*, session: Session) -> pd.DataFrame:
    """Every member (who left too), to pick one to edit or as a mentor: ``member_id``,
    ``member``."""
    rows = session.execute(select(Member.id, Member.name)).all()
    return sort_by_place(frame_of(rows, ["member_id", "member"]))


@reads(Area.REFERENCE)
def municipality_options(*, session: Session) -> pd.DataFrame:
    """``ine_code``, ``municipality``, by name."""
    rows = session.execute(select(Municipality.ine_code, Municipality.name)).all()
    return sort_by_place(frame_of(rows, ["ine_code", "municipality"]), "municipality")


@reads(Area.USERS)
def staff_options(*, session: Session) -> pd.DataFrame:
    """``user_id``, ``name``, by name: the team (inactive accounts too, so a member owned by
    someone who left still shows its owner), never the Commission, who follows no member."""
    rows = session.execute(
        select(AppUser.id, AppUser.full_name)
        .where(AppUser.role != UserRole.COMMISSION)
        .order_by(AppUser.full_name)
    ).all()
    return frame_of(rows, ["user_id", "name"])


@reads(Area.MEMBERS)
def person_options(*, session: Session, member_id: int) -> pd.DataFrame:
    """The member's persons: ``person_id``, ``name``, ``email``."""
    rows = session.execute(
        select(Person.id, Person.full_name, Person.email)
        .where(Person.member_id == member_id)
        .order_by(Person.full_name)
    ).all()
    return frame_of(rows, ["person_id", "name", "email"])


def _member_form(member: Member) -> MemberForm:
    return MemberForm(**{f.name: getattr(member, f.name) for f in fields(MemberForm)})


def _person_form(person: Person) -> PersonForm:
    return PersonForm(**{f.name: getattr(person, f.name) for f in fields(PersonForm)})


@reads(Area.MEMBERS)
def member_record(*, session: Session, member_id: int) -> MemberRecord | None:
    member = session.get(Member, member_id)
    if member is None:
        return None
    return MemberRecord(member.id, member.version, _member_form(member))


@reads(Area.MEMBERS)
def person_record(*, session: Session, person_id: int) -> PersonRecord | None:
    person = session.get(Person, person_id)
    if person is None:
        return None
    return PersonRecord(person.id, person.version, _person_form(person))


# --- Validation -----------------------------------------------------------------------------


def _text(errors: list[str], label: str, value: str, max_length: int, required: bool) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        errors.append(f"{label}: no pot quedar buit.")
    if len(cleaned) > max_length:
        errors.append(f"{label}: massa llarg ({len(cleaned)} caràcters; màxim {max_length}).")
    if _CONTROL.search(cleaned):
        errors.append(f"{label}: conté caràcters de control que no es poden desar.")
    return cleaned


def _validate_member(
    session: Session, form: MemberForm, member_id: int | None, today: date
) -> MemberForm:
    errors: list[str] = []
    name = _text(errors, "Nom", form.name, 160, required=True)
    if name:
        clash = session.scalar(
            select(Member.id).where(func.lower(Member.name) == name.lower(), Member.id != member_id)
            if member_id is not None
            else select(Member.id).where(func.lower(Member.name) == name.lower())
        )
        if clash is not None:
            errors.append(f"Nom: ja hi ha un membre que es diu «{name}».")
    if form.kind is None:
        errors.append("Tipus d'ens: cal triar-ne un.")
    if not form.municipality_code:
        errors.append("Municipi: cal triar el municipi on té la seu.")
    elif session.get(Municipality, form.municipality_code) is None:
        errors.append(f"Municipi: {form.municipality_code} no és cap codi INE de Catalunya.")
    if form.joined_on is None:
        errors.append("Data d'alta: cal indicar-la.")
    elif form.joined_on > today:
        errors.append(f"Data d'alta: {fmt_date(form.joined_on)} és una data futura.")
    if form.left_on is not None and form.joined_on is not None and form.left_on < form.joined_on:
        errors.append(
            f"Data de baixa: {fmt_date(form.left_on)} és anterior a l'alta "
            f"({fmt_date(form.joined_on)})."
        )
    if form.abc_sheet_updated_on is not None and form.abc_sheet_updated_on > today:
        errors.append(
            f"Fitxa ABC actualitzada: {fmt_date(form.abc_sheet_updated_on)} és una data futura."
        )
    if form.mentor_id is not None:
        if member_id is not None and form.mentor_id == member_id:
            errors.append("Municipi mentor: un membre no pot ser el seu propi mentor.")
        elif session.get(Member, form.mentor_id) is None:
            errors.append("Municipi mentor: aquest membre no existeix.")
    if form.owner_id is not None and session.get(AppUser, form.owner_id) is None:
        errors.append("Responsable: aquest usuari no existeix.")
    notes = _text(errors, "Notes", form.notes, 100_000, required=False)
    if errors:
        raise ValidationError(errors)
    return MemberForm(**(asdict(form) | {"name": name, "notes": notes}))


def _validate_person(session: Session, form: PersonForm, person_id: int | None) -> PersonForm:
    errors: list[str] = []
    full_name = _text(errors, "Nom", form.full_name, 160, required=True)
    if form.member_id is None or session.get(Member, form.member_id) is None:
        errors.append("Membre: cal triar el membre on treballa.")
    if form.role is None:
        errors.append("Rol: cal triar-ne un.")
    position = _text(errors, "Càrrec", form.position, 160, required=False)
    email = _text(errors, "Correu electrònic", form.email or "", 254, required=False) or None
    if email is not None:
        if not _EMAIL.match(email):
            errors.append(f"Correu electrònic: «{email}» no és una adreça vàlida.")
        else:
            query = select(Person.full_name).where(func.lower(Person.email) == email.lower())
            if person_id is not None:
                query = query.where(Person.id != person_id)
            other = session.scalar(query)
            if other is not None:
                errors.append(f"Correu electrònic: {email} ja és el correu de {other}.")
    phone = _text(errors, "Telèfon", form.phone or "", 40, required=False) or None
    if errors:
        raise ValidationError(errors)
    return PersonForm(
        **(
            asdict(form)
            | {"full_name": full_name, "position": position, "email": email, "phone": phone}
        )
    )


# --- Concurrency ----------------------------------------------------------------------------


def _shown(name: str, value: object, session: Session) -> str:
    if value is None or value == "":
        return "(buit)"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, date):
        return fmt_date(value)
    if name == "kind" and isinstance(value, MemberKind):
        return MEMBER_KIND.get(value, str(value))
    if name == "role" and isinstance(value, PersonRole):
        return PERSON_ROLE.get(value, str(value))
    if name in ("mentor_id", "member_id"):
        member = session.get(Member, value)
        return member.name if member else str(value)
    if name == "owner_id":
        user = session.get(AppUser, value)
        return user.full_name if user else str(value)
    if name == "municipality_code":
        municipality = session.get(Municipality, value)
        return municipality.name if municipality else str(value)
    return str(value)


def _conflict(
    session: Session,
    table: str,
    record_id: int,
    opened: _Form,
    now: _Form,
    labels: dict[str, str],
) -> ConcurrentEditError:
    changes = tuple(
        f"{labels[f.name]}: {_shown(f.name, getattr(opened, f.name), session)} → "
        f"{_shown(f.name, getattr(now, f.name), session)}"
        for f in fields(opened)
        if getattr(opened, f.name) != getattr(now, f.name)
    )
    last = session.execute(
        select(AuditLog.username, AuditLog.at)
        .where(AuditLog.table_name == table, AuditLog.record_id == str(record_id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(1)
    ).first()
    who = f" ({last.username}, {_when(last.at)})" if last else ""
    listed = "; ".join(changes) if changes else "cap camp visible (només s'ha tornat a desar)"
    return ConcurrentEditError(
        [
            f"No s'ha desat: algú altre{who} ha modificat aquest registre després que "
            f"obríssiu el formulari. Canvis seus: {listed}. Torneu a obrir el formulari per "
            "partir dels valors actuals i repetiu els vostres canvis."
        ],
        changes,
    )


def _when(moment: datetime) -> str:
    from services.audit import local_time  # local import keeps the module order readable

    return local_time(moment).strftime("%d/%m/%Y %H:%M")


# --- Saving ---------------------------------------------------------------------------------


def _diff(before: _Form | None, after: _Form) -> tuple[dict[str, Any], dict[str, Any]]:
    names = [
        f.name
        for f in fields(after)
        if before is None or getattr(before, f.name) != getattr(after, f.name)
    ]
    return (
        {n: json_value(getattr(before, n)) for n in names} if before is not None else {},
        {n: json_value(getattr(after, n)) for n in names},
    )


def _save(
    session: Session,
    *,
    model: type[_Row],
    table: str,
    labels: dict[str, str],
    to_form: Callable[[_Row], _Form],
    clean: _Form,
    opened: MemberRecord | PersonRecord | None,
    record_id: int | None,
    gone: str,
    username: str,
) -> int:
    """Create (``opened`` None) or update the versioned row the form was opened on, with its
    audit entry; a save on top of someone else's is refused, whichever way it is caught."""
    if opened is None:
        _, after = _diff(None, clean)
        return add_audited(session, model(**asdict(clean)), username=username, after=after).id
    row = session.get(model, record_id)
    if row is None:
        raise ValidationError([gone])
    # Kept before the flush: after a rollback the row is expired and may be gone.
    row_id = row.id
    if row.version != opened.version:
        raise _conflict(session, table, row_id, opened.form, to_form(row), labels)
    before, after = _diff(opened.form, clean)
    if not after:
        return row_id
    for name in after:
        setattr(row, name, getattr(clean, name))
    try:
        session.flush()
    except StaleDataError:
        # Saved by someone else between our read and our write: same answer as above.
        session.rollback()
        fresh = session.get(model, row_id)
        now = to_form(fresh) if fresh else opened.form
        raise _conflict(session, table, row_id, opened.form, now, labels) from None
    record_change(
        session,
        username=username,
        action=AuditAction.UPDATE,
        table=table,
        record_id=row_id,
        before=before,
        after=after,
    )
    return row_id


def save_member(
    *,
    session: Session,
    form: MemberForm,
    opened: MemberRecord | None,
    today: date,
    actor: Actor,
) -> int:
    """Create (``opened`` None) or update the member the form was opened on; returns its id.

    Raises ``ValidationError`` for bad input and ``ConcurrentEditError`` when someone saved
    the member after ``opened`` was read. Writes nothing in either case."""
    require(actor, Right.EDIT_NETWORK)
    member_id = opened.member_id if opened else None
    return _save(
        session,
        model=Member,
        table="member",
        labels=MEMBER_LABELS,
        to_form=_member_form,
        clean=_validate_member(session, form, member_id, today),
        opened=opened,
        record_id=member_id,
        gone="Aquest membre ja no existeix: algú l'ha esborrat.",
        username=actor.audit_name,
    )


def save_person(
    *,
    session: Session,
    form: PersonForm,
    opened: PersonRecord | None,
    actor: Actor,
) -> int:
    """Create or update a person, as ``save_member`` does for members."""
    require(actor, Right.EDIT_NETWORK)
    person_id = opened.person_id if opened else None
    return _save(
        session,
        model=Person,
        table="person",
        labels=PERSON_LABELS,
        to_form=_person_form,
        clean=_validate_person(session, form, person_id),
        opened=opened,
        record_id=person_id,
        gone="Aquesta persona ja no existeix: algú l'ha esborrada.",
        username=actor.audit_name,
    )


def delete_person(*, session: Session, opened: PersonRecord, actor: Actor) -> None:
    """Delete a person nobody refers to; one with contacts or registrations is kept (mark it
    inactive instead), so the history stays whole."""
    require(actor, Right.EDIT_NETWORK)
    person = session.get(Person, opened.person_id)
    if person is None:
        raise ValidationError(["Aquesta persona ja no existeix: algú l'ha esborrada."])
    if person.version != opened.version:
        raise _conflict(
            session, "person", person.id, opened.form, _person_form(person), PERSON_LABELS
        )
    uses = (session.scalar(select(func.count()).where(Interaction.person_id == person.id)) or 0) + (
        session.scalar(select(func.count()).where(Registration.person_id == person.id)) or 0
    )
    if uses:
        raise ValidationError(
            [
                f"{person.full_name} apareix en "
                f"{plural(uses, 'contacte o inscripció', 'contactes o inscripcions')}: no "
                "s'esborra perquè l'historial quedaria coix. Desmarqueu «Activa» per retirar-la."
            ]
        )
    before = {f.name: json_value(getattr(person, f.name)) for f in fields(PersonForm)}
    session.delete(person)
    session.flush()
    record_change(
        session,
        username=actor.audit_name,
        action=AuditAction.DELETE,
        table="person",
        record_id=opened.person_id,
        before=before,
    )
