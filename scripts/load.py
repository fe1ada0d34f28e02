"""Measured load: ``make load`` (not part of the test suite; tests/e2e/test_load.py runs a short
version).

``python -m scripts.load [--sessions 20] [--scale 10] [--database-url URL] [--rebuild] [--json]``

1. The database: by default PostgreSQL's ``xmess_load`` on 127.0.0.1, created through the
   ``postgres`` maintenance database when missing, its schema dropped, migrated to head and
   filled with the demo network at ``--scale`` (scale 10: about 15 s on an idle machine, a
   minute or more on a busy one). A database this command built is reused while it matches
   (same seed, scale and schema revision, built in the last week), earlier runs' writes
   included: the database's comment says how it was built, and the report says it was reused.
   ``--rebuild`` builds it afresh. A SQLite URL is always rebuilt (the suite's short version
   uses one).
2. Two servers: the dashboard on that database, with the ``run_log`` knob pointing at a file
   (each page run appends its server time, see ui/timing.py); and the control, a Streamlit app
   with the same page addresses, each page only its title.
3. One headless Debian Chromium. Each app is warmed up first (one visit to every page: a
   fresh server imports its libraries on first use), then driven by ``--sessions``
   concurrent sessions (scripts/load_browser.py): each opens every page by its address and
   times it until the page's title shows and its script has finished. On the dashboard each
   session also makes one write through the page's widgets, alternately a contact (whose
   summary carries a token unique to it) and a check-in (a registration no other write makes).
4. The report: errors (exceptions and error messages on pages, failed waits, JavaScript
   errors, tracebacks in the servers' logs), lost writes (each write looked up in the
   database afterwards), the browser's page times against the control's, and the server's
   own time per page run (from the run log: wall clock, and the run's processor time), each
   next to its target; then how busy the processors were, and a line per page.

On this machine the browsers and the server share the same two cores, which twenty browsers
fill. Real users' browsers run on their own machines: here Chromium runs on all cores but the
last (``--browser-cores``), which the servers have to themselves, so a run's wall clock
measures the server rather than its wait behind the browsers for a processor (compare it with
its processor time; ``--browser-cores 0`` shares every core). The control's browsers run the
same way, so the ratio compares like with like.

Exit code 0 when there was no error and no write was lost (the timings are reported against
their targets, not enforced: they depend on the machine), 1 otherwise, 2 when the run could not
be set up. The servers' logs, the run log and the report (JSON) stay under
``test-artifacts/load/<run>/``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from db.demo import generate_demo
from db.migrate import head_revision, schema_status, upgrade_to_head
from db.models import Interaction, Member, Registration, RegistrationStatus
from db.session import describe_url, make_engine, session_scope
from scripts.load_browser import (
    CheckInWrite,
    ContactWrite,
    Problem,
    SessionOutcome,
    Visit,
    Write,
    run_session,
    run_sessions,
)
from services.clauses import active_member_clause
from services.clock import catalan_today
from services.events import checkin_options
from ui.navigation import PAGE_PATHS, PAGE_TITLES

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "load"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/xmess_load"
SEED = 2026
# A cached demo database older than this is rebuilt: the demo's dates are relative to the day
# it was built, and the check-in needs an event held in the last four months.
MAX_CACHE_AGE = timedelta(days=7)
MARKER_PREFIX = "xmess-load"
START_TIMEOUT = 120  # seconds for a server to answer; two start side by side on two cores

# The targets (issue 12, "Measured load").
TARGET_SESSIONS = 20
TARGET_RATIO = 1.3
TARGET_SERVER_P95_MS = 300.0

CONTROL_APP = '''"""make load's control: the dashboard's addresses, each page only its title."""

import streamlit as st

TITLES = {titles!r}

st.set_page_config(page_title="Control", layout="wide")


def _page(path: str, title: str) -> st.Page:
    def render() -> None:
        st.title(title)

    render.__name__ = path
    return st.Page(render, title=title, url_path=path, default=path == {default!r})


st.navigation([_page(path, title) for path, title in TITLES.items()]).run()
'''


class LoadError(Exception):
    """The run cannot be set up (no database, no Chromium, nothing to check in at)."""


@dataclass(frozen=True)
class LoadOptions:
    sessions: int = TARGET_SESSIONS
    scale: int = 10
    database_url: str = DEFAULT_DATABASE_URL
    rebuild: bool = False
    # Seconds any one wait (a page, a write's confirmation) may take before it is an error.
    timeout: float = 300.0
    # Where the logs and the report go; a new folder under test-artifacts/load/ by default.
    artifacts: Path | None = None
    # Visit every page of each app once before the timed sessions, so that they time a
    # server that has imported its libraries; the suite's short run, which times nothing,
    # saves the minute.
    warm_up: bool = True
    # Drive the control app too (the browser times' yardstick). The suite's PostgreSQL run
    # leaves it out: the control does not depend on the database, the SQLite run drives it.
    control: bool = True
    # How many of the machine's cores the browsers may use (the first ones); None for all but
    # the last, 0 for all. They stand for the users' own machines: sharing every core with
    # the server, twenty browsers fill them, and the server's time per run would mostly
    # measure its wait behind them for a processor. (Niceness does not do: Chromium sets its
    # processes' priorities itself.)
    browser_cores: int | None = None


@dataclass(frozen=True)
class Stats:
    count: int
    median: float
    p95: float
    max: float

    @staticmethod
    def of(values: Iterable[float]) -> Stats | None:
        ordered = sorted(values)
        if not ordered:
            return None
        # Nearest rank: the p95 is a value that was measured.
        rank = math.ceil(0.95 * len(ordered)) - 1
        return Stats(len(ordered), statistics.median(ordered), ordered[rank], ordered[-1])


@dataclass(frozen=True)
class PageRun:
    """One line of the run log (ui/timing.py)."""

    path: str
    milliseconds: float
    # The processor time of the run's thread: the rest of ``milliseconds`` was waiting.
    cpu_milliseconds: float
    outcome: str
    session: str


@dataclass
class LoadReport:
    sessions: int
    scale: int
    database: str
    database_note: str
    artifacts: str
    pages: list[str]
    # The cores the browsers ran on, and how many the machine has.
    browser_cpus: list[int] = field(default_factory=list)
    cores: int = 0
    errors: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    lost_writes: list[str] = field(default_factory=list)
    # Seconds per visit, in the browser.
    dashboard: Stats | None = None
    control: Stats | None = None
    # The same past each session's first visit (which also fetches Streamlit's scripts into
    # the new browser context, and which all sessions make at the same moment).
    dashboard_later: Stats | None = None
    control_later: Stats | None = None
    dashboard_by_page: dict[str, Stats | None] = field(default_factory=dict)
    control_by_page: dict[str, Stats | None] = field(default_factory=dict)
    # Seconds from a write's first action to the page's confirmation.
    write_times: Stats | None = None
    # Milliseconds per page run, in the server: wall clock, and its thread's processor time.
    server: Stats | None = None
    server_cpu: Stats | None = None
    server_by_page: dict[str, Stats | None] = field(default_factory=dict)
    server_cpu_by_page: dict[str, Stats | None] = field(default_factory=dict)
    server_outcomes: dict[str, int] = field(default_factory=dict)
    server_notes: list[str] = field(default_factory=list)
    # The processors during the dashboard's sessions: the machine's, the server's share.
    dashboard_cpu: CpuShare | None = None
    # How long each stage took (the database's preparation, the servers' start, each phase).
    stage_seconds: dict[str, float] = field(default_factory=dict)
    elapsed_seconds: float = 0.0

    @property
    def ratio_p95(self) -> float | None:
        if self.dashboard is None or self.control is None or not self.control.p95:
            return None
        return self.dashboard.p95 / self.control.p95

    @property
    def ratio_median(self) -> float | None:
        if self.dashboard is None or self.control is None or not self.control.median:
            return None
        return self.dashboard.median / self.control.median

    @property
    def ok(self) -> bool:
        return not self.errors and not self.lost_writes

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio_p95"] = self.ratio_p95
        data["ratio_median"] = self.ratio_median
        data["targets"] = {
            "sessions": TARGET_SESSIONS,
            "errors": 0,
            "lost_writes": 0,
            "browser_p95_ratio_at_most": TARGET_RATIO,
            "server_p95_ms_under": TARGET_SERVER_P95_MS,
        }
        return data


# The database ---------------------------------------------------------------------------


def prepare_database(url: str, *, scale: int, rebuild: bool) -> str:
    """Make ``url`` hold the demo network at ``scale``; says what it did (built or reused)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database:
            raise LoadError("a SQLite URL for the load test needs a file")
        path = Path(parsed.database)
        if path.exists():
            # Never someone's data: the load test builds its SQLite file itself.
            raise LoadError(f"{path} exists: give a SQLite file that does not exist yet")
        _build(url, scale)
        return "built afresh (a SQLite database is rebuilt on every run)"
    if backend != "postgresql":
        raise LoadError(f"the load test runs on PostgreSQL or SQLite, not {backend}")
    name = parsed.database or ""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise LoadError(f"use a plain database name (letters, digits, _), not {name!r}")
    created = _create_database_if_missing(parsed, name)
    engine = make_engine(url)
    try:
        marker = _read_marker(engine)
        if not marker.startswith(MARKER_PREFIX) and _has_tables(engine):
            raise LoadError(
                f"the database {name} has tables and was not built by make load (its comment "
                f"does not start with {MARKER_PREFIX!r}): make load replaces a database's "
                "schema, so it leaves this one alone; give --database-url a database of its own"
            )
        wanted = _marker(scale)
        if not (created or rebuild) and _reusable(engine, marker, wanted):
            return (
                f"reused, as built before ({marker}), with the writes of earlier load runs; "
                "--rebuild builds it afresh"
            )
        # A build cut short is never taken for a whole one, and is still ours to replace.
        _set_marker(engine, name, f"{MARKER_PREFIX} building")
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    started = time.perf_counter()
    _build(url, scale)
    engine = make_engine(url)
    try:
        _set_marker(engine, name, _marker(scale))
    finally:
        engine.dispose()
    return (
        f"{'created and ' if created else ''}built afresh in {time.perf_counter() - started:.0f} s;"
        " kept for the next runs (the database's comment says how it was built)"
    )


def _build(url: str, scale: int) -> None:
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        generate_demo(engine, seed=SEED, scale=scale, today=catalan_today())
    finally:
        engine.dispose()


def _create_database_if_missing(parsed: URL, name: str) -> bool:
    maintenance = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with maintenance.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        maintenance.dispose()
    return not exists


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as connection:
        count = connection.scalar(
            text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
        )
    return bool(count)


def _marker(scale: int) -> str:
    return (
        f"{MARKER_PREFIX} seed={SEED} scale={scale} revision={head_revision()} "
        f"built={catalan_today().isoformat()}"
    )


def _fields(marker: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in marker.split() if "=" in part)


def _reusable(engine: Engine, marker: str, wanted: str) -> bool:
    if not marker.startswith(MARKER_PREFIX):
        return False
    have, want = _fields(marker), _fields(wanted)
    if any(have.get(key) != want[key] for key in ("seed", "scale", "revision")):
        return False
    try:
        built = date.fromisoformat(have.get("built", ""))
    except ValueError:
        return False
    return catalan_today() - built <= MAX_CACHE_AGE and schema_status(engine).up_to_date


def _read_marker(engine: Engine) -> str:
    with engine.connect() as connection:
        marker = connection.scalar(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = current_database()"
            )
        )
    return str(marker or "")


def _set_marker(engine: Engine, name: str, marker: str) -> None:
    # COMMENT takes no bound parameters: the marker is made of [a-z0-9=.- ] (and the name was
    # checked), quotes doubled anyway.
    literal = "NULL" if not marker else "'" + marker.replace("'", "''") + "'"
    with engine.begin() as connection:
        connection.execute(text(f'COMMENT ON DATABASE "{name}" IS {literal}'))


# The writes -----------------------------------------------------------------------------


def plan_writes(engine: Engine, sessions: int, run_id: str) -> list[Write | None]:
    """One write per session, alternately a contact and a check-in. Contacts go to members
    spread over the list; each check-in is of a different member who is not registered at the
    event yet, so every write is one row nobody else makes."""
    today = catalan_today()
    contacts = (sessions + 1) // 2
    check_ins = sessions // 2
    with session_scope(engine) as session:
        members = session.execute(
            select(Member.id, Member.name).where(active_member_clause(today)).order_by(Member.name)
        ).all()
        # The event the Check-in tab offers first: the latest one held.
        options = checkin_options(session=session, today=today)
        default = options[options["default"]]
        if check_ins and default.empty:
            raise LoadError("no event was held in the last four months to check in at: --rebuild")
        event_id = int(default["event_id"].iloc[0]) if check_ins else 0
        event_title = str(default["title"].iloc[0]) if check_ins else ""
        held_on: date = default["held_on"].iloc[0] if check_ins else today
        registered = select(Registration.member_id).where(Registration.event_id == event_id)
        # The check-in form offers today's members; the event takes members of its day.
        candidates = session.execute(
            select(Member.id, Member.name)
            .where(active_member_clause(today), active_member_clause(held_on))
            .where(Member.id.not_in(registered))
            .order_by(Member.name)
        ).all()
    if not members:
        raise LoadError("the database has no active member to log a contact with")
    if len(candidates) < check_ins:
        raise LoadError(
            f"only {len(candidates)} members are left to check in at the event: --rebuild"
        )
    writes: list[Write | None] = []
    for index in range(sessions):
        if index % 2 == 0:
            member = members[(index // 2) * len(members) // contacts]
            token = f"load-{run_id}-s{index:02d}"
            writes.append(ContactWrite(member_id=member.id, member=member.name, token=token))
        else:
            member = candidates[index // 2]
            writes.append(
                CheckInWrite(
                    event_id=event_id, event=event_title, member_id=member.id, member=member.name
                )
            )
    return writes


def lost_writes(engine: Engine, writes: Iterable[Write | None]) -> list[str]:
    """Every planned write that is not in the database exactly once."""
    lost: list[str] = []
    with session_scope(engine) as session:
        for write in writes:
            if isinstance(write, ContactWrite):
                found = session.scalar(
                    select(func.count())
                    .select_from(Interaction)
                    .where(
                        Interaction.member_id == write.member_id,
                        Interaction.summary.contains(write.token),
                    )
                )
                if found != 1:
                    lost.append(f"{write.describe()}: {found} rows in the database, not 1")
            elif isinstance(write, CheckInWrite):
                statuses = session.scalars(
                    select(Registration.status).where(
                        Registration.event_id == write.event_id,
                        Registration.member_id == write.member_id,
                        Registration.person_id.is_(None),
                    )
                ).all()
                if list(statuses) != [RegistrationStatus.ATTENDED]:
                    shown = ", ".join(s.value for s in statuses) or "no registration"
                    lost.append(f"{write.describe()}: {shown} in the database, not attended")
    return lost


# The servers ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppServer:
    """``streamlit run SCRIPT`` on a free port of 127.0.0.1, its log in a file. Run from the
    project's folder, so both apps read the same .streamlit/config.toml; with an empty secrets
    file, so the dashboard runs in local mode whatever a developer's secrets say."""

    def __init__(self, name: str, script: Path, work: Path, env: dict[str, str]) -> None:
        self.name = name
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = work / f"{name}-server.log"
        secrets_file = work / "no-secrets.toml"
        secrets_file.touch()
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(self.port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--secrets.files",
                str(secrets_file),
            ],
            cwd=ROOT,
            env=os.environ | {"HOME": str(work / "home")} | env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return
            except OSError:
                if self.process.poll() is not None:
                    raise LoadError(f"the {self.name} server stopped:\n{self.log()}") from None
                time.sleep(0.2)  # polling a starting server
        raise LoadError(f"the {self.name} server did not start in {START_TIMEOUT} s")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _servers(*servers: AppServer | None) -> list[AppServer]:
    return [server for server in servers if server is not None]


def write_control_app(folder: Path) -> Path:
    # An empty static folder: the project's config turns static serving on, and Streamlit
    # warns when the app has no folder to serve.
    (folder / "static").mkdir(parents=True, exist_ok=True)
    script = folder / "control_app.py"
    script.write_text(
        CONTROL_APP.format(titles=PAGE_TITLES, default=PAGE_PATHS[0]), encoding="utf-8"
    )
    return script


# A log entry starts with Streamlit's timestamp; its lines up to the next one belong to it.
_ENTRY_START = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d+ ", re.MULTILINE)
_STARTUP = ("Uvicorn server started", "You can now view", "URL: http")


def server_log_entries(log: str) -> tuple[list[str], list[str]]:
    """The log's errors (tracebacks, uncaught exceptions), each as its first and last line,
    and its other messages (warnings and notes), past the start-up lines."""
    starts = [match.start() for match in _ENTRY_START.finditer(log)]
    errors: list[str] = []
    notes: list[str] = []
    for begin, end in zip(starts, [*starts[1:], len(log)], strict=True):
        # "Stopping..." is the server's own last word when the run is over.
        lines = [
            line.rstrip()
            for line in log[begin:end].splitlines()
            if line.strip() and line.strip() != "Stopping..."
        ]
        if not lines or any(marker in lines[0] for marker in _STARTUP):
            continue
        summary = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1].strip()}"
        is_error = "Traceback (most recent call last)" in log[begin:end] or "Uncaught" in lines[0]
        (errors if is_error else notes).append(summary[:400])
    return errors, notes


def read_runs(path: Path, *, skip: int = 0) -> list[PageRun]:
    """The run log's lines past the first ``skip`` (ui/timing.py writes them)."""
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines()[skip:]:
        parts = line.split("\t")
        if len(parts) == 6:
            runs.append(PageRun(parts[1], float(parts[2]), float(parts[3]), parts[4], parts[5]))
    return runs


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


# The run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpuShare:
    """Where the processors went during a phase (Linux's /proc): how busy the machine's cores
    were, and how much of them the server process got. A run's wall clock well above its own
    processor time, on a machine this busy, is a run waiting for a processor."""

    seconds: float
    cores: int
    machine_busy: float  # the share of all cores' time that was busy, 0 to 1
    server_cpu_seconds: float

    @property
    def server_share_of_a_core(self) -> float:
        return self.server_cpu_seconds / self.seconds if self.seconds else 0.0


def _machine_ticks() -> tuple[int, int] | None:
    """Busy and total clock ticks of all cores since boot, or None off Linux."""
    try:
        first = Path("/proc/stat").read_text(encoding="ascii").splitlines()[0]
    except OSError:
        return None
    ticks = [int(value) for value in first.split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return sum(ticks) - idle, sum(ticks)


def _process_cpu_seconds(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    # After the command's name (in brackets, maybe with spaces): utime and stime are the
    # 12th and 13th fields.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _CpuWatch:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.started = time.perf_counter()
        self.machine = _machine_ticks()
        self.server = _process_cpu_seconds(pid)

    def share(self) -> CpuShare | None:
        machine, server = _machine_ticks(), _process_cpu_seconds(self.pid)
        if machine is None or server is None or self.machine is None or self.server is None:
            return None
        busy, total = machine[0] - self.machine[0], machine[1] - self.machine[1]
        return CpuShare(
            seconds=time.perf_counter() - self.started,
            cores=os.cpu_count() or 1,
            machine_busy=busy / total if total else 0.0,
            server_cpu_seconds=server - self.server,
        )


@dataclass
class _Driven:
    """What the browser saw: the warm-ups' problems, each phase's sessions, how long each
    stage took, and the run log's length before the dashboard's timed phase."""

    warm_up: list[Problem] = field(default_factory=list)
    control: list[SessionOutcome] = field(default_factory=list)
    dashboard: list[SessionOutcome] = field(default_factory=list)
    run_log_skip: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    dashboard_cpu: CpuShare | None = None


def browser_cpus(cores: int | None) -> list[int]:
    """The cores the browsers may run on: the first ``cores`` of this process's (all but the
    last when None; all when 0 or when only one is there)."""
    available = sorted(os.sched_getaffinity(0))
    wanted = len(available) - 1 if cores is None else cores
    if wanted <= 0 or wanted >= len(available):
        return available
    return available[:wanted]


def _pinned_chromium(work: Path, cpus: list[int]) -> Path:
    """Debian's Chromium on ``cpus`` only: a wrapper that ``exec``s it (the same process, so
    Playwright drives it as usual) through ``taskset``; every process it starts inherits it."""
    if sorted(cpus) == sorted(os.sched_getaffinity(0)):
        return CHROMIUM
    wrapper = work / "chromium-pinned"
    listed = ",".join(str(cpu) for cpu in cpus)
    wrapper.write_text(f'#!/bin/sh\nexec taskset -c {listed} {CHROMIUM} "$@"\n', encoding="ascii")
    wrapper.chmod(0o755)
    return wrapper


async def _drive(
    work: Path,
    dashboard: AppServer,
    control: AppServer | None,
    writes: Sequence[Write | None],
    run_log: Path,
    options: LoadOptions,
) -> _Driven:
    """Warm both apps up, then the control's sessions, then the dashboard's (one after the
    other: side by side they would slow each other down)."""
    driven = _Driven()
    # Chromium writes to ~/.config and ~/.cache.
    environment: dict[str, str | float | bool] = {**os.environ, "HOME": str(work / "home")}
    screenshots = work / "screenshots"
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(_pinned_chromium(work, browser_cpus(options.browser_cores))),
            args=CHROMIUM_FLAGS,
            headless=True,
            env=environment,
        )
        timeout = options.timeout
        try:
            for server in _servers(control, dashboard) if options.warm_up else []:
                started = time.perf_counter()
                outcome = await run_session(
                    browser,
                    server.url,
                    PAGE_TITLES,
                    0,
                    None,
                    timeout=timeout,
                    screenshots=screenshots / f"{server.name}-warm-up",
                )
                driven.stage_seconds[f"{server.name} warm-up"] = time.perf_counter() - started
                driven.warm_up += [
                    Problem(p.session, f"{server.name} warm-up, {p.where}", p.what)
                    for p in outcome.problems
                ]
            if control is not None:
                started = time.perf_counter()
                no_writes: list[Write | None] = [None] * len(writes)
                driven.control = await run_sessions(
                    browser,
                    control.url,
                    PAGE_TITLES,
                    no_writes,
                    timeout=timeout,
                    screenshots=screenshots / "control",
                )
                driven.stage_seconds["control sessions"] = time.perf_counter() - started
            driven.run_log_skip = _line_count(run_log)
            started = time.perf_counter()
            cpu = _CpuWatch(dashboard.process.pid)
            driven.dashboard = await run_sessions(
                browser,
                dashboard.url,
                PAGE_TITLES,
                writes,
                timeout=timeout,
                screenshots=screenshots / "dashboard",
            )
            driven.stage_seconds["dashboard sessions"] = time.perf_counter() - started
            driven.dashboard_cpu = cpu.share()
        finally:
            await browser.close()
    return driven


def run_load(options: LoadOptions) -> LoadReport:
    """The whole run (see the module's docstring); raises ``LoadError`` when it cannot be set
    up. Errors met while it runs are in the report."""
    if not CHROMIUM.exists():
        raise LoadError("Debian's chromium is missing (apt-get install chromium)")
    run_started = time.perf_counter()
    run_id = datetime.now().strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
    work = options.artifacts or ARTIFACTS / run_id
    (work / "home").mkdir(parents=True, exist_ok=True)
    report = LoadReport(
        sessions=options.sessions,
        scale=options.scale,
        database=describe_url(options.database_url),
        database_note="",
        artifacts=str(work),
        pages=list(PAGE_PATHS),
        browser_cpus=browser_cpus(options.browser_cores),
        cores=len(os.sched_getaffinity(0)),
    )
    started = time.perf_counter()
    report.database_note = prepare_database(
        options.database_url, scale=options.scale, rebuild=options.rebuild
    )
    report.stage_seconds["database"] = time.perf_counter() - started
    engine = make_engine(options.database_url)
    try:
        writes = plan_writes(engine, options.sessions, run_id)
        report.writes = [w.describe() for w in writes if w is not None]
        run_log = work / "dashboard-runs.log"
        run_log.unlink(missing_ok=True)
        started = time.perf_counter()
        # Both start side by side: a server spends most of its start waiting.
        dashboard = AppServer(
            "dashboard",
            ROOT / "dashboard.py",
            work,
            {"XMESS_DATABASE_URL": options.database_url, "XMESS_RUN_LOG": str(run_log)},
        )
        control = (
            AppServer("control", write_control_app(work / "control"), work, {})
            if options.control
            else None
        )
        servers = _servers(dashboard, control)
        try:
            for server in servers:
                server.wait_until_healthy()
            report.stage_seconds["servers' start"] = time.perf_counter() - started
            driven = asyncio.run(_drive(work, dashboard, control, writes, run_log, options))
            report.stage_seconds |= driven.stage_seconds
            report.dashboard_cpu = driven.dashboard_cpu
        finally:
            for server in servers:
                server.stop()
        report.lost_writes = lost_writes(engine, writes)
    finally:
        engine.dispose()

    report.errors += [str(p) for p in driven.warm_up]
    for app, outcomes in (("control", driven.control), ("dashboard", driven.dashboard)):
        report.errors += [f"{app} {p}" for o in outcomes for p in o.problems]
    for server in servers:
        errors, notes = server_log_entries(server.log())
        report.errors += [f"{server.name} server log: {e}" for e in errors]
        report.server_notes += [f"{server.name}: {n}" for n in notes]

    dashboard_visits = [v for o in driven.dashboard for v in o.visits]
    control_visits = [v for o in driven.control for v in o.visits]
    report.dashboard = Stats.of(v.seconds for v in dashboard_visits)
    report.control = Stats.of(v.seconds for v in control_visits)
    report.dashboard_later = Stats.of(v.seconds for o in driven.dashboard for v in o.visits[1:])
    report.control_later = Stats.of(v.seconds for o in driven.control for v in o.visits[1:])
    report.dashboard_by_page = _by_page(dashboard_visits)
    report.control_by_page = _by_page(control_visits)
    report.write_times = Stats.of(
        o.write_seconds for o in driven.dashboard if o.write_seconds is not None
    )
    # The timed phase's runs only: the warm-up's first runs import the pages' libraries.
    runs = read_runs(run_log, skip=driven.run_log_skip)
    report.server = Stats.of(r.milliseconds for r in runs)
    report.server_cpu = Stats.of(r.cpu_milliseconds for r in runs)
    report.server_outcomes = dict(Counter(r.outcome for r in runs))
    report.server_by_page = {
        path: Stats.of(r.milliseconds for r in runs if r.path == _run_path(path))
        for path in PAGE_PATHS
    }
    report.server_cpu_by_page = {
        path: Stats.of(r.cpu_milliseconds for r in runs if r.path == _run_path(path))
        for path in PAGE_PATHS
    }
    report.elapsed_seconds = time.perf_counter() - run_started
    (work / "report.json").write_text(
        json.dumps(report.as_json(), indent=2, ensure_ascii=False), encoding="utf-8"
    )
    return report


def _run_path(path: str) -> str:
    """The run log's path of a page: the default page's address is the root."""
    return "/" if path == PAGE_PATHS[0] else f"/{path}"


def _by_page(visits: Sequence[Visit]) -> dict[str, Stats | None]:
    return {path: Stats.of(v.seconds for v in visits if v.path == path) for path in PAGE_PATHS}


# The report -----------------------------------------------------------------------------


def _verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def _seconds(stats: Stats | None) -> str:
    return "-" if stats is None else f"median {stats.median:.1f} s, p95 {stats.p95:.1f} s"


def _ms(stats: Stats | None) -> str:
    return "-" if stats is None else f"median {stats.median:.0f} ms, p95 {stats.p95:.0f} ms"


def _ratio(dashboard: Stats | None, control: Stats | None, attribute: str) -> float | None:
    if dashboard is None or control is None or not getattr(control, attribute):
        return None
    return float(getattr(dashboard, attribute)) / float(getattr(control, attribute))


def _cpu_share(share: CpuShare | None) -> str:
    if share is None:
        return "-"
    return (
        f"machine {share.machine_busy:.0%} busy ({share.cores} cores), "
        f"server {share.server_share_of_a_core:.0%} of a core"
    )


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def format_report(report: LoadReport) -> str:
    ratio = report.ratio_p95
    server_p95 = report.server.p95 if report.server else None
    writes = len(report.writes)
    later = (report.dashboard_later, report.control_later)
    rows = [
        ("sessions", str(report.sessions), str(TARGET_SESSIONS), report.sessions >= 20),
        ("errors", str(len(report.errors)), "0", not report.errors),
        ("lost writes", f"{len(report.lost_writes)} of {writes}", "0", not report.lost_writes),
        ("browser page time, dashboard", _seconds(report.dashboard), "", None),
        ("browser page time, control", _seconds(report.control), "", None),
        (
            "browser p95, dashboard / control",
            _times(ratio),
            f"≤ {TARGET_RATIO}×",
            None if ratio is None else ratio <= TARGET_RATIO,
        ),
        ("browser median, dashboard / control", _times(report.ratio_median), "", None),
        ("  past each session's first page:", "", "", None),
        ("  dashboard", _seconds(report.dashboard_later), "", None),
        ("  control", _seconds(report.control_later), "", None),
        (
            "  p95 and median ratios",
            f"{_times(_ratio(*later, 'p95'))}, {_times(_ratio(*later, 'median'))}",
            "",
            None,
        ),
        (
            "server time per page run",
            _ms(report.server),
            f"p95 < {TARGET_SERVER_P95_MS:.0f} ms",
            None if server_p95 is None else server_p95 < TARGET_SERVER_P95_MS,
        ),
        ("  of it, the run's processor time", _ms(report.server_cpu), "", None),
        ("  processors, dashboard's sessions", _cpu_share(report.dashboard_cpu), "", None),
        ("write, first click to confirmation", _seconds(report.write_times), "", None),
    ]
    stages = ", ".join(
        f"{stage} {seconds:.0f} s" for stage, seconds in report.stage_seconds.items()
    )
    lines = [
        f"make load: {report.sessions} concurrent sessions in one Chromium, each opening the "
        f"{len(report.pages)} pages by address and making one write (contact / check-in, "
        "alternately); the control app driven the same way",
        f"processors: the browsers on core(s) {', '.join(map(str, report.browser_cpus))} of "
        f"{report.cores}, the servers on any (--browser-cores)",
        f"database: {report.database}, demo at scale {report.scale}: {report.database_note}",
        f"logs, screenshots of failures and report.json: {report.artifacts}",
        f"took {report.elapsed_seconds / 60:.1f} min: {stages}",
        "",
        f"{'':38}{'measured':40}{'target':18}",
    ]
    lines += [f"{name:38}{value:40}{target:18}{_verdict(ok)}" for name, value, target, ok in rows]
    outcomes = ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.server_outcomes.items()))
    lines += [
        f"{'':38}({report.server.count if report.server else 0} page runs: {outcomes})",
        "",
        "per page: browser time per visit, server time per run (wall clock; processor)",
        f"  {'page':15}{'dashboard':29}{'control':29}{'server':45}{'server processor'}",
    ]
    for path in report.pages:
        server = report.server_by_page.get(path)
        counted = f" n={server.count}, max {server.max:.0f}" if server else ""
        lines.append(
            f"  {path:15}{_seconds(report.dashboard_by_page.get(path)):29}"
            f"{_seconds(report.control_by_page.get(path)):29}"
            f"{_ms(server) + counted:45}{_ms(report.server_cpu_by_page.get(path))}"
        )
    if report.errors:
        lines += ["", f"errors ({len(report.errors)}):"]
        lines += [f"  - {e}" for e in report.errors[:40]]
        if len(report.errors) > 40:
            lines.append(f"  … and {len(report.errors) - 40} more in report.json")
    if report.lost_writes:
        lines += ["", "lost writes:"] + [f"  - {w}" for w in report.lost_writes]
    if report.server_notes:
        lines += ["", "other server log messages:"]
        lines += [f"  - {n}" for n in report.server_notes[:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.load",
        description=(
            "Concurrent browser sessions against the dashboard and against an empty app: "
            "errors, lost writes, page times and the server's time per page run, each next to "
            "its target (make load; see scripts/load.py)."
        ),
    )
    parser.add_argument(
        "--sessions", type=int, default=TARGET_SESSIONS, help="concurrent browser sessions (20)"
    )
    parser.add_argument("--scale", type=int, default=10, help="demo network's scale (10)")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="a PostgreSQL database of its own (created if missing, its schema replaced: "
        "one that holds other tables is refused) or a SQLite file that does not exist yet; "
        f"default {DEFAULT_DATABASE_URL}",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the demo database afresh, even if cached"
    )
    parser.add_argument(
        "--browser-cores",
        type=int,
        metavar="N",
        help="cores the browsers may use (default: all but one, which the servers have to "
        "themselves, as users' browsers run on their own machines); 0 for all",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per wait")
    parser.add_argument("--artifacts", type=Path, help="folder for the logs and the report")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.sessions < 1 or args.scale < 1:
        parser.error("--sessions and --scale must be 1 or more")
    options = LoadOptions(
        sessions=args.sessions,
        scale=args.scale,
        database_url=args.database_url,
        rebuild=args.rebuild,
        timeout=args.timeout,
        artifacts=args.artifacts,
        browser_cores=args.browser_cores,
    )
    try:
        report = run_load(options)
    except LoadError as error:
        print(f"make load: {error}", file=sys.stderr)
        return 2
    except SQLAlchemyError as error:
        # The database is down, refuses us, or the URL is wrong: said in one line.
        cause = getattr(error, "orig", None) or error
        print(f"make load: the database failed: {cause}".splitlines()[0], file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
