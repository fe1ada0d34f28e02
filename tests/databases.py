"""Copies of the shared demo database, for tests whose writes must stay their own; the demo
with an adopted plan."""

from __future__ import annotations

import contextlib
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from db.models import Scenario
from db.session import session_scope
from tests import factories


def copy_of_demo(demo_sqlite_url: str, folder: Path, name: str) -> str:
    """A copy of the demo database in ``folder`` (SQLite's backup: WAL pages included): its
    URL."""
    source = make_url(demo_sqlite_url).database
    assert source is not None
    path = folder / f"{name}.db"
    with (
        contextlib.closing(sqlite3.connect(source)) as original,
        contextlib.closing(sqlite3.connect(path)) as copy,
    ):
        original.backup(copy)
    return f"sqlite:///{path}"


def demo_with_adopted_plan(engine: Engine, today: date) -> int:
    """Fill ``engine``'s empty database with the demo network and adopt the first of its
    saved scenarios of ``today``'s year, through the service: the adopted scenario's id."""
    # Local: only the tests that need the demo pay for it.
    from db.demo import generate_demo
    from services.execution import adopt_scenario

    generate_demo(engine, seed=2026, scale=1, today=today)
    with session_scope(engine) as session:
        scenario_id = session.scalars(
            select(Scenario.id).where(Scenario.year == today.year).order_by(Scenario.id)
        ).first()
        assert scenario_id is not None, "the demo saves scenarios of the plan's year"
        adopt_scenario(session=session, scenario_id=scenario_id, actor=factories.admin())
    return scenario_id
