"""The XMESS domain, designed once so later pages do not reshape it.

Derived state (a member's follow-up status, onboarding progress, participation rates) is never
stored: services compute it from the facts kept here. Statuses are closed lists enforced by the
schema (VARCHAR plus CHECK, the same on SQLite and PostgreSQL).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base


def _enum(enum_cls: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class MemberKind(enum.StrEnum):
    AJUNTAMENT = "ajuntament"
    CONSELL_COMARCAL = "consell_comarcal"
    DIPUTACIO = "diputacio"
    ALTRE = "altre"


class PersonRole(enum.StrEnum):
    ELECTED = "elected"
    TECHNICIAN = "technician"


class Channel(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    MEETING = "meeting"
    VIDEO_CALL = "video_call"
    EVENT = "event"
    OTHER = "other"


class Referral(enum.StrEnum):
    ADVISORY = "advisory"
    MENTORING = "mentoring"
    ATENEU = "ateneu"
    DGESSC = "dgessc"


class OnboardingStepKind(enum.StrEnum):
    """The welcome protocol (Protocol d'acollida), in the order it is usually followed."""

    WELCOME_MEETING = "welcome_meeting"
    MENTOR_ASSIGNED = "mentor_assigned"
    RIGHTS_AND_RESOURCES = "rights_and_resources"
    VIRTUAL_OFFICE = "virtual_office"
    INVITED_TO_WORK_GROUPS = "invited_to_work_groups"
    ABC_SHEET = "abc_sheet"
    FIRST_ADVISORY = "first_advisory"


class AdvisoryKind(enum.StrEnum):
    ADVISORY = "advisory"
    MENTORING = "mentoring"
    CCPR_EXPERT = "ccpr_expert"


class AdvisoryStatus(enum.StrEnum):
    REQUESTED = "requested"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class WorkGroupStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class EventKind(enum.StrEnum):
    ASSEMBLY = "assembly"
    ELECTED_OFFICIALS_MEETING = "elected_officials_meeting"
    THEMATIC_DAY = "thematic_day"
    TERRITORIAL_MEETING = "territorial_meeting"
    XAC_MEETING = "xac_meeting"
    RTES_EXCHANGE = "rtes_exchange"
    ANNIVERSARY = "anniversary"
    EXECUTIVE_COMMISSION = "executive_commission"
    WORK_GROUP_SESSION = "work_group_session"
    TRAINING = "training"
    OTHER = "other"


class EventFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class RegistrationStatus(enum.StrEnum):
    REGISTERED = "registered"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class ActivityStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class UserRole(enum.StrEnum):
    """Who may do what (services.access holds the rules): the coordination team (staff), the
    Executive Commission (read-only, always on the shared screen) and administrators."""

    ADMIN = "admin"
    STAFF = "staff"
    COMMISSION = "commission"


class AuditAction(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


# --- Territory (reference data shipped with the app) -------------------------------------


class Province(Base):
    __tablename__ = "province"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Comarca(Base):
    __tablename__ = "comarca"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))


class Municipality(Base):
    __tablename__ = "municipality"
    __table_args__ = (
        CheckConstraint("length(ine_code) = 5", name="ine_code_length"),
        CheckConstraint("population IS NULL OR population >= 0", name="population_non_negative"),
    )

    ine_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    comarca_code: Mapped[str] = mapped_column(ForeignKey("comarca.code"), index=True)
    province_code: Mapped[str] = mapped_column(ForeignKey("province.code"))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)


# --- People using the app -----------------------------------------------------------------


class AppUser(Base):
    """A person allowed in: the e-mail they sign in with (OpenID Connect), never a password."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case: providers differ in the case they return.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[UserRole] = mapped_column(_enum(UserRole, "user_role"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_signed_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- The network ----------------------------------------------------------------------------


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
        CheckConstraint("mentor_id IS NULL OR mentor_id <> id", name="not_own_mentor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind: Mapped[MemberKind] = mapped_column(_enum(MemberKind, "member_kind"))
    # Where the member sits: its municipality (an ajuntament) or its seat (a consell comarcal).
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipality.ine_code"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    is_territorial_delegate: Mapped[bool] = mapped_column(Boolean, default=False)
    abc_sheet_updated_on: Mapped[date | None] = mapped_column(Date)
    # The staff member who owns the relationship and the follow-up calls.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    municipality: Mapped[Municipality] = relationship()
    mentor: Mapped[Member | None] = relationship(remote_side=[id])
    owner: Mapped[AppUser | None] = relationship()
    persons: Mapped[list[Person]] = relationship(back_populates="member")

    __mapper_args__ = {"version_id_col": version}


class Person(Base):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    full_name: Mapped[str] = mapped_column(String(160))
    role: Mapped[PersonRole] = mapped_column(_enum(PersonRole, "person_role"))
    position: Mapped[str] = mapped_column(String(160), default="")
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    # GDPR: whether the person agreed to be contacted and to appear in shared materials.
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_image: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # GDPR erasure: when the person was anonymised (services.personal_data). The row stays, so
    # every count stays exact; pickers and any sending leave such a person out.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)

    member: Mapped[Member] = relationship(back_populates="persons")

    __mapper_args__ = {"version_id_col": version}


class Topic(Base):
    """A field of need the plan names (Comerç, Energia, Agroecologia, CCPR, ...)."""

    __tablename__ = "topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Interaction(Base):
    """A follow-up contact (seguiment) with a member."""

    __tablename__ = "interaction"
    __table_args__ = (
        CheckConstraint(
            "next_contact_on IS NULL OR next_contact_on >= occurred_on",
            name="next_contact_after_contact",
        ),
        CheckConstraint("length(trim(summary)) > 0", name="summary_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    occurred_on: Mapped[date] = mapped_column(Date, index=True)
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    summary: Mapped[str] = mapped_column(Text)
    referral: Mapped[Referral | None] = mapped_column(_enum(Referral, "referral"))
    next_contact_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    needs: Mapped[list[Topic]] = relationship(secondary="interaction_need")


class InteractionNeed(Base):
    __tablename__ = "interaction_need"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), primary_key=True)


class OnboardingStep(Base):
    """One step of a member's welcome protocol; a row exists for every step of every member
    that went through onboarding, ``done_on`` set once the step is done."""

    __tablename__ = "onboarding_step"
    __table_args__ = (UniqueConstraint("member_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    step: Mapped[OnboardingStepKind] = mapped_column(_enum(OnboardingStepKind, "onboarding_step"))
    done_on: Mapped[date | None] = mapped_column(Date)


class Advisory(Base):
    """An advisory (assessorament), a mentoring or a use of the CCPR expert hours bag."""

    __tablename__ = "advisory"
    __table_args__ = (
        CheckConstraint("hours >= 0", name="hours_non_negative"),
        CheckConstraint("closed_on IS NULL OR closed_on >= requested_on", name="closed_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[AdvisoryKind] = mapped_column(_enum(AdvisoryKind, "advisory_kind"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"))
    status: Mapped[AdvisoryStatus] = mapped_column(_enum(AdvisoryStatus, "advisory_status"))
    # For a mentoring: the member that mentors.
    mentor_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    requested_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    hours: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal("0"))
    description: Mapped[str] = mapped_column(Text, default="")


class WorkGroup(Base):
    __tablename__ = "work_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[WorkGroupStatus] = mapped_column(_enum(WorkGroupStatus, "work_group_status"))
    description: Mapped[str] = mapped_column(Text, default="")


class WorkGroupMembership(Base):
    __tablename__ = "work_group_membership"
    __table_args__ = (
        CheckConstraint("left_on IS NULL OR left_on >= joined_on", name="left_after_joined"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    work_group_id: Mapped[int] = mapped_column(ForeignKey("work_group.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    joined_on: Mapped[date] = mapped_column(Date)
    left_on: Mapped[date | None] = mapped_column(Date)


# --- Plan and money -------------------------------------------------------------------------


class PlanActivity(Base):
    __tablename__ = "plan_activity"
    __table_args__ = (
        UniqueConstraint("year", "code"),
        CheckConstraint("axis BETWEEN 1 AND 7", name="axis_range"),
        CheckConstraint("estimated_cost_eur >= 0", name="cost_non_negative"),
        CheckConstraint("staff_hours >= 0", name="hours_non_negative"),
        CheckConstraint("quarter IS NULL OR quarter BETWEEN 1 AND 4", name="quarter_range"),
        CheckConstraint(
            "score_impact BETWEEN 0 AND 5 AND score_territory BETWEEN 0 AND 5"
            " AND score_alignment BETWEEN 0 AND 5 AND score_demand BETWEEN 0 AND 5",
            name="scores_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    axis: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    work_group_id: Mapped[int | None] = mapped_column(ForeignKey("work_group.id"))
    conveni: Mapped[bool] = mapped_column(Boolean, default=False)
    mandatory: Mapped[bool] = mapped_column(Boolean, default=False)
    estimated_cost_eur: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    staff_hours: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    score_impact: Mapped[int] = mapped_column(Integer, default=0)
    score_territory: Mapped[int] = mapped_column(Integer, default=0)
    score_alignment: Mapped[int] = mapped_column(Integer, default=0)
    score_demand: Mapped[int] = mapped_column(Integer, default=0)
    # Activities sharing a cap group compete for a limited count (plan_cap).
    cap_group: Mapped[str | None] = mapped_column(String(40))
    # Activities sharing an exclusive group are alternatives: at most one goes ahead.
    exclusive_group: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[ActivityStatus] = mapped_column(
        _enum(ActivityStatus, "activity_status"), default=ActivityStatus.PLANNED
    )
    quarter: Mapped[int | None] = mapped_column(Integer)
    # What it really cost and took, entered by the team as the year goes (empty: not yet).
    actual_cost_eur: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    actual_staff_hours: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PlanActivityDependency(Base):
    """``activity`` can only go ahead if ``requires`` does."""

    __tablename__ = "plan_activity_dependency"
    __table_args__ = (CheckConstraint("activity_id <> requires_id", name="not_self"),)

    activity_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="CASCADE"), primary_key=True
    )
    requires_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="CASCADE"), primary_key=True
    )


class PlanCap(Base):
    __tablename__ = "plan_cap"
    __table_args__ = (CheckConstraint("max_count >= 0", name="max_non_negative"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    cap_group: Mapped[str] = mapped_column(String(40), primary_key=True)
    max_count: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")


class Event(Base):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'work_group_session' OR work_group_id IS NOT NULL",
            name="session_has_work_group",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, "event_kind"))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    format: Mapped[EventFormat] = mapped_column(_enum(EventFormat, "event_format"))
    # Where it takes place; empty for a virtual event.
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipality.ine_code"))
    work_group_id: Mapped[int | None] = mapped_column(ForeignKey("work_group.id"), index=True)
    plan_activity_id: Mapped[int | None] = mapped_column(ForeignKey("plan_activity.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class Registration(Base):
    """A member (through one of its persons, when known) registered at an event."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("event_id", "member_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus, "registration_status")
    )
    registered_on: Mapped[date] = mapped_column(Date)


class Scenario(Base):
    """A saved what-if over the plan: its inputs and the selection it produced."""

    __tablename__ = "scenario"
    __table_args__ = (
        Index(
            "uq_scenario_adopted_year",
            "year",
            unique=True,
            sqlite_where=text("adopted_at IS NOT NULL"),
            postgresql_where=text("adopted_at IS NOT NULL"),
        ),
        CheckConstraint("budget_eur >= 0 AND other_income_eur >= 0", name="money_non_negative"),
        CheckConstraint("staff_hours >= 0", name="hours_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    conveni_extended: Mapped[bool] = mapped_column(Boolean)
    budget_eur: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    other_income_eur: Mapped[Decimal] = mapped_column(Numeric(12, 2), default=Decimal("0"))
    staff_hours: Mapped[Decimal] = mapped_column(Numeric(8, 1))
    conveni_first: Mapped[bool] = mapped_column(Boolean, default=True)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The year's adopted plan (at most one a year): when, and by whom (an audit name).
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_by: Mapped[str | None] = mapped_column(String(254))


class ScenarioActivity(Base):
    __tablename__ = "scenario_activity"

    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenario.id", ondelete="CASCADE"), primary_key=True
    )
    plan_activity_id: Mapped[int] = mapped_column(
        ForeignKey("plan_activity.id", ondelete="CASCADE"), primary_key=True
    )
    selected: Mapped[bool] = mapped_column(Boolean)
    # Why an activity is out (budget, hours, cap, dependency, exclusion), in the user's words.
    reason: Mapped[str] = mapped_column(Text, default="")


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # The signed-in user's e-mail, or an operating-system account for the command line.
    username: Mapped[str] = mapped_column(String(254))
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction, "audit_action"))
    table_name: Mapped[str] = mapped_column(String(60), index=True)
    record_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
