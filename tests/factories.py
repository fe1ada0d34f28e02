"""Small builders for test data: each returns a flushed ORM object with sensible defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from db.models import (
    Channel,
    Event,
    EventFormat,
    EventKind,
    Interaction,
    Member,
    MemberKind,
    Person,
    PersonRole,
    PlanActivity,
    Registration,
    RegistrationStatus,
    UserRole,
)
from services.access import Actor


def _add(session: Session, obj: Any) -> Any:
    session.add(obj)
    session.flush()
    return obj


def member(session: Session, name: str, **values: Any) -> Member:
    defaults: dict[str, Any] = {
        "kind": MemberKind.AJUNTAMENT,
        "municipality_code": "08298",  # Vic
        "joined_on": date(2020, 1, 1),
    }
    return _add(session, Member(name=name, **(defaults | values)))


def person(session: Session, of: Member, full_name: str, **values: Any) -> Person:
    defaults: dict[str, Any] = {"role": PersonRole.TECHNICIAN}
    return _add(session, Person(member_id=of.id, full_name=full_name, **(defaults | values)))


def event(session: Session, title: str, held_on: date, **values: Any) -> Event:
    defaults: dict[str, Any] = {"kind": EventKind.ASSEMBLY, "format": EventFormat.VIRTUAL}
    return _add(session, Event(title=title, held_on=held_on, **(defaults | values)))


def registration(session: Session, at: Event, of: Member, **values: Any) -> Registration:
    defaults: dict[str, Any] = {
        "status": RegistrationStatus.REGISTERED,
        "registered_on": at.held_on,
    }
    return _add(session, Registration(event_id=at.id, member_id=of.id, **(defaults | values)))


def contact(session: Session, of: Member, occurred_on: date, **values: Any) -> Interaction:
    defaults: dict[str, Any] = {"channel": Channel.PHONE, "summary": "Trucada de seguiment"}
    return _add(
        session, Interaction(member_id=of.id, occurred_on=occurred_on, **(defaults | values))
    )


def plan_activity(session: Session, code: str, cost: str, **values: Any) -> PlanActivity:
    defaults: dict[str, Any] = {
        "year": 2026,
        "axis": 1,
        "title": f"Activitat {code}",
        "staff_hours": Decimal("10"),
    }
    return _add(
        session,
        PlanActivity(code=code, estimated_cost_eur=Decimal(cost), **(defaults | values)),
    )


def staff(name: str = "marta") -> Actor:
    """A coordination-team user; the audit log records ``name``."""
    return Actor(audit_name=name, display_name=name, role=UserRole.STAFF)


def admin(name: str = "admin") -> Actor:
    return Actor(audit_name=name, display_name=name, role=UserRole.ADMIN)


def commission(name: str = "comissio") -> Actor:
    return Actor(audit_name=name, display_name=name, role=UserRole.COMMISSION)
