"""What a page says after a write: a success message that survives the rerun, shown once."""

from __future__ import annotations

import streamlit as st

from ui.data import clear_caches

_FLASH_KEY = "flash_message"


def show_flash() -> None:
    """The message the previous run's write left, if any; call it near the top of a page."""
    message = st.session_state.pop(_FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def after_write(message: str) -> None:
    """Clear every cached figure (no page may show stale data), leave ``message`` for the
    next run and rerun."""
    clear_caches()
    st.session_state[_FLASH_KEY] = message
    st.rerun()
