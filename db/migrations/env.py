"""Alembic environment: migrations run against the configured database, or against a
connection handed in by code (tests and ``db.migrate``) through ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import db.models  # noqa: F401  (registers every table on the metadata)
from db.base import Base
from db.data_version import include_in_comparison
from db.session import make_engine
from settings import database_url

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode rebuilds the table instead.
        render_as_batch=True,
        compare_type=True,
        # The data versions' bookkeeping table is the migrations' own, not a model's.
        include_name=include_in_comparison,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    with engine.begin() as connection:
        _run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run them online.")
run_migrations_online()
