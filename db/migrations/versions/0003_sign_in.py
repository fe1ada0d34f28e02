"""Sign-in and personal data: app users are e-mails with a role and a last sign-in; audit
names fit an e-mail; a person records when it was anonymised

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = ("admin", "staff", "commission")
_OLD_ROLES = (*_ROLES, "reader")


def _role(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="user_role", native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    # The unused read-only role becomes the Commission's, which is read-only too.
    op.execute("UPDATE app_user SET role = 'commission' WHERE role = 'reader'")
    # Accounts named before sign-in existed keep working once given their real e-mail
    # (scripts.users or the Dades page); until then they cannot sign in.
    op.execute(
        "UPDATE app_user SET username = username || '@sense-correu.invalid' "
        "WHERE username NOT LIKE '%@%'"
    )
    op.execute("UPDATE app_user SET username = lower(username)")
    # On SQLite this rebuilds the table (db.migrate turns foreign keys off around it, as
    # SQLite's own procedure for table changes asks).
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("uq_app_user_username", type_="unique")
        batch.alter_column(
            "username",
            new_column_name="email",
            existing_type=sa.String(length=60),
            type_=sa.String(length=254),
            existing_nullable=False,
        )
        batch.alter_column(
            "role", existing_type=_role(_OLD_ROLES), type_=_role(_ROLES), existing_nullable=False
        )
        batch.add_column(sa.Column("last_signed_in_at", sa.DateTime(timezone=True)))
    # A second pass: in the same batch the new constraint would name a column that the
    # rebuilt table does not have yet, and SQLite's rebuild would leave it out.
    with op.batch_alter_table("app_user") as batch:
        batch.create_unique_constraint("uq_app_user_email", ["email"])
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column(
            "username",
            existing_type=sa.String(length=60),
            type_=sa.String(length=254),
            existing_nullable=False,
        )
    op.add_column("person", sa.Column("anonymised_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("anonymised_at")
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column(
            "username",
            existing_type=sa.String(length=254),
            type_=sa.String(length=60),
            existing_nullable=False,
        )
    with op.batch_alter_table("app_user") as batch:
        batch.drop_constraint("uq_app_user_email", type_="unique")
        batch.drop_column("last_signed_in_at")
        batch.alter_column(
            "role", existing_type=_role(_ROLES), type_=_role(_OLD_ROLES), existing_nullable=False
        )
        batch.alter_column(
            "email",
            new_column_name="username",
            existing_type=sa.String(length=254),
            type_=sa.String(length=60),
            existing_nullable=False,
        )
    with op.batch_alter_table("app_user") as batch:
        batch.create_unique_constraint("uq_app_user_username", ["username"])
