"""Persons: contacts at members, found by e-mail (or, without one, by member and name)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Person
from services.importing.base import MEMBER_COLUMN, Column, Importer, KindSpec, Record, RowReader
from services.importing.matching import MemberMatcher, MunicipalityMatcher
from services.importing.values import Choices, key, parse_bool, parse_email, text
from services.labels import PERSON_ROLE

SPEC = KindSpec(
    code="persones",
    label="Persones de contacte",
    table="person",
    matching=(
        "per correu electrònic (un correu que ja existeix actualitza aquella persona); sense "
        "correu, per membre i nom"
    ),
    columns=(
        Column(
            "full_name",
            "Nom",
            "Nom i cognoms",
            aliases=("nom i cognoms", "persona", "full_name", "nom complet"),
            required=True,
            needed=True,
            field="full_name",
        ),
        # An update found by e-mail may leave the member out; a new person needs one.
        replace(MEMBER_COLUMN, required=False),
        Column(
            "role",
            "Rol",
            "Càrrec electe o Personal tècnic",
            aliases=("role", "tipus"),
            needed=True,
            field="role",
        ),
        Column(
            "position",
            "Càrrec",
            "Text lliure (p. ex. «Regidora d'ESS»)",
            aliases=("position", "lloc de treball"),
            field="position",
            empty="",
        ),
        Column(
            "email",
            "Correu electrònic",
            "Únic per persona",
            aliases=("correu", "email", "e-mail", "mail", "adreça electrònica"),
            field="email",
        ),
        Column("phone", "Telèfon", "Text lliure", aliases=("phone", "mòbil"), field="phone"),
        Column(
            "consent_contact",
            "Consentiment de contacte",
            "sí / no (RGPD: accepta que la xarxa el contacti)",
            aliases=("consentiment contacte", "consent_contact"),
            field="consent_contact",
            empty=False,
        ),
        Column(
            "consent_image",
            "Consentiment d'imatge",
            "sí / no (RGPD: accepta aparèixer en materials compartits)",
            aliases=("consentiment imatge", "consent_image"),
            field="consent_image",
            empty=False,
        ),
        Column(
            "active",
            "Activa",
            "sí / no; si falta, sí",
            aliases=("actiu", "active"),
            field="active",
            empty=True,
        ),
    ),
)

COLUMNS = (
    "id",
    "member_id",
    "full_name",
    "role",
    "position",
    "email",
    "phone",
    "consent_contact",
    "consent_image",
    "active",
    "version",
)


class PersonImporter(Importer):
    spec = SPEC
    model = Person

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.members = MemberMatcher(session, MunicipalityMatcher(session))
        self.current = {
            row.id: dict(row._mapping)
            for row in session.execute(select(*(getattr(Person, c) for c in COLUMNS)))
        }
        self.by_email = {
            person["email"].casefold(): person_id
            for person_id, person in self.current.items()
            if person["email"]
        }
        self.by_name = {
            (person["member_id"], key(person["full_name"])): person_id
            for person_id, person in self.current.items()
        }
        roles = Choices.of(PERSON_ROLE, "cap rol")
        self.parsers = {
            "full_name": lambda v: text(v, max_length=160),
            "member": self.members.match,
            "role": roles.parse,
            "position": lambda v: text(v, max_length=160),
            "email": parse_email,
            "phone": lambda v: text(v, max_length=40),
            "consent_contact": parse_bool,
            "consent_image": parse_bool,
            "active": parse_bool,
        }
        self.labels = {"role": dict(PERSON_ROLE)}

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        email = values.get("email")
        if email:
            person_id = self.by_email.get(email.casefold())
            current = self.current.get(person_id) if person_id is not None else None
            if current is not None:
                # Found ignoring case: keep the address as stored.
                values["email"] = current["email"]
            return ("email", email.casefold()), current
        if not values.get("full_name") or values.get("member_id") is None:
            return None, None
        identity = (values["member_id"], key(values["full_name"]))
        person_id = self.by_name.get(identity)
        return ("name", *identity), self.current.get(person_id) if person_id else None

    def check(self, row: RowReader, values: Record, current: Record | None) -> None:
        email = values.get("email")
        if current is not None and email:
            owner = self.by_email.get(email.casefold())
            if owner is not None and owner != current["id"]:
                other = self.current[owner]["full_name"]
                row.fail("email", f"«{email}» ja és el correu de «{other}»")

    def label(self, values: Record, current: Record | None) -> str:
        name = values.get("full_name") or (current or {}).get("full_name") or "(sense nom)"
        member_id = values.get("member_id") or (current or {}).get("member_id")
        member = self.members.names.get(member_id, "") if member_id else ""
        return f"{name} ({member})" if member else str(name)

    def display_value(self, column: str, value: object) -> str:
        if column == "member_id" and isinstance(value, int):
            return self.members.names.get(value, str(value))
        return super().display_value(column, value)
