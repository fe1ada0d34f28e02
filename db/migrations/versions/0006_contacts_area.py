"""Contacts get a data-version area of their own: a logged contact no longer makes every page
that shows a member's name compute again (work groups, events, the plan's reach)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

The contacts (``interaction``) and the needs they detected (``interaction_need``) leave the
``members`` area for a new ``contacts`` area: their triggers now bump that area's counter.
The members' own tables (members, persons, onboarding, advisories) stay in ``members``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_AREA = "contacts"
OLD_AREA = "members"
# The tables that move, written out as they were at this revision.
MOVED = ("interaction", "interaction_need")
_SQLITE_EVENTS = ("insert", "update", "delete")
_POSTGRES_FUNCTION = "xmess_bump_data_version"


def _trigger_name(table: str, event: str) -> str:
    return f"data_version_{table}_{event}"


def _point_triggers(area: str) -> None:
    """Recreate the moved tables' triggers so that they bump ``area``."""
    if op.get_bind().dialect.name == "postgresql":
        for table in MOVED:
            for event, timing in (
                ("change", "INSERT OR UPDATE OR DELETE"),
                ("truncate", "TRUNCATE"),
            ):
                name = _trigger_name(table, event)
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                op.execute(
                    f"CREATE TRIGGER {name} BEFORE {timing} ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {_POSTGRES_FUNCTION}('{area}')"
                )
        return
    for table in MOVED:
        for event in _SQLITE_EVENTS:
            name = _trigger_name(table, event)
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} FOR EACH ROW BEGIN "
                f"UPDATE data_version SET version = version + 1 WHERE area = '{area}'; END"
            )


def _bump(area: str) -> None:
    # Every process's cached results of the area that lost or gained tables are stale.
    op.execute(
        sa.text("UPDATE data_version SET version = version + 1 WHERE area = :area").bindparams(
            area=area
        )
    )


def upgrade() -> None:
    # A random start, as for every area: a database recreated at the same URL never repeats a
    # version.
    op.bulk_insert(
        sa.table("data_version", sa.column("area", sa.String), sa.column("version", sa.BigInteger)),
        [{"area": NEW_AREA, "version": secrets.randbelow(2**40) + 1}],
    )
    _point_triggers(NEW_AREA)
    _bump(OLD_AREA)


def downgrade() -> None:
    _point_triggers(OLD_AREA)
    _bump(OLD_AREA)
    op.execute(sa.text("DELETE FROM data_version WHERE area = :area").bindparams(area=NEW_AREA))
