"""A full backup as one XLSX workbook (a sheet per table), and its restore into an empty,
migrated database that gives back exactly the same rows.

Exactness is the point, so each type is written the way it survives a spreadsheet:
- numbers that must not drift (``Numeric``: money, hours) and datetimes with their time zone
  are written as text (``"1234.50"``, ``"2026-11-23T10:15:00.123456+00:00"``); dates are
  Excel dates; booleans are Excel booleans; integers and floats are numbers;
- JSON columns are their JSON text; an empty cell is SQL NULL, the text ``null`` is JSON null;
- text that a workbook cannot hold as typed (empty, control characters, or starting with the
  escape mark) is written as ``MARK`` followed by its JSON string; formulas are never written:
  text that starts with ``=`` is a typed string.

Every table is included, reference tables too (``province``, ``comarca``, ``municipality``,
``topic``): a restore replaces them with the backup's, so the restored database is the one
that was saved. ``alembic_version`` is not a sheet: the ``_info`` sheet records the schema
revision, and a restore refuses a backup of another revision. A restore writes no audit entry:
it brings back the audit log itself, as it was, and nothing else.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from alembic.runtime.migration import MigrationContext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    Numeric,
    Table,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

import db.models  # noqa: F401 (registers every table in the metadata)
from db.base import Base
from db.data_version import Area, reads
from services.access import Actor, Right, needs, require
from services.catalan import plural
from services.errors import ValidationError
from services.frames import frame_of

FORMAT = "xmess-backup/1"
INFO_SHEET = "_info"
MARK = "⟦json⟧"
REFERENCE_TABLES = ("province", "comarca", "municipality", "topic")
# Characters an XLSX file (XML 1.0) cannot hold.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    return list(Base.metadata.sorted_tables)


def _is_json(col: Any) -> bool:
    return isinstance(col.type, JSON)


# --- Writing ---------------------------------------------------------------------------------


def _text_cell(value: str) -> str:
    if value == "" or value.startswith(MARK) or _ILLEGAL.search(value):
        return MARK + json.dumps(value, ensure_ascii=True)
    return value


def _cell(sheet: Any, value: object, json_text: bool = False) -> Any:
    if value is None:
        return None
    if json_text:
        value = _text_cell(str(value))
    elif isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet)
        # Set afterwards: openpyxl's stubs leave date out of WriteOnlyCell's value argument,
        # though both it and Cell.value take one.
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
        return cell
    elif isinstance(value, Decimal):
        value = f"{value:f}"
    elif isinstance(value, bool | int | float):
        return value
    else:
        value = _text_cell(str(getattr(value, "value", value)))
    cell = WriteOnlyCell(sheet, value=value)
    # openpyxl would take "=..." for a formula: keep every text a typed string.
    cell.data_type = TYPE_STRING
    return cell


def _revision(session: Session) -> str | None:
    return MigrationContext.configure(session.connection()).get_current_revision()


@reads(*Area)  # every table
@needs(Right.BACKUP)
def row_counts(*, session: Session) -> pd.DataFrame:
    """Rows per table, for the backup page: ``table``, ``rows``, ``reference`` (shipped
    reference data, which a restore replaces)."""
    counts = [
        (
            t.name,
            session.scalar(select(func.count()).select_from(t)) or 0,
            t.name in REFERENCE_TABLES,
        )
        for t in tables()
    ]
    return frame_of(counts, ["table", "rows", "reference"])


def backup_xlsx(*, session: Session, actor: Actor, now: datetime | None = None) -> bytes:
    """The whole database as one workbook: an ``_info`` sheet and a sheet per table. Only an
    administrator may take it: it holds every person's data and the audit log."""
    require(actor, Right.BACKUP)
    workbook = Workbook(write_only=True)
    info = workbook.create_sheet(INFO_SHEET)
    info.append(["clau", "valor"])
    info.append(["format", FORMAT])
    info.append(["revision", _revision(session) or ""])
    info.append(["created_at", (now or datetime.now(tz=UTC)).isoformat()])
    for schema_table in tables():
        sheet = workbook.create_sheet(schema_table.name)
        columns = list(schema_table.columns)
        sheet.append([c.name for c in columns])
        selected = [cast(c, Text) if _is_json(c) else c for c in columns]
        order = list(schema_table.primary_key.columns) or columns
        count = 0
        for row in session.execute(select(*selected).order_by(*order)):
            sheet.append([_cell(sheet, v, _is_json(c)) for c, v in zip(columns, row, strict=True)])
            count += 1
        info.append([f"rows:{schema_table.name}", count])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Reading -------------------------------------------------------------------------------


def _untext(value: str) -> str:
    return json.loads(value[len(MARK) :]) if value.startswith(MARK) else value


def _read_value(col: Any, value: object, where: str) -> Any:
    """A cell back to the column's Python value; ``ValueError`` names what is wrong."""
    if value is None:
        return None
    kind = col.type
    if isinstance(kind, JSON):
        stored = _untext(str(value))
        try:
            json.loads(stored)
        except ValueError:
            raise ValueError(f"{where}: no és JSON vàlid") from None
        return stored  # the stored JSON text, written back verbatim
    if isinstance(kind, Boolean):
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{where}: «{value}» no és un valor cert/fals")
    if isinstance(kind, Numeric) and not isinstance(kind, Float):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"{where}: «{value}» no és un nombre") from None
    if isinstance(kind, Float):
        return float(value)  # type: ignore[arg-type]
    if isinstance(kind, Integer):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        raise ValueError(f"{where}: «{value}» no és un nombre enter")
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(str(value))
    if isinstance(kind, Date):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value))
    if isinstance(value, str):
        return _untext(value)
    return str(value)


@dataclass(frozen=True)
class RestoreResult:
    revision: str
    created_at: str
    rows: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)


def _read_workbook(data: bytes) -> tuple[dict[str, str], dict[str, list[dict[str, Any]]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ValidationError(
            ["El fitxer no és una còpia de seguretat: no és un llibre XLSX vàlid."]
        ) from None
    try:
        if INFO_SHEET not in workbook.sheetnames:
            raise ValidationError(
                [
                    "El llibre no és una còpia de seguretat del quadre de comandament (li "
                    f"falta el full «{INFO_SHEET}»). Per afegir dades d'un full de càlcul, "
                    "useu la pestanya Importa."
                ]
            )
        info = {
            str(k): str(v)
            for k, v in workbook[INFO_SHEET].iter_rows(min_row=2, values_only=True)
            if k is not None
        }
        if info.get("format") != FORMAT:
            raise ValidationError(
                [f"Format de còpia desconegut («{info.get('format')}»; s'esperava {FORMAT})."]
            )
        errors: list[str] = []
        contents: dict[str, list[dict[str, Any]]] = {}
        for schema_table in tables():
            name = schema_table.name
            if name not in workbook.sheetnames:
                errors.append(f"Falta el full «{name}».")
                continue
            rows = workbook[name].iter_rows(values_only=True)
            header = [str(h) for h in next(rows, ()) if h is not None]
            expected = [c.name for c in schema_table.columns]
            if sorted(header) != sorted(expected):
                errors.append(
                    f"Full «{name}»: les columnes són {', '.join(header)}; s'esperava "
                    f"{', '.join(expected)}."
                )
                continue
            by_name = {c.name: c for c in schema_table.columns}
            records: list[dict[str, Any]] = []
            for number, values in enumerate(rows, start=2):
                if values is None or all(v is None for v in values):
                    continue
                record: dict[str, Any] = {}
                for col_name, value in zip(header, values, strict=False):
                    try:
                        record[col_name] = _read_value(
                            by_name[col_name], value, f"Full «{name}», fila {number}, {col_name}"
                        )
                    except (ValueError, TypeError) as error:
                        errors.append(str(error))
                for col_name in header[len(values) :]:
                    record[col_name] = None
                records.append(record)
            declared = info.get(f"rows:{name}")
            if declared is not None and declared.isdigit() and int(declared) != len(records):
                errors.append(
                    f"Full «{name}»: té {plural(len(records), 'fila', 'files')} i la còpia en "
                    f"declara {declared} "
                    "(el llibre s'ha modificat o està incomplet)."
                )
            contents[name] = records
        if errors:
            raise ValidationError(errors[:50])
        return info, contents
    finally:
        workbook.close()


def user_tables_with_rows(session: Session) -> list[tuple[str, int]]:
    result = []
    for schema_table in tables():
        if schema_table.name in REFERENCE_TABLES:
            continue
        count = session.scalar(select(func.count()).select_from(schema_table)) or 0
        if count:
            result.append((schema_table.name, count))
    return result


class _PostgresJsonText(TypeDecorator[str]):
    """JSON text inserted verbatim into a PostgreSQL ``json`` column."""

    impl = Text
    cache_ok = True

    def bind_expression(self, bindvalue: Any) -> Any:
        return cast(bindvalue, postgresql.JSON)


def _restore_table(schema_table: Table, dialect: str) -> Any:
    """The table for inserting restored rows. JSON columns take the backup's JSON text as
    it was stored (so SQL NULL stays NULL and JSON ``null`` stays ``null``)."""
    json_text = _PostgresJsonText() if dialect == "postgresql" else Text()
    columns = [column(c.name, json_text if _is_json(c) else c.type) for c in schema_table.columns]
    return table(schema_table.name, *columns)


def _self_references(schema_table: Table) -> list[str]:
    return [fk.parent.name for fk in schema_table.foreign_keys if fk.column.table is schema_table]


def _reset_sequences(session: Session) -> None:
    """After explicit ids, PostgreSQL's sequences must continue after the largest one."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for schema_table in tables():
        keys = list(schema_table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        name = schema_table.name
        sequence = session.scalar(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": name, "column": keys[0].name},
        )
        if sequence:
            session.execute(
                text(
                    f"SELECT setval(:sequence, COALESCE((SELECT MAX({keys[0].name}) FROM "
                    f"{name}), 0) + 1, false)"
                ),
                {"sequence": sequence},
            )


def restore_xlsx(*, session: Session, data: bytes, actor: Actor) -> RestoreResult:
    """Restore a backup into this (empty, migrated) database, in the caller's transaction.

    Refuses, writing nothing, a database that already has data, a backup of another schema
    revision, or a workbook that is not a complete, unmodified backup.

    ``actor`` is who restores: only an administrator may. The restore is not
    written to the audit log: the restored database is the saved one row for row, its audit
    log included, and an entry of our own would make it differ from the backup it came from."""
    require(actor, Right.BACKUP)
    busy = user_tables_with_rows(session)
    if busy:
        listed = ", ".join(f"{name} ({count})" for name, count in busy)
        raise ValidationError(
            [
                "La base de dades no és buida: una còpia només es restaura en una base de "
                f"dades nova (amb `make migrate`). Té dades a: {listed}."
            ]
        )
    info, contents = _read_workbook(data)
    revision = _revision(session) or ""
    if info.get("revision") != revision:
        raise ValidationError(
            [
                f"La còpia és de la revisió {info.get('revision') or '?'} de l'esquema i la base "
                f"de dades és a la {revision or '?'}: restaureu-la en una base de dades de la "
                "mateixa versió de l'aplicació."
            ]
        )
    for name in reversed(REFERENCE_TABLES):
        session.execute(delete(Base.metadata.tables[name]))
    restored: list[tuple[str, int]] = []
    for schema_table in tables():
        records = contents[schema_table.name]
        restored.append((schema_table.name, len(records)))
        if not records:
            continue
        later = _self_references(schema_table)
        target = _restore_table(schema_table, session.get_bind().dialect.name)
        first_pass = [{**r, **{name: None for name in later}} for r in records]
        session.execute(insert(target), first_pass)
        pending = [r for r in records if any(r.get(name) is not None for name in later)]
        if pending:
            key_column = next(iter(schema_table.primary_key.columns)).name
            for name in later:
                rows = [
                    {"row_key": r[key_column], "value": r[name]}
                    for r in pending
                    if r.get(name) is not None
                ]
                session.execute(
                    update(target)
                    .where(target.c[key_column] == bindparam("row_key"))
                    .values({name: bindparam("value")}),
                    rows,
                )
    _reset_sequences(session)
    session.flush()
    return RestoreResult(
        revision=revision, created_at=info.get("created_at", ""), rows=tuple(restored)
    )


@reads(*Area)  # every table
@needs(Right.BACKUP)
def non_empty_tables(*, session: Session) -> tuple[tuple[str, int], ...]:
    """The tables (besides reference data) that have rows: a restore needs none."""
    return tuple(user_tables_with_rows(session))
