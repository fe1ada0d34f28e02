"""Copies of the shared demo database, for tests whose writes must stay their own."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def copy_of_demo(demo_sqlite_url: str, folder: Path, name: str) -> str:
    """A copy of the demo database in ``folder`` (SQLite's backup: WAL pages included): its
    URL."""
    source = make_url(demo_sqlite_url).database
    assert source is not None
    path = folder / f"{name}.db"
    with (
        contextlib.closing(sqlite3.connect(source)) as original,
        contextlib.closing(sqlite3.connect(path)) as copy,
    ):
        original.backup(copy)
    return f"sqlite:///{path}"
