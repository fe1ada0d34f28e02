"""``make load``'s short version (scripts/load.py): three concurrent browser sessions against
the dashboard at demo scale 1, each opening every page and making one write, with the control
app driven the same way. Once, on the database ``make load`` is for: PostgreSQL when
``TEST_DATABASE_URL`` is set, in a database of its own (``xmess_load_test`` on the same server:
the ``test`` database's schema belongs to the other tests), else SQLite. Two servers writing to
one database are proven on both in test_shared_database.py and tests/db/test_concurrent_writes.py;
a second full run here would add two minutes to the suite and no new failure it could find.

It asserts no error and no lost write, never a time: on a loaded two-core machine times say
more about the machine than about the app (``make load`` reports them against the control).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from scripts.load import LoadOptions, Stats, format_report, run_load, server_log_entries
from tests.e2e.conftest import APP_TIMEOUT
from ui.navigation import PAGE_PATHS

pytestmark = pytest.mark.e2e

SESSIONS = 3
LOAD_TEST_DATABASE = "xmess_load_test"


def _database_url(folder: Path) -> str:
    if not os.environ.get("TEST_DATABASE_URL"):
        return f"sqlite:///{folder / 'load.db'}"
    server = make_url(os.environ["TEST_DATABASE_URL"])
    return server.set(database=LOAD_TEST_DATABASE).render_as_string(hide_password=False)


def test_concurrent_sessions_see_no_error_and_lose_no_write(
    chromium_path: Path, tmp_path: Path
) -> None:
    report = run_load(
        LoadOptions(
            sessions=SESSIONS,
            scale=1,
            database_url=_database_url(tmp_path),
            rebuild=True,
            timeout=APP_TIMEOUT / 1000,
            artifacts=tmp_path / "load",
            warm_up=False,
            # Nothing is timed here: the browsers may use every core.
            browser_cores=0,
        )
    )
    print(format_report(report))  # shown when the test fails, with the logs' folder
    assert report.errors == []
    assert report.lost_writes == []
    # Two contacts and a check-in, each looked up in the database.
    assert [w.split(" ")[0] for w in report.writes] == ["contact", "check-in", "contact"]
    visits = SESSIONS * len(PAGE_PATHS)
    assert report.dashboard is not None and report.dashboard.count == visits
    assert report.control is not None and report.control.count == visits
    # The server logged every visit's run (ui/timing.py), and the writes' reruns.
    assert report.server is not None and report.server.count > visits


def test_the_servers_log_tells_errors_from_notes() -> None:
    log = (
        "2026-12-04 15:08:57.036 Uvicorn server started on 127.0.0.1:8765\n\n"
        "  You can now view your Streamlit app in your browser.\n\n"
        "2026-12-04 15:09:28.706 Uncaught app execution\n"
        "Traceback (most recent call last):\n"
        '  File "/work/main/pages/inici.py", line 160, in render\n'
        "TypeError: the page broke\n"
        "2026-12-04 15:09:29.001 The database is locked (busy)\n"
        "  Stopping...\n"
    )
    errors, notes = server_log_entries(log)
    assert errors == ["2026-12-04 15:09:28.706 Uncaught app execution … TypeError: the page broke"]
    assert notes == ["2026-12-04 15:09:29.001 The database is locked (busy)"]


def test_the_p95_is_a_measured_value() -> None:
    stats = Stats.of(float(n) for n in range(1, 21))
    assert stats is not None
    assert (stats.count, stats.median, stats.p95, stats.max) == (20, 10.5, 19.0, 20.0)
    assert Stats.of([]) is None
