"""The demo network: plausible, deterministic, consistent with the rules the services read."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from db.demo import DemoSummary, generate_demo, main
from db.migrate import upgrade_to_head
from db.models import (
    Advisory,
    AdvisoryKind,
    AdvisoryStatus,
    Comarca,
    Event,
    EventFormat,
    EventKind,
    Interaction,
    Member,
    MemberKind,
    Municipality,
    OnboardingStep,
    OnboardingStepKind,
    Person,
    PlanActivity,
    Registration,
    RegistrationStatus,
    WorkGroup,
    WorkGroupMembership,
    WorkGroupStatus,
)
from db.session import make_engine
from settings import load_settings

TODAY = date(2026, 11, 24)


def _fresh_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    return engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, DemoSummary]]:
    """One demo database shared by the read-only checks: generating it once keeps this fast."""
    engine = _fresh_engine(tmp_path_factory.mktemp("demo") / "demo.db")
    summary = generate_demo(engine, seed=2026, scale=1, today=TODAY)
    yield engine, summary
    engine.dispose()


@pytest.fixture
def db(demo: tuple[Engine, DemoSummary]) -> Iterator[Session]:
    with Session(demo[0]) as session:
        yield session


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _member_names(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return list(session.scalars(select(Member.name).order_by(Member.id)))


def test_counts_are_in_range(db: Session, demo: tuple[Engine, DemoSummary]) -> None:
    summary = demo[1]
    members = _count(db, Member)
    assert 60 <= members <= 80
    assert summary.members == members
    assert members <= _count(db, Person) <= 4 * members
    assert summary.interactions == _count(db, Interaction) > 6 * members
    assert 20 <= _count(db, Advisory) <= 45
    assert summary.plan_activities == _count(db, PlanActivity) > 0
    assert _count(db, Registration) > 500
    kinds = dict(db.execute(select(Member.kind, func.count()).group_by(Member.kind)).all())
    assert kinds[MemberKind.DIPUTACIO] == 1
    assert 3 <= kinds[MemberKind.CONSELL_COMARCAL] <= 8
    assert kinds[MemberKind.AJUNTAMENT] > 50


def test_names_are_real_and_well_written(db: Session) -> None:
    names = set(db.scalars(select(Member.name)))
    for town in ("Barcelona", "Sabadell", "Terrassa", "Manresa", "Girona", "Lleida", "Reus"):
        assert f"Ajuntament de {town}" in names
    assert "Ajuntament de l'Hospitalet de Llobregat" in names
    assert "Diputació de Barcelona" in names
    assert "Consell Comarcal del Bages" in names and "Consell Comarcal d'Osona" in names
    assert not any("de L'" in n or "de El " in n or "de La " in n or "de O" in n for n in names)
    emails = list(db.scalars(select(Person.email)))
    assert len(emails) == len(set(emails)) and all(e and e.endswith(".example") for e in emails)


def test_same_seed_and_day_give_the_same_network(
    demo: tuple[Engine, DemoSummary], tmp_path: Path
) -> None:
    other = _fresh_engine(tmp_path / "again.db")
    again = generate_demo(other, seed=2026, scale=1, today=TODAY)
    assert _member_names(other) == _member_names(demo[0])
    assert again == demo[1]
    other.dispose()


def test_barcelona_leads_and_several_comarques_have_no_member(db: Session) -> None:
    by_province = dict(
        db.execute(
            select(Municipality.province_code, func.count())
            .join(Member, Member.municipality_code == Municipality.ine_code)
            .group_by(Municipality.province_code)
        ).all()
    )
    assert max(by_province, key=by_province.__getitem__) == "08"
    assert by_province["08"] > 0.5 * sum(by_province.values())
    assert set(by_province) == {"08", "17", "25", "43"}
    present = set(
        db.scalars(
            select(Municipality.comarca_code)
            .join(Member, Member.municipality_code == Municipality.ine_code)
            .distinct()
        )
    )
    empty = set(db.scalars(select(Comarca.code))) - present
    assert len(empty) >= 5


def test_new_members_have_a_mentor_and_an_onboarding(db: Session) -> None:
    new = list(db.scalars(select(Member).where(Member.joined_on > TODAY - timedelta(days=365))))
    assert 6 <= len(new) <= 10
    steps_total = len(OnboardingStepKind)
    stuck = 0
    for member in new:
        assert member.mentor_id is not None
        mentor = db.get(Member, member.mentor_id)
        assert mentor is not None and mentor.joined_on < member.joined_on
        steps = list(
            db.scalars(select(OnboardingStep).where(OnboardingStep.member_id == member.id))
        )
        assert len(steps) == steps_total
        done = [s.done_on for s in steps if s.done_on is not None]
        assert all(member.joined_on <= d <= TODAY for d in done)
        if done and len(done) < steps_total and (TODAY - max(done)).days > 30:
            stuck += 1
    assert stuck >= 1
    newest = max(new, key=lambda m: m.joined_on)
    assert newest.joined_on == TODAY - timedelta(days=7)
    newest_steps = db.scalars(select(OnboardingStep).where(OnboardingStep.member_id == newest.id))
    assert all(s.done_on is None for s in newest_steps)


def test_some_members_are_overdue_and_the_newest_never_contacted(db: Session) -> None:
    last = dict(
        db.execute(
            select(Interaction.member_id, func.max(Interaction.occurred_on))
            .join(Member, Member.id == Interaction.member_id)
            .where(Member.left_on.is_(None))
            .group_by(Interaction.member_id)
        ).all()
    )
    overdue = [m for m, day in last.items() if (TODAY - day).days > 90]
    assert len(overdue) >= 3
    active = set(db.scalars(select(Member.id).where(Member.left_on.is_(None))))
    never = active - set(last)
    assert 1 <= len(never) <= 3
    assert db.scalar(select(func.max(Interaction.occurred_on))) <= TODAY
    assert db.scalar(select(func.min(Interaction.occurred_on))) >= TODAY - timedelta(days=730)
    bad_next = db.scalar(
        select(func.count()).where(Interaction.next_contact_on < Interaction.occurred_on)
    )
    assert bad_next == 0


def test_registrations_are_consistent_with_dates(db: Session) -> None:
    future_attended = db.scalar(
        select(func.count())
        .select_from(Registration)
        .join(Event)
        .where(Event.held_on > TODAY, Registration.status == RegistrationStatus.ATTENDED)
    )
    assert future_attended == 0
    late = db.scalar(
        select(func.count())
        .select_from(Registration)
        .join(Event)
        .where(Registration.registered_on > Event.held_on)
    )
    assert late == 0
    assert db.scalar(select(func.max(Registration.registered_on))) <= TODAY
    upcoming = db.scalar(
        select(func.count())
        .select_from(Registration)
        .join(Event)
        .where(Event.held_on > TODAY, Registration.status == RegistrationStatus.REGISTERED)
    )
    assert upcoming > 0


def test_the_years_events_follow_the_plan(db: Session) -> None:
    year_start, year_end = date(TODAY.year, 1, 1), date(TODAY.year, 12, 31)
    this_year = list(db.scalars(select(Event).where(Event.held_on.between(year_start, year_end))))
    kinds = [e.kind for e in this_year]
    assert kinds.count(EventKind.THEMATIC_DAY) <= 3
    assert kinds.count(EventKind.ASSEMBLY) == 2
    assert kinds.count(EventKind.ANNIVERSARY) == 1
    for kind in (
        EventKind.RTES_EXCHANGE,
        EventKind.ELECTED_OFFICIALS_MEETING,
        EventKind.XAC_MEETING,
        EventKind.TERRITORIAL_MEETING,
        EventKind.EXECUTIVE_COMMISSION,
        EventKind.WORK_GROUP_SESSION,
    ):
        assert kind in kinds
    assert any(e.held_on > TODAY for e in this_year) and any(e.held_on < TODAY for e in this_year)
    for event in this_year:
        assert (event.municipality_code is None) == (event.format == EventFormat.VIRTUAL)
    assert any(e.plan_activity_id is not None for e in this_year)
    last_year = db.scalar(
        select(func.count()).where(
            Event.held_on.between(date(TODAY.year - 1, 1, 1), date(TODAY.year - 1, 12, 31)),
            Event.kind == EventKind.ASSEMBLY,
        )
    )
    assert last_year == 2


def test_financing_is_suspended_without_sessions_this_year(db: Session) -> None:
    financing = db.scalar(select(WorkGroup).where(WorkGroup.code == "financament"))
    assert financing is not None and financing.status == WorkGroupStatus.SUSPENDED
    sessions = db.scalar(
        select(func.count()).where(
            Event.work_group_id == financing.id, Event.held_on >= date(TODAY.year, 1, 1)
        )
    )
    assert sessions == 0
    assert db.scalar(select(func.count()).where(WorkGroupMembership.work_group_id == financing.id))
    in_no_group = db.scalar(
        select(func.count())
        .select_from(Member)
        .where(~Member.id.in_(select(WorkGroupMembership.member_id)))
    )
    assert in_no_group > 0


def test_ccpr_bag_is_used_but_not_exceeded_by_small_municipalities(db: Session) -> None:
    rows = db.execute(
        select(Advisory.hours, Municipality.population)
        .join(Member, Member.id == Advisory.member_id)
        .join(Municipality, Municipality.ine_code == Member.municipality_code)
        .where(
            Advisory.kind == AdvisoryKind.CCPR_EXPERT,
            Advisory.status != AdvisoryStatus.CANCELLED,
            Advisory.requested_on >= date(TODAY.year, 1, 1),
        )
    ).all()
    hours = sum(float(h) for h, _ in rows)
    assert 0 < hours <= load_settings().ccpr_bag_hours
    # Small municipalities: every user is below the median population of the ajuntaments.
    populations = sorted(
        p or 0
        for p in db.scalars(
            select(Municipality.population)
            .join(Member, Member.municipality_code == Municipality.ine_code)
            .where(Member.kind == MemberKind.AJUNTAMENT)
        )
    )
    median = populations[len(populations) // 2]
    assert all((p or 0) <= median for _, p in rows)
    bad = db.scalar(select(func.count()).where(Advisory.closed_on < Advisory.requested_on))
    assert bad == 0
    assert db.scalar(
        select(func.count()).where(
            Advisory.kind == AdvisoryKind.MENTORING, Advisory.mentor_member_id.is_not(None)
        )
    )


def test_refuses_a_database_that_already_has_members(engine: Engine) -> None:
    generate_demo(engine, seed=1, scale=1, today=TODAY)
    members = _member_names(engine)
    with pytest.raises(ValueError, match="ja té .* membres"):
        generate_demo(engine, seed=2, scale=1, today=TODAY)
    assert _member_names(engine) == members


def test_scale_two_roughly_doubles_the_network(
    engine: Engine, demo: tuple[Engine, DemoSummary]
) -> None:
    double = generate_demo(engine, seed=2026, scale=2, today=TODAY)
    single = demo[1]
    assert 1.8 <= double.members / single.members <= 2.2
    assert 1.6 <= double.interactions / single.interactions <= 2.4
    assert double.registrations > 1.5 * single.registrations
    names = _member_names(engine)
    assert len(names) == len(set(names))


def test_another_day_moves_the_whole_calendar(tmp_path: Path) -> None:
    spring = date(2026, 3, 10)
    engine = _fresh_engine(tmp_path / "spring.db")
    generate_demo(engine, seed=7, scale=1, today=spring)
    with Session(engine) as session:
        assert session.scalar(select(func.max(Interaction.occurred_on))) <= spring
        assert session.scalar(select(func.max(Member.joined_on))) == spring - timedelta(days=7)
        attended_later = session.scalar(
            select(func.count())
            .select_from(Registration)
            .join(Event)
            .where(Event.held_on > spring, Registration.status == RegistrationStatus.ATTENDED)
        )
        assert attended_later == 0
    engine.dispose()


def test_cli_migrates_loads_and_respects_if_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XMESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["--today", "2026-11-24", "--seed", "3"]) == 0
    first = capsys.readouterr().out
    assert "membres" in first and first.count("\n") == 1
    assert main(["--if-empty"]) == 0
    assert capsys.readouterr().out == ""
    assert main([]) == 1
    assert "ja té membres" in capsys.readouterr().err


def test_python_m_db_demo_still_runs_the_command_line() -> None:
    # The Makefile's ``make run`` and ``make demo`` call the package as a module.
    result = subprocess.run(
        [sys.executable, "-m", "db.demo", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m db.demo")
    assert "--if-empty" in result.stdout and "--scale" in result.stdout
