"""Migration 0003 on a database that already has data: the accounts of before sign-in keep
their rows and every reference to them, on SQLite (whose table rebuild needs foreign keys off)
and on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from db.migrate import schema_status, upgrade
from db.session import make_engine


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


@pytest.fixture(params=_backends())
def blank_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('m') / 'old.db'}")
        yield engine
        engine.dispose()
        return
    # A database of its own: the shared test database is migrated to head for the session.
    url = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"{url.database}_migration_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(url.set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def test_old_accounts_survive_with_their_references(blank_engine: Engine) -> None:
    upgrade(blank_engine, "0002")
    with blank_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO app_user (id, username, full_name, role, active) VALUES "
                "(1, 'Marta', 'Marta Vidal', 'staff', true), "
                "(2, 'pere@ajvic.cat', 'Pere Soler', 'reader', true)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO member (id, name, kind, municipality_code, joined_on, "
                "is_territorial_delegate, owner_id, notes, version) VALUES "
                "(1, 'Ajuntament de Vic', 'ajuntament', '08298', :joined, false, 1, '', 1)"
            ),
            {"joined": date(2020, 1, 1)},
        )
    upgrade(blank_engine, "head")
    assert schema_status(blank_engine).up_to_date
    with blank_engine.connect() as connection:
        users = connection.execute(
            text("SELECT id, email, role, last_signed_in_at FROM app_user ORDER BY id")
        ).all()
        owner = connection.execute(text("SELECT owner_id FROM member")).scalar_one()
        if blank_engine.dialect.name == "sqlite":
            # Foreign keys are on again for whatever the connection does next.
            assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    assert [tuple(user) for user in users] == [
        (1, "marta@sense-correu.invalid", "staff", None),
        # The unused read-only role becomes the Commission's.
        (2, "pere@ajvic.cat", "commission", None),
    ]
    assert owner == 1
