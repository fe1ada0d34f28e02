"""The schema: migrations match the models, and the database itself refuses bad facts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from db.base import Base
from db.data_version import include_in_comparison
from db.migrate import head_revision, schema_status
from db.models import (
    Channel,
    Comarca,
    Interaction,
    Member,
    MemberKind,
    Municipality,
    PlanActivity,
    Province,
    Topic,
)
from db.reference_data import TOPICS


def test_migrations_reach_head_and_match_the_models(engine: Engine) -> None:
    status = schema_status(engine)
    assert status.reachable and status.up_to_date
    assert status.current == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": include_in_comparison}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_reference_data_is_loaded_by_the_migrations(session: Session) -> None:
    assert session.scalar(select(func.count()).select_from(Province)) == 4
    assert session.scalar(select(func.count()).select_from(Comarca)) == 43
    assert session.scalar(select(func.count()).select_from(Municipality)) == 947
    assert session.scalars(select(Topic.name).order_by(Topic.id)).all() == [n for _, n in TOPICS]
    hospitalet = session.get(Municipality, "08101")
    assert hospitalet is not None and hospitalet.name == "L'Hospitalet de Llobregat"


def _member(name: str = "Ajuntament de Vic", **overrides: object) -> Member:
    values: dict[str, object] = {
        "name": name,
        "kind": MemberKind.AJUNTAMENT,
        "municipality_code": "08298",
        "joined_on": date(2020, 1, 1),
    }
    values.update(overrides)
    return Member(**values)


def _activity(**overrides: object) -> PlanActivity:
    values: dict[str, object] = {
        "year": 2026,
        "code": "1.01",
        "axis": 1,
        "title": "Protocol d'acollida",
        "estimated_cost_eur": Decimal("100"),
        "staff_hours": Decimal("10"),
    }
    values.update(overrides)
    return PlanActivity(**values)


def _refused(session: Session, *objects: object) -> None:
    session.add_all(objects)
    with pytest.raises((IntegrityError, StatementError)):
        session.flush()
    session.rollback()


def test_member_names_are_unique(session: Session) -> None:
    session.add(_member())
    session.commit()
    _refused(session, _member())


def test_unknown_municipality_is_refused(session: Session) -> None:
    _refused(session, _member(municipality_code="99999"))


def test_leaving_before_joining_is_refused(session: Session) -> None:
    _refused(session, _member(left_on=date(2019, 1, 1)))


def test_negative_cost_and_hours_are_refused(session: Session) -> None:
    _refused(session, _activity(estimated_cost_eur=Decimal("-1")))
    _refused(session, _activity(staff_hours=Decimal("-5")))


def test_axis_outside_the_plan_is_refused(session: Session) -> None:
    _refused(session, _activity(axis=8))


def test_unknown_status_is_refused_by_the_database(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO member (name, kind, municipality_code, joined_on,"
                " is_territorial_delegate, notes, version)"
                " VALUES ('X', 'empresa', '08298', '2020-01-01', false, '', 1)"
            )
        )


def test_next_contact_before_the_contact_is_refused(session: Session) -> None:
    member = _member()
    session.add(member)
    session.flush()
    _refused(
        session,
        Interaction(
            member_id=member.id,
            occurred_on=date(2026, 3, 10),
            channel=Channel.PHONE,
            summary="Trucada",
            next_contact_on=date(2026, 3, 1),
        ),
    )


def test_empty_summary_is_refused(session: Session) -> None:
    member = _member()
    session.add(member)
    session.flush()
    _refused(
        session,
        Interaction(
            member_id=member.id, occurred_on=date(2026, 3, 10), channel=Channel.PHONE, summary="  "
        ),
    )
