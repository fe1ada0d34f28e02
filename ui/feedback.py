"""What a page says after a write: the outcome that survives the rerun, or the refusal."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import streamlit as st
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.scriptrunner import get_script_run_ctx

from db.problems import DatabaseProblem
from services.formatting import fmt_number
from ui.text import escape_markup, escape_quoted

_LOG = logging.getLogger(__name__)

_FLASH_KEY = "flash_message"
# A refusal lists this many reasons; an import's preview table holds them all.
_SHOWN_REASONS = 15


@dataclass(frozen=True)
class _Flash:
    """A write's outcome, shown until the person's next action on the page that wrote it.

    ``seen`` is every widget's state as the last run that showed the message received it
    (None until it is first shown). ``sent_by`` are the buttons that made the write: the
    browser sending that click again (a double click) is not a new action."""

    message: str
    page: str
    sent_by: frozenset[str] = frozenset()
    seen: Mapping[str, bytes] | None = None


def _page() -> str:
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else ""


def _widget_states() -> dict[str, bytes]:
    """Every widget's state as this run received it: what the browser sent, by widget id.

    Streamlit has no public "what triggered this run": its widget states, read through the
    session state the run context holds (tests/pages/test_forms_once.py fails if it moves), are
    the closest thing to it."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return {}
    return {state.id: _value_of(state) for state in ctx.session_state.get_widget_states()}


def _value_of(state: WidgetState) -> bytes:
    """A widget's value, comparable across runs: no value and an empty one (an upload box
    with no file) are the same, whichever side (server or browser) serialized it."""
    field = state.WhichOneof("value")
    if field is None or (field == "trigger_value" and not state.trigger_value):
        return b""
    value = getattr(state, field)
    if hasattr(value, "ByteSize") and value.ByteSize() == 0:
        return b""
    return bytes(state.SerializeToString())


def _clicked(states: Mapping[str, bytes]) -> frozenset[str]:
    """The buttons (and form submit buttons) whose click this run answers."""
    clicked = set()
    for widget_id, serialized in states.items():
        if not serialized:
            continue
        state = WidgetState.FromString(serialized)
        if state.WhichOneof("value") == "trigger_value" and state.trigger_value:
            clicked.add(widget_id)
    return frozenset(clicked)


def _acted(flash: _Flash, now: Mapping[str, bytes]) -> bool:
    """Whether the person did something since the message was last shown: clicked a button or
    submitted a form, or changed a widget both runs had. A widget that only appeared (a form
    redrawn empty after its save) is not an action, nor the write's own click sent again."""
    before = flash.seen or {}
    if _clicked(now) - flash.sent_by:
        return True
    return any(
        widget_id in before and before[widget_id] != serialized
        for widget_id, serialized in now.items()
        if widget_id not in flash.sent_by
    )


def show_flash() -> None:
    """The outcome of this page's last write, if any; call it near the top of a page.

    Why the message is kept rather than popped: it must stay until the person's next action,
    and runs happen without one (the page redrawn for new data, a reconnect, the test's own
    rerun). Popping it on the first run after the write made it vanish at the first of those.
    It goes on a click, a changed widget, a form submitted, or another page: whatever the
    person does next is what they look at instead."""
    flash = st.session_state.get(_FLASH_KEY)
    if not isinstance(flash, _Flash):
        return
    now = _widget_states()
    if flash.page != _page() or (flash.seen is not None and _acted(flash, now)):
        del st.session_state[_FLASH_KEY]
        return
    # The widgets this run received are what the next run compares with.
    st.session_state[_FLASH_KEY] = replace(flash, seen=now)
    # The message names what was saved as typed: a member called "**URGENT**" stays so.
    st.success(escape_markup(flash.message), icon=":material/check_circle:")


def show_refusal(title: str, messages: Sequence[str]) -> None:
    """Why nothing was written: ``title`` and one line per reason (the first 15)."""
    listed = list(messages[:_SHOWN_REASONS])
    # Reasons are the services' sentences, whose Markdown is meant (the importer writes a
    # column's name in italics): they are shown as written, but for what they quote from a
    # file or a form, which shows as typed.
    body = "\n".join(f"- {escape_quoted(message)}" for message in listed)
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
    """Leave ``message`` for the next runs (``show_flash``) and rerun. The write changed its
    areas' data versions in the database, so that run reads them anew (``ui.data``): nothing
    to clear."""
    st.session_state[_FLASH_KEY] = _Flash(message, _page(), _clicked(_widget_states()))
    st.rerun()
