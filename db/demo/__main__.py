"""``python -m db.demo``: the Makefile's ``make run`` and ``make demo`` load the demo this way."""

from db.demo.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
