"""Territory and topics reference data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from db.reference_data import sync_territory, sync_topics

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    sync_territory(connection)
    sync_topics(connection)


def downgrade() -> None:
    for table in ("topic", "municipality", "comarca", "province"):
        op.execute(f"DELETE FROM {table}")
