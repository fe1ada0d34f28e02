"""Cached access to the services: one engine per process, one cached result per query.

Every write must call ``clear_caches`` so no page shows stale figures.

Reads are for the signed-in viewer: a service marked with ``services.access.needs`` is refused
to a role without that right, and a role that may not see personal data gets every result
through ``services.privacy.redact``. Both happen after the cache, so one cached result serves
every user and no role can be handed another's view.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

import streamlit as st
from sqlalchemy import Engine

from db.migrate import SchemaStatus, schema_status
from db.session import make_engine, session_scope
from services.access import Right, require, required_right
from services.privacy import redact
from settings import database_url
from ui.viewer import current_actor

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return _engine(database_url())


def clear_caches() -> None:
    st.cache_data.clear()


@st.cache_data(show_spinner=False, ttl=30)
def _schema_status(url: str) -> SchemaStatus:
    return schema_status(_engine(url))


def current_schema_status() -> SchemaStatus:
    return _schema_status(database_url())


@st.cache_data(show_spinner=False)
def _cached_query(url: str, module: str, name: str, arguments: tuple[tuple[str, Any], ...]) -> Any:
    # The service is named, not passed, so the cache key is stable across reruns and pickling.
    service = getattr(importlib.import_module(module), name)
    with session_scope(_engine(url)) as session:
        return service(session=session, **dict(arguments))


def _for_viewer(service: Callable[..., Any], read: Callable[[], T]) -> T:
    viewer = current_actor()
    right = required_right(service)
    if right is not None:
        require(viewer, right)
    result = read()
    return result if viewer.can(Right.SEE_PERSONAL_DATA) else cast(T, redact(result))


def query(service: Callable[..., T], **arguments: Any) -> T:
    """Run a read-only service (``service(session=..., **arguments)``) through the cache, for
    the signed-in viewer."""
    # The cache is keyed on the service's name, so it cannot carry its type: what comes back
    # is what ``service`` returned.
    ordered = tuple(sorted(arguments.items()))
    return _for_viewer(
        service,
        lambda: cast(
            T, _cached_query(database_url(), service.__module__, service.__qualname__, ordered)
        ),
    )


def fresh_read(service: Callable[..., T], **arguments: Any) -> T:
    """Run a read-only service on the database as it is now, never cached: for a download
    built when its button is clicked (a backup, a whole table). Services that check the role
    themselves (a backup) take ``actor=current_actor()`` among the arguments."""

    def read() -> T:
        with session_scope(get_engine()) as session:
            return service(session=session, **arguments)

    return _for_viewer(service, read)
