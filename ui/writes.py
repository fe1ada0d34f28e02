"""The one way the UI writes to the database.

Every form, editor and button that changes data calls ``write``. It runs a write service in one
transaction on behalf of the person at the keyboard, shows the service's Catalan refusal or the
outcome, and makes every cache see the change. What every write must do (who wrote it, the role
check, and in time the shared data version) is then said once, here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from db.problems import DatabaseProblem
from db.session import run_write
from services.errors import ConcurrentEditError, ValidationError
from ui.data import database_problem, get_engine
from ui.feedback import after_write, show_database_problem, show_refusal
from ui.viewer import current_actor

T = TypeVar("T")


def write(
    service: Callable[..., T],
    *,
    refused: str,
    success: str | Callable[[T], str],
    on_success: Callable[[T], None] | None = None,
    on_conflict: Callable[[ConcurrentEditError], None] | None = None,
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
      service's result) shown once: this function does not return then.
    """
    actor = current_actor()
    try:
        result = run_write(
            get_engine(), lambda session: service(session=session, actor=actor, **arguments)
        )
    except (DatabaseProblem, SQLAlchemyError) as error:
        show_database_problem(refused, database_problem(error))
        return
    except ConcurrentEditError as error:
        if on_conflict is None:
            show_refusal(refused, error.messages)
        else:
            on_conflict(error)
        return
    except ValidationError as error:
        show_refusal(refused, error.messages)
        return
    if on_success is not None:
        on_success(result)
    after_write(success(result) if callable(success) else success)
