"""Schema upgrades and the schema check the app (and every command) runs on start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from db.problems import SCHEMA_PROBLEMS, DatabaseProblem, Problem, classify
from db.session import describe_url

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


def known_revisions() -> frozenset[str]:
    """Every revision this code's migrations define."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return frozenset(revision.revision for revision in scripts.walk_revisions())


@dataclass(frozen=True)
class SchemaStatus:
    """The database's schema revision against the code's, and what is wrong, if anything:
    ``problem`` is ``None`` when the database can be used as it is."""

    current: str | None
    head: str | None
    problem: DatabaseProblem | None = None

    @property
    def reachable(self) -> bool:
        """The database answered (its schema may still be behind or ahead of the code)."""
        return self.problem is None or self.problem.problem in SCHEMA_PROBLEMS

    @property
    def up_to_date(self) -> bool:
        return self.problem is None

    def require_up_to_date(self) -> None:
        """Raise the problem, if any: for a command that needs the schema as the code has it."""
        if self.problem is not None:
            raise self.problem


def schema_status(engine: Engine) -> SchemaStatus:
    """Connect and compare the database's revision with the code's. Never raises for a
    database failure: it is classified (``db.problems``) into the status."""
    head = head_revision()
    database = describe_url(engine.url)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        return SchemaStatus(current=None, head=head, problem=classify(error, database=database))
    if current == head:
        return SchemaStatus(current=current, head=head)
    # A revision this code does not know was written by a newer version of the app: migrating
    # cannot help, and must not be tried. An empty database (no revision) is behind.
    ahead = current is not None and current not in known_revisions()
    return SchemaStatus(
        current=current,
        head=head,
        problem=DatabaseProblem(
            Problem.SCHEMA_AHEAD if ahead else Problem.SCHEMA_BEHIND,
            database=database,
            detail=f"database at revision {current or 'none'}, the code needs {head}",
        ),
    )
