"""Database commands: ``python -m db.manage migrate`` upgrades the configured database."""

from __future__ import annotations

import argparse

from db.migrate import upgrade_to_head
from db.session import describe_url, make_engine
from settings import database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m db.manage", description=__doc__)
    parser.add_argument("command", choices=["migrate"])
    parser.parse_args(argv)
    url = database_url()
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()
    print(f"Database at the latest schema: {describe_url(url)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
