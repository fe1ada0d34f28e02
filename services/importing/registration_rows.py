"""Registrations and attendance lists: a member (and, when known, one of its persons) at an
event. The same member and person at the same event updates that registration."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Event, Person, Registration
from services.importing.base import (
    MEMBER_COLUMN,
    Column,
    Importer,
    KindSpec,
    Record,
    RowReader,
    name_of,
)
from services.importing.matching import MemberMatcher, MunicipalityMatcher, closest
from services.importing.values import Choices, DateReader, key, shown
from services.labels import REGISTRATION_STATUS

SPEC = KindSpec(
    code="inscripcions",
    label="Inscripcions i assistència",
    table="registration",
    matching=("per esdeveniment, membre i persona: la mateixa inscripció actualitza el seu estat"),
    columns=(
        Column(
            "event",
            "Esdeveniment",
            "Títol de l'esdeveniment (ja importat)",
            aliases=("títol", "event", "activitat"),
            required=True,
            needed=True,
            field="event_id",
        ),
        Column(
            "event_date",
            "Data de l'esdeveniment",
            "dd/mm/aaaa; cal si hi ha més d'un esdeveniment amb el mateix títol",
            aliases=("data esdeveniment", "data", "held_on"),
        ),
        MEMBER_COLUMN,
        Column(
            "person",
            "Persona",
            "Correu o nom d'una persona de contacte del membre (opcional)",
            aliases=("persona de contacte", "person", "assistent"),
            field="person_id",
        ),
        Column(
            "status",
            "Estat",
            ", ".join(REGISTRATION_STATUS.values()),
            aliases=("status", "assistència"),
            needed=True,
            field="status",
        ),
        Column(
            "registered_on",
            "Data d'inscripció",
            "dd/mm/aaaa; si falta, la de l'esdeveniment (o avui, si encara no s'ha fet)",
            aliases=("inscripció", "registered_on"),
            field="registered_on",
        ),
    ),
)


class RegistrationImporter(Importer):
    spec = SPEC
    model = Registration

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(session, today)
        self.members = MemberMatcher(session, MunicipalityMatcher(session))
        self.events: dict[str, list[tuple[int, date, str]]] = defaultdict(list)
        self.event_names: dict[int, str] = {}
        self.event_dates: dict[int, date] = {}
        for event_id, title, held_on in session.execute(
            select(Event.id, Event.title, Event.held_on)
        ):
            self.events[key(title)].append((event_id, held_on, title))
            self.event_names[event_id] = f"{title} ({shown(held_on)})"
            self.event_dates[event_id] = held_on
        self.persons: dict[int, dict[str, int]] = defaultdict(dict)
        self.person_names: dict[int, str] = {}
        for person_id, member_id, full_name, email in session.execute(
            select(Person.id, Person.member_id, Person.full_name, Person.email)
        ):
            self.persons[member_id][key(full_name)] = person_id
            if email:
                self.persons[member_id][email.casefold()] = person_id
            self.person_names[person_id] = full_name
        self.current = {
            (row.event_id, row.member_id, row.person_id): dict(row._mapping)
            for row in session.execute(
                select(
                    Registration.id,
                    Registration.event_id,
                    Registration.member_id,
                    Registration.person_id,
                    Registration.status,
                    Registration.registered_on,
                )
            )
        }
        self.parsers = {
            "member": self.members.match,
            "status": Choices.of(REGISTRATION_STATUS, "cap estat d'inscripció").parse,
            "registered_on": DateReader.about_past(today),
            # Not a stored field (``parse_cells`` skips it): the lookup in ``_event`` reads
            # it, and ``reading_notes`` finds it here.
            "event_date": DateReader.about_future(today),
        }
        self.labels = {"status": dict(REGISTRATION_STATUS)}

    def _event(self, row: RowReader) -> int | None:
        title = shown(row.raw("event")).strip()
        candidates = self.events.get(key(title), [])
        if row.has("event_date") and not row.blank("event_date"):
            held_on = row.parse("event_date", self.parsers["event_date"])
            if held_on is None:
                return None
            candidates = [c for c in candidates if c[1] == held_on]
        if len(candidates) == 1:
            return candidates[0][0]
        if not candidates:
            suggestions = closest(title, [t for events in self.events.values() for *_, t in events])
            hint = f"; potser: {', '.join(suggestions)}" if suggestions else ""
            when = (
                f" el {shown(row.raw('event_date'))}"
                if row.has("event_date") and not row.blank("event_date")
                else ""
            )
            row.fail("event", f"«{title}» no és cap esdeveniment registrat{when}{hint}")
            return None
        dates = ", ".join(shown(c[1]) for c in candidates)
        row.fail(
            "event",
            f"hi ha {len(candidates)} esdeveniments «{title}» ({dates}): indiqueu la "
            "*Data de l'esdeveniment*",
        )
        return None

    def parse_cells(self, row: RowReader) -> Record:
        values = super().parse_cells(row)
        if not row.blank("event"):
            event_id = self._event(row)
            if event_id is not None:
                values["event_id"] = event_id
        member_id = values.get("member_id")
        if member_id is not None and row.has("person") and not row.blank("person"):
            wanted = shown(row.raw("person")).strip()
            person_id = self.persons[member_id].get(wanted.casefold()) or self.persons[
                member_id
            ].get(key(wanted))
            if person_id is None:
                member = self.members.names[member_id]
                row.fail("person", f"«{wanted}» no és cap persona de contacte de {member}")
            else:
                values["person_id"] = person_id
        return values

    def identify(self, row: RowReader, values: Record) -> tuple[object, Record | None]:
        if values.get("event_id") is None or values.get("member_id") is None:
            return None, None
        if row.has("person") and not row.blank("person") and "person_id" not in values:
            return None, None
        identity = (values["event_id"], values["member_id"], values.get("person_id"))
        return identity, self.current.get(identity)

    def complete(self, row: RowReader, values: Record, current: Record | None) -> None:
        super().complete(row, values, current)
        if current is None and values.get("registered_on") is None and values.get("event_id"):
            values["registered_on"] = min(self.event_dates[values["event_id"]], self.today)

    def label(self, values: Record, current: Record | None) -> str:
        event = name_of(self.event_names, values.get("event_id"))
        member = name_of(self.members.names, values.get("member_id"))
        person = name_of(self.person_names, values.get("person_id"))
        who = f"{member} · {person}" if person else member
        return f"{who} a {event}" if event else who
