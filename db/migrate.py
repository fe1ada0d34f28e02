"""Schema upgrades and the schema check the app runs on start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "db" / "migrations"))
    return config


def upgrade_to_head(engine: Engine) -> None:
    upgrade(engine, "head")


def upgrade(engine: Engine, revision: str) -> None:
    """Upgrade to ``revision`` (tests stop at an older one) in one transaction.

    On SQLite a migration that changes a column rebuilds its table (Alembic's batch mode):
    with foreign keys on, dropping the old table would fail for every row that points at it.
    SQLite's own procedure for such changes is followed: foreign keys off (possible only
    outside a transaction), the changes, ``PRAGMA foreign_key_check`` before the commit, and
    foreign keys on again."""
    config = alembic_config()
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"Migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@dataclass(frozen=True)
class SchemaStatus:
    reachable: bool
    current: str | None
    head: str | None
    error: str = ""

    @property
    def up_to_date(self) -> bool:
        return self.reachable and self.current == self.head


def schema_status(engine: Engine) -> SchemaStatus:
    head = head_revision()
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        # The driver's own message when there is one (not every SQLAlchemyError wraps one).
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        return SchemaStatus(reachable=False, current=None, head=head, error=str(cause))
    return SchemaStatus(reachable=True, current=current, head=head)
