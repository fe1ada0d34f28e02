"""What a database failure means, and what to do about it: a short Catalan message for the
page, a one-line English one for the command line, and the command's exit code (the README's
table of exit codes is this module's ``Problem``).

``classify`` turns whatever the driver raised (psycopg's or sqlite3's errors, wrapped by
SQLAlchemy) into a ``DatabaseProblem``, most reliable evidence first:

1. PostgreSQL's SQLSTATE, on every error the server reports inside a session (read-only
   transaction, disk full, lock timeout, serialisation failure, ...). An SQLSTATE this module
   does not list means "unknown": its message words are not guessed at.
2. SQLite's result code (``sqlite_errorname``, Python 3.11+): READONLY, FULL, BUSY, ...
3. libpq's message, for a connection that never opened: psycopg 3 then reports no SQLSTATE
   at all (not even for the server's own FATAL errors, measured with psycopg 3.3), so the
   words are read. libpq's wording is stable, and the server's part of it is English unless
   its ``lc_messages`` says otherwise: then the failure is still reported, as "unknown", with
   the driver's words as the detail.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import ParamSpec

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

P = ParamSpec("P")


@dataclass(frozen=True)
class _Meaning:
    exit_code: int
    catalan: str
    english: str


class Problem(enum.Enum):
    """Each failure, with its exit code on the command line and its two messages. ``{db}``
    is the database as ``db.session.describe_url`` shows it. Exit codes 0 (done), 1 (input
    refused) and 2 (bad usage) are the commands' own."""

    UNREACHABLE = _Meaning(
        3,
        "No es pot connectar amb la base de dades ({db}): el servidor no respon. Comproveu que "
        "està en marxa i que l'adreça de `XMESS_DATABASE_URL` (o de `.streamlit/secrets.toml`) "
        "és correcta.",
        "cannot reach the database server ({db}): check that it is running and that "
        "XMESS_DATABASE_URL names the right host and port",
    )
    BAD_CREDENTIALS = _Meaning(
        4,
        "La base de dades ({db}) no accepta l'usuari o la contrasenya de "
        "`XMESS_DATABASE_URL`: corregiu-los (o demaneu-los a qui administra el servidor).",
        "the database server ({db}) refused the user or password in XMESS_DATABASE_URL: "
        "correct them",
    )
    MISSING_DATABASE = _Meaning(
        5,
        "La base de dades ({db}) no existeix al servidor: creeu-la (per exemple amb "
        "`createdb`) i executeu `make migrate`.",
        "the database ({db}) does not exist on the server: create it (createdb), then run "
        "make migrate",
    )
    MALFORMED_URL = _Meaning(
        6,
        "L'adreça de la base de dades no és vàlida ({db}). Ha de tenir la forma "
        "`postgresql://usuari:contrasenya@servidor:5432/base` o `sqlite:///camí/fitxer.db`; "
        "corregiu `XMESS_DATABASE_URL` o `[connections.xmess] url` a `.streamlit/secrets.toml`.",
        "the database URL is not valid ({db}): expected "
        "postgresql://user:password@host:5432/database or sqlite:///path/file.db in "
        "XMESS_DATABASE_URL or .streamlit/secrets.toml",
    )
    # Behind and ahead share an exit code: the schema and the code disagree either way; the
    # message says which and what to do.
    SCHEMA_BEHIND = _Meaning(
        7,
        "La base de dades no està al dia amb l'aplicació ({db}). Executeu `make migrate` (o "
        "`make run`) i torneu a carregar la pàgina.",
        "the database schema ({db}) is behind the code: run make migrate",
    )
    SCHEMA_AHEAD = _Meaning(
        7,
        "La base de dades ({db}) és d'una versió de l'aplicació més nova que aquesta: "
        "actualitzeu l'aplicació (no la torneu a migrar).",
        "the database schema ({db}) is newer than this code: update the application",
    )
    READ_ONLY = _Meaning(
        8,
        "La base de dades ({db}) és només de lectura: no s'ha desat res. Doneu permís "
        "d'escriptura al fitxer i a la seva carpeta (o connecteu-vos al servidor principal).",
        "the database ({db}) is read-only: nothing was written; make the file and its folder "
        "writable, or connect to the primary server",
    )
    DISK_FULL = _Meaning(
        9,
        "El disc de la base de dades ({db}) és ple: no s'ha desat res. Allibereu espai al "
        "servidor i torneu-ho a provar.",
        "the database's disk is full ({db}): nothing was written; free some space and retry",
    )
    BUSY = _Meaning(
        10,
        "La base de dades ({db}) està ocupada amb una altra escriptura (per exemple una "
        "importació) i no s'ha desat res. Espereu un minut i torneu-ho a provar; les dades del "
        "formulari es mantenen.",
        "the database ({db}) stayed locked by another write (an import?): nothing was "
        "written; retry in a minute",
    )
    CONFLICT = _Meaning(
        11,
        "Una altra persona ha desat canvis al mateix temps i no s'ha desat res. Torneu-ho a "
        "provar.",
        "the write collided twice with another one on the database ({db}): nothing was "
        "written; retry",
    )
    UNKNOWN = _Meaning(
        12,
        "La base de dades ({db}) ha donat un error inesperat i no s'ha desat res. Torneu-ho "
        "a provar; si es repeteix, aviseu qui administra el quadre.",
        "the database ({db}) failed unexpectedly",
    )

    @property
    def exit_code(self) -> int:
        return self.value.exit_code


# The database answered, but its schema is not the code's.
SCHEMA_PROBLEMS = frozenset({Problem.SCHEMA_BEHIND, Problem.SCHEMA_AHEAD})
# The command line shows this much of the driver's words after the English message.
_DETAIL_CHARACTERS = 300


class DatabaseProblem(Exception):
    """A database failure with its meaning: ``catalan`` for the page, ``english`` for the
    command line, ``exit_code`` for the command; ``detail`` is the driver's own words, for
    the server's log and a page's "Detall tècnic"."""

    def __init__(self, problem: Problem, *, database: str, detail: str = "") -> None:
        self.problem = problem
        self.database = database
        self.detail = detail
        super().__init__(self.english)

    def __reduce__(self) -> tuple[object, ...]:
        # ``st.cache_data`` pickles what it caches (a schema status holding a problem); an
        # exception is unpickled as ``cls(*args)`` unless told otherwise.
        return (_rebuild, (self.problem, self.database, self.detail))

    @property
    def catalan(self) -> str:
        return self.problem.value.catalan.format(db=self.database)

    @property
    def english(self) -> str:
        return self.problem.value.english.format(db=self.database)

    @property
    def exit_code(self) -> int:
        return self.problem.exit_code

    @property
    def command_line(self) -> str:
        """The one line a command prints on stderr: the English message, then the driver's
        words (``Connection refused`` or ``timeout expired`` tell an operator where to look)
        squeezed onto the same line."""
        detail = " ".join(self.detail.split())
        if len(detail) > _DETAIL_CHARACTERS:
            detail = detail[: _DETAIL_CHARACTERS - 1] + "…"
        return f"error: {self.english}" + (f" [{detail}]" if detail else "")


def _rebuild(problem: Problem, database: str, detail: str) -> DatabaseProblem:
    return DatabaseProblem(problem, database=database, detail=detail)


# user:password@ in a URL, for hiding the password of a URL that cannot be parsed.
_PASSWORD = re.compile(r"(?P<before>://[^:/@]*):(?P<password>[^@]*)@")


def hide_password(text: str) -> str:
    """``text`` (a URL, or an error message quoting one) with the URL's password as ***."""
    return _PASSWORD.sub(lambda match: f"{match['before']}:***@", text)


def malformed_url(url: str, error: BaseException) -> DatabaseProblem:
    """The problem of a URL SQLAlchemy cannot parse, or has no driver for."""
    from db.session import describe_url  # db.session raises this; imported when needed

    detail = str(error)
    password = _PASSWORD.search(url)
    if password and password["password"]:
        detail = detail.replace(password["password"], "***")
    return DatabaseProblem(Problem.MALFORMED_URL, database=describe_url(url), detail=detail)


# PostgreSQL's SQLSTATEs (its documentation's appendix A): exact codes, then classes.
_SQLSTATES: dict[str, Problem] = {
    "3D000": Problem.MISSING_DATABASE,  # invalid_catalog_name
    "25006": Problem.READ_ONLY,  # read_only_sql_transaction (a hot standby, or read-only role)
    "53100": Problem.DISK_FULL,  # disk_full
    "55P03": Problem.BUSY,  # lock_not_available: lock_timeout passed
    "40001": Problem.CONFLICT,  # serialization_failure
    "40P01": Problem.CONFLICT,  # deadlock_detected
    "57P01": Problem.UNREACHABLE,  # admin_shutdown
    "57P02": Problem.UNREACHABLE,  # crash_shutdown
    "57P03": Problem.UNREACHABLE,  # cannot_connect_now (starting up, shutting down)
}
_SQLSTATE_CLASSES: dict[str, Problem] = {
    "08": Problem.UNREACHABLE,  # connection_exception
    "28": Problem.BAD_CREDENTIALS,  # invalid_authorization_specification, invalid_password
}
# SQLite's primary result codes (the low byte of the extended code).
_SQLITE_CODES: dict[str, Problem] = {
    "SQLITE_READONLY": Problem.READ_ONLY,  # attempt to write a readonly database
    # The file (or its WAL companions) cannot be opened or created: no permission on the
    # file or its folder, or a read-only URI naming no file.
    "SQLITE_CANTOPEN": Problem.READ_ONLY,
    "SQLITE_PERM": Problem.READ_ONLY,
    "SQLITE_FULL": Problem.DISK_FULL,  # database or disk is full
    "SQLITE_BUSY": Problem.BUSY,  # database is locked (past the busy timeout)
    "SQLITE_LOCKED": Problem.BUSY,  # database table is locked
}
# libpq's words for a connection that failed before any session, lower-cased, in the order
# they are tried. Each was produced against libpq 17 (psycopg-binary 3.3): a closed port, a
# name that does not resolve, the local server with an unknown database or role, and a fake
# server answering FATAL errors (tests/db/test_problems.py).
_MESSAGES: tuple[tuple[re.Pattern[str], Problem], ...] = tuple(
    (re.compile(pattern), problem)
    for pattern, problem in (
        (r"password authentication failed", Problem.BAD_CREDENTIALS),
        (r"no password supplied", Problem.BAD_CREDENTIALS),
        (
            r"(ident|peer|gss|sspi|ldap|radius|cert|pam) authentication failed",
            Problem.BAD_CREDENTIALS,
        ),
        (r'role "[^"]*" does not exist', Problem.BAD_CREDENTIALS),
        (r'role "[^"]*" is not permitted to log in', Problem.BAD_CREDENTIALS),
        (r"no pg_hba\.conf entry|pg_hba\.conf rejects connection", Problem.BAD_CREDENTIALS),
        (r'database "[^"]*" does not exist', Problem.MISSING_DATABASE),
        # The URL names an option libpq refuses (a port out of range, an unknown option).
        (r"invalid port number|invalid connection option|invalid \w+ value", Problem.MALFORMED_URL),
        (
            r"the database system is (starting up|shutting down|in recovery mode)",
            Problem.UNREACHABLE,
        ),
        (r"connection refused", Problem.UNREACHABLE),
        (r"failed to resolve host|could not translate host name", Problem.UNREACHABLE),
        (r"name or service not known|temporary failure in name resolution", Problem.UNREACHABLE),
        (r"timeout expired|connection timed out|no route to host", Problem.UNREACHABLE),
        (r"network is unreachable|host is unreachable", Problem.UNREACHABLE),
        (r"server closed the connection", Problem.UNREACHABLE),
        # Something that is not PostgreSQL answers at that host and port.
        (r"received invalid response to ssl negotiation", Problem.UNREACHABLE),
    )
)


def _sqlstate(orig: BaseException) -> str | None:
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate if isinstance(sqlstate, str) and sqlstate else None


def _sqlite_code(orig: BaseException) -> str | None:
    name = getattr(orig, "sqlite_errorname", None)
    if not isinstance(name, str):
        return None
    # Extended codes (SQLITE_READONLY_DBMOVED, SQLITE_BUSY_SNAPSHOT...) share their prefix.
    return next(
        (code for code in _SQLITE_CODES if name == code or name.startswith(code + "_")), None
    )


def _problem_of(orig: BaseException) -> Problem:
    sqlstate = _sqlstate(orig)
    if sqlstate is not None:
        return _SQLSTATES.get(sqlstate) or _SQLSTATE_CLASSES.get(sqlstate[:2]) or Problem.UNKNOWN
    sqlite_code = _sqlite_code(orig)
    if sqlite_code is not None:
        return _SQLITE_CODES[sqlite_code]
    if isinstance(orig, OSError) and orig.errno == 28:  # ENOSPC
        return Problem.DISK_FULL
    if getattr(orig, "sqlite_errorname", None) is not None:
        return Problem.UNKNOWN  # SQLite said what it was: no need to guess from words
    lowered = str(orig).lower()
    for pattern, problem in _MESSAGES:
        if pattern.search(lowered):
            return problem
    return Problem.UNKNOWN


def classify(error: BaseException, *, database: str) -> DatabaseProblem:
    """What ``error`` (from SQLAlchemy or the driver) means for the person who met it;
    ``database`` names the database (``describe_url``)."""
    if isinstance(error, DatabaseProblem):
        return error
    orig = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    detail = hide_password(str(orig).strip())
    return DatabaseProblem(_problem_of(orig), database=database, detail=detail)


def is_database_error(error: BaseException) -> bool:
    """An error ``classify`` should explain (rather than a bug to let through)."""
    return isinstance(error, DatabaseProblem | SQLAlchemyError)


def exit_on_database_problem(main: Callable[P, int]) -> Callable[P, int]:
    """Wrap a command's ``main``: a database failure anywhere inside it is reported as one
    English line on stderr (``DatabaseProblem.command_line``) and ``main`` returns the
    problem's exit code, never a traceback. Other errors (bugs) are left alone."""

    @functools.wraps(main)
    def run(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            return main(*args, **kwargs)
        except (DatabaseProblem, SQLAlchemyError) as error:
            problem = classify(error, database=_configured_database())
            print(problem.command_line, file=sys.stderr)
            return problem.exit_code

    return run


def _configured_database() -> str:
    """The configured database, described: what the commands connect to."""
    from db.session import describe_url
    from settings import database_url

    return describe_url(database_url())
