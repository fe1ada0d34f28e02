"""What the demo's builders share: the drafts of members and persons they pass along, and the
base class with the session, the one random generator and the bulk-insert helpers.

The names keep their leading underscore: they are the package's inner workings, never imported
from outside ``db.demo``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.orm import Session

from db.demo.vocabulary import FOUNDED_ON
from db.models import MemberKind, PersonRole, PlanActivity, WorkGroup

T = TypeVar("T")


@dataclass(frozen=True)
class _Muni:
    """A municipality as the generator needs it, read once from the territory tables."""

    ine_code: str
    name: str
    comarca_code: str
    comarca_name: str
    province_code: str
    population: int


@dataclass
class _Member:
    """A member being drafted: its dates and traits are all decided before its row is written
    (``id`` is filled in then), and later steps read them to stay consistent with it."""

    name: str
    kind: MemberKind
    muni: _Muni
    engagement: float
    joined_on: date = FOUNDED_ON
    left_on: date | None = None
    is_new: bool = False
    drifting: bool = False
    is_delegate: bool = False
    owner_id: int | None = None
    mentor: _Member | None = None
    abc_on: date | None = None
    id: int = 0
    persons: list[_Person] = field(default_factory=list)

    def active_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)


@dataclass
class _Person:
    """A contact person already written: what the contacts and registrations steps need."""

    id: int
    role: PersonRole
    active: bool
    short_name: str


class _Builder:
    """The state every step reads. Each step adds what later ones need, so the steps run in a
    fixed order (see ``_DemoBuilder.run``), and so do the draws from ``rng``: that order is
    what makes a seed give the same network every time."""

    # Read before the first step.
    plan: dict[str, PlanActivity]
    plan_year: int
    groups: dict[str, WorkGroup]
    topics: dict[str, int]
    # Left by the network's steps for the later ones.
    staff_ids: list[int]
    admin_id: int
    members: list[_Member]
    welcome_on: dict[int, date]
    first_advisory_on: dict[int, date]
    mentor_assigned_on: dict[int, date]
    group_start: dict[str, date]
    # (member, joined_on, left_on) per work group, for the sessions' invitations.
    enrolled: dict[str, list[tuple[_Member, date, date | None]]]

    def __init__(self, session: Session, rng: random.Random, scale: int, today: date) -> None:
        self.session = session
        self.rng = rng
        self.scale = scale
        self.today = today
        self.year = today.year
        self.counts: dict[str, int] = {}

    def _insert_returning_ids(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Bulk insert that hands back the new ids in row order (RETURNING, one round trip per
        batch), so later tables can refer to them without an ORM object per row."""
        if not rows:
            return []
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        return list(self.session.scalars(statement, rows))

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.session.execute(insert(model), rows)

    def _weighted(self, pairs: Sequence[tuple[T, float]]) -> T:
        values = [value for value, _ in pairs]
        weights = [weight for _, weight in pairs]
        return self.rng.choices(values, weights=weights)[0]

    def _days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))
