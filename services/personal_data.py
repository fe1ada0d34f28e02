"""A person's rights over their data (GDPR): access (everything the database holds about them,
as JSON or XLSX), erasure (anonymise them everywhere), and the consent rule any sending must
follow.

Erasure anonymises, never deletes: the person row stays, so registrations, attendance,
participation and every figure computed from them stay exact. Their name, e-mail and phone
are then removed from every text of every table and from every JSON value (the audit log's
before/after). Those are found over the schema's metadata, not from a list of columns, so a
column added later is covered without touching this module.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Enum,
    String,
    Table,
    Text,
    and_,
    cast,
    false,
    func,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from db.base import Base
from db.models import (
    AppUser,
    AuditAction,
    AuditLog,
    Event,
    Interaction,
    InteractionNeed,
    Member,
    Person,
    Registration,
    Topic,
)
from services.access import Actor, Right, needs, require
from services.audit import ACTION_LABELS, TABLE_LABELS, local_time, record_change
from services.backup import REFERENCE_TABLES
from services.errors import ValidationError
from services.export import xlsx_bytes
from services.frames import frame_of
from services.labels import CHANNEL, PERSON_ROLE, REFERRAL, REGISTRATION_STATUS

PLACEHOLDER_PREFIX = "Persona anonimitzada #"
EMAIL_REPLACEMENT = "[correu esborrat]"
PHONE_REPLACEMENT = "[telèfon esborrat]"
FILE_FORMAT = "xmess-person-file/1"

# Columns that are someone's own identity: another person's name (a homonym), a colleague's
# phone (a shared switchboard), an app user's name and sign-in e-mail, the audit log's "who".
# Rewriting them would erase someone else; the erasure leaves them and says where they are.
_IDENTITY_COLUMNS = frozenset(
    {
        ("person", "full_name"),
        ("person", "email"),
        ("person", "phone"),
        ("app_user", "full_name"),
        ("app_user", "email"),
        ("audit_log", "username"),
    }
)
# A run this short would make the SQL filter match nearly every row; scan the column instead.
_SHORTEST_FILTER = 3
# Printable ASCII but the two characters JSON escapes: the part of a value that reads the
# same in a text column and in a JSON column's text (which escapes the rest as \uXXXX), and
# that SQLite's lower() (ASCII only) and PostgreSQL's fold alike.
_COMPARABLE = re.compile(r"[ !#-\[\]-~]+")


def placeholder_name(person_id: int) -> str:
    return f"{PLACEHOLDER_PREFIX}{person_id}"


def is_anonymised(person: Person) -> bool:
    return person.anonymised_at is not None


# --- Finding the values ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """One erased value and what takes its place in a text."""

    text: str
    replacement: str

    @property
    def pattern(self) -> re.Pattern[str]:
        # Whole words only: erasing "Pau Roca" must leave "Pau Rocafort" alone.
        return re.compile(rf"(?<!\w){re.escape(self.text)}(?!\w)", re.IGNORECASE)

    @property
    def sql_fragment(self) -> str | None:
        """The longest part of the value both databases can look for, lower-case; None when
        too short to narrow anything down."""
        runs = _COMPARABLE.findall(self.text)
        longest = max(runs, key=len, default="").strip()
        return longest.lower() if len(longest) >= _SHORTEST_FILTER else None


@dataclass(frozen=True)
class _Values:
    items: tuple[_Value, ...]

    def names(self, text: str) -> bool:
        return any(value.pattern.search(text) for value in self.items)

    def scrub(self, text: str) -> str:
        for value in self.items:
            text = value.pattern.sub(value.replacement, text)
        return text

    def names_json(self, value: Any) -> bool:
        return any(self.names(text) for text in _strings(value))

    def scrub_json(self, value: Any) -> Any:
        return _map_strings(value, self.scrub)


def _own_entries(person_id: int) -> ColumnElement[bool]:
    return and_(AuditLog.table_name == "person", AuditLog.record_id == str(person_id))


def _values(session: Session, person: Person) -> _Values:
    """The person's name, e-mail and phone: today's, and every earlier one their row's audit
    entries remember (an old phone is theirs too)."""
    placeholder = placeholder_name(person.id)
    replacements = {
        "full_name": placeholder,
        "email": EMAIL_REPLACEMENT,
        "phone": PHONE_REPLACEMENT,
    }
    found: list[tuple[object, str]] = [
        (getattr(person, field), replacement) for field, replacement in replacements.items()
    ]
    for snapshots in session.execute(
        select(AuditLog.before, AuditLog.after).where(_own_entries(person.id))
    ):
        for values in snapshots:
            if isinstance(values, dict):
                found += [(values.get(field), text) for field, text in replacements.items()]
    chosen: dict[str, str] = {}
    for text, replacement in found:
        cleaned = text.strip() if isinstance(text, str) else ""
        if cleaned and cleaned != placeholder:
            chosen.setdefault(cleaned, replacement)
    # Longest first, so a value inside another (a name inside an e-mail) does not break it.
    ordered = sorted(chosen.items(), key=lambda item: -len(item[0]))
    return _Values(tuple(_Value(text, replacement) for text, replacement in ordered))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {
            _map_strings(key, change): _map_strings(item, change) for key, item in value.items()
        }
    if isinstance(value, list):
        return [_map_strings(item, change) for item in value]
    return value


def _is_json(column: Column[Any]) -> bool:
    return isinstance(column.type, JSON)


def _scanned(table: Table) -> list[Column[Any]]:
    """The columns that can hold a name: text (closed lists excluded) and JSON."""
    return [
        column
        for column in table.columns
        if _is_json(column)
        or (isinstance(column.type, String) and not isinstance(column.type, Enum))
    ]


def _could_name(column: Column[Any], values: _Values) -> ColumnElement[bool]:
    """A cheap SQL filter that lets through every row whose ``column`` holds a value (and
    some that do not: Python decides)."""
    stored = func.lower(cast(column, Text)) if _is_json(column) else func.lower(column)
    fragments = [value.sql_fragment for value in values.items]
    if any(fragment is None for fragment in fragments):
        return column.is_not(None)
    return or_(*(stored.contains(fragment, autoescape=True) for fragment in fragments if fragment))


@dataclass(frozen=True)
class _Hit:
    """A cell that names the person: its table, its row's primary key and its value."""

    table: Table
    key: tuple[tuple[str, Any], ...]
    column: str
    value: Any

    @property
    def identity(self) -> bool:
        return (self.table.name, self.column) in _IDENTITY_COLUMNS

    @property
    def record_id(self) -> str:
        return ", ".join(str(value) for _, value in self.key)


def _hits(session: Session, values: _Values) -> list[_Hit]:
    """Every cell of every table (shipped reference data aside) that names the person."""
    if not values.items:
        return []
    hits: list[_Hit] = []
    for table in Base.metadata.sorted_tables:
        columns = _scanned(table)
        keys = list(table.primary_key.columns)
        if table.name in REFERENCE_TABLES or not columns or not keys:
            continue
        selected = list(dict.fromkeys([*keys, *columns]))
        rows = session.execute(
            select(*selected).where(or_(*(_could_name(column, values) for column in columns)))
        ).all()
        for row in rows:
            cells = row._mapping
            key = tuple((column.name, cells[column]) for column in keys)
            for column in columns:
                value = cells[column]
                if value is None:
                    continue
                named = values.names_json(value) if _is_json(column) else values.names(value)
                if named:
                    hits.append(_Hit(table, key, column.name, value))
    return hits


# --- Right of access ------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFile:
    """Everything about one person: their row, the contacts with them, their registrations,
    every other text that names them, and every audit entry about them or naming them."""

    person_id: int
    generated_at: datetime
    # One row: person_id, member, full_name, role, position, email, phone, consent_contact,
    # consent_image, active.
    person: pd.DataFrame
    contacts: pd.DataFrame
    registrations: pd.DataFrame
    # Texts elsewhere that name them: table, record_id, column, text.
    mentions: pd.DataFrame
    # audit_id, at (Catalan time), username, action, table, record_id, before, after (dicts).
    audit: pd.DataFrame


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise ValidationError(
            [f"Persona: no existeix cap persona amb l'identificador {person_id}."]
        )
    return person


def _person_frame(session: Session, person: Person) -> pd.DataFrame:
    member = session.get(Member, person.member_id)
    return pd.DataFrame(
        [
            {
                "person_id": person.id,
                "member": member.name if member else "",
                "full_name": person.full_name,
                "role": PERSON_ROLE.get(person.role, str(person.role)),
                "position": person.position,
                "email": person.email,
                "phone": person.phone,
                "consent_contact": person.consent_contact,
                "consent_image": person.consent_image,
                "active": person.active,
            }
        ]
    )


def _contacts(session: Session, person_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(
            Interaction.id,
            Interaction.occurred_on,
            Member.name,
            Interaction.channel,
            AppUser.full_name,
            Interaction.summary,
            Interaction.referral,
            Interaction.next_contact_on,
        )
        .join(Member, Member.id == Interaction.member_id)
        .outerjoin(AppUser, AppUser.id == Interaction.staff_id)
        .where(Interaction.person_id == person_id)
        .order_by(Interaction.occurred_on, Interaction.id)
    ).all()
    frame = frame_of(
        rows,
        [
            "interaction_id",
            "occurred_on",
            "member",
            "channel",
            "staff",
            "summary",
            "referral",
            "next_contact_on",
        ],
    )
    needs_of: dict[int, list[str]] = {}
    for interaction_id, topic in session.execute(
        select(InteractionNeed.interaction_id, Topic.name)
        .join(Topic, Topic.id == InteractionNeed.topic_id)
        .where(InteractionNeed.interaction_id.in_(frame["interaction_id"].tolist()))
        .order_by(Topic.name)
    ):
        needs_of.setdefault(interaction_id, []).append(topic)
    frame["needs"] = frame["interaction_id"].map(lambda i: ", ".join(needs_of.get(i, [])))
    frame["channel"] = frame["channel"].map(CHANNEL)
    frame["referral"] = frame["referral"].map(lambda r: REFERRAL[r] if r else "")
    frame["staff"] = frame["staff"].fillna("")
    return frame


def _registrations(session: Session, person_id: int) -> pd.DataFrame:
    rows = session.execute(
        select(
            Registration.id,
            Event.title,
            Event.held_on,
            Member.name,
            Registration.status,
            Registration.registered_on,
        )
        .join(Event, Event.id == Registration.event_id)
        .join(Member, Member.id == Registration.member_id)
        .where(Registration.person_id == person_id)
        .order_by(Event.held_on, Registration.id)
    ).all()
    frame = frame_of(
        rows, ["registration_id", "event", "held_on", "member", "status", "registered_on"]
    )
    frame["status"] = frame["status"].map(REGISTRATION_STATUS)
    return frame


def _audit(session: Session, clause: ColumnElement[bool]) -> pd.DataFrame:
    entries = session.scalars(
        select(AuditLog).where(clause).order_by(AuditLog.at, AuditLog.id)
    ).all()
    return frame_of(
        [
            (
                entry.id,
                local_time(entry.at),
                entry.username,
                entry.action.value,
                entry.table_name,
                entry.record_id,
                entry.before,
                entry.after,
            )
            for entry in entries
        ],
        ["audit_id", "at", "username", "action", "table", "record_id", "before", "after"],
    )


def _about(table: str, ids: Iterable[object]) -> ColumnElement[bool]:
    texts = [str(i) for i in ids]
    if not texts:
        return false()
    return and_(AuditLog.table_name == table, AuditLog.record_id.in_(texts))


@needs(Right.PERSONAL_DATA_REQUESTS)
def person_file(*, session: Session, actor: Actor, person_id: int) -> PersonFile:
    """The right of access: what the dashboard holds about ``person_id``. Texts elsewhere
    count when they hold the person's name, e-mail or phone (whole words, any case); the
    identities of others (a homonym) do not."""
    require(actor, Right.PERSONAL_DATA_REQUESTS)
    person = _person(session, person_id)
    values = _values(session, person)
    contacts = _contacts(session, person.id)
    registrations = _registrations(session, person.id)
    hits = [hit for hit in _hits(session, values) if not hit.identity]
    named_entries = [dict(hit.key)["id"] for hit in hits if hit.table.name == "audit_log"]
    audit = _audit(
        session,
        or_(
            _own_entries(person.id),
            _about("interaction", contacts["interaction_id"]),
            _about("registration", registrations["registration_id"]),
            AuditLog.id.in_(named_entries) if named_entries else false(),
        ),
    )
    mentions = frame_of(
        [
            (hit.table.name, hit.record_id, hit.column, _as_text(hit.value))
            for hit in hits
            if hit.table.name != "audit_log"
        ],
        ["table", "record_id", "column", "text"],
    )
    return PersonFile(
        person_id=person.id,
        generated_at=datetime.now(tz=UTC),
        person=_person_frame(session, person),
        contacts=contacts,
        registrations=registrations,
        mentions=mentions,
        audit=audit,
    )


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _plain(value: Any) -> Any:
    """A frame's cell as JSON takes it."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str):
        return _plain(value.item())  # numpy scalars
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(key): _plain(value) for key, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def person_file_json(file: PersonFile) -> bytes:
    """The file as one UTF-8 JSON document, English keys: for the person to take elsewhere."""
    person = _records(file.person)
    document = {
        "format": FILE_FORMAT,
        "generated_at": file.generated_at.isoformat(),
        "person": person[0] if person else None,
        "contacts": _records(file.contacts),
        "registrations": _records(file.registrations),
        "mentions": _records(file.mentions),
        "audit": _records(file.audit),
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


PERSON_LABELS = {
    "person_id": "Identificador",
    "member": "Membre",
    "full_name": "Nom i cognoms",
    "role": "Rol",
    "position": "Càrrec",
    "email": "Correu electrònic",
    "phone": "Telèfon",
    "consent_contact": "Consentiment de contacte",
    "consent_image": "Consentiment d'imatge",
    "active": "Activa",
}
CONTACT_LABELS = {
    "interaction_id": "Contacte",
    "occurred_on": "Data",
    "member": "Membre",
    "channel": "Canal",
    "staff": "Qui el va fer",
    "summary": "Resum",
    "referral": "Derivació",
    "next_contact_on": "Proper contacte",
    "needs": "Necessitats",
}
REGISTRATION_LABELS = {
    "registration_id": "Inscripció",
    "event": "Esdeveniment",
    "held_on": "Data",
    "member": "Membre",
    "status": "Estat",
    "registered_on": "Data d'inscripció",
}
MENTION_LABELS = {"table": "Taula", "record_id": "Registre", "column": "Camp", "text": "Text"}
AUDIT_LABELS = {
    "audit_id": "Entrada",
    "at": "Data i hora",
    "username": "Usuari",
    "action": "Acció",
    "table": "Taula",
    "record_id": "Registre",
    "before": "Abans",
    "after": "Després",
}
SHEETS = ("Persona", "Contactes", "Inscripcions", "Mencions", "Registre de canvis")


def _yes_no(value: object) -> object:
    return ("Sí" if value else "No") if isinstance(value, bool) else value


def person_file_xlsx(file: PersonFile) -> bytes:
    """The file as a workbook: a sheet per part, Catalan headers, readable values."""
    person = _records(file.person)
    facts = pd.DataFrame(
        [
            (PERSON_LABELS[key], _yes_no(value))
            for key, value in (person[0] if person else {}).items()
        ],
        columns=["Dada", "Valor"],
    )
    mentions = file.mentions.assign(
        table=file.mentions["table"].map(lambda t: TABLE_LABELS.get(t, t))
    )
    audit = file.audit.assign(
        # A workbook cannot hold a time zone: the time is Catalan time, said in the header.
        at=[moment.replace(tzinfo=None) for moment in file.audit["at"]],
        action=file.audit["action"].map(lambda a: ACTION_LABELS[AuditAction(a)]),
        table=file.audit["table"].map(lambda t: TABLE_LABELS.get(t, t)),
        before=file.audit["before"].map(lambda v: "" if v is None else _as_text(v)),
        after=file.audit["after"].map(lambda v: "" if v is None else _as_text(v)),
    )
    parts = (
        facts,
        file.contacts.rename(columns=CONTACT_LABELS),
        file.registrations.rename(columns=REGISTRATION_LABELS),
        mentions.rename(columns=MENTION_LABELS),
        audit.rename(columns=AUDIT_LABELS | {"at": "Data i hora (hora de Catalunya)"}),
    )
    return xlsx_bytes(dict(zip(SHEETS, parts, strict=True)))


# --- Right to erasure -----------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    person_id: int
    # What the person is called from now on.
    placeholder: str
    # Other rows whose texts named the person, now without the erased values.
    rows_changed: int
    tables: tuple[str, ...]
    # Where an erased value is still held as someone else's own identity (a homonym, an app
    # user): "table.column (record)", never the value itself.
    kept: tuple[str, ...]


def _version_column(table: Table) -> Column[Any] | None:
    versions = [
        mapper.version_id_col
        for mapper in Base.registry.mappers
        if mapper.local_table is table and mapper.version_id_col is not None
    ]
    # By identity: ``==`` on columns builds SQL.
    return next((column for column in table.columns if any(column is v for v in versions)), None)


def _fit(text: str, column: Column[Any]) -> str:
    length = getattr(column.type, "length", None)
    return text[:length] if isinstance(length, int) else text


def _forget_position(session: Session, person_id: int) -> None:
    """The person's position in the audit entries about their row: with the member, it says
    who they were (there is one mayor per town)."""
    entries = session.execute(
        select(AuditLog.id, AuditLog.before, AuditLog.after).where(_own_entries(person_id))
    ).all()
    for entry_id, before, after in entries:
        changes = {
            name: {**values, "position": ""}
            for name, values in (("before", before), ("after", after))
            if isinstance(values, dict) and values.get("position")
        }
        if changes:
            session.execute(update(AuditLog).where(AuditLog.id == entry_id).values(changes))


def _scrub(session: Session, values: _Values) -> tuple[int, tuple[str, ...], tuple[str, ...]]:
    """Rewrite every cell that names the person; returns the rows changed, their tables and
    the identity cells left alone."""
    by_row: dict[tuple[str, tuple[tuple[str, Any], ...]], list[_Hit]] = {}
    kept: list[str] = []
    for hit in _hits(session, values):
        if hit.identity:
            kept.append(f"{hit.table.name}.{hit.column} ({hit.record_id})")
        else:
            by_row.setdefault((hit.table.name, hit.key), []).append(hit)
    tables: set[str] = set()
    changed = 0
    for (_, key), hits in by_row.items():
        table = hits[0].table
        changes: dict[str, Any] = {}
        for hit in hits:
            column = table.c[hit.column]
            if _is_json(column):
                scrubbed = values.scrub_json(hit.value)
            else:
                scrubbed = _fit(values.scrub(hit.value), column)
            if scrubbed != hit.value:
                changes[hit.column] = scrubbed
        if not changes:
            continue
        version = _version_column(table)
        if version is not None:
            # A form opened on the row before the erasure must not save the old text back.
            changes[version.name] = version + 1
        session.execute(
            update(table).where(*(table.c[name] == value for name, value in key)).values(changes)
        )
        tables.add(table.name)
        changed += 1
    return changed, tuple(sorted(tables)), tuple(sorted(kept))


def erase_person(*, session: Session, actor: Actor, person_id: int) -> ErasureResult:
    """The right to erasure: the person becomes "Persona anonimitzada #<id>" with no e-mail,
    phone, position or consents, marked ``anonymised_at``; their name, e-mail and phone
    (whole words, any case) are removed from every other text and JSON value of every table.
    Nothing is deleted and the person keeps its active flag, so every count (Inici's persons
    included) stays exact; pickers and any sending leave anonymised persons out. Runs in the
    caller's transaction: all of it or none."""
    require(actor, Right.PERSONAL_DATA_REQUESTS)
    person = _person(session, person_id)
    placeholder = placeholder_name(person.id)
    if is_anonymised(person):
        raise ValidationError(
            [f"Persona: «{placeholder}» ja està anonimitzada; no queda cap dada seva per esborrar."]
        )
    values = _values(session, person)
    person.full_name = placeholder
    person.email = None
    person.phone = None
    person.position = ""
    person.consent_contact = False
    person.consent_image = False
    person.anonymised_at = datetime.now(UTC)
    session.flush()
    _forget_position(session, person.id)
    changed, tables, kept = _scrub(session, values)
    # The rows were rewritten behind the session's back: nothing it holds may be saved over
    # them or read as current.
    session.expire_all()
    record_change(
        session,
        username=actor.audit_name,
        action=AuditAction.UPDATE,
        table="person",
        record_id=person_id,
        before={"anonymised": False},
        after={"anonymised": True, "rows_changed": changed},
    )
    session.flush()
    return ErasureResult(
        person_id=person_id,
        placeholder=placeholder,
        rows_changed=changed,
        tables=tables,
        kept=kept,
    )


# --- Consent --------------------------------------------------------------------------------


def contactable_persons(*, session: Session, member_id: int | None = None) -> pd.DataFrame:
    """Whom the dashboard may contact: active persons who gave their consent to be contacted,
    never an anonymised one. This is the only source any sending (a mailing, an invitation,
    a reminder) may use; nothing may send to a person it leaves out.

    ``person_id``, ``member_id``, ``member``, ``name``, ``email``, ``phone``, by member and
    name; only ``member_id``'s persons when given."""
    rows = session.execute(
        select(Person.id, Member.id, Member.name, Person.full_name, Person.email, Person.phone)
        .join(Member, Member.id == Person.member_id)
        .where(
            Person.active.is_(True),
            Person.consent_contact.is_(True),
            Person.anonymised_at.is_(None),
            Person.member_id == member_id if member_id is not None else true(),
        )
        .order_by(Member.name, Person.full_name)
    ).all()
    return frame_of(rows, ["person_id", "member_id", "member", "name", "email", "phone"])
