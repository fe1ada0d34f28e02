"""Data versions: one counter per area, bumped by a trigger on every table in the same
transaction as the change (see db/data_version.py for why)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

The tables and their areas are written out here, as they were at this revision: a later
migration that adds a table adds its trigger. On SQLite, a later migration that rebuilds a
table (batch mode) drops its triggers with it and must create them again;
tests/db/test_data_version.py checks that every table of the models has its trigger.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AREAS = {
    "reference": ("province", "comarca", "municipality", "topic"),
    "users": ("app_user",),
    "members": (
        "member",
        "person",
        "interaction",
        "interaction_need",
        "onboarding_step",
        "advisory",
    ),
    "work_groups": ("work_group", "work_group_membership"),
    "plan": ("plan_activity", "plan_activity_dependency", "plan_cap"),
    "events": ("event", "registration"),
    "scenarios": ("scenario", "scenario_activity"),
    "audit": ("audit_log",),
}
_SQLITE_EVENTS = ("insert", "update", "delete")
_POSTGRES_FUNCTION = "xmess_bump_data_version"


def _trigger_name(table: str, event: str) -> str:
    return f"data_version_{table}_{event}"


def upgrade() -> None:
    op.create_table(
        "data_version",
        sa.Column("area", sa.String(length=32), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("area", name=op.f("pk_data_version")),
    )
    # A random start: a database recreated at the same URL never repeats a version.
    op.bulk_insert(
        sa.table("data_version", sa.column("area", sa.String), sa.column("version", sa.BigInteger)),
        [{"area": area, "version": secrets.randbelow(2**40) + 1} for area in AREAS],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Once per area and transaction: the setting is local to the transaction (and undone
        # with a rolled-back savepoint), so a bulk import updates the row once. BEFORE the
        # statement: a writer takes its area's row before any row of the table, so two writers
        # of one area queue at the version row instead of each locking rows the other needs.
        op.execute(
            f"""
            CREATE FUNCTION {_POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF current_setting('xmess.bumped_' || TG_ARGV[0], true) IS DISTINCT FROM '1' THEN
                UPDATE data_version SET version = version + 1 WHERE area = TG_ARGV[0];
                PERFORM set_config('xmess.bumped_' || TG_ARGV[0], '1', true);
              END IF;
              RETURN NULL;
            END
            $$
            """
        )
        for area, tables in AREAS.items():
            for table in tables:
                op.execute(
                    f"CREATE TRIGGER {_trigger_name(table, 'change')} "
                    f"BEFORE INSERT OR UPDATE OR DELETE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {_POSTGRES_FUNCTION}('{area}')"
                )
                op.execute(
                    f"CREATE TRIGGER {_trigger_name(table, 'truncate')} "
                    f"BEFORE TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {_POSTGRES_FUNCTION}('{area}')"
                )
        return
    for area, tables in AREAS.items():
        for table in tables:
            for event in _SQLITE_EVENTS:
                op.execute(
                    f"CREATE TRIGGER {_trigger_name(table, event)} "
                    f"AFTER {event.upper()} ON {table} FOR EACH ROW BEGIN "
                    f"UPDATE data_version SET version = version + 1 WHERE area = '{area}'; END"
                )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for tables in AREAS.values():
        for table in tables:
            if postgresql:
                for event in ("change", "truncate"):
                    op.execute(
                        f"DROP TRIGGER IF EXISTS {_trigger_name(event=event, table=table)} ON {table}"
                    )
            else:
                for event in _SQLITE_EVENTS:
                    op.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(table, event)}")
    if postgresql:
        op.execute(f"DROP FUNCTION IF EXISTS {_POSTGRES_FUNCTION}()")
    op.drop_table("data_version")
