"""The global sidebar, presentation mode and small drawing helpers shared by pages."""

from __future__ import annotations

import logging

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from db.migrate import schema_status
from db.problems import DatabaseProblem, Problem
from db.session import describe_url
from services.access import Actor, Right
from settings import database_url, load_settings
from ui.auth import auth_configured
from ui.data import current_schema_status, get_engine
from ui.text import escape_markup
from ui.viewer import current_actor

_LOG = logging.getLogger(__name__)

PRESENTATION_KEY = "presentation_mode"
# The address keeps presentation mode (``?presentacio=1``): a reload, a bookmark or a link to
# another page of the shared screen opens in it.
PRESENTATION_PARAM = "presentacio"
PRESENTATION_ON = "1"

# In both modes a figure is never cut ("24 de…", "59.90…" in a row of five at 1280 px with the
# sidebar open): its box measures its own width (cqi), the type shrinks from Streamlit's size
# only when the figure would not fit, and at the smallest size it wraps rather than hide
# digits. Labels and deltas wrap between words instead of ending in "…".
_FIGURES_CSS = """
<style>
  [data-testid="stMetric"] { container-type: inline-size; }
  [data-testid="stMetricValue"] { font-size: clamp(1.25rem, 20cqi, 2.25rem); }
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    overflow-wrap: anywhere;
  }
  [data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] *,
  [data-testid="stMetricDeltaDescription"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
    overflow-wrap: normal; word-break: normal; hyphens: manual;
  }
</style>
"""

# Presentation mode is for a shared screen at Executive Commission meetings: larger type,
# no chrome that distracts, and no figure ever cut short.
_PRESENTATION_CSS = """
<style>
  html, body, [data-testid="stAppViewContainer"] { font-size: 1.2rem; }
  [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
  /* The figure shrinks from 3rem only when it would not fit (see _FIGURES_CSS, whose rule for
     every screen this one outranks). */
  [data-testid="stMetric"] [data-testid="stMetricValue"] { font-size: clamp(1.75rem, 17cqi, 3rem); }
  /* Fewer figures per row when the screen is narrow. A row of four or more becomes two per
     row below 1200 px (at 1280 px a figure would get under 270 px); any row of figures
     wraps rather than squeeze a figure under 13rem. */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-wrap: wrap; container-type: inline-size;
  }
  [data-testid="stColumn"]:has([data-testid="stMetric"]) { min-width: min(13rem, 100%); }
  @container (max-width: 1199px) {
    [data-testid="stColumn"]:has([data-testid="stMetric"]):first-child:nth-last-child(n+4),
    [data-testid="stColumn"]:has([data-testid="stMetric"]):first-child:nth-last-child(n+4)
      ~ [data-testid="stColumn"] {
      flex: 1 1 calc(50% - 1rem); max-width: calc(50% - 0.5rem);
    }
  }
  /* Tables are read from across the room too. (st.dataframe and the charts draw on a
     canvas sized from their place: CSS cannot enlarge their text without spilling them.) */
  [data-testid="stTable"] { font-size: 1.15rem; }
  h1 { font-size: 3rem !important; }
  /* The header's menus go; its arrow that opens the sidebar again (to switch the mode off)
     stays. */
  [data-testid="stToolbarActions"], [data-testid="stMainMenu"],
  [data-testid="stAppDeployButton"], [data-testid="stDecoration"] { display: none; }
  /* A 720 px high screen has no height to spare above the title. */
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
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


def _start_from_address(forced: bool) -> None:
    """The switch's value on a session's first run: on for a role always presenting, else as
    the address says (a reload of the shared screen stays in presentation mode). Later runs
    keep the switch's own value: switching it off must not be undone by the address."""
    if forced:
        st.session_state[PRESENTATION_KEY] = True
    elif PRESENTATION_KEY not in st.session_state:
        st.session_state[PRESENTATION_KEY] = (
            st.query_params.get(PRESENTATION_PARAM) == PRESENTATION_ON
        )


def _keep_in_address(presenting: bool) -> None:
    """Write the mode into the address on every run: Streamlit clears the query string when
    the menu opens another page, and the next reload must find it there."""
    if presenting:
        if st.query_params.get(PRESENTATION_PARAM) != PRESENTATION_ON:
            st.query_params[PRESENTATION_PARAM] = PRESENTATION_ON
    elif PRESENTATION_PARAM in st.query_params:
        del st.query_params[PRESENTATION_PARAM]


# The sidebar state the browser was last set to, to act only when the mode changes.
_SIDEBAR_SET_KEY = "_presentation_sidebar_set"
# Streamlit's browser code keeps the sidebar opened or closed by hand in localStorage, under
# "stSidebarCollapsed-<base URL>", and that choice outranks set_page_config's for good: a
# sidebar once opened by hand (to switch the mode off) would never close for the mode again.
# On each change of mode this forgets that choice and opens or closes the sidebar with its own
# button, so the browser's state and its stored choice agree.
_SIDEBAR_SCRIPT = """
<script>
(() => {
  const collapse = %s;
  const forget = () => Object.keys(window.localStorage)
    .filter((key) => key.startsWith("stSidebarCollapsed-"))
    .forEach((key) => window.localStorage.removeItem(key));
  forget();
  const button = collapse
    ? document.querySelector('[data-testid="stSidebarCollapseButton"] button')
    : document.querySelector('[data-testid="stExpandSidebarButton"]');
  if (button !== null) {
    button.click();
    forget();
  }
})();
</script>
"""


def _place_sidebar(presenting: bool) -> None:
    """The shared screen shows the page alone: the sidebar closes when the mode turns on (or
    a session starts in it) and opens when it turns off. In between it stays as the person
    leaves it: its arrow opens it again, to switch the mode off."""
    # The browser acts on this only when the value changes (a first run, a switch).
    st.set_page_config(initial_sidebar_state="collapsed" if presenting else "auto")
    last = st.session_state.get(_SIDEBAR_SET_KEY)
    if last == presenting or (last is None and not presenting):
        return
    st.session_state[_SIDEBAR_SET_KEY] = presenting
    with st.sidebar:
        st.html(_SIDEBAR_SCRIPT % ("true" if presenting else "false"), unsafe_allow_javascript=True)


def render_sidebar(actor: Actor) -> DeltaGenerator:
    """The sidebar's switch and session; returns the place under the menu kept for the
    search (``ui.search``), which can only be drawn once the data versions are known."""
    forced = always_presenting(actor)
    _start_from_address(forced)
    with st.sidebar:
        search = st.container()
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
                "Sessió iniciada"
                if presentation_mode()
                else f"Sessió de **{escape_markup(actor.display_name)}**"
            )
            st.caption(f"{who} · {actor.role_label}")
            if st.button("Tanca la sessió", key="sign_out", icon=":material/logout:"):
                st.logout()
        else:
            st.caption("Mode local, sense inici de sessió")
        # describe_url never raises and never shows a password: even a malformed URL is
        # named here, under the page's message saying what is wrong with it.
        st.caption(f"Base de dades: {describe_url(database_url())}")
    presenting = presentation_mode()
    _keep_in_address(presenting)
    _place_sidebar(presenting)
    # Styles alone: st.html adds them to the page without a block that takes room.
    st.html(_FIGURES_CSS)
    if presenting:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)
    return search


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
