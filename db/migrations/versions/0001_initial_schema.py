"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "staff",
                "commission",
                "reader",
                name="user_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.Column("username", sa.String(length=60), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "create",
                "update",
                "delete",
                name="audit_action",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=60), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_table_name"), ["table_name"], unique=False)

    op.create_table(
        "plan_cap",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cap_group", sa.String(length=40), nullable=False),
        sa.Column("max_count", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint("max_count >= 0", name=op.f("ck_plan_cap_max_non_negative")),
        sa.PrimaryKeyConstraint("year", "cap_group", name=op.f("pk_plan_cap")),
    )
    op.create_table(
        "province",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_province")),
        sa.UniqueConstraint("name", name=op.f("uq_province_name")),
    )
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
        sa.UniqueConstraint("code", name=op.f("uq_topic_code")),
        sa.UniqueConstraint("name", name=op.f("uq_topic_name")),
    )
    op.create_table(
        "work_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "suspended",
                name="work_group_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_group")),
        sa.UniqueConstraint("code", name=op.f("uq_work_group_code")),
        sa.UniqueConstraint("name", name=op.f("uq_work_group_name")),
    )
    op.create_table(
        "comarca",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["province_code"], ["province.code"], name=op.f("fk_comarca_province_code_province")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_comarca")),
        sa.UniqueConstraint("name", name=op.f("uq_comarca_name")),
    )
    op.create_table(
        "plan_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("axis", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("work_group_id", sa.Integer(), nullable=True),
        sa.Column("conveni", sa.Boolean(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("estimated_cost_eur", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("staff_hours", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("score_impact", sa.Integer(), nullable=False),
        sa.Column("score_territory", sa.Integer(), nullable=False),
        sa.Column("score_alignment", sa.Integer(), nullable=False),
        sa.Column("score_demand", sa.Integer(), nullable=False),
        sa.Column("cap_group", sa.String(length=40), nullable=True),
        sa.Column("exclusive_group", sa.String(length=40), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in_progress",
                "done",
                "cancelled",
                name="activity_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("quarter", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("axis BETWEEN 1 AND 7", name=op.f("ck_plan_activity_axis_range")),
        sa.CheckConstraint(
            "estimated_cost_eur >= 0", name=op.f("ck_plan_activity_cost_non_negative")
        ),
        sa.CheckConstraint(
            "quarter IS NULL OR quarter BETWEEN 1 AND 4",
            name=op.f("ck_plan_activity_quarter_range"),
        ),
        sa.CheckConstraint(
            "score_impact BETWEEN 0 AND 5 AND score_territory BETWEEN 0 AND 5 AND score_alignment BETWEEN 0 AND 5 AND score_demand BETWEEN 0 AND 5",
            name=op.f("ck_plan_activity_scores_range"),
        ),
        sa.CheckConstraint("staff_hours >= 0", name=op.f("ck_plan_activity_hours_non_negative")),
        sa.ForeignKeyConstraint(
            ["work_group_id"],
            ["work_group.id"],
            name=op.f("fk_plan_activity_work_group_id_work_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_activity")),
        sa.UniqueConstraint("year", "code", name=op.f("uq_plan_activity_year_code")),
    )
    op.create_table(
        "scenario",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("conveni_extended", sa.Boolean(), nullable=False),
        sa.Column("budget_eur", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("other_income_eur", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("staff_hours", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("conveni_first", sa.Boolean(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "budget_eur >= 0 AND other_income_eur >= 0", name=op.f("ck_scenario_money_non_negative")
        ),
        sa.CheckConstraint("staff_hours >= 0", name=op.f("ck_scenario_hours_non_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["app_user.id"], name=op.f("fk_scenario_created_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenario")),
        sa.UniqueConstraint("name", name=op.f("uq_scenario_name")),
    )
    op.create_table(
        "municipality",
        sa.Column("ine_code", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("comarca_code", sa.String(length=2), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.CheckConstraint("length(ine_code) = 5", name=op.f("ck_municipality_ine_code_length")),
        sa.CheckConstraint(
            "population IS NULL OR population >= 0",
            name=op.f("ck_municipality_population_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["comarca_code"], ["comarca.code"], name=op.f("fk_municipality_comarca_code_comarca")
        ),
        sa.ForeignKeyConstraint(
            ["province_code"],
            ["province.code"],
            name=op.f("fk_municipality_province_code_province"),
        ),
        sa.PrimaryKeyConstraint("ine_code", name=op.f("pk_municipality")),
    )
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipality_comarca_code"), ["comarca_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_municipality_name"), ["name"], unique=False)

    op.create_table(
        "plan_activity_dependency",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("requires_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "activity_id <> requires_id", name=op.f("ck_plan_activity_dependency_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["plan_activity.id"],
            name=op.f("fk_plan_activity_dependency_activity_id_plan_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requires_id"],
            ["plan_activity.id"],
            name=op.f("fk_plan_activity_dependency_requires_id_plan_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "activity_id", "requires_id", name=op.f("pk_plan_activity_dependency")
        ),
    )
    op.create_table(
        "scenario_activity",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("plan_activity_id", sa.Integer(), nullable=False),
        sa.Column("selected", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_activity_id"],
            ["plan_activity.id"],
            name=op.f("fk_scenario_activity_plan_activity_id_plan_activity"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenario.id"],
            name=op.f("fk_scenario_activity_scenario_id_scenario"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "scenario_id", "plan_activity_id", name=op.f("pk_scenario_activity")
        ),
    )
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "assembly",
                "elected_officials_meeting",
                "thematic_day",
                "territorial_meeting",
                "xac_meeting",
                "rtes_exchange",
                "anniversary",
                "executive_commission",
                "work_group_session",
                "training",
                "other",
                name="event_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column(
            "format",
            sa.Enum(
                "in_person",
                "virtual",
                "hybrid",
                name="event_format",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("municipality_code", sa.String(length=5), nullable=True),
        sa.Column("work_group_id", sa.Integer(), nullable=True),
        sa.Column("plan_activity_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind <> 'work_group_session' OR work_group_id IS NOT NULL",
            name=op.f("ck_event_session_has_work_group"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.ine_code"],
            name=op.f("fk_event_municipality_code_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_activity_id"],
            ["plan_activity.id"],
            name=op.f("fk_event_plan_activity_id_plan_activity"),
        ),
        sa.ForeignKeyConstraint(
            ["work_group_id"], ["work_group.id"], name=op.f("fk_event_work_group_id_work_group")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_work_group_id"), ["work_group_id"], unique=False)

    op.create_table(
        "member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "ajuntament",
                "consell_comarcal",
                "diputacio",
                "altre",
                name="member_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("municipality_code", sa.String(length=5), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("is_territorial_delegate", sa.Boolean(), nullable=False),
        sa.Column("abc_sheet_updated_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on", name=op.f("ck_member_left_after_joined")
        ),
        sa.CheckConstraint(
            "mentor_id IS NULL OR mentor_id <> id", name=op.f("ck_member_not_own_mentor")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["member.id"], name=op.f("fk_member_mentor_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipality.ine_code"],
            name=op.f("fk_member_municipality_code_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_member_owner_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member")),
        sa.UniqueConstraint("name", name=op.f("uq_member_name")),
    )
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "advisory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "advisory",
                "mentoring",
                "ccpr_expert",
                name="advisory_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "in_progress",
                "done",
                "cancelled",
                name="advisory_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("mentor_member_id", sa.Integer(), nullable=True),
        sa.Column("requested_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("hours", sa.Numeric(precision=8, scale=1), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "closed_on IS NULL OR closed_on >= requested_on", name=op.f("ck_advisory_closed_after")
        ),
        sa.CheckConstraint("hours >= 0", name=op.f("ck_advisory_hours_non_negative")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_advisory_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_member_id"], ["member.id"], name=op.f("fk_advisory_mentor_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topic.id"], name=op.f("fk_advisory_topic_id_topic")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisory")),
    )
    with op.batch_alter_table("advisory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_advisory_member_id"), ["member_id"], unique=False)

    op.create_table(
        "onboarding_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "welcome_meeting",
                "mentor_assigned",
                "rights_and_resources",
                "virtual_office",
                "invited_to_work_groups",
                "abc_sheet",
                "first_advisory",
                name="onboarding_step",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_onboarding_step_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_step")),
        sa.UniqueConstraint("member_id", "step", name=op.f("uq_onboarding_step_member_id_step")),
    )
    with op.batch_alter_table("onboarding_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_onboarding_step_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(length=160), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "elected",
                "technician",
                name="person_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.String(length=160), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("consent_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_image", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_person_member_id_member")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("email", name=op.f("uq_person_email")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_member_id"), ["member_id"], unique=False)

    op.create_table(
        "work_group_membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_group_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "left_on IS NULL OR left_on >= joined_on",
            name=op.f("ck_work_group_membership_left_after_joined"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_work_group_membership_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["work_group_id"],
            ["work_group.id"],
            name=op.f("fk_work_group_membership_work_group_id_work_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_group_membership")),
    )
    with op.batch_alter_table("work_group_membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_group_membership_member_id"), ["member_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_group_membership_work_group_id"), ["work_group_id"], unique=False
        )

    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "email",
                "meeting",
                "video_call",
                "event",
                "other",
                name="channel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "referral",
            sa.Enum(
                "advisory",
                "mentoring",
                "ateneu",
                "dgessc",
                name="referral",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("next_contact_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("CURRENT_TIMESTAMP"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "length(trim(summary)) > 0", name=op.f("ck_interaction_summary_not_empty")
        ),
        sa.CheckConstraint(
            "next_contact_on IS NULL OR next_contact_on >= occurred_on",
            name=op.f("ck_interaction_next_contact_after_contact"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_interaction_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_interaction_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["app_user.id"], name=op.f("fk_interaction_staff_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction")),
    )
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interaction_member_id"), ["member_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interaction_occurred_on"), ["occurred_on"], unique=False
        )

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "registered",
                "attended",
                "no_show",
                "cancelled",
                name="registration_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_registration_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["member.id"], name=op.f("fk_registration_member_id_member")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_registration_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint(
            "event_id",
            "member_id",
            "person_id",
            name=op.f("uq_registration_event_id_member_id_person_id"),
        ),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_member_id"), ["member_id"], unique=False)

    op.create_table(
        "interaction_need",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_interaction_need_interaction_id_interaction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topic.id"], name=op.f("fk_interaction_need_topic_id_topic")
        ),
        sa.PrimaryKeyConstraint("interaction_id", "topic_id", name=op.f("pk_interaction_need")),
    )


def downgrade() -> None:
    op.drop_table("interaction_need")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_member_id"))
        batch_op.drop_index(batch_op.f("ix_registration_event_id"))

    op.drop_table("registration")
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interaction_occurred_on"))
        batch_op.drop_index(batch_op.f("ix_interaction_member_id"))

    op.drop_table("interaction")
    with op.batch_alter_table("work_group_membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_group_membership_work_group_id"))
        batch_op.drop_index(batch_op.f("ix_work_group_membership_member_id"))

    op.drop_table("work_group_membership")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_member_id"))

    op.drop_table("person")
    with op.batch_alter_table("onboarding_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onboarding_step_member_id"))

    op.drop_table("onboarding_step")
    with op.batch_alter_table("advisory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_advisory_member_id"))

    op.drop_table("advisory")
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_municipality_code"))

    op.drop_table("member")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_work_group_id"))
        batch_op.drop_index(batch_op.f("ix_event_held_on"))

    op.drop_table("event")
    op.drop_table("scenario_activity")
    op.drop_table("plan_activity_dependency")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_name"))
        batch_op.drop_index(batch_op.f("ix_municipality_comarca_code"))

    op.drop_table("municipality")
    op.drop_table("scenario")
    op.drop_table("plan_activity")
    op.drop_table("comarca")
    op.drop_table("work_group")
    op.drop_table("topic")
    op.drop_table("province")
    op.drop_table("plan_cap")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_table_name"))

    op.drop_table("audit_log")
    op.drop_table("app_user")
