"""What the Dades forms share: the record a form was opened on, saving it through the one write
path, and the answer when someone else saved it first.

A form remembers the record as it was when opened (its version too) in the session state, so
a save made meanwhile by someone else is detected and refused with what they changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st

from services.errors import ConcurrentEditError
from ui.widgets import pick
from ui.writes import Submission, next_round, write

# The picker's entry for a record not yet created.
NEW = -1
_OPENED = "dades_opened"


def pick_record(label: str, names: Mapping[int, str], *, key: str, new: str) -> int | None:
    """The record to edit (by id), ``NEW`` for a new one, or None while nothing is chosen."""
    return pick(label, {NEW: new, **names}, key=key)


def forget(prefix: str) -> None:
    """Drop a form's widgets and its opened record, so it reopens on the current values."""
    for name in [k for k in st.session_state if str(k).startswith(prefix)]:
        del st.session_state[name]
    st.session_state.get(_OPENED, {}).pop(prefix, None)


def open_record(
    record_id: int, *, prefix: str, load: Callable[[], Any], gone: str
) -> tuple[bool, Any]:
    """Whether the form can be drawn, and the record it edits as the form first saw it (read
    once per opening; None for a ``NEW`` one). A record deleted meanwhile says ``gone``."""
    if record_id == NEW:
        return True, None
    records = st.session_state.setdefault(_OPENED, {})
    if prefix not in records:
        records[prefix] = load()
    if records[prefix] is None:
        st.warning(gone)
        return False, None
    return True, records[prefix]


def _conflict(error: ConcurrentEditError, prefix: str) -> None:
    st.error(error.messages[0], icon=":material/sync_problem:")
    if error.changes:
        st.markdown("**Canvis desats per l'altra persona:**")
        st.markdown("\n".join(f"- {change}" for change in error.changes))
    drawn = st.session_state.get(f"{prefix}_conflict", False)
    st.session_state[f"{prefix}_conflict"] = True
    if not drawn:  # above the form from the next run on
        reopen_button(prefix)


def reopen_button(prefix: str) -> None:
    """After a conflict: reopen the form on the values someone else saved."""
    if st.session_state.get(f"{prefix}_conflict") and st.button(
        "Torna a obrir amb els valors actuals", key=f"{prefix}_reopen", icon=":material/refresh:"
    ):
        # The colleague's save changed the data version: the rerun reads the new values, into
        # new widgets (the browser keeps showing its own values for the old ones).
        forget(prefix)
        next_round(prefix)
        st.rerun()


def save(
    service: Callable[..., Any],
    *,
    prefix: str,
    refused: str,
    success: str,
    once: Submission | None = None,
    **arguments: Any,
) -> None:
    """Write the form with ``service``; on success the form forgets what it opened (and with
    ``once``, the drawing ``submission(prefix)`` gave, it is drawn anew and cannot be saved
    twice), on a colleague's save in between it says what they changed and offers to
    reopen."""
    write(
        service,
        refused=refused,
        success=success,
        once=once,
        on_success=lambda _: forget(prefix),
        on_conflict=lambda error: _conflict(error, prefix),
        **arguments,
    )
