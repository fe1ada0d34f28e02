"""On the shared screen (presentation mode), an open page redraws by itself within
``refresh_seconds`` (2 by default) of a change made anywhere: in another session, another app
server, the command line, a restore, SQL. Every other page shows it at its next run (any
click), as the data versions make every run fresh.

Why only there: measured with ``make load`` (20 sessions at scale 10), the check on every
open page made each write rerun the other nineteen sessions' pages under their users: the
server spent its time on those runs (run p95 from 2 s to 6 s), pages took minutes to open,
and eight of twenty writes were lost because a redraw swept away the form being filled in or
its confirmation. A person at work does not want the page to move under the mouse; the
Commission's screen, which nobody is typing on, wants to be current.

Nor does a working page get a gentler version, a "new data" notice with a button: the timer
alone is the cost. With it on every page and no redraw, the same load took the server's runs
from a median of 78 ms to 1,062 ms (p95 829 ms to 4,046 ms) at the same processor time per
run (36 ms), and writes failed: ten fragment runs a second, each a round trip through twenty
browsers sharing the machine, keep every session's thread waiting.

The choice: a fragment that reruns on a timer in each open session and reads the data
versions (``db/data_version.py``, one query of eight rows, the same on SQLite and PostgreSQL);
when one has moved since the page's last run, the whole page runs again, and its cached reads
of the areas that did not change are served from the cache as on any rerun. PostgreSQL's
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
    """On the shared screen, start the check for this page run (after the data versions
    have been read)."""
    if not presentation_mode():
        return
    with st.sidebar:
        st.fragment(_redraw_if_changed, run_every=load_settings().refresh_seconds)()


def _redraw_if_changed() -> None:
    try:
        changed = data_changed_since_this_run()
    except SQLAlchemyError as error:
        # The page's own run says in Catalan what has gone wrong, in place of the page (and,
        # stopped there, starts no further check until someone acts).
        _LOG.warning("data versions unreadable: %s", error)
        changed = True
    if changed:
        st.rerun(scope="app")
