"""The audit log view: filters by table, user, action and dates; before and after readable."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditAction, AuditLog, OnboardingStep, OnboardingStepKind
from services.audit import (
    add_audited,
    audit_entries,
    audit_options,
    record_change,
    record_changes,
    update_audited,
)
from tests import factories as make


def _entry(session: Session, at: datetime, **values: object) -> None:
    defaults: dict[str, object] = {
        "username": "marta",
        "action": AuditAction.UPDATE,
        "table_name": "member",
        "record_id": "1",
    }
    session.add(AuditLog(at=at, **(defaults | values)))


def test_entries_are_readable_newest_first(session: Session) -> None:
    record_change(
        session,
        username="marta",
        action=AuditAction.UPDATE,
        table="member",
        record_id=7,
        before={"left_on": None, "notes": "<b>x</b>", "is_territorial_delegate": False},
        after={"left_on": "2026-06-30", "notes": "<b>x</b>", "is_territorial_delegate": True},
    )
    _entry(
        session,
        datetime(2020, 1, 1, tzinfo=UTC),
        action=AuditAction.CREATE,
        after={"name": "Ajuntament de Vic"},
    )
    session.commit()
    entries = audit_entries(session=session)
    assert entries["action"].tolist() == ["update", "create"]
    latest = entries.iloc[0]
    assert latest["table"] == "member" and latest["record_id"] == "7"
    assert latest["changes"] == "Data de baixa: (buit) → 30/06/2026; Delegat territorial: no → sí"
    assert "Notes: <b>x</b>" in latest["before"]  # HTML stays text
    # In Catalan time: midnight UTC is one in the morning in winter.
    assert entries.iloc[1]["at"].strftime("%d/%m/%Y %H:%M:%S %Z") == "01/01/2020 01:00:00 CET"
    assert entries.iloc[1]["changes"] == "Nom: Ajuntament de Vic"
    # Record 1 was never stored: named from what the entry itself kept.
    assert entries.iloc[1]["record"] == "Ajuntament de Vic"
    assert latest["record"] == "núm. 7"


def test_fields_lists_and_other_records_read_by_name(session: Session) -> None:
    vic = make.member(session, "Ajuntament de Vic")
    olot = make.member(session, "Ajuntament d'Olot")
    assembly = make.event(session, "Assemblea de primavera", date(2026, 3, 28))
    registration = make.registration(session, assembly, vic)
    session.flush()
    update_audited(session, registration, username="marta", status="attended")
    record_change(
        session,
        username="marta",
        action=AuditAction.UPDATE,
        table="member",
        record_id=vic.id,
        before={"mentor_id": None, "kind": "ajuntament"},
        after={"mentor_id": olot.id, "kind": "consell_comarcal"},
    )
    session.commit()
    member_entry, registration_entry = audit_entries(session=session).itertuples()
    assert registration_entry.changes == "Estat: Inscrit → Hi ha assistit"
    # A registration has no name of its own: it is the event's and the member's.
    assert registration_entry.record == "Assemblea de primavera · Ajuntament de Vic"
    assert member_entry.changes == (
        "Municipi mentor: (buit) → Ajuntament d'Olot; Tipus: Ajuntament → Consell comarcal"
    )
    assert member_entry.record == "Ajuntament de Vic"


def test_filters_by_table_user_action_and_dates(session: Session) -> None:
    _entry(session, datetime(2026, 3, 1, 10, tzinfo=UTC), table_name="person", username="jordi")
    _entry(session, datetime(2026, 3, 2, 10, tzinfo=UTC), action=AuditAction.DELETE)
    _entry(session, datetime(2026, 3, 3, 10, tzinfo=UTC))
    # 23:30 UTC on 3 March is already 4 March in Catalonia.
    _entry(session, datetime(2026, 3, 3, 23, 30, tzinfo=UTC), record_id="late")
    session.commit()
    assert audit_options(session=session).tables == ("member", "person")
    assert audit_options(session=session).users == ("jordi", "marta")

    def records(**filters: object) -> list[str]:
        frame = audit_entries(session=session, **filters)  # type: ignore[arg-type]
        return frame["record_id"].tolist()

    assert len(records()) == 4
    assert len(records(tables=("person",))) == 1
    assert len(records(users=("marta",))) == 3
    assert len(records(actions=("delete",))) == 1
    assert len(records(since=date(2026, 3, 2), until=date(2026, 3, 3))) == 2
    assert records(since=date(2026, 3, 4)) == ["late"]
    assert records(tables=("person",), users=("marta",)) == []


def test_bulk_entries_for_imports(session: Session) -> None:
    record_changes(
        session,
        username="importacio",
        entries=[
            {"action": AuditAction.CREATE, "table": "person", "record_id": n, "after": {"n": n}}
            for n in range(3)
        ],
    )
    session.commit()
    entries = audit_entries(session=session, users=("importacio",))
    assert sorted(entries["record_id"]) == ["0", "1", "2"]
    assert set(entries["table"]) == {"person"}


def test_a_new_row_is_logged_with_its_id_in_the_same_transaction(session: Session) -> None:
    member = make.member(session, "Ajuntament de Vic")
    add_audited(
        session,
        OnboardingStep(member_id=member.id, step=OnboardingStepKind.WELCOME_MEETING),
        username="marta",
    )
    session.rollback()
    # Rolled back together: neither the row nor its log entry stays.
    assert session.scalar(select(func.count()).select_from(AuditLog)) == 0
    member = make.member(session, "Ajuntament d'Olot")
    step = add_audited(
        session,
        OnboardingStep(member_id=member.id, step=OnboardingStepKind.WELCOME_MEETING),
        username="marta",
    )
    session.commit()
    entry = session.scalars(select(AuditLog)).one()
    assert (entry.username, entry.action, entry.table_name, entry.record_id) == (
        "marta",
        AuditAction.CREATE,
        "onboarding_step",
        str(step.id),
    )
    assert entry.after is not None and entry.after["step"] == "welcome_meeting"


def test_an_update_logs_the_changed_columns_before_and_after(session: Session) -> None:
    member = make.member(session, "Ajuntament de Vic")
    step = OnboardingStep(member_id=member.id, step=OnboardingStepKind.WELCOME_MEETING)
    session.add(step)
    session.flush()
    update_audited(session, step, username="marta", done_on=date(2026, 3, 2))
    session.commit()
    entry = session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.table_name, entry.record_id) == (
        AuditAction.UPDATE,
        "onboarding_step",
        str(step.id),
    )
    assert (entry.before, entry.after) == ({"done_on": None}, {"done_on": "2026-03-02"})
