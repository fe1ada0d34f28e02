"""The one way the UI writes to the database.

Every form, editor and button that changes data calls ``write``. It runs a write service in one
transaction on behalf of the person at the keyboard, shows the service's Catalan refusal or the
outcome, and makes every cache see the change. What every write must do (who wrote it, the role
check, and in time the shared data version) is then said once, here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from db.problems import DatabaseProblem
from db.session import run_write
from services.errors import ConcurrentEditError, ValidationError
from ui.data import database_problem, get_engine
from ui.feedback import after_write, show_database_problem, show_refusal
from ui.viewer import current_actor

T = TypeVar("T")

# Which drawing of each form is current (``Submission.round``), and what became of each
# submitted drawing: in the ledger ``_SAVING`` while its write runs, then the success message.
_ROUNDS_KEY = "form_rounds"
_LEDGER_KEY = "form_ledger"
_SAVING = ""
ALREADY_SAVED = "Aquest formulari ja s'ha desat: no s'ha tornat a desar."


@dataclass(frozen=True)
class Submission:
    """One drawing of a form that creates something: the keys of its widgets and the token
    its save consumes.

    Why a form is drawn in rounds: a save must leave the form empty, and a second click, or a
    submission the browser sends again after a slow answer, must not save a copy. Both follow
    from giving each drawing its own widget keys. After a save the next round's widgets are
    new ones, so the browser draws them empty (deleting the old keys' values does not: the
    browser keeps what it shows for a widget it already has), and a replayed submission names
    the old round's button, which is no longer drawn, so it is not a click. The round is also
    the token: ``write`` records it as spent before the write commits, so a second run of the
    same round (the first run cut short by the second click, after its commit) writes
    nothing."""

    form: str
    round: int

    @property
    def token(self) -> str:
        return f"{self.form}#{self.round}"

    def key(self, name: str) -> str:
        """The widget key ``name`` in this round. The first round keeps the plain key, so a
        fresh page's fields are found by the names they always had."""
        return name if self.round == 0 else f"{name}~{self.round}"


def _rounds() -> dict[str, int]:
    return cast(dict[str, int], st.session_state.setdefault(_ROUNDS_KEY, {}))


def _ledger() -> dict[str, str]:
    return cast(dict[str, str], st.session_state.setdefault(_LEDGER_KEY, {}))


def submission(form: str) -> Submission:
    """The current drawing of ``form``; call it before drawing the form's widgets.

    A round already saved whose run was cut short before it could move on (a second click
    arrived while it committed) is moved on here: the form is drawn empty, with the first
    save's message, and the second click, meant for the old round, saves nothing."""
    rounds = _rounds()
    current = Submission(form, rounds.get(form, 0))
    saved = _ledger().get(current.token)
    if saved:
        rounds[form] = current.round + 1
        after_write(saved)
    return current


def next_round(form: str) -> None:
    """Draw ``form`` anew from the next run: its widgets start from the values the code gives
    them (a form reopened on what a colleague saved), not from what the browser shows."""
    rounds = _rounds()
    rounds[form] = rounds.get(form, 0) + 1


def write(
    service: Callable[..., T],
    *,
    refused: str,
    success: str | Callable[[T], str],
    on_success: Callable[[T], None] | None = None,
    on_conflict: Callable[[ConcurrentEditError], None] | None = None,
    once: Submission | None = None,
    **arguments: Any,
) -> None:
    """Run ``service(session=..., actor=..., **arguments)`` as the signed-in user and commit,
    or nothing.

    - The service checks the actor's role first (``services.access.require``): a role that
      may not write gets the service's Catalan refusal, like any refused input.
    - Refused input (``ValidationError``) shows ``refused`` and every reason; nothing is
      written, and the function returns so the form keeps what the user typed.
    - A ``ConcurrentEditError`` goes to ``on_conflict`` when given (a form that can reopen on
      the current values), otherwise it is shown as a refusal.
    - The database failing (locked by a long import past the wait, read-only, full, a
      PostgreSQL deadlock twice: ``db.session.run_write`` retries once) shows what it means
      and what to do, in Catalan; nothing is written and the form keeps what was typed.
    - On success ``on_success(result)`` runs (forget a form's state, bump a widget key), every
      cache is cleared, and the page reruns with ``success`` (a message, or a function of the
      service's result) shown until the person's next action (``ui.feedback.show_flash``):
      this function does not return then.
    - With ``once`` (a form that creates something, see ``Submission``) a drawing is saved at
      most once: its token is spent before the write and given back only if nothing was
      written; a spent one says ``ALREADY_SAVED`` and writes nothing. On success the form
      moves to its next round, drawn empty.
    """
    actor = current_actor()
    # Read once, then changed as plain dicts: reading st.session_state is a point where
    # Streamlit may stop this run for the next click's, and between the commit and the
    # record of it there must be none.
    ledger = _ledger() if once is not None else {}
    rounds = _rounds() if once is not None else {}
    if once is not None:
        if once.token in ledger:
            st.info(ALREADY_SAVED, icon=":material/info:")
            return
        ledger[once.token] = _SAVING
    try:
        result = run_write(
            get_engine(), lambda session: service(session=session, actor=actor, **arguments)
        )
        message = success(result) if callable(success) else success
    except (DatabaseProblem, SQLAlchemyError) as error:
        _give_back(ledger, once)
        show_database_problem(refused, database_problem(error))
        return
    except ConcurrentEditError as error:
        _give_back(ledger, once)
        if on_conflict is None:
            show_refusal(refused, error.messages)
        else:
            on_conflict(error)
        return
    except ValidationError as error:
        _give_back(ledger, once)
        show_refusal(refused, error.messages)
        return
    except BaseException:
        _give_back(ledger, once)
        raise
    if once is not None:
        ledger[once.token] = message
        rounds[once.form] = once.round + 1
    if on_success is not None:
        on_success(result)
    after_write(message)


def _give_back(ledger: dict[str, str], once: Submission | None) -> None:
    """Nothing was written: the same drawing, corrected, may be saved."""
    if once is not None:
        ledger.pop(once.token, None)
