"""The audit log: every create, update and delete, by whom, with before and after values.

Writers call ``record_change`` in the same session (so the entry commits or rolls back with the
change itself) and ``snapshot`` to turn a row into JSON-safe values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import (
    Advisory,
    AppUser,
    AuditAction,
    AuditLog,
    Event,
    Interaction,
    Member,
    Municipality,
    OnboardingStep,
    Person,
    PlanActivity,
    Registration,
    Scenario,
    Topic,
    WorkGroup,
    WorkGroupMembership,
)
from services import labels
from services.access import Right, needs
from services.frames import frame_of


def json_value(value: object) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(row: object, columns: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's column values (all, or ``columns``) as JSON-safe values."""
    names = columns or [attribute.key for attribute in inspect(row).mapper.column_attrs]
    return {name: json_value(getattr(row, name)) for name in names}


def record_change(
    session: Session,
    *,
    username: str,
    action: AuditAction,
    table: str,
    record_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLog(
            username=username,
            action=action,
            table_name=table,
            record_id=str(record_id),
            before=before,
            after=after,
        )
    )


R = TypeVar("R")


def add_audited(
    session: Session,
    row: R,
    *,
    username: str,
    after: dict[str, Any] | None = None,
) -> R:
    """Add a new ``row``, flush it for its id and log its creation in the same transaction.

    ``after`` is what the log keeps of it: by default every column (``snapshot``); a writer
    passes a smaller, readable dict when some columns mean nothing to a reader."""
    session.add(row)
    session.flush()
    record_change(
        session,
        username=username,
        action=AuditAction.CREATE,
        table=inspect(row).mapper.local_table.name,
        record_id=inspect(row).identity[0],
        after=snapshot(row) if after is None else after,
    )
    return row


def update_audited(session: Session, row: object, *, username: str, **changes: Any) -> None:
    """Set ``changes`` on a stored ``row`` and log those columns, before and after, in the
    same transaction."""
    before = snapshot(row, changes)
    for name, value in changes.items():
        setattr(row, name, value)
    session.flush()
    state = inspect(row)
    record_change(
        session,
        username=username,
        action=AuditAction.UPDATE,
        table=state.mapper.local_table.name,
        record_id=state.identity[0] if state.identity else None,
        before=before,
        after=snapshot(row, changes),
    )


def record_changes(session: Session, *, username: str, entries: Iterable[dict[str, Any]]) -> None:
    """Many entries at once (an import): one ``executemany`` instead of an object per row.

    Each entry has ``action``, ``table``, ``record_id`` and optionally ``before``/``after``,
    as ``record_change`` takes them."""
    rows = [
        {
            "username": username,
            "action": entry["action"],
            "table_name": entry["table"],
            "record_id": str(entry["record_id"]),
            "before": entry.get("before"),
            "after": entry.get("after"),
        }
        for entry in entries
    ]
    if rows:
        session.execute(insert(AuditLog), rows)


# --- Reading the log (the Dades page) -------------------------------------------------------

CATALONIA = ZoneInfo("Europe/Madrid")
ACTION_LABELS = {
    AuditAction.CREATE: "Alta",
    AuditAction.UPDATE: "Modificació",
    AuditAction.DELETE: "Baixa",
}
TABLE_LABELS = {
    "member": "Membres",
    "person": "Persones",
    "interaction": "Contactes",
    "onboarding_step": "Acollida",
    "advisory": "Assessoraments",
    "work_group": "Grups de treball",
    "work_group_membership": "Membres dels grups",
    "event": "Esdeveniments",
    "registration": "Inscripcions",
    "plan_activity": "Activitats del pla",
    "plan_cap": "Límits del pla",
    "scenario": "Escenaris",
    "app_user": "Usuaris",
}
AUDIT_COLUMNS = [
    "at",
    "username",
    "action",
    "table",
    "record_id",
    "record",
    "changes",
    "before",
    "after",
]

# What a column is called on the forms and pages, so the log reads as the team speaks. A
# column missing here (a new one) shows under its own name rather than not at all.
FIELD_LABELS = {
    "name": "Nom",
    "full_name": "Nom i cognoms",
    "kind": "Tipus",
    "municipality_code": "Municipi",
    "joined_on": "Data d'alta",
    "left_on": "Data de baixa",
    "mentor_id": "Municipi mentor",
    "mentor_member_id": "Municipi mentor",
    "is_territorial_delegate": "Delegat territorial",
    "abc_sheet_updated_on": "Fitxa ABC actualitzada",
    "owner_id": "Responsable",
    "notes": "Notes",
    "version": "Versió",
    "member_id": "Membre",
    "person_id": "Persona",
    "staff_id": "Personal tècnic",
    "role": "Rol",
    "position": "Càrrec",
    "email": "Correu electrònic",
    "phone": "Telèfon",
    "consent_contact": "Consentiment de contacte",
    "consent_image": "Consentiment d'imatge",
    "active": "Actiu",
    "anonymised_at": "Anonimitzat",
    "occurred_on": "Data",
    "channel": "Canal",
    "summary": "Resum",
    "referral": "Derivació",
    "next_contact_on": "Proper contacte",
    "needs": "Necessitats",
    "step": "Pas",
    "done_on": "Fet el",
    "topic_id": "Tema",
    "status": "Estat",
    "requested_on": "Sol·licitat el",
    "closed_on": "Tancat el",
    "hours": "Hores",
    "description": "Descripció",
    "code": "Codi",
    "work_group_id": "Grup de treball",
    "year": "Any",
    "axis": "Eix",
    "title": "Títol",
    "conveni": "Conveni",
    "mandatory": "Obligatòria",
    "estimated_cost_eur": "Cost estimat (€)",
    "staff_hours": "Hores de l'equip",
    "score_impact": "Impacte",
    "score_territory": "Territori",
    "score_alignment": "Alineament",
    "score_demand": "Demanda",
    "cap_group": "Límit",
    "exclusive_group": "Grup excloent",
    "depends_on": "Depèn de",
    "quarter": "Trimestre",
    "max_count": "Màxim",
    "held_on": "Data",
    "format": "Format",
    "plan_activity_id": "Activitat del pla",
    "event_id": "Esdeveniment",
    "registered_on": "Inscrit el",
    "conveni_extended": "Conveni prorrogat",
    "budget_eur": "Pressupost (€)",
    "other_income_eur": "Altres ingressos (€)",
    "conveni_first": "Primer el Conveni",
    "weights": "Pesos",
    "created_by_id": "Creat per",
    "selected": "Finançada",
    "reason": "Motiu",
    "last_signed_in_at": "Darrer inici de sessió",
    "actual_cost_eur": "Cost real (€)",
    "actual_staff_hours": "Hores reals",
    "adopted_at": "Adoptat com a pla el",
    "adopted_by": "Adoptat per",
}

# The closed lists' values by name. ``status`` and ``kind`` mean different lists in different
# tables, so the table decides first.
_VALUE_LABELS_BY_TABLE: dict[tuple[str, str], dict[str, str]] = {
    ("member", "kind"): {k.value: v for k, v in labels.MEMBER_KIND.items()},
    ("advisory", "kind"): {k.value: v for k, v in labels.ADVISORY_KIND.items()},
    ("event", "kind"): {k.value: v for k, v in labels.EVENT_KIND.items()},
    ("advisory", "status"): {k.value: v for k, v in labels.ADVISORY_STATUS.items()},
    ("work_group", "status"): {k.value: v for k, v in labels.WORK_GROUP_STATUS.items()},
    ("registration", "status"): {k.value: v for k, v in labels.REGISTRATION_STATUS.items()},
    ("plan_activity", "status"): {k.value: v for k, v in labels.ACTIVITY_STATUS.items()},
}
_VALUE_LABELS: dict[str, dict[str, str]] = {
    "role": {k.value: v for k, v in labels.PERSON_ROLE.items()},
    "channel": {k.value: v for k, v in labels.CHANNEL.items()},
    "referral": {k.value: v for k, v in labels.REFERRAL.items()},
    "step": {k.value: v for k, v in labels.ONBOARDING_STEP.items()},
    "format": {k.value: v for k, v in labels.EVENT_FORMAT.items()},
}

# Records named in the log: their key and their readable name.
_TARGETS: dict[str, tuple[Any, Any]] = {
    "member": (Member.id, Member.name),
    "person": (Person.id, Person.full_name),
    "user": (AppUser.id, AppUser.full_name),
    "topic": (Topic.id, Topic.name),
    "work_group": (WorkGroup.id, WorkGroup.name),
    "event": (Event.id, Event.title),
    "plan_activity": (PlanActivity.id, PlanActivity.code + " " + PlanActivity.title),
    "municipality": (Municipality.ine_code, Municipality.name),
    "scenario": (Scenario.id, Scenario.name),
}
# A column that holds another record's id, and which record that is.
_REFERENCES = {
    "member_id": "member",
    "mentor_id": "member",
    "mentor_member_id": "member",
    "person_id": "person",
    "staff_id": "user",
    "owner_id": "user",
    "created_by_id": "user",
    "topic_id": "topic",
    "work_group_id": "work_group",
    "event_id": "event",
    "plan_activity_id": "plan_activity",
    "municipality_code": "municipality",
}
# A table whose rows have a name of their own (the rest are named by what they belong to).
_OWN_NAME = {
    "member": "member",
    "person": "person",
    "app_user": "user",
    "work_group": "work_group",
    "event": "event",
    "plan_activity": "plan_activity",
    "scenario": "scenario",
}
_OWNER_FIELDS = ("event_id", "work_group_id", "member_id")
# Where the rows without a name of their own keep what they belong to (an update's entry only
# holds the columns that changed).
_OWNERS: dict[str, Any] = {
    "registration": Registration,
    "interaction": Interaction,
    "advisory": Advisory,
    "onboarding_step": OnboardingStep,
    "work_group_membership": WorkGroupMembership,
}


def local_time(moment: datetime) -> datetime:
    """A stored instant in Catalan time. SQLite keeps ``CURRENT_TIMESTAMP`` naive, in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CATALONIA)


def _bound(day: date, session: Session) -> datetime:
    """Midnight of ``day`` in Catalonia, as the database compares it."""
    moment = datetime.combine(day, time.min, tzinfo=CATALONIA).astimezone(UTC)
    if session.get_bind().dialect.name == "sqlite":
        return moment.replace(tzinfo=None)
    return moment


Names = dict[str, dict[str, str]]  # kind of record -> its id as text -> its name


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def _readable(table: str, values: dict[str, Any] | None, names: Names) -> str:
    if not values:
        return ""
    return "; ".join(
        f"{_label(name)}: {_value(table, name, value, names)}" for name, value in values.items()
    )


def _value(table: str, name: str, value: object, names: Names) -> str:
    if value is None or value == "":
        return "(buit)"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if name in _REFERENCES and not isinstance(value, list):
        return names.get(_REFERENCES[name], {}).get(str(value), f"núm. {value}")
    closed_list = _VALUE_LABELS_BY_TABLE.get((table, name)) or _VALUE_LABELS.get(name)
    if closed_list is not None and isinstance(value, str):
        return closed_list.get(value, value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_value(table, name, v, names) for v in value) or "(cap)"
    return str(value)


def _changes(
    table: str, before: dict[str, Any] | None, after: dict[str, Any] | None, names: Names
) -> str:
    """``camp: abans → després`` for every field that differs (all of them for a create)."""
    before, after = before or {}, after or {}
    fields = list(dict.fromkeys([*after, *before]))
    parts = []
    for name in fields:
        old, new = before.get(name), after.get(name)
        if name in before and name in after and old == new:
            continue
        label = _label(name)
        if name not in before:
            parts.append(f"{label}: {_value(table, name, new, names)}")
        elif name not in after:
            parts.append(f"{label}: {_value(table, name, old, names)} → (esborrat)")
        else:
            old_text, new_text = _value(table, name, old, names), _value(table, name, new, names)
            parts.append(f"{label}: {old_text} → {new_text}")
    return "; ".join(parts)


Owners = dict[tuple[str, str], dict[str, Any]]  # (table, record id) -> its owner columns


def _owners(session: Session, entries: Sequence[AuditLog]) -> Owners:
    """What each nameless record still in the database belongs to: one query per table."""
    ids: dict[str, set[int]] = {}
    for entry in entries:
        if entry.table_name in _OWNERS and entry.record_id.isdigit():
            ids.setdefault(entry.table_name, set()).add(int(entry.record_id))
    owners: Owners = {}
    for table, wanted in ids.items():
        model = _OWNERS[table]
        columns = [getattr(model, f) for f in _OWNER_FIELDS if hasattr(model, f)]
        for row in session.execute(select(model.id, *columns).where(model.id.in_(wanted))):
            owners[(table, str(row[0]))] = {
                column.key: value for column, value in zip(columns, row[1:], strict=True)
            }
    return owners


def _names(session: Session, entries: Sequence[AuditLog], owners: Owners) -> Names:
    """Every record the entries name or point to, by name: one query per kind of record."""
    wanted: dict[str, set[str]] = {}
    for values in owners.values():
        for name, value in values.items():
            if value is not None:
                wanted.setdefault(_REFERENCES[name], set()).add(str(value))
    for entry in entries:
        if entry.table_name in _OWN_NAME:
            wanted.setdefault(_OWN_NAME[entry.table_name], set()).add(entry.record_id)
        for values in (entry.before or {}, entry.after or {}):
            for name, value in values.items():
                if name in _REFERENCES and value is not None and not isinstance(value, list):
                    wanted.setdefault(_REFERENCES[name], set()).add(str(value))
    names: Names = {}
    for target, ids in wanted.items():
        key, label = _TARGETS[target]
        keys: list[Any] = sorted(ids)
        if key.type.python_type is int:
            keys = [int(i) for i in ids if i.isdigit()]
        rows = session.execute(select(key, label).where(key.in_(keys))).all()
        names[target] = {str(k): v for k, v in rows}
    return names


def _record_name(entry: AuditLog, names: Names, owners: Owners) -> str:
    """The record the entry is about, by name: its own (a member, an event), else the one it
    belongs to (a contact's member); from the entry itself when the record is gone."""
    table = entry.table_name
    values = {
        **(entry.before or {}),
        **(entry.after or {}),
        **owners.get((table, entry.record_id), {}),
    }
    own = names.get(_OWN_NAME.get(table, ""), {})
    if entry.record_id in own:
        return own[entry.record_id]
    if table == "plan_activity" and values.get("code") and values.get("title"):
        # A deleted activity, named as a living one is (its code, then its title).
        return f"{values['code']} {values['title']}"
    for field in ("name", "full_name", "title"):
        if values.get(field):
            return str(values[field])
    parts = [
        _value(table, field, values[field], names)
        for field in _OWNER_FIELDS
        if values.get(field) is not None
    ]
    return " · ".join(parts) or f"núm. {entry.record_id}"


@dataclass(frozen=True)
class AuditOptions:
    tables: tuple[str, ...]
    users: tuple[str, ...]


@reads(Area.AUDIT)
@needs(Right.READ_AUDIT)
def audit_options(*, session: Session) -> AuditOptions:
    """The tables and users that appear in the log, for the filters."""
    tables = session.scalars(select(AuditLog.table_name).distinct()).all()
    users = session.scalars(select(AuditLog.username).distinct()).all()
    return AuditOptions(tables=tuple(sorted(tables)), users=tuple(sorted(users)))


# Every write is logged, so the log changes with every area anyway: naming the records
# costs its cache nothing.
@reads(*Area)
@needs(Right.READ_AUDIT)
def audit_entries(
    *,
    session: Session,
    tables: tuple[str, ...] = (),
    users: tuple[str, ...] = (),
    actions: tuple[str, ...] = (),
    since: date | None = None,
    until: date | None = None,
    record_id: str | None = None,
    limit: int = 1000,
) -> pd.DataFrame:
    """The latest entries (newest first) matching every filter given: ``at`` in Catalan time,
    ``username``, ``action`` (``AuditAction`` value) and ``table`` (its name; the page labels
    both with ``ACTION_LABELS`` and ``TABLE_LABELS``), ``record_id`` and ``record`` (the
    record's name), and the values readable: ``changes`` as ``Camp: abans → després``,
    ``before`` and ``after`` as ``Camp: valor``, with Catalan field labels, the closed lists'
    labels and other records by name instead of their ids."""
    query = select(AuditLog)
    if tables:
        query = query.where(AuditLog.table_name.in_(tables))
    if users:
        query = query.where(AuditLog.username.in_(users))
    if actions:
        query = query.where(AuditLog.action.in_([AuditAction(a) for a in actions]))
    if since is not None:
        query = query.where(AuditLog.at >= _bound(since, session))
    if until is not None:
        query = query.where(AuditLog.at < _bound(until + timedelta(days=1), session))
    if record_id:
        query = query.where(AuditLog.record_id == record_id)
    entries = session.scalars(
        query.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(limit)
    ).all()
    owners = _owners(session, entries)
    names = _names(session, entries, owners)
    return frame_of(
        [
            (
                local_time(entry.at),
                entry.username,
                entry.action.value,
                entry.table_name,
                entry.record_id,
                _record_name(entry, names, owners),
                _changes(entry.table_name, entry.before, entry.after, names),
                _readable(entry.table_name, entry.before, names),
                _readable(entry.table_name, entry.after, names),
            )
            for entry in entries
        ],
        AUDIT_COLUMNS,
    )


@needs(Right.READ_AUDIT)
def count_entries(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog)) or 0
