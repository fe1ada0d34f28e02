"""The global sidebar, presentation mode and small drawing helpers shared by pages."""

from __future__ import annotations

import logging

import streamlit as st

from db.migrate import schema_status
from db.problems import DatabaseProblem, Problem
from db.session import describe_url
from services.access import Actor, Right
from settings import database_url, load_settings
from ui.auth import auth_configured
from ui.data import current_schema_status, get_engine
from ui.viewer import current_actor

_LOG = logging.getLogger(__name__)

PRESENTATION_KEY = "presentation_mode"

# Presentation mode is for a shared screen at Executive Commission meetings: larger type,
# no chrome that distracts.
_PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 1.2rem; }
  [data-testid="stMetricValue"] { font-size: 3rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
  /* Large type must never cut a label or a delta short on the shared screen: wrap instead. */
  [data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  }
  h1 { font-size: 3rem !important; }
  [data-testid="stToolbar"], [data-testid="stDecoration"] { display: none; }
</style>
"""


def always_presenting(actor: Actor) -> bool:
    """A role that may not see personal data (the Commission) is always on the shared
    screen: it cannot switch the mode off."""
    return not actor.can(Right.SEE_PERSONAL_DATA)


def presentation_mode() -> bool:
    """True when the shared-screen mode is on: pages must then hide personal contact data.
    Decided on the server from the role, whatever the browser sends for the switch."""
    return always_presenting(current_actor()) or bool(st.session_state.get(PRESENTATION_KEY, False))


def render_sidebar(actor: Actor) -> None:
    forced = always_presenting(actor)
    if forced:
        st.session_state[PRESENTATION_KEY] = True
    with st.sidebar:
        st.toggle(
            "Mode presentació",
            key=PRESENTATION_KEY,
            disabled=forced,
            help="Per a la pantalla compartida de la Comissió Executiva: lletra gran i cap "
            "dada personal de contacte."
            + (f" Sempre activat per al vostre rol ({actor.role_label})." if forced else ""),
        )
        if auth_configured():
            # On the shared screen not even the signed-in person's own name is shown.
            who = (
                "Sessió iniciada" if presentation_mode() else f"Sessió de **{actor.display_name}**"
            )
            st.caption(f"{who} · {actor.role_label}")
            if st.button("Tanca la sessió", key="sign_out", icon=":material/logout:"):
                st.logout()
        else:
            st.caption("Mode local, sense inici de sessió")
        # describe_url never raises and never shows a password: even a malformed URL is
        # named here, under the page's message saying what is wrong with it.
        st.caption(f"Base de dades: {describe_url(database_url())}")
    if presentation_mode():
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)


def require_settings() -> None:
    """Stop before any page draws when a knob has a bad value, naming the knob."""
    try:
        load_settings()
    except ValueError as error:
        st.error(f"Configuració incorrecta: {error}", icon=":material/settings:")
        st.stop()


# Each problem's icon next to its message.
_ICONS = {
    Problem.UNREACHABLE: ":material/cloud_off:",
    Problem.BAD_CREDENTIALS: ":material/key_off:",
    Problem.MALFORMED_URL: ":material/link_off:",
    Problem.SCHEMA_BEHIND: ":material/update:",
    Problem.SCHEMA_AHEAD: ":material/update:",
}


def _database_problem() -> DatabaseProblem | None:
    """What stops the database from being used now, if anything.

    The status is cached for 30 s (``ui.data``), as it is read on every run. Only a usable
    status is trusted from that cache: a failure is checked again, live, on every run, so the
    page works on the first run after the server is back or ``make migrate`` has run, not up
    to 30 s later; while the database is down each run costs one connection attempt (refused
    at once, or ``CONNECT_TIMEOUT_SECONDS`` for a host that drops packets), which a page that
    cannot draw anyway can afford. A URL that cannot make an engine raises (Streamlit caches
    no exception), so it is checked again on every run too."""
    try:
        status = current_schema_status()
        if status.problem is not None:
            status = schema_status(get_engine())
    except DatabaseProblem as problem:
        return problem
    return status.problem


def require_database() -> None:
    """Stop the page with what is wrong with the database and what to do, in Catalan, when
    it cannot be used: unreachable, wrong password, missing, a malformed URL, a schema
    behind or ahead of the code. The driver's words go under it as the technical detail (and
    to the server's log); never a traceback."""
    problem = _database_problem()
    if problem is None:
        return
    _LOG.warning("%s (%s)", problem.english, problem.detail)
    st.error(problem.catalan, icon=_ICONS.get(problem.problem, ":material/database:"))
    if problem.detail:
        st.caption(f"Detall tècnic: {problem.detail}")
    st.stop()
