"""The audit log: every create, update and delete, by whom, with before and after values.

Writers call ``record_change`` in the same session (so the entry commits or rolls back with the
change itself) and ``snapshot`` to turn a row into JSON-safe values.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from db.models import AuditAction, AuditLog


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
