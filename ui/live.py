"""Every open page learns within ``refresh_seconds`` (2 by default) of a change made anywhere:
in another session, another app server, the command line, a restore, SQL.

- On the shared screen (presentation mode) the page redraws by itself.
- A working page says so in the sidebar, "Hi ha dades noves", with a button that redraws it;
  any click on the page does too, as the data versions make every run fresh.

Why a working page does not redraw by itself: a person at work does not want the page to
move under the mouse, and the Commission's screen, which nobody is typing on, wants to be
current. ``make load`` (20 sessions at scale 10) showed it too: redrawing every open page
reran nineteen colleagues' pages on every save, and eight of twenty writes were lost because
a redraw swept away the form being filled in or its confirmation (that run also paid for
Streamlit's full garbage collection after every run, since switched off in
``.streamlit/config.toml``).

What the check costs, measured the same way with it on every page: 0 errors, 0 lost writes,
server runs at a median of 65 ms and a p95 of 304 ms (87 and 397 ms in the run before, with
the check only on the shared screen: the difference is the runs' own noise).

The choice: a fragment that reruns on a timer in each open session and reads the data
versions (``db/data_version.py``, one query of nine rows, the same on SQLite and PostgreSQL);
when one has moved since the page's last run, the shared screen's page runs again (a working
page offers to), and its cached reads of the areas that did not change are served from the
cache as on any rerun. PostgreSQL's
``LISTEN/NOTIFY`` would save the polls, but needs a connection held open per process, a thread
to wake the sessions, and something else for SQLite; twenty open pages polling every two
seconds cost ten tiny queries a second. A session that made the write itself has already read
the new versions in the write's own rerun, so it does not draw twice.
"""

from __future__ import annotations

import logging

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from settings import load_settings
from ui.data import data_changed_since_this_run
from ui.layout import presentation_mode

_LOG = logging.getLogger(__name__)


def keep_page_fresh() -> None:
    """Start the check for this page run (after the data versions have been read)."""
    check = _redraw_if_changed if presentation_mode() else _offer_new_data
    with st.sidebar:
        st.fragment(check, run_every=load_settings().refresh_seconds)()


def _changed() -> bool:
    """Whether the data has moved since this page's run; an unreadable database counts as a
    change, so that the page's own run says in Catalan what has gone wrong."""
    try:
        return data_changed_since_this_run()
    except SQLAlchemyError as error:
        _LOG.warning("data versions unreadable: %s", error)
        return True


def _offer_new_data() -> None:
    if not _changed():
        return
    st.info("Hi ha dades noves des que s'ha obert la pàgina.", icon=":material/update:")
    if st.button("Actualitza la pàgina", key="live_refresh", icon=":material/refresh:"):
        st.rerun(scope="app")


def _redraw_if_changed() -> None:
    if _changed():
        st.rerun(scope="app")
