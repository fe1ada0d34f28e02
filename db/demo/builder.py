"""The demo network in one transaction: ``generate_demo`` runs the builders' steps in order
and sums up what it wrote."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, func, select

from db.demo.event_builder import _EventBuilder
from db.demo.network_builder import _NetworkBuilder
from db.demo.vocabulary import PLAN_YEAR
from db.models import Member, PlanActivity, Topic, WorkGroup
from db.plan_loader import activities_csv, load_plan
from db.session import write_scope

# The demo's saved scenarios (not adopted), by name.
DEMO_SCENARIOS = ("Amb pròrroga del Conveni", "Sense pròrroga del Conveni")


@dataclass(frozen=True)
class DemoSummary:
    """How many rows of each kind the demo wrote: the command line's one-line report."""

    members: int
    persons: int
    staff: int
    interactions: int
    onboarding_steps: int
    advisories: int
    work_groups: int
    memberships: int
    events: int
    registrations: int
    plan_activities: int

    def describe(self) -> str:
        return (
            f"Dades de demostració: {self.members} membres, {self.persons} persones, "
            f"{self.interactions} contactes, {self.events} esdeveniments, "
            f"{self.registrations} inscripcions, {self.advisories} assessoraments, "
            f"{self.memberships} participacions en {self.work_groups} grups de treball, "
            f"{self.plan_activities} activitats del pla"
        )


class _DemoBuilder(_NetworkBuilder, _EventBuilder):
    """The whole demo: the network's steps first, then the events', which invite its members."""

    def run(self) -> DemoSummary:
        # The steps run in dependency order; each reads what the previous ones left.
        plan_year = self.year if activities_csv(self.year).is_file() else PLAN_YEAR
        plan_created = load_plan(self.session, year=plan_year)
        self.plan = {
            activity.code: activity
            for activity in self.session.scalars(
                select(PlanActivity).where(PlanActivity.year == plan_year)
            )
        }
        self.plan_year = plan_year
        self.groups = {group.code: group for group in self.session.scalars(select(WorkGroup))}
        self.topics = {topic.code: topic.id for topic in self.session.scalars(select(Topic))}

        self._staff()
        self._members()
        self._persons()
        self._onboarding()
        self._interactions()
        self._work_groups()
        self._events()
        self._advisories()
        self.session.flush()
        self._scenarios(plan_year)
        return DemoSummary(
            members=len(self.members),
            persons=self.counts["persons"],
            staff=len(self.staff_ids),
            interactions=self.counts["interactions"],
            onboarding_steps=self.counts["onboarding_steps"],
            advisories=self.counts["advisories"],
            work_groups=len(self.groups),
            memberships=self.counts["memberships"],
            events=self.counts["events"],
            registrations=self.counts["registrations"],
            plan_activities=plan_created,
        )

    def _scenarios(self, plan_year: int) -> None:
        """The two what-ifs the Commission weighs at the start of the year, saved and not
        adopted: adopting one is the first step of following the plan."""
        # Imported here: the services import the models this package sits beside.
        from services.access import system_actor
        from services.scenarios import (
            BUDGET_CONVENI_EXTENDED_EUR,
            BUDGET_WITHOUT_CONVENI_EUR,
            ScenarioInputs,
            save_scenario,
        )

        hours = sum((a.staff_hours for a in self.plan.values()), Decimal("0"))
        actor = system_actor("demo")
        for name, extended, budget in (
            (DEMO_SCENARIOS[0], True, BUDGET_CONVENI_EXTENDED_EUR),
            (DEMO_SCENARIOS[1], False, BUDGET_WITHOUT_CONVENI_EUR),
        ):
            save_scenario(
                session=self.session,
                year=plan_year,
                name=name,
                inputs=ScenarioInputs(
                    conveni_extended=extended,
                    budget_eur=budget,
                    other_income_eur=Decimal("0"),
                    # The team's hours are the tighter bound without the Conveni's staff.
                    staff_hours=hours
                    if extended
                    else (hours * Decimal("0.6")).quantize(Decimal("1")),
                ),
                actor=actor,
            )


def generate_demo(
    engine: Engine, *, seed: int = 2026, scale: int = 1, today: date | None = None
) -> DemoSummary:
    """Fill an empty, migrated database with the demo network, in one transaction.

    Raises ``ValueError`` (in Catalan) when the database already has members: the demo is
    never mixed with real data."""
    if scale < 1:
        raise ValueError("L'escala de les dades de demostració ha de ser 1 o més.")
    today = today or date.today()
    with write_scope(engine) as session:
        existing = session.scalar(select(func.count()).select_from(Member)) or 0
        if existing:
            raise ValueError(
                f"La base de dades ja té {existing} membres: les dades de demostració només "
                "es carreguen en una base de dades buida."
            )
        return _DemoBuilder(session, random.Random(seed), scale, today).run()


def has_members(engine: Engine) -> bool:
    """Whether the database already holds members: the demo is only loaded into an empty one."""
    with engine.connect() as connection:
        return bool(connection.scalar(select(func.count()).select_from(Member)))
