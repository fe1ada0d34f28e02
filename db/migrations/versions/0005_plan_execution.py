"""Plan execution: a scenario can be the year's adopted plan (one per year, who and when), and
a plan activity records its actual cost and staff hours

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

Only added columns and an index: on SQLite no table is rebuilt, so the data-version triggers
of 0004 stay in place. The actual figures' "not negative" rule is the service's
(services.execution), with a Catalan message naming the row: a CHECK added here would rebuild
the table on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("scenario", sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("scenario", sa.Column("adopted_by", sa.String(length=254), nullable=True))
    # One adopted scenario per year, whatever two people click at once.
    op.create_index(
        "uq_scenario_adopted_year",
        "scenario",
        ["year"],
        unique=True,
        sqlite_where=sa.text("adopted_at IS NOT NULL"),
        postgresql_where=sa.text("adopted_at IS NOT NULL"),
    )
    op.add_column("plan_activity", sa.Column("actual_cost_eur", sa.Numeric(12, 2), nullable=True))
    op.add_column("plan_activity", sa.Column("actual_staff_hours", sa.Numeric(8, 1), nullable=True))
    op.create_index("ix_event_plan_activity_id", "event", ["plan_activity_id"])


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): no table rebuild, the triggers stay.
    op.drop_index("ix_event_plan_activity_id", table_name="event")
    op.drop_column("plan_activity", "actual_staff_hours")
    op.drop_column("plan_activity", "actual_cost_eur")
    op.drop_index("uq_scenario_adopted_year", table_name="scenario")
    op.drop_column("scenario", "adopted_by")
    op.drop_column("scenario", "adopted_at")
