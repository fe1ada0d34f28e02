"""``db.problems`` against the errors the drivers really raise: each failure is made to happen
(a closed port, a fake PostgreSQL server answering libpq with a FATAL error, the local server,
read-only and full SQLite files) and its classification checked.

``fake_postgres`` and ``closed_port`` serve the command-line and page tests of the same
failures too (tests/scripts/test_database_failures_commands.py,
tests/pages/test_database_failures_pages.py: pytest collects by basename, so each has its own).
"""

from __future__ import annotations

import os
import pickle
import socket
import sqlite3
import struct
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from db.migrate import SchemaStatus, schema_status, upgrade, upgrade_to_head
from db.problems import DatabaseProblem, Problem, classify
from db.session import describe_url, make_engine

# libpq's first packets: "may we talk TLS?" and "may we talk GSSAPI encryption?".
_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104

PASSWORD_FAILED = {"C": "28P01", "M": 'password authentication failed for user "xmess"'}
UNKNOWN_ROLE = {"C": "28000", "M": 'role "xmess" does not exist'}
UNKNOWN_DATABASE = {"C": "3D000", "M": 'database "xmess" does not exist'}
STARTING_UP = {"C": "57P03", "M": "the database system is starting up"}


def _error_response(fields: dict[str, str]) -> bytes:
    """PostgreSQL's ErrorResponse message: 'E', its length, then fields, each a one-letter
    code and a zero-terminated text, ending with a zero byte."""
    body = b"".join(
        code.encode() + value.encode() + b"\0"
        for code, value in {"S": "FATAL", "V": "FATAL", **fields}.items()
    )
    body += b"\0"
    return b"E" + struct.pack("!i", len(body) + 4) + body


def _answer(connection: socket.socket, fields: dict[str, str] | None, ssl_reply: bytes) -> None:
    connection.settimeout(10)
    while True:
        head = connection.recv(8, socket.MSG_WAITALL)
        if len(head) < 8:
            return
        length, code = struct.unpack("!ii", head)
        if code in (_SSL_REQUEST, _GSSENC_REQUEST):
            connection.sendall(ssl_reply)
            if ssl_reply != b"N":
                return
            continue
        connection.recv(length - 8, socket.MSG_WAITALL)  # the StartupMessage's parameters
        if fields is not None:
            connection.sendall(_error_response(fields))
        return


@contextmanager
def fake_postgres(fields: dict[str, str] | None, *, ssl_reply: bytes = b"N") -> Iterator[int]:
    """A server on 127.0.0.1 that talks just enough of PostgreSQL's protocol for libpq to
    produce its real message: it declines TLS and GSSAPI (``ssl_reply``), reads the startup
    message and answers a FATAL error with ``fields`` (SQLSTATE ``C``, message ``M``), or, with
    ``fields=None``, hangs up. Yields its port; answers every connection until closed."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection:
                try:
                    _answer(connection, fields, ssl_reply)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stopping.set()
        thread.join(timeout=5)
        server.close()


@contextmanager
def closed_port() -> Iterator[int]:
    """A port of 127.0.0.1 that refuses connections at once, and stays so for the test: it is
    bound (so nothing else can take it) but not listening."""
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def postgres_url(port: int, database: str = "xmess") -> str:
    return f"postgresql+psycopg://xmess:wrong@127.0.0.1:{port}/{database}"


def connection_error(url: str) -> DBAPIError | DatabaseProblem:
    """What connecting to ``url`` raises (it must fail): the URL's own problem, or the
    driver's error as SQLAlchemy wraps it."""
    try:
        engine = make_engine(url)
    except DatabaseProblem as problem:
        return problem
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        return error
    finally:
        engine.dispose()
    raise AssertionError(f"{url} connected")


def test_a_closed_port_is_unreachable() -> None:
    with closed_port() as port:
        url = postgres_url(port)
        problem = classify(connection_error(url), database=describe_url(url))
    assert problem.problem is Problem.UNREACHABLE
    assert problem.exit_code == 3
    assert "Connection refused" in problem.detail
    assert problem.database == f"PostgreSQL · 127.0.0.1:{port}/xmess"
    assert "No es pot connectar amb la base de dades" in problem.catalan
    assert problem.english.startswith("cannot reach the database server (PostgreSQL · ")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (PASSWORD_FAILED, Problem.BAD_CREDENTIALS),
        (UNKNOWN_ROLE, Problem.BAD_CREDENTIALS),
        (UNKNOWN_DATABASE, Problem.MISSING_DATABASE),
        (STARTING_UP, Problem.UNREACHABLE),
        ({"C": "28000", "M": 'no pg_hba.conf entry for host "127.0.0.1"'}, Problem.BAD_CREDENTIALS),
        # A server whose lc_messages is not English: no SQLSTATE reaches us, so "unknown",
        # with the server's words as the detail.
        ({"C": "28P01", "M": 'l\'autenticació ha fallat per a "xmess"'}, Problem.UNKNOWN),
    ],
)
def test_libpq_connection_failures_from_a_fake_server(
    fields: dict[str, str], expected: Problem
) -> None:
    with fake_postgres(fields) as port:
        error = connection_error(postgres_url(port))
    assert isinstance(error, OperationalError)
    # psycopg 3 gives no SQLSTATE for a connection that never opened: the words decide.
    assert getattr(error.orig, "sqlstate", None) is None
    problem = classify(error, database="PostgreSQL · fake")
    assert problem.problem is expected
    assert fields["M"] in problem.detail
    assert "wrong" not in problem.detail  # the password is never repeated


@pytest.mark.parametrize(
    ("ssl_reply", "words"),
    [
        (b"H", "invalid response to SSL negotiation"),  # an HTTP server, say
        (b"", "server closed the connection unexpectedly"),
    ],
)
def test_something_else_than_postgresql_at_that_port_is_unreachable(
    ssl_reply: bytes, words: str
) -> None:
    with fake_postgres(None, ssl_reply=ssl_reply) as port:
        problem = classify(connection_error(postgres_url(port)), database="x")
    assert problem.problem is Problem.UNREACHABLE
    assert words in problem.detail


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://user@:notaport/x",
        "nonsense",
        "mysql://x/y",  # no driver installed
        "postgresql+psycopg://u:s3cret@[::1/x",
        "",
    ],
)
def test_a_url_sqlalchemy_cannot_use_is_malformed(url: str) -> None:
    with pytest.raises(DatabaseProblem) as raised:
        make_engine(url)
    problem = raised.value
    assert problem.problem is Problem.MALFORMED_URL
    assert problem.exit_code == 6
    assert "s3cret" not in problem.catalan + problem.english + problem.detail
    assert "L'adreça de la base de dades no és vàlida" in problem.catalan


@pytest.mark.parametrize(
    "query",
    ["port=99999", "foo=bar", "sslmode=sometimes"],
)
def test_options_libpq_refuses_are_a_malformed_url(query: str) -> None:
    # SQLAlchemy passes these on; libpq refuses them before any connection is tried.
    with closed_port() as port:
        url = f"postgresql+psycopg://u:s3cret@127.0.0.1:{port}/x?{query}"
        problem = classify(connection_error(url), database=describe_url(url))
    assert problem.problem is Problem.MALFORMED_URL, problem.detail


def test_postgres_urls_get_the_psycopg_driver() -> None:
    for url in ("postgres://u@db.example/xmess", "postgresql://u@db.example/xmess"):
        engine = make_engine(url)
        assert engine.url.drivername == "postgresql+psycopg"
        assert engine.dialect.driver == "psycopg"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://u:s3cret@db.example/xmess", "PostgreSQL · db.example/xmess"),
        ("postgresql+psycopg://u:s3cret@db.example:6543/x", "PostgreSQL · db.example:6543/x"),
        ("sqlite:////srv/xmess/data/xmess.db", "SQLite · xmess.db"),
        ("sqlite:///file:/srv/x.db?mode=ro&uri=true", "SQLite · x.db"),
        ("mysql://u:s3cret@h/y", "mysql · h/y"),
        ("postgresql://u:s3cret@:notaport/x", "postgresql://u:***@:notaport/x"),
        ("nonsense", "nonsense"),
    ],
)
def test_describe_url_never_shows_the_password(url: str, shown: str) -> None:
    assert describe_url(url) == shown


# --- SQLite -------------------------------------------------------------------------------


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "xmess.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return path


def read_only_url(path: Path) -> str:
    """SQLite's URI form for a read-only connection: refused writes even for root, whom file
    permissions do not stop."""
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def _count_topics(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("SELECT count(*) FROM topic").fetchone()[0])


def test_a_write_to_a_read_only_sqlite_file(sqlite_file: Path) -> None:
    before = _count_topics(sqlite_file)
    engine = make_engine(read_only_url(sqlite_file))
    assert schema_status(engine).up_to_date  # reading works
    with pytest.raises(OperationalError) as raised, engine.begin() as connection:
        connection.execute(text("INSERT INTO topic (code, name) VALUES ('x', 'x')"))
    engine.dispose()
    problem = classify(raised.value, database=describe_url(engine.url))
    assert problem.problem is Problem.READ_ONLY
    assert problem.detail == "attempt to write a readonly database"
    assert problem.database == "SQLite · xmess.db"
    assert _count_topics(sqlite_file) == before


def test_a_missing_file_opened_read_only_cannot_be_opened(tmp_path: Path) -> None:
    engine = make_engine(read_only_url(tmp_path / "nowhere.db"))
    status = schema_status(engine)
    assert status.problem is not None and status.problem.problem is Problem.READ_ONLY
    assert status.problem.detail == "unable to open database file"
    assert not status.reachable


def limit_pages(engine: Engine) -> None:
    """Make ``engine``'s database full: no connection may grow the file by a page."""

    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(engine, "connect", on_connect)


def test_a_full_sqlite_file(sqlite_file: Path) -> None:
    before = _count_topics(sqlite_file)
    engine = make_engine(f"sqlite:///{sqlite_file}")
    limit_pages(engine)
    with pytest.raises(OperationalError) as raised, engine.begin() as connection:
        for number in range(2_000):
            connection.execute(
                text("INSERT INTO topic (code, name) VALUES (:code, :name)"),
                {"code": f"t{number}", "name": f"Tema {number} " + "x" * 60},
            )
    engine.dispose()
    problem = classify(raised.value, database="SQLite · xmess.db")
    assert problem.problem is Problem.DISK_FULL
    assert problem.detail == "database or disk is full"
    assert problem.exit_code == 9
    assert _count_topics(sqlite_file) == before


def test_a_sqlite_file_locked_by_another_writer_is_busy(sqlite_file: Path) -> None:
    with closing(sqlite3.connect(sqlite_file, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")
        # No busy timeout: the lock is refused at once (the app waits write_wait_seconds).
        with closing(sqlite3.connect(sqlite_file, timeout=0, isolation_level=None)) as writer:
            with pytest.raises(sqlite3.OperationalError) as raised:
                writer.execute("BEGIN IMMEDIATE")
        holder.execute("ROLLBACK")
    assert classify(raised.value, database="x").problem is Problem.BUSY


def test_sqlite_errors_that_are_not_the_environment_are_unknown(
    sqlite_file: Path, tmp_path: Path
) -> None:
    with closing(sqlite3.connect(sqlite_file)) as connection:
        with pytest.raises(sqlite3.IntegrityError) as duplicate:
            connection.execute("INSERT INTO topic (code, name) SELECT code, name FROM topic")
        # "no such table" has a "does not exist"-like ring to it, but is no missing database.
        with pytest.raises(sqlite3.OperationalError) as no_table:
            connection.execute("SELECT * FROM no_such_table")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database " * 200)
    with closing(sqlite3.connect(junk)) as connection:
        with pytest.raises(sqlite3.DatabaseError) as not_a_database:
            connection.execute("SELECT * FROM sqlite_master")
    for error in (duplicate.value, no_table.value, not_a_database.value):
        assert classify(error, database="x").problem is Problem.UNKNOWN


def test_no_space_left_on_device() -> None:
    error = OSError(28, "No space left on device")
    assert classify(error, database="x").problem is Problem.DISK_FULL


# --- The schema ---------------------------------------------------------------------------


def test_schema_status_behind_ahead_empty_and_current(tmp_path: Path) -> None:
    behind = make_engine(f"sqlite:///{tmp_path / 'behind.db'}")
    upgrade(behind, "0002")
    status = schema_status(behind)
    assert status.reachable and not status.up_to_date
    assert status.problem is not None and status.problem.problem is Problem.SCHEMA_BEHIND
    assert status.problem.detail.startswith("database at revision 0002, the code needs ")
    assert "make migrate" in status.problem.english

    with behind.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    status = schema_status(behind)
    assert status.problem is not None and status.problem.problem is Problem.SCHEMA_AHEAD
    assert status.reachable and status.current == "9999_future"
    assert "update the application" in status.problem.english
    behind.dispose()

    empty = schema_status(make_engine(f"sqlite:///{tmp_path / 'empty.db'}"))
    assert empty.problem is not None and empty.problem.problem is Problem.SCHEMA_BEHIND
    assert empty.current is None

    current = make_engine(f"sqlite:///{tmp_path / 'current.db'}")
    upgrade_to_head(current)
    status = schema_status(current)
    assert status.up_to_date and status.reachable and status.current == status.head
    current.dispose()


def test_schema_status_of_an_unreachable_server() -> None:
    with closed_port() as port:
        status = schema_status(make_engine(postgres_url(port)))
    assert not status.reachable and not status.up_to_date
    assert status.problem is not None and status.problem.problem is Problem.UNREACHABLE
    with pytest.raises(DatabaseProblem):
        status.require_up_to_date()


def test_a_problem_survives_the_page_cache() -> None:
    # st.cache_data pickles the schema status it caches, problem included.
    problem = DatabaseProblem(Problem.SCHEMA_BEHIND, database="SQLite · x.db", detail="0002")
    status = SchemaStatus(current="0002", head="0004", problem=problem)
    copy = pickle.loads(pickle.dumps(status))
    assert copy.problem is not None
    assert (copy.problem.problem, copy.problem.catalan, copy.problem.detail) == (
        Problem.SCHEMA_BEHIND,
        problem.catalan,
        "0002",
    )


def test_the_command_line_message_is_one_line() -> None:
    problem = DatabaseProblem(
        Problem.UNREACHABLE,
        database="PostgreSQL · h/x",
        detail="connection failed: ... Connection refused\n\tIs the server running?" + "x" * 500,
    )
    line = problem.command_line
    assert "\n" not in line and "\t" not in line
    assert line.startswith("error: cannot reach the database server (PostgreSQL · h/x): ")
    assert len(line) < 500


# --- PostgreSQL, the real server (only with TEST_DATABASE_URL) ----------------------------

needs_postgresql = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"), reason="TEST_DATABASE_URL is not set"
)


def other_database(name: str) -> str:
    """TEST_DATABASE_URL with another database name."""
    url = make_url(os.environ["TEST_DATABASE_URL"]).set(database=name)
    return url.render_as_string(hide_password=False)


@needs_postgresql
def test_a_database_missing_on_the_real_server() -> None:
    url = other_database(f"xmess_missing_{uuid.uuid4().hex[:8]}")
    problem = classify(connection_error(url), database=describe_url(url))
    assert problem.problem is Problem.MISSING_DATABASE
    assert "does not exist" in problem.detail


@pytest.fixture
def postgresql() -> Iterator[Engine]:
    engine = make_engine(os.environ["TEST_DATABASE_URL"])
    yield engine
    engine.dispose()


@needs_postgresql
def test_sqlstates_of_the_real_server(postgresql: Engine) -> None:
    table = f"problems_probe_{uuid.uuid4().hex[:8]}"
    with postgresql.begin() as connection:
        connection.execute(text(f"CREATE TABLE {table} (id int PRIMARY KEY, n int)"))
        connection.execute(text(f"INSERT INTO {table} VALUES (1, 0)"))
    try:
        seen: dict[str, Problem] = {}

        def record(error: DBAPIError) -> None:
            seen[str(getattr(error.orig, "sqlstate", ""))] = classify(error, database="x").problem

        # A read-only transaction (a hot standby says the same): 25006.
        with pytest.raises(DBAPIError) as read_only, postgresql.connect() as connection:
            connection.execute(text("SET TRANSACTION READ ONLY"))
            connection.execute(text(f"UPDATE {table} SET n = 1"))
        record(read_only.value)

        # A lock held by another transaction past lock_timeout: 55P03.
        with postgresql.connect() as holder, postgresql.connect() as waiter:
            holder.execute(text(f"SELECT * FROM {table} FOR UPDATE"))
            waiter.execute(text("SET lock_timeout = '50ms'"))
            with pytest.raises(DBAPIError) as locked:
                waiter.execute(text(f"UPDATE {table} SET n = 2"))
            holder.rollback()
        record(locked.value)

        # Two repeatable-read transactions updating one row: 40001.
        with postgresql.connect() as first, postgresql.connect() as second:
            first.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            first.execute(text(f"SELECT n FROM {table}"))
            second.execute(text(f"UPDATE {table} SET n = 3"))
            second.commit()
            with pytest.raises(DBAPIError) as serialisation:
                first.execute(text(f"UPDATE {table} SET n = 4"))
        record(serialisation.value)

        # A table that is not there: 42P01, whose words "does not exist" are no missing
        # database: an SQLSTATE that is not listed is unknown, never guessed from words.
        with pytest.raises(DBAPIError) as no_table, postgresql.connect() as connection:
            connection.execute(text("SELECT * FROM no_such_table_here"))
        record(no_table.value)

        assert seen == {
            "25006": Problem.READ_ONLY,
            "55P03": Problem.BUSY,
            "40001": Problem.CONFLICT,
            "42P01": Problem.UNKNOWN,
        }
    finally:
        with postgresql.begin() as connection:
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))


@needs_postgresql
def test_a_connection_the_server_ends_is_unreachable(postgresql: Engine) -> None:
    with postgresql.connect() as victim, postgresql.connect() as admin:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
        victim.commit()
        # Waits (up to 5 s) until the backend has gone: what a server restart does to us.
        ended = admin.execute(
            text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
        ).scalar_one()
        assert ended
        with pytest.raises(DBAPIError) as raised:
            victim.execute(text("SELECT 1"))
    assert classify(raised.value, database="x").problem is Problem.UNREACHABLE
