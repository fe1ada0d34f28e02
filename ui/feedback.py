"""What a page says after a write: the outcome that survives the rerun, or the refusal."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from services.formatting import fmt_number
from ui.data import clear_caches

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


def after_write(message: str) -> None:
    """Clear every cached figure (no page may show stale data), leave ``message`` for the
    next run and rerun."""
    clear_caches()
    st.session_state[_FLASH_KEY] = message
    st.rerun()
