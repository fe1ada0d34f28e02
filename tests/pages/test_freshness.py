"""Fresh data on a shared database: what another process writes shows on the next page run,
only what changed is computed again, and a write that cannot get the database says why."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from db.migrate import upgrade_to_head
from db.models import Interaction, Member, PlanActivity
from db.plan_loader import load_plan
from db.session import make_engine, session_scope
from scripts import import_data
from services import optimiser, work_groups
from tests import factories as make

NEW_MEMBERS = (
    "Nom;Tipus d'ens;Municipi;Data d'alta\n"
    "Ajuntament de Tàrrega;Ajuntament;25217;15/01/2024\n"
    "Ajuntament de Cervera;Ajuntament;25072;01/03/2024\n"
)


@pytest.fixture
def network_url(tmp_path: Path) -> str:
    """A database of our own (these tests write): the 2026 plan and two members."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        load_plan(session, 2026)
        make.member(session, "Ajuntament de Vic")
        make.member(session, "Ajuntament de Girona", municipality_code="17079")
    engine.dispose()
    return url


def _goto(app: AppTest, url_path: str) -> AppTest:
    # Private to AppTest; tests/ui/test_private_apis.py guards it.
    app._page_hash = calc_hash(url_path)
    return app.run()


def _metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def _interactions(url: str) -> int:
    with Session(make_engine(url)) as session:
        return session.scalar(select(func.count()).select_from(Interaction)) or 0


def _log_contact(app: AppTest, summary: str) -> AppTest:
    app = _goto(app, "seguiment")
    app.selectbox(key="seguiment_member").set_value(
        app.selectbox(key="seguiment_member").options[0]
    )
    app = app.run()
    app.text_area(key="contact_summary").input(summary)
    return next(b for b in app.button if b.label == "Desa el contacte").click().run()


def test_an_import_from_the_command_line_shows_on_the_next_run(
    app_on: Callable[..., AppTest],
    network_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = app_on(network_url, "inici")
    assert _metric(app, "Membres actius") == "2"
    csv = tmp_path / "membres.csv"
    csv.write_text(NEW_MEMBERS, encoding="utf-8")
    # Another process would do the same: the command writes through its own engine.
    assert import_data.main(["membres", str(csv)]) == 0, capsys.readouterr().out
    app.run()
    assert not app.exception
    assert _metric(app, "Membres actius") == "4"


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(optimiser, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(optimiser, name, counted)
    return calls


def test_a_logged_contact_leaves_the_plan_frontier_cached(
    app_on: Callable[..., AppTest], network_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    frontiers = _counting(monkeypatch, "frontier")
    solves = _counting(monkeypatch, "solve")
    app = app_on(network_url, "prioritzacio")
    assert not app.exception
    assert len(frontiers) == 1
    solved = len(solves)

    app = _log_contact(app, "Trucada de seguiment: tot en ordre")
    assert not app.exception
    assert "desat" in app.success[0].value
    assert _interactions(network_url) == 1
    app = _goto(app, "prioritzacio")
    assert not app.exception
    # The contact changed the members' data, not the plan's: nothing was solved again.
    assert (len(frontiers), len(solves)) == (1, solved)

    # A change to the plan, by anyone, is another matter.
    with session_scope(make_engine(network_url)) as session:
        session.execute(
            update(PlanActivity)
            .where(PlanActivity.code == "A1-01")
            .values(estimated_cost_eur=Decimal(1))
        )
    app.run()
    assert not app.exception
    assert len(frontiers) == 2 and len(solves) > solved


def test_a_logged_contact_leaves_the_work_groups_cached_and_a_member_change_does_not(
    app_on: Callable[..., AppTest], network_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Contacts are an area of their own: logging one, the team's commonest write, leaves the
    work groups' overview (which names members) cached; a change to a member recomputes it."""
    overviews: list[int] = []
    original = work_groups._memberships

    def counted(*arguments: Any) -> Any:
        overviews.append(1)
        return original(*arguments)

    # Every work-group result reads the memberships: counted, their computations.
    monkeypatch.setattr(work_groups, "_memberships", counted)
    app = app_on(network_url, "grups")
    assert not app.exception
    computed = len(overviews)
    assert computed >= 1

    app = _log_contact(app, "Correu sobre el grup de treball")
    assert "desat" in app.success[0].value
    app = _goto(app, "grups")
    assert not app.exception
    assert len(overviews) == computed

    with session_scope(make_engine(network_url)) as session:
        session.execute(update(Member).where(Member.name == "Ajuntament de Vic").values(notes="x"))
    app.run()
    assert not app.exception
    assert len(overviews) > computed


@pytest.fixture
def write_lock_held(network_url: str) -> Iterator[Callable[[], None]]:
    """Another writer (a long import) holding SQLite's write lock until released."""
    path = network_url.removeprefix("sqlite:///")
    holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("UPDATE member SET notes = 'importació en curs'")
    released = threading.Event()

    def release() -> None:
        if not released.is_set():
            holder.execute("ROLLBACK")
            released.set()

    yield release
    release()
    holder.close()


def test_a_write_during_a_long_import_waits_then_says_what_to_do(
    app_on: Callable[..., AppTest],
    network_url: str,
    write_lock_held: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XMESS_WRITE_WAIT_SECONDS", "1")
    app = _log_contact(app_on(network_url, "inici"), "Trucada durant la importació")
    assert not app.exception
    refusal = app.error[0].value
    assert "No s'ha desat el contacte" in refusal
    assert "ocupada amb una altra escriptura" in refusal and "torneu-ho a provar" in refusal
    assert "database is locked" not in refusal
    assert _interactions(network_url) == 0
    # The form keeps what was typed, and once the import is over the same click saves it.
    assert app.text_area(key="contact_summary").value == "Trucada durant la importació"
    write_lock_held()
    app = next(b for b in app.button if b.label == "Desa el contacte").click().run()
    assert not app.exception
    assert "desat" in app.success[0].value
    assert _interactions(network_url) == 1
