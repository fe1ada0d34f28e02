"""Shared fixtures: every database test runs on SQLite, and on PostgreSQL too when
``TEST_DATABASE_URL`` points at one (as ``.ci/run`` does). Each backend is migrated from scratch
to head once per run; each test then starts from the reference data alone.

``make test`` runs the suite in a pytest-xdist worker per core. Each worker then works in a
PostgreSQL database of its own next to ``TEST_DATABASE_URL``'s (``test_gw0``, ``test_gw1``...):
the tests rebuild the schema they use, and two workers must never share one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.base import Base
from db.migrate import upgrade_to_head
from db.session import make_engine

# Tables filled by migrations; tests keep them.
REFERENCE_TABLES = {"province", "comarca", "municipality", "topic", "alembic_version"}


def _worker_database(server_url: str, worker: str) -> str:
    """``server_url`` with the worker's own database, created if this server lacks it."""
    url = make_url(server_url)
    name = f"{url.database}_{worker}"
    # CREATE DATABASE cannot run inside a transaction.
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if exists is None:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def pytest_configure(config: pytest.Config) -> None:
    # Before collection: every test and fixture reads the variable, none keeps a copy.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and os.environ.get("TEST_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = _worker_database(os.environ["TEST_DATABASE_URL"], worker)


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    return backends


def fresh_postgresql_engine(url: str) -> Engine:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(scope="session", params=_backends())
def migrated_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "test.db"
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = fresh_postgresql_engine(os.environ["TEST_DATABASE_URL"])
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def clear_data(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                connection.execute(delete(table))


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    clear_data(migrated_engine)
    yield migrated_engine
    clear_data(migrated_engine)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database with the demo network, built once per run for page tests."""
    from db.demo import generate_demo  # local: only page tests need it

    path: Path = tmp_path_factory.mktemp("demo") / "demo.db"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    generate_demo(engine, seed=2026, scale=1)
    engine.dispose()
    return url
