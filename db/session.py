"""One engine factory and the units of work: ``session_scope`` for reads, ``write_scope`` and
``run_write`` for writes.

Two writers at once, on either database:

- SQLite has one writer at a time. A write transaction takes the write lock when it starts
  (``BEGIN IMMEDIATE``), not at its first ``INSERT``: a transaction that read first and wrote
  later could otherwise find, under WAL, that another writer committed in between, and fail at
  once (``SQLITE_BUSY_SNAPSHOT``) whatever the busy timeout. Holding the lock from the start
  also makes what the transaction read (the largest id, say) still true when it writes.
- A write waits for the lock at most ``write_wait_seconds`` (the knob): SQLite's busy timeout,
  PostgreSQL's ``lock_timeout``. Past it, the driver's "database is locked" or
  ``lock_not_available`` becomes ``db.problems``' Catalan "busy" message.
- PostgreSQL may abort one of two transactions that wait for each other (deadlock) or that
  cannot be serialised: ``run_write`` runs the whole unit of work again, once.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from settings import load_settings, normalise_database_url

T = TypeVar("T")

# How long a PostgreSQL connection attempt may take before the server counts as unreachable
# (libpq's default is to wait for ever on a host that drops packets).
CONNECT_TIMEOUT_SECONDS = 5
# PostgreSQL's serialization_failure and deadlock_detected: the transaction did nothing wrong,
# it lost a race, and the same work run again normally succeeds.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})
# Before that second run, a pause of this much to twice this much (at random): the winner of
# the race, woken when the loser's locks are released, must take them first. Run at once,
# the loser can take its first lock back before the winner is scheduled, and the two deadlock
# again (seen in the suite on a loaded two-core machine).
RETRY_PAUSE_SECONDS = 0.1


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # SQLite leaves foreign keys off unless asked, on every connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        # WAL lets the app read while a write (an import, a check-in) is in progress. A
        # read-only file cannot change its journal: it is then read as it is, and a write
        # is refused with db.problems' message.
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except dbapi_connection.OperationalError:
            pass
        cursor.close()

    return on_connect


def make_engine(url: str, *, write_wait_seconds: int | None = None) -> Engine:
    """The engine for ``url``; a write waits ``write_wait_seconds`` for another one (default:
    the ``write_wait_seconds`` knob). A URL SQLAlchemy cannot parse or has no driver for
    raises ``db.problems.DatabaseProblem`` (malformed URL)."""
    from db.problems import malformed_url  # db.problems describes URLs with describe_url

    wait = load_settings().write_wait_seconds if write_wait_seconds is None else write_wait_seconds
    # settings.database_url already normalises; a URL handed in directly (a test's, a
    # script's) gets the same treatment, so postgres:// works everywhere.
    url = normalise_database_url(url)
    try:
        parsed = make_url(url)
        backend = parsed.get_backend_name()
        if backend == "sqlite":
            engine = create_engine(url)
        else:
            engine = create_engine(
                url, pool_pre_ping=True, connect_args=_postgresql_connect_args(parsed, wait)
            )
    except Exception as error:  # ArgumentError, NoSuchModuleError, ValueError, ImportError...
        raise malformed_url(url, error) from error
    if backend == "sqlite":
        _make_folder(parsed)
        event.listen(engine, "connect", _sqlite_pragmas(wait * 1000))
    return engine


def _make_folder(url: URL) -> None:
    """Create the folder of a SQLite file, so the default ``data/xmess.db`` works on a fresh
    checkout. Not for a URI (``file:...?mode=ro&uri=true``), whose database is no plain path.
    A folder that cannot be created is left to the connection to report (SQLite's "unable to
    open database file": db.problems says to make the folder writable)."""
    if not url.database or url.database == ":memory:" or url.query.get("uri"):
        return
    with contextlib.suppress(OSError):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def _postgresql_connect_args(url: URL, wait_seconds: int) -> dict[str, Any]:
    """libpq's options for every connection: give up on an unreachable server after
    ``CONNECT_TIMEOUT_SECONDS`` (unless the URL says otherwise), and wait at most
    ``wait_seconds`` for a lock, added to any ``options`` of the URL (connect_args would
    otherwise replace them)."""
    if url.get_backend_name() != "postgresql":
        return {}
    args: dict[str, Any] = {}
    if "connect_timeout" not in url.query:
        args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    given = url.query.get("options")
    given_options = " ".join(given) if isinstance(given, tuple) else (given or "")
    args["options"] = f"{given_options} -c lock_timeout={wait_seconds * 1000}".strip()
    return args


@contextmanager
def _unit_of_work(
    engine: Engine, *, begin: Callable[[Session], None] | None = None, keep: bool = True
) -> Iterator[Session]:
    """A session whose work commits as a whole (``keep``) or is rolled back, and is rolled
    back on any error; ``begin`` opens its transaction when the default would not do."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            if begin is not None:
                begin(session)
            yield session
            if keep:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise


def _begin_write(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        # pysqlite begins a transaction only before its first INSERT/UPDATE/DELETE; an
        # explicit BEGIN IMMEDIATE takes the write lock now and is the one the session commits.
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _begin_snapshot(session: Session) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
    elif dialect == "sqlite":
        session.connection().exec_driver_sql("BEGIN")


def session_scope(engine: Engine) -> AbstractContextManager[Session]:
    """A session whose work commits as a whole on success and rolls back on any error. For
    reads; a unit of work that writes uses ``write_scope`` (or ``run_write``)."""
    return _unit_of_work(engine)


def write_scope(engine: Engine) -> AbstractContextManager[Session]:
    """A session for a unit of work that writes, committed as a whole or rolled back. On
    SQLite it holds the write lock from its start (see the module's docstring)."""
    return _unit_of_work(engine, begin=_begin_write)


def snapshot_scope(engine: Engine) -> AbstractContextManager[Session]:
    """A read-only session that sees the whole database as of one moment: for reads whose
    tables must agree with each other (a backup, a download of a whole table).

    Read table by table while others write, a contact logged between reading ``member`` and
    ``interaction`` could point at a member the read does not have (and a restore would then
    refuse the backup). PostgreSQL's REPEATABLE READ gives the transaction one snapshot (read
    only). On SQLite pysqlite opens no transaction for reads, so each SELECT would see the
    latest data: an explicit (deferred) BEGIN keeps one read snapshot from its first SELECT to
    the end, without the write lock, so writes go on meanwhile (WAL)."""
    return _unit_of_work(engine, begin=_begin_snapshot, keep=False)


def is_retryable(error: BaseException) -> bool:
    """A PostgreSQL deadlock or serialisation failure: worth running the work again."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    return getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES


def run_write(engine: Engine, work: Callable[[Session], T]) -> T:
    """``work(session)`` in one write transaction; run once more, from the start, when
    PostgreSQL aborted it for a deadlock or a serialisation failure. A second such failure, or
    any other, is raised (``db.problems.classify`` says what it means)."""
    try:
        with write_scope(engine) as session:
            return work(session)
    except DBAPIError as error:
        if not is_retryable(error):
            raise
    time.sleep(RETRY_PAUSE_SECONDS * (1 + random.random()))
    with write_scope(engine) as session:
        return work(session)


def describe_url(url: str | URL) -> str:
    """The database in use, safe to show on screen and in a log (never the password): the
    kind, host, port when not the default, and database, or the file's name. Never raises: a
    URL that cannot be parsed is shown as given, its password hidden, so that the message
    saying it is malformed can show it."""
    from db.problems import hide_password  # db.problems describes databases with this

    try:
        parsed = make_url(url)
    except Exception:
        text = hide_password(str(url).strip()) or "''"
        return text if len(text) <= 80 else text[:79] + "…"
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return f"SQLite · {Path(parsed.database or ':memory:').name}"
    name = "PostgreSQL" if backend == "postgresql" else backend
    port = f":{parsed.port}" if parsed.port and parsed.port != 5432 else ""
    return f"{name} · {parsed.host or 'localhost'}{port}/{parsed.database or ''}"
