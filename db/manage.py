"""Database commands: ``python -m db.manage migrate`` upgrades the configured database."""

from __future__ import annotations

import argparse

from db.migrate import schema_status, upgrade_to_head
from db.problems import Problem, exit_on_database_problem
from db.session import describe_url, make_engine
from settings import database_url


@exit_on_database_problem
def main(argv: list[str] | None = None) -> int:
    """Exit status 0 when the database is at the latest schema; a database failure is one
    English line on stderr with its exit code (``db.problems``)."""
    parser = argparse.ArgumentParser(prog="python -m db.manage", description=__doc__)
    parser.add_argument("command", choices=["migrate"])
    parser.parse_args(argv)
    url = database_url()
    engine = make_engine(url)
    try:
        # Checked first: an unreachable server is said as such, and a schema written by a
        # newer version of the app is left alone (Alembic would only say it cannot find the
        # revision).
        status = schema_status(engine)
        if status.problem is not None and status.problem.problem is not Problem.SCHEMA_BEHIND:
            raise status.problem
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    print(f"Database at the latest schema: {describe_url(url)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
