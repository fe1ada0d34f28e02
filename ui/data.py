"""Cached access to the services, fresh for every process that shares the database.

- One engine per process (``st.cache_resource``).
- ``query`` caches each read service's result (``st.cache_data``) under the service, its
  arguments and the versions of the data areas the service reads (``db.data_version.reads``).
  The versions are read once per script run (``refresh_data_versions``: one query of eight
  rows). Any change, by this server, another one, the command line or a colleague's SQL,
  changes its area's version in the same transaction, so the next run of any page, anywhere,
  asks for a new key and computes it; results of the other areas stay cached. Nothing is ever
  cleared by hand.
- The cache keeps at most ``QUERY_CACHE_ENTRIES`` results, the least recently used leaving
  first: keys carry today's date and superseded versions, which would otherwise pile up.
- Computing a result records the tables it read; one outside the declared areas would be
  cached under a key that misses a change, so it is logged (and raised in the tests).

Reads are for the signed-in viewer: a service marked with ``services.access.needs`` is refused
to a role without that right, and a role that may not see personal data gets every result
through ``services.privacy.redact``. Both happen after the cache, so one cached result serves
every user and no role can be handed another's view.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NoReturn, TypeVar, cast

import streamlit as st
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import TableClause

from db.data_version import (
    TABLE_AREAS,
    Area,
    DataVersions,
    areas_read,
    read_versions,
    versions_of,
)
from db.migrate import SchemaStatus, schema_status
from db.problems import DatabaseProblem, classify
from db.session import describe_url, make_engine, session_scope, snapshot_scope
from services.access import Right, require, required_right
from services.privacy import redact
from settings import database_url, load_settings
from ui.viewer import current_actor

T = TypeVar("T")
_LOG = logging.getLogger(__name__)

# Results kept by the query cache. A page run asks for ten to thirty; this holds every page
# of a few days of several people's filters.
QUERY_CACHE_ENTRIES = 1_000
_VERSIONS_KEY = "_data_versions"
# Read by any query (the schema's revision), and in no area: it changes only with a migration.
_OUTSIDE_AREAS = frozenset({"alembic_version"})
# The tables the cached computation running in this thread has read, while one runs.
_tables_read: ContextVar[set[str] | None] = ContextVar("_tables_read", default=None)
# The tests turn this on: a read outside the declared areas then raises instead of being
# logged, so every page test checks every service it draws.
strict_reads = False


class UndeclaredReadError(RuntimeError):
    """A service read a table outside the areas it declared: a bug in its ``reads``."""


def _record_tables(
    _connection: Any, clauseelement: Any, _multiparams: Any, _params: Any, _options: Any
) -> None:
    tables = _tables_read.get()
    if tables is None:
        return
    if isinstance(clauseelement, TextClause):
        tables.add("(SQL text)")  # which tables it reads cannot be known
        return
    for element in visitors.iterate(clauseelement):
        if isinstance(element, TableClause):
            tables.add(element.name)


@st.cache_resource(show_spinner=False)
def _engine(url: str, write_wait_seconds: int) -> Engine:
    engine = make_engine(url, write_wait_seconds=write_wait_seconds)
    event.listen(engine, "before_execute", _record_tables)
    return engine


def get_engine() -> Engine:
    settings = load_settings()
    return _engine(settings.database_url, settings.write_wait_seconds)


def database_problem(error: BaseException) -> DatabaseProblem:
    """What a database failure means, for the database in use."""
    return classify(error, database=describe_url(database_url()))


def stop_on_database_problem(error: BaseException) -> NoReturn:
    """Say in Catalan what the database's failure means and what to do, and stop the page."""
    problem = database_problem(error)
    _LOG.warning("%s (%s)", problem.english, problem.detail)
    st.error(problem.catalan, icon=":material/database:")
    st.stop()


@st.cache_data(show_spinner=False, ttl=30)
def _schema_status(url: str) -> SchemaStatus:
    return schema_status(get_engine())


def current_schema_status() -> SchemaStatus:
    """The schema's status, cached for 30 s (it is asked on every page run)."""
    return _schema_status(database_url())


def refresh_data_versions() -> DataVersions:
    """Read every area's data version: once per script run, at its top (``dashboard.py``),
    so every cached read of the run is of these versions."""
    try:
        with get_engine().connect() as connection:
            versions = read_versions(connection)
    except SQLAlchemyError as error:
        stop_on_database_problem(error)
    st.session_state[_VERSIONS_KEY] = versions
    return versions


def data_changed_since_this_run() -> bool:
    """Whether any area's version has moved since this session's last page run read them:
    one query of nine rows (ui/live.py asks every few seconds)."""
    seen = st.session_state.get(_VERSIONS_KEY)
    if seen is None:
        return False
    with get_engine().connect() as connection:
        return bool(read_versions(connection) != seen)


def _current_versions() -> DataVersions:
    versions = st.session_state.get(_VERSIONS_KEY)
    return versions if versions is not None else refresh_data_versions()


def data_key(*areas: Area) -> DataVersions:
    """The current versions of ``areas``: the part of a cache key that makes a cached
    result of those areas' data fresh (for caches other than ``query``'s own)."""
    return versions_of(_current_versions(), areas)


def _check_declared(service: Callable[..., Any], declared: frozenset[Area], read: set[str]) -> None:
    undeclared = sorted(
        name
        for name in read - _OUTSIDE_AREAS
        if name not in TABLE_AREAS or TABLE_AREAS[name] not in declared
    )
    if not undeclared:
        return
    message = (
        f"{service.__module__}.{service.__qualname__} read {', '.join(undeclared)}, outside "
        f"the areas it declares ({', '.join(sorted(declared))}): its cached result can miss "
        "a change; add the areas to its @reads"
    )
    if strict_reads:
        raise UndeclaredReadError(message)
    _LOG.error(message)


@st.cache_data(show_spinner=False, max_entries=QUERY_CACHE_ENTRIES)
def _cached_query(
    url: str,
    versions: DataVersions,
    module: str,
    name: str,
    arguments: tuple[tuple[str, Any], ...],
) -> Any:
    # The service is named, not passed, so the cache key is stable across reruns and
    # pickling; ``url`` and ``versions`` are only part of the key.
    service = getattr(importlib.import_module(module), name)
    read: set[str] = set()
    token = _tables_read.set(read)
    try:
        with session_scope(get_engine()) as session:
            result = service(session=session, **dict(arguments))
    finally:
        _tables_read.reset(token)
    _check_declared(service, areas_read(service) or frozenset(), read)
    return result


def _for_viewer(service: Callable[..., Any], read: Callable[[], T]) -> T:
    viewer = current_actor()
    right = required_right(service)
    if right is not None:
        require(viewer, right)
    try:
        result = read()
    except SQLAlchemyError as error:
        stop_on_database_problem(error)
    return result if viewer.can(Right.SEE_PERSONAL_DATA) else cast(T, redact(result))


def query(service: Callable[..., T], **arguments: Any) -> T:
    """Run a read-only service (``service(session=..., **arguments)``) through the cache, for
    the signed-in viewer. The service declares the data areas it reads (``reads``)."""
    areas = areas_read(service)
    if areas is None:
        raise TypeError(
            f"{service.__module__}.{service.__qualname__} does not declare the data areas it "
            "reads (db.data_version.reads): it cannot be cached"
        )
    key = versions_of(_current_versions(), areas)
    ordered = tuple(sorted(arguments.items()))
    # The cache is keyed on the service's name, so it cannot carry its type: what comes back
    # is what ``service`` returned.
    return _for_viewer(
        service,
        lambda: cast(
            T,
            _cached_query(database_url(), key, service.__module__, service.__qualname__, ordered),
        ),
    )


def fresh_read(service: Callable[..., T], **arguments: Any) -> T:
    """Run a read-only service on the database as it is now, never cached: for a download
    built when its button is clicked (a backup, a whole table), in one snapshot of the
    database, so its tables agree with each other. Services that check the role themselves
    (a backup) take ``actor=current_actor()`` among the arguments."""

    def read() -> T:
        with snapshot_scope(get_engine()) as session:
            return service(session=session, **arguments)

    return _for_viewer(service, read)
