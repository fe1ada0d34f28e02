"""What a page says after a write: the outcome that survives the rerun, or the refusal."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import streamlit as st

from db.problems import DatabaseProblem
from services.formatting import fmt_number

_LOG = logging.getLogger(__name__)

_FLASH_KEY = "flash_message"
# A refusal lists this many reasons; an import's preview table holds them all.
_SHOWN_REASONS = 15


def show_flash() -> None:
    """The message the previous run's write left, if any; call it near the top of a page."""
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def show_refusal(title: str, messages: Sequence[str]) -> None:
    """Why nothing was written: ``title`` and one line per reason (the first 15)."""
    listed = list(messages[:_SHOWN_REASONS])
    body = "\n".join(f"- {message}" for message in listed)
    more = len(messages) - len(listed)
    if more > 0:
        body += f"\n- … i {fmt_number(more)} més."
    st.error(f"{title}\n{body}", icon=":material/error:")


def show_database_problem(title: str, problem: DatabaseProblem) -> None:
    """Why nothing was written when the database itself failed: what it means and what to
    do, in Catalan; the driver's words go to the server's log, not to the page."""
    _LOG.warning("%s (%s)", problem.english, problem.detail)
    st.error(f"{title}\n\n{problem.catalan}", icon=":material/database:")


def after_write(message: str) -> None:
    """Leave ``message`` for the next run and rerun. The write changed its areas' data
    versions in the database, so that run reads them anew (``ui.data``): nothing to clear."""
    st.session_state[_FLASH_KEY] = message
    st.rerun()
