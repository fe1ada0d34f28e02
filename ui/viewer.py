"""Who is using this browser session, as the sign-in gate established it.

A module of its own so that the read path (``ui.data``), the write path (``ui.writes``) and
the gate (``ui.auth``) can all ask without importing each other."""

from __future__ import annotations

import streamlit as st

from services.access import Actor

_VIEWER_KEY = "_viewer"


class NoViewerError(RuntimeError):
    """A page ran before the sign-in gate: a bug, never a state a user can reach."""


def set_viewer(actor: Actor) -> None:
    st.session_state[_VIEWER_KEY] = actor


def current_actor() -> Actor:
    """The signed-in user (or the local single user), for role checks and the audit log."""
    actor = st.session_state.get(_VIEWER_KEY)
    if not isinstance(actor, Actor):
        raise NoViewerError("No viewer: dashboard.py's sign-in gate must run first.")
    return actor
