"""A demo network that looks live: ``python -m db.demo [--scale N] [--seed S] [--today D]``.

The command line behind ``make run`` (with ``--if-empty``) and ``make demo``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from db.demo.builder import generate_demo, has_members
from db.problems import Problem, exit_on_database_problem


@exit_on_database_problem
def main(argv: list[str] | None = None) -> int:
    """Load the demo into the configured database. Exit status 0 when loaded (or, with
    ``--if-empty``, when the database already has members), 1 when it refuses to mix; a
    database failure is one English line on stderr with its exit code (``db.problems``)."""
    # Local: importing Alembic is only for the CLI.
    from db.migrate import schema_status, upgrade_to_head
    from db.session import describe_url, make_engine
    from settings import database_url

    parser = argparse.ArgumentParser(prog="python -m db.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1, help="volume multiplier (default 1)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        help="the day the data is relative to, YYYY-MM-DD (default: today)",
    )
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help="do nothing, quietly, when the database already has members",
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be 1 or more")

    url = database_url()
    engine = make_engine(url)
    try:
        # The demo needs the schema and the territory: bring the database to head first,
        # unless it cannot be reached or was written by a newer version of the app.
        status = schema_status(engine)
        if status.problem is not None and status.problem.problem is not Problem.SCHEMA_BEHIND:
            raise status.problem
        upgrade_to_head(engine)
        if has_members(engine):
            if args.if_empty:
                return 0
            print(
                "La base de dades ja té membres: no s'hi carreguen dades de demostració.",
                file=sys.stderr,
            )
            return 1
        start = time.perf_counter()
        summary = generate_demo(engine, seed=args.seed, scale=args.scale, today=args.today)
        elapsed = time.perf_counter() - start
    finally:
        engine.dispose()
    print(f"{summary.describe()} ({describe_url(url)}, {elapsed:.1f} s)")
    return 0
