"""Two writers at once, through the services, on SQLite and PostgreSQL: a write waits for a
long import a bounded time, the import's ids stay right whatever is inserted meanwhile, a
deadlock is run again once, and nothing is ever half-written."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from db.models import AuditAction, AuditLog, Event, Member, MemberKind
from db.problems import Problem, classify
from db.session import describe_url, make_engine, run_write, write_scope
from services import importing, records
from services.importing import base as importing_base
from tests import factories as make

TODAY = date(2026, 12, 4)


def _members_file(count: int) -> bytes:
    rows = "\n".join(
        f"Consell Comarcal de Prova {i};Consell comarcal;Vic;01/02/2021" for i in range(count)
    )
    return f"Nom;Tipus d'ens;Municipi;Data d'alta\n{rows}\n".encode()


def _import(session: Session, count: int) -> importing.ImportPreview:
    return importing.import_file(
        session=session,
        actor=make.admin(),
        kind="members",
        data=_members_file(count),
        file_name="membres.csv",
        today=TODAY,
    )


def _create_member(name: str) -> Callable[[Session], int]:
    form = records.MemberForm(
        name=name,
        kind=MemberKind.AJUNTAMENT,
        municipality_code="25217",
        joined_on=date(2024, 1, 15),
    )

    def work(session: Session) -> int:
        return records.save_member(
            session=session, form=form, opened=None, today=TODAY, actor=make.staff()
        )

    return work


def _names_by_id(engine: Engine) -> dict[int, str]:
    with Session(engine) as session:
        return {
            member_id: name for member_id, name in session.execute(select(Member.id, Member.name))
        }


def _audited_creations(engine: Engine) -> dict[int, str]:
    """Member id → the name its creation entry in the audit log recorded."""
    with Session(engine) as session:
        entries = session.scalars(
            select(AuditLog).where(
                AuditLog.table_name == "member", AuditLog.action == AuditAction.CREATE
            )
        )
        return {int(e.record_id): str((e.after or {})["name"]) for e in entries}


@pytest.fixture
def short_wait(engine: Engine) -> Iterator[Engine]:
    """A second engine on the same database whose writes wait one second for the lock."""
    other = make_engine(engine.url.render_as_string(hide_password=False), write_wait_seconds=1)
    yield other
    other.dispose()


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    with ThreadPoolExecutor(max_workers=2) as executor:
        yield executor


def _import_holding_the_lock(
    engine: Engine, pool: ThreadPoolExecutor, count: int
) -> tuple[Future[Any], threading.Event, threading.Event]:
    """An import that has written its rows and holds its transaction open until released."""
    written, release = threading.Event(), threading.Event()

    def run() -> importing.ImportPreview:
        with write_scope(engine) as session:
            preview = _import(session, count)
            written.set()
            assert release.wait(30), "the test never released the import"
        return preview

    future = pool.submit(run)
    assert written.wait(30), "the import never got to write"
    return future, written, release


def test_a_write_during_a_long_import_is_refused_after_its_wait_and_writes_nothing(
    engine: Engine, short_wait: Engine, pool: ThreadPoolExecutor
) -> None:
    future, _, release = _import_holding_the_lock(engine, pool, 40)
    with pytest.raises(Exception) as refused:
        run_write(short_wait, _create_member("Ajuntament de Tàrrega"))
    problem = classify(refused.value, database=describe_url(str(engine.url)))
    assert problem.problem is Problem.BUSY
    assert "torneu-ho a provar" in problem.catalan
    release.set()
    assert future.result().created == 40
    names = _names_by_id(engine)
    assert len(names) == 40 and "Ajuntament de Tàrrega" not in names.values()
    # Once the import is over, the same write goes through.
    run_write(short_wait, _create_member("Ajuntament de Tàrrega"))
    assert "Ajuntament de Tàrrega" in _names_by_id(engine).values()


def test_a_write_during_an_import_waits_for_it_when_it_ends_in_time(
    engine: Engine, pool: ThreadPoolExecutor
) -> None:
    future, _, release = _import_holding_the_lock(engine, pool, 40)
    waiting = pool.submit(run_write, engine, _create_member("Ajuntament de Tàrrega"))
    # It cannot finish while the import holds its transaction...
    with pytest.raises(TimeoutError):
        waiting.result(timeout=0.5)
    release.set()
    # ...and finishes once it commits.
    created = waiting.result(timeout=30)
    assert future.result().created == 40
    names = _names_by_id(engine)
    assert names[created] == "Ajuntament de Tàrrega" and len(names) == 41
    assert _audited_creations(engine) == names


def test_the_importer_ids_stay_right_when_a_member_is_created_meanwhile(
    engine: Engine, short_wait: Engine, pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member saved from the form between the importer planning its ids and inserting its
    rows: on PostgreSQL the importer's ids were reserved from the sequence, and the form's
    member gets another; on SQLite the import holds the write lock throughout, so the form
    waits (here, refused after its short wait). Either way every id names the right member."""
    about_to_insert, carry_on = threading.Event(), threading.Event()
    original = importing_base.insert

    def paused(table: Any) -> Any:
        # The importer's first INSERT: its ids are planned (the largest id read on SQLite,
        # a range reserved from the sequence on PostgreSQL), its rows not yet written.
        if not about_to_insert.is_set():
            about_to_insert.set()
            assert carry_on.wait(30)
        return original(table)

    monkeypatch.setattr(importing_base, "insert", paused)
    importer = pool.submit(run_write, engine, lambda session: _import(session, 25))
    assert about_to_insert.wait(30)
    if engine.dialect.name == "postgresql":
        run_write(short_wait, _create_member("Ajuntament de Tàrrega"))
    else:
        with pytest.raises(Exception) as refused:
            run_write(short_wait, _create_member("Ajuntament de Tàrrega"))
        assert classify(refused.value, database="").problem is Problem.BUSY
    carry_on.set()
    assert importer.result(timeout=30).created == 25
    names = _names_by_id(engine)
    assert sorted(names.values()) == sorted(
        [f"Consell Comarcal de Prova {i}" for i in range(25)]
        + (["Ajuntament de Tàrrega"] if engine.dialect.name == "postgresql" else [])
    )
    # Each id's creation in the audit log names the member that has that id.
    assert _audited_creations(engine) == names


def test_a_deadlock_is_run_again_once(engine: Engine, pool: ThreadPoolExecutor) -> None:
    """Two transactions each holding what the other needs next: PostgreSQL aborts one, and
    ``run_write`` runs it again; both changes end up written, each once."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: two writers never wait for each other")
    with Session(engine) as session:
        member = make.member(session, "Ajuntament de Vic")
        event = make.event(session, "Assemblea", date(2026, 3, 20))
        session.commit()
        member_id, event_id = member.id, event.id
    both_started = threading.Barrier(2, timeout=30)
    attempts: list[str] = []

    def first_member_then_event(session: Session) -> None:
        attempts.append("member-first")
        session.execute(update(Member).where(Member.id == member_id).values(notes="A"))
        if attempts.count("member-first") == 1:
            both_started.wait()
        session.execute(update(Event).where(Event.id == event_id).values(notes="A"))

    def first_event_then_member(session: Session) -> None:
        attempts.append("event-first")
        session.execute(update(Event).where(Event.id == event_id).values(notes="B"))
        if attempts.count("event-first") == 1:
            both_started.wait()
        session.execute(update(Member).where(Member.id == member_id).values(notes="B"))

    # The loser's second run waits for the winner's commit: give it time on a loaded machine.
    patient = make_engine(engine.url.render_as_string(hide_password=False), write_wait_seconds=60)
    one = pool.submit(run_write, patient, first_member_then_event)
    other = pool.submit(run_write, patient, first_event_then_member)
    one.result(timeout=120), other.result(timeout=120)
    patient.dispose()
    # One of the two ran twice: the deadlock's loser.
    assert sorted(attempts.count(a) for a in ("member-first", "event-first")) == [1, 2]
    with Session(engine) as session:
        notes = (session.get(Member, member_id).notes, session.get(Event, event_id).notes)  # type: ignore[union-attr]
    # Whoever ran last wrote both: never one of each, which a half-written pair would give.
    assert notes in {("A", "A"), ("B", "B")}


def test_a_second_deadlock_is_not_retried_again(engine: Engine) -> None:
    import psycopg
    from sqlalchemy.exc import OperationalError

    calls: list[int] = []

    def always_deadlocked(session: Session) -> None:
        calls.append(1)
        session.add(
            Member(
                name="A mig escriure",
                kind=MemberKind.ALTRE,
                municipality_code="08298",
                joined_on=TODAY,
            )
        )
        session.flush()
        raise OperationalError("UPDATE ...", {}, psycopg.errors.DeadlockDetected())

    with pytest.raises(OperationalError) as failed:
        run_write(engine, always_deadlocked)
    assert len(calls) == 2
    assert classify(failed.value, database="").problem is Problem.CONFLICT
    assert _names_by_id(engine) == {}
