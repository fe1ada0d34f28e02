"""The audit log: every create, update and delete, by whom, with before and after values.

Writers call ``record_change`` in the same session (so the entry commits or rolls back with the
change itself) and ``snapshot`` to turn a row into JSON-safe values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import func, insert, inspect, select
from sqlalchemy.orm import Session

from db.data_version import Area, reads
from db.models import AuditAction, AuditLog
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
AUDIT_COLUMNS = ["at", "username", "action", "table", "record_id", "changes", "before", "after"]


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


def _readable(values: dict[str, Any] | None) -> str:
    if not values:
        return ""
    return "; ".join(f"{name}: {_value(value)}" for name, value in values.items())


def _value(value: object) -> str:
    if value is None or value == "":
        return "(buit)"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "(cap)"
    return str(value)


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """``camp: abans → després`` for every field that differs (all of them for a create)."""
    before, after = before or {}, after or {}
    names = list(dict.fromkeys([*after, *before]))
    parts = []
    for name in names:
        old, new = before.get(name), after.get(name)
        if name in before and name in after and old == new:
            continue
        if name not in before:
            parts.append(f"{name}: {_value(new)}")
        elif name not in after:
            parts.append(f"{name}: {_value(old)} → (esborrat)")
        else:
            parts.append(f"{name}: {_value(old)} → {_value(new)}")
    return "; ".join(parts)


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


@reads(Area.AUDIT)
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
    both with ``ACTION_LABELS`` and ``TABLE_LABELS``), ``record_id``, and the values readable:
    ``changes`` as ``camp: abans → després``, ``before`` and ``after`` as ``camp: valor``."""
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
    return frame_of(
        [
            (
                local_time(entry.at),
                entry.username,
                entry.action.value,
                entry.table_name,
                entry.record_id,
                _changes(entry.before, entry.after),
                _readable(entry.before),
                _readable(entry.after),
            )
            for entry in entries
        ],
        AUDIT_COLUMNS,
    )


@needs(Right.READ_AUDIT)
def count_entries(*, session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog)) or 0
