"""The server's own time per page run, for ``make load`` (scripts/load.py).

``dashboard.py`` runs everything after the page config inside ``page_run``. When the
``run_log`` knob (``XMESS_RUN_LOG``) names a file, every run appends one line to it::

    2026-03-02T10:15:04.123456+00:00<TAB>/seguiment<TAB>84.2<TAB>61.0<TAB>ok<TAB>5f1c0e2a

the moment the run ended (UTC), the page's URL path (``/`` for the default page), the
milliseconds the page's own code took (wall clock), the processor time its thread used in
them (the rest is waiting: for the database, for the other sessions' threads, for a busy
machine), how the run ended, and the Streamlit session's id (to tell the sessions of a load
test apart). A run ends:

- ``ok``: the page drew to its end;
- ``rerun``: cut short by a rerun, either the page's own (``st.rerun()`` after a write,
  ``st.switch_page``) or the browser's (a widget moved while the page was still running);
- ``stopped``: ``st.stop()``;
- ``error``: an exception escaped the page (Streamlit shows it).

The exceptions Streamlit uses to end a run are re-raised untouched: the log only watches.

What is timed is the whole script run: the sign-in gate, the sidebar, the schema and
data-version check, and the page itself; not a fragment's own reruns (``st.fragment``), which
do not run the script again.

With the knob empty (the default) nothing is written and the cost is reading the settings
once (tens of microseconds, against page runs of tens of milliseconds).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from streamlit.runtime.scriptrunner import RerunException, StopException, get_script_run_ctx

from settings import load_settings

_LOG = logging.getLogger(__name__)

# Streamlit runs every session's script in its own thread: one lock keeps their lines whole
# and in order (each line is also a single append, which the OS keeps whole on its own, but
# the lock costs nothing next to a page run and does not depend on that).
_LOCK = threading.Lock()
# A log that cannot be written (a missing folder, a full disk) is said once, not per run, and
# never breaks a page.
_failed_paths: set[str] = set()

OUTCOMES = ("ok", "rerun", "stopped", "error")


def run_log_path() -> str:
    """The ``run_log`` knob, or "" when it is empty or the settings cannot be read (then
    ``ui.layout.require_settings`` has already stopped the page with the reason)."""
    try:
        return load_settings().run_log
    except ValueError:
        return ""


def format_line(
    *,
    ended_at: datetime,
    url_path: str,
    milliseconds: float,
    cpu_milliseconds: float,
    outcome: str,
    session_id: str,
) -> str:
    return (
        f"{ended_at.isoformat()}\t/{url_path}\t{milliseconds:.1f}\t{cpu_milliseconds:.1f}"
        f"\t{outcome}\t{session_id}\n"
    )


def append_line(path: str, line: str) -> None:
    """Append ``line`` to ``path``; several threads may call it at once."""
    try:
        with _LOCK, open(path, "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError as error:
        if path not in _failed_paths:
            _failed_paths.add(path)
            _LOG.warning("Cannot write the run log %s: %s", path, error)


def _session_id() -> str:
    context = get_script_run_ctx()
    return context.session_id if context is not None else "-"


@dataclass
class ScriptRun:
    """The run being timed: its page is known only once ``st.navigation`` has chosen it."""

    url_path: str = ""


@contextmanager
def page_run(url_path: str = "", *, log_path: str | None = None) -> Iterator[ScriptRun]:
    """Time the block (a script run) and append its line to the run log; set the yielded
    run's ``url_path`` once the page is known. ``log_path`` overrides the knob (for
    tests)."""
    run = ScriptRun(url_path)
    path = run_log_path() if log_path is None else log_path
    if not path:
        yield run
        return
    start = time.perf_counter()
    # The thread's own processor time: Streamlit runs each session's script in its thread.
    cpu_start = time.thread_time()
    outcome = "error"
    try:
        yield run
        outcome = "ok"
    except StopException:
        outcome = "stopped"
        raise
    except RerunException:
        outcome = "rerun"
        raise
    finally:
        # Logged however the run ended: a run cut short still cost the server its time.
        milliseconds = (time.perf_counter() - start) * 1000
        cpu_milliseconds = (time.thread_time() - cpu_start) * 1000
        append_line(
            path,
            format_line(
                ended_at=datetime.now(UTC),
                url_path=run.url_path,
                milliseconds=milliseconds,
                cpu_milliseconds=cpu_milliseconds,
                outcome=outcome,
                session_id=_session_id(),
            ),
        )
