"""A demo network that looks live: ``python -m db.demo [--scale N] [--seed S] [--today D]``.

Fills an empty, migrated database with a plausible XMESS: about 70 members at scale 1 (mostly
ajuntaments, skewed towards the province of Barcelona, several comarques with no presence),
their contact persons, two years of follow-up contacts, new members in onboarding (one stuck),
work groups with their sessions, the year's events and last year's, registrations, advisories
and the CCPR expert hours bag, plus the 2026 work plan through ``db.plan_loader``.

Everything is drawn from one ``random.Random(seed)`` and dated relative to ``today``, so the
same seed and day always give the same database, and the data never looks stale. Rows are
written with bulk inserts in one transaction: ``--scale 10`` loads in seconds.

The package: ``vocabulary`` holds the data the generator draws from, ``network_builder`` and
``event_builder`` the steps that write it, ``builder`` runs them in order, ``cli`` is the command
line. Only the names below are its API.
"""

from db.demo.builder import DemoSummary, generate_demo, has_members
from db.demo.cli import main

__all__ = ["DemoSummary", "generate_demo", "has_members", "main"]
