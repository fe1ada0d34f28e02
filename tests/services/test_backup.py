"""The full backup: every row of every table comes back exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import JSON, Engine, Text, cast, select, text
from sqlalchemy.orm import Session

from db.base import Base
from db.demo import generate_demo
from db.models import (
    AppUser,
    AuditAction,
    AuditLog,
    Member,
    Scenario,
    ScenarioActivity,
    UserRole,
)
from db.session import session_scope
from services.audit import record_change
from services.backup import MARK, backup_xlsx, restore_xlsx
from services.errors import ValidationError
from tests import factories as make
from tests.conftest import clear_data
from tests.factories import admin

TRICKY_TEXT = [
    "",
    '=HYPERLINK("http://x","clic")',
    "<script>alert(1)</script>",
    "línia 1\nlínia 2\ttab",
    "control \x01 char",
    f"{MARK}already marked",
    "  spaces around  ",
    "null",
]


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, JSON columns as their stored text."""
    result = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = [cast(c, Text) if isinstance(c.type, JSON) else c for c in table.columns]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            result[table.name] = [tuple(row) for row in rows]
    return result


def _tricky_rows(session: Session) -> None:
    """Values that break naive backups: every type, NULL against empty, JSON null, zones."""
    user = AppUser(
        email="marta@xmess.cat", full_name="Marta Vidal", role=UserRole.STAFF, active=False
    )
    session.add(user)
    session.flush()
    for number, notes in enumerate(TRICKY_TEXT):
        make.member(session, f"Ens {number}", notes=notes, owner_id=user.id)
    scenario = Scenario(
        name="Sense Conveni",
        year=2026,
        conveni_extended=False,
        budget_eur=Decimal("123456789.99"),
        other_income_eur=Decimal("0.01"),
        staff_hours=Decimal("1650.5"),
        conveni_first=True,
        weights={"impact": 0.4, "nested": {"list": [1, "à", None]}, "empty": {}},
        notes="",
        created_by_id=user.id,
        created_at=datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1))),
    )
    session.add(scenario)
    activity = make.plan_activity(session, "A9", "0.10", quarter=None, cap_group=None)
    session.add(
        ScenarioActivity(
            scenario_id=scenario.id, plan_activity_id=activity.id, selected=True, reason=""
        )
    )
    record_change(
        session,
        username="marta",
        action=AuditAction.CREATE,
        table="member",
        record_id=1,
        after={"name": "Ens", "n": 1},
    )
    session.add(
        AuditLog(
            username="marta",
            action=AuditAction.UPDATE,
            table_name="member",
            record_id="1",
            before=None,
            after={"a": None},
            at=datetime(2026, 1, 1, 23, 59, 59, tzinfo=UTC),
        )
    )
    session.flush()
    # SQL NULL in a JSON column, next to the JSON null the ORM writes for None.
    session.execute(
        text("UPDATE audit_log SET before = NULL WHERE id = (SELECT MIN(id) FROM audit_log)")
    )


def _restart_sequences(engine: Engine) -> None:
    """A new PostgreSQL database starts its sequences at 1: the restore must move them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for (sequence,) in connection.execute(
            text("SELECT sequence_name FROM information_schema.sequences")
        ):
            connection.execute(text(f"ALTER SEQUENCE {sequence} RESTART WITH 1"))


def test_backup_restores_every_row_exactly(engine: Engine) -> None:
    generate_demo(engine, seed=2026, scale=1)
    with session_scope(engine) as session:
        _tricky_rows(session)
    before = _snapshot(engine)
    with session_scope(engine) as session:
        data = backup_xlsx(session=session, actor=admin())

    clear_data(engine)
    _restart_sequences(engine)
    with session_scope(engine) as session:
        result = restore_xlsx(session=session, data=data, actor=admin("marta"))
    after = _snapshot(engine)

    assert result.total == sum(len(rows) for rows in before.values())
    for table, rows in before.items():
        assert after[table] == rows, table
    assert len(before["member"]) > 70 and len(before["municipality"]) == 947
    # New rows continue after the restored ids (PostgreSQL sequences were reset).
    with session_scope(engine) as session:
        new = make.member(session, "Ajuntament nou")
        assert new.id == max(row[0] for row in before["member"]) + 1


def test_the_workbook_is_readable_and_never_holds_a_formula(session: Session) -> None:
    _tricky_rows(session)
    session.commit()
    book = load_workbook(io.BytesIO(backup_xlsx(session=session, actor=admin())))
    assert book.sheetnames[0] == "_info"
    assert {t.name for t in Base.metadata.sorted_tables} <= set(book.sheetnames)
    members = book["member"]
    header = [c.value for c in members[1]]
    notes = [row[header.index("notes")] for row in members.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in notes)
    assert '=HYPERLINK("http://x","clic")' in [cell.value for cell in notes]
    scenario = book["scenario"]
    values = dict(zip([c.value for c in scenario[1]], [c.value for c in scenario[2]], strict=True))
    assert values["budget_eur"] == "123456789.99"
    assert values["created_at"].startswith("2026-03-01")


def test_restore_refuses_a_database_with_data(session: Session) -> None:
    data = backup_xlsx(session=session, actor=admin())
    make.member(session, "Ajuntament de Vic")
    session.commit()
    with pytest.raises(ValidationError, match="no és buida.*member \\(1\\)"):
        restore_xlsx(session=session, data=data, actor=admin("marta"))


@pytest.mark.parametrize(
    ("mangle", "expected"),
    [
        (lambda data: b"not a workbook", "no és un llibre XLSX vàlid"),
        (lambda data: _without_sheet(data, "_info"), "li falta el full «_info»"),
        (lambda data: _without_sheet(data, "person"), "Falta el full «person»"),
        (lambda data: _edit(data, "_info", "B3", "0001"), "és de la revisió 0001"),
        (lambda data: _edit(data, "member", "A3", None), "té 1 fila i la còpia en declara 2"),
    ],
    ids=["not-xlsx", "no-info", "missing-sheet", "other-revision", "edited"],
)
def test_restore_refuses_what_is_not_an_intact_backup(
    session: Session, mangle: Any, expected: str
) -> None:
    make.member(session, "Ajuntament de Vic")
    make.member(session, "Ajuntament de Reus", municipality_code="43123")
    session.commit()
    data = mangle(backup_xlsx(session=session, actor=admin()))
    session.execute(text("DELETE FROM member"))
    session.commit()
    with pytest.raises(ValidationError) as refused:
        restore_xlsx(session=session, data=data, actor=admin("marta"))
    session.rollback()
    assert any(expected in message for message in refused.value.messages), refused.value
    assert session.scalar(select(Member.id)) is None


def _without_sheet(data: bytes, name: str) -> bytes:
    book = load_workbook(io.BytesIO(data))
    del book[name]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _edit(data: bytes, sheet: str, cell: str, value: object) -> bytes:
    book = load_workbook(io.BytesIO(data))
    if value is None:
        book[sheet].delete_rows(int(cell[1:]))
    else:
        book[sheet][cell] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_dates_survive_as_dates(session: Session) -> None:
    make.member(session, "Ajuntament de Vic", joined_on=date(2016, 5, 17))
    session.commit()
    book = load_workbook(io.BytesIO(backup_xlsx(session=session, actor=admin())))
    sheet = book["member"]
    header = [c.value for c in sheet[1]]
    assert sheet.cell(2, header.index("joined_on") + 1).value == datetime(2016, 5, 17)
