"""Data versions: how every app process learns, with one cheap query, that the shared database
changed, and in which area.

The database holds one row per *area* (members, contacts, events and registrations, work
groups, the plan, scenarios, reference data, users, the audit log) with a counter. A trigger on
every table adds one to its area's counter in the same transaction as the change, so the new
version becomes visible exactly when the change does, to every process at once. A cached
result is keyed on the versions of the areas it reads (``reads``), so it is recomputed only
after a change to one of them: a logged contact leaves the plan's cached frontier alone.

Why triggers, and not the alternatives:

- *The application bumping a version in its write path* would miss what does not go through
  it: a colleague's SQL fix in ``psql``, a restore, a future script. A trigger sees every
  ``INSERT``, ``UPDATE``, ``DELETE`` (and ``TRUNCATE`` on PostgreSQL), whoever runs it.
- *PostgreSQL's LISTEN/NOTIFY* pushes changes, but each app process would need a listening
  connection and a thread, it does nothing on SQLite (which would still need a version check),
  and a notification sent while a process was reconnecting is lost for good. A version read
  is one indexed query of nine rows, done once per page run, and is never lost.
- *Statistics or WAL positions* (``pg_stat_user_tables``, ``pg_current_wal_lsn``,
  ``PRAGMA data_version``) change late, or for reasons that are not data (vacuum, another
  database), or per connection: either stale pages or needless recomputation.

Versions start at a random number when the database is created, so two databases reached at
the same URL one after the other (a test's recreated schema, a restore into a new file) never
share a version, and a process cannot take one's cached result for the other's.

On PostgreSQL the trigger runs before each statement, and bumps each area once per transaction
(a transaction-local setting remembers it): a 100,000-row import updates the version row once,
not 100,000 times. The row stays locked until the transaction ends, so two transactions that
write the same area take turns, queueing at that row before either has locked any other (no
deadlock between two writers of one area); ``write_wait_seconds`` bounds the wait
(``db.session``). On SQLite, which has one writer at a time anyway, the trigger is per row.

The table is bookkeeping, not data: it is not in ``Base.metadata``, so backups, restores and
personal-data searches never see it; Alembic's comparisons leave it out (``include_name``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table, select

F = TypeVar("F", bound=Callable[..., Any])

TABLE_NAME = "data_version"


class Area(enum.StrEnum):
    """What a cached result can depend on. Each table of the schema belongs to one area."""

    MEMBERS = "members"  # members, their persons, onboarding, advisories
    # Contacts and the needs they detected: the team's commonest write, kept apart so that a
    # logged contact leaves every result that only names members cached.
    CONTACTS = "contacts"
    EVENTS = "events"  # events and registrations
    WORK_GROUPS = "work_groups"
    PLAN = "plan"  # the work plan's activities, dependencies and caps
    SCENARIOS = "scenarios"  # saved what-if scenarios
    REFERENCE = "reference"  # territory and topics
    USERS = "users"  # who may sign in
    AUDIT = "audit"  # the audit log


TABLE_AREAS: Mapping[str, Area] = {
    "province": Area.REFERENCE,
    "comarca": Area.REFERENCE,
    "municipality": Area.REFERENCE,
    "topic": Area.REFERENCE,
    "app_user": Area.USERS,
    "member": Area.MEMBERS,
    "person": Area.MEMBERS,
    "interaction": Area.CONTACTS,
    "interaction_need": Area.CONTACTS,
    "onboarding_step": Area.MEMBERS,
    "advisory": Area.MEMBERS,
    "work_group": Area.WORK_GROUPS,
    "work_group_membership": Area.WORK_GROUPS,
    "plan_activity": Area.PLAN,
    "plan_activity_dependency": Area.PLAN,
    "plan_cap": Area.PLAN,
    "event": Area.EVENTS,
    "registration": Area.EVENTS,
    "scenario": Area.SCENARIOS,
    "scenario_activity": Area.SCENARIOS,
    "audit_log": Area.AUDIT,
}

data_version_table = Table(
    TABLE_NAME,
    MetaData(),
    Column("area", String(32), primary_key=True),
    Column("version", BigInteger, nullable=False),
)

# A snapshot of every area's version: ((area, version), ...) in area order, hashable for a
# cache key.
DataVersions = tuple[tuple[str, int], ...]


def read_versions(connection: Connection) -> DataVersions:
    """Every area's version, as committed now: one query of nine rows."""
    rows = connection.execute(
        select(data_version_table.c.area, data_version_table.c.version).order_by(
            data_version_table.c.area
        )
    )
    return tuple((str(area), int(version)) for area, version in rows)


def versions_of(snapshot: DataVersions, areas: Iterable[Area]) -> DataVersions:
    """The part of ``snapshot`` that ``areas`` need: what a cached result is keyed on."""
    wanted = set(areas)
    return tuple((area, version) for area, version in snapshot if area in wanted)


def areas_of_tables(names: Iterable[str]) -> frozenset[Area]:
    """The areas of these tables (tables outside every area, like ``alembic_version``, add
    none)."""
    return frozenset(TABLE_AREAS[name] for name in names if name in TABLE_AREAS)


_READS_ATTRIBUTE = "__xmess_reads__"


def reads(*areas: Area) -> Callable[[F], F]:
    """Declare the areas a read service reads: its cached results are recomputed after a
    change to any of them, and only then. ``ui.data`` checks, whenever it computes one, that
    the service read no table outside them."""

    def mark(function: F) -> F:
        setattr(function, _READS_ATTRIBUTE, frozenset(areas))
        return function

    return mark


def areas_read(service: Callable[..., Any]) -> frozenset[Area] | None:
    """The areas ``service`` declared with ``reads``, or None when it declared none."""
    declared = getattr(service, _READS_ATTRIBUTE, None)
    return declared if isinstance(declared, frozenset) else None


def include_in_comparison(name: str | None, type_: str, _parents: MutableMapping[Any, Any]) -> bool:
    """For Alembic's ``include_name``: the schema the models describe, without this module's
    bookkeeping table."""
    return not (type_ == "table" and name == TABLE_NAME)
