"""The Commission's meeting pack: its figures are the pages' figures for the period, it holds
nothing personal, and the adopted plan's activities come with their reasons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from services import follow_up, overview, scenarios
from services.follow_up import Cadence
from services.meeting_pack import (
    MeetingPack,
    Quarter,
    last_complete_quarter,
    meeting_pack,
    period_label,
    previous_period,
    recent_quarters,
)
from services.privacy import redact
from services.territory import comarca_presence
from tests.databases import demo_with_adopted_plan

TODAY = date(2026, 12, 6)
CADENCE = Cadence(regular_days=90, onboarding_days=30)


def _pack(engine: Engine, start: date, end: date) -> MeetingPack:
    with Session(engine) as session:
        return meeting_pack(session=session, start=start, end=end, today=TODAY, cadence=CADENCE)


def test_quarters_and_periods() -> None:
    assert last_complete_quarter(TODAY) == Quarter(2026, 3)
    assert last_complete_quarter(date(2026, 1, 2)) == Quarter(2025, 4)
    assert [q.label for q in recent_quarters(TODAY, 3)] == [
        "4t trimestre de 2026",
        "3r trimestre de 2026",
        "2n trimestre de 2026",
    ]
    q1 = Quarter(2026, 1)
    assert (q1.start, q1.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert previous_period(q1.start, q1.end) == (date(2025, 10, 1), date(2025, 12, 31))
    # Any other dates: as many days just before.
    assert previous_period(date(2026, 5, 11), date(2026, 5, 20)) == (
        date(2026, 5, 1),
        date(2026, 5, 10),
    )
    assert period_label(q1.start, q1.end) == "1r trimestre de 2026"
    assert period_label(date(2026, 5, 11), date(2026, 5, 20)) == "11/05/2026 – 20/05/2026"


def test_figures_are_the_pages_figures(engine: Engine) -> None:
    demo_with_adopted_plan(engine, TODAY)
    # Inici compares the last 91 days with the 91 before: the pack of those days says the same.
    pack = _pack(engine, TODAY - timedelta(days=90), TODAY)
    with Session(engine) as session:
        change = overview.quarter_change(session=session, today=TODAY)
        statuses = follow_up.member_status(session=session, today=TODAY, cadence=CADENCE)
        onboarding = follow_up.onboarding_progress(session=session, today=TODAY)
        presence = comarca_presence(session=session, today=TODAY)
    assert (pack.now.active_members, pack.before.active_members) == (
        change.active_members_now,
        change.active_members_before,
    )
    assert (pack.now.contacts, pack.before.contacts) == (
        change.contacts_now,
        change.contacts_before,
    )
    assert (pack.now.attendances, pack.before.attendances) == (
        change.attendances_now,
        change.attendances_before,
    )
    assert pack.now.contacts > 0 and pack.now.attendances > 0
    # Seguiment's statuses, the morning's stuck onboardings, the map's presence.
    assert dict(pack.status_counts) == {
        s.value: int((statuses["status"] == s.value).sum()) for s in follow_up.STATUS_ORDER
    }
    assert sorted(pack.stuck["member"]) == sorted(onboarding.loc[onboarding["stuck"], "member"])
    assert pack.presence["members"].tolist() == presence["members"].tolist()


def test_a_closed_quarter_is_counted_to_its_end(engine: Engine) -> None:
    demo_with_adopted_plan(engine, TODAY)
    q3 = Quarter(2026, 3)
    pack = _pack(engine, q3.start, q3.end)
    assert not pack.partial and pack.as_of == q3.end
    assert (pack.previous_start, pack.previous_end) == (date(2026, 4, 1), date(2026, 6, 30))
    with Session(engine) as session:
        now = overview.period_figures(session=session, start=q3.start, end=q3.end)
    assert pack.now == now
    held = pack.events["held_on"].map(lambda d: q3.start <= d <= q3.end)
    assert held.all() and len(pack.events) == now.events_held
    assert not pack.group_trend["partial"].any()
    # The current quarter is counted up to today.
    current = _pack(engine, date(2026, 10, 1), date(2026, 12, 31))
    assert current.partial and current.as_of == TODAY


def test_the_pack_holds_nothing_personal(engine: Engine) -> None:
    demo_with_adopted_plan(engine, TODAY)
    pack = _pack(engine, date(2026, 1, 1), TODAY)
    # ``redact`` blanks every personal key (persons, staff, free text): none is in the pack.
    assert redact(pack) is pack
    assert not hasattr(pack.plan.adopted, "adopted_by")


def test_the_adopted_plan_and_its_reasons(engine: Engine) -> None:
    scenario_id = demo_with_adopted_plan(engine, TODAY)
    pack = _pack(engine, Quarter(2026, 3).start, Quarter(2026, 3).end)
    plan = pack.plan
    assert plan.adopted is not None and plan.adopted.scenario_id == scenario_id
    with Session(engine) as session:
        detail = scenarios.scenario_detail(session=session, scenario_id=scenario_id)
    assert detail is not None
    assert plan.funded["code"].tolist() == detail.funded["code"].tolist()
    cut = detail.activities[~detail.activities["selected"]]
    assert plan.cut["code"].tolist() == cut["code"].tolist()
    assert plan.cut["reason"].tolist() == cut["reason"].tolist()
    assert len(cut) > 0 and plan.cut["reason"].str.len().gt(0).all()
    assert sorted(plan.execution["code"]) == sorted(detail.funded["code"])
    assert set(plan.execution["status"]) <= {"prevista", "en curs", "feta", "anul·lada"}


def test_no_adopted_plan_and_no_data(engine: Engine) -> None:
    pack = _pack(engine, Quarter(2026, 3).start, Quarter(2026, 3).end)
    assert pack.is_empty
    assert pack.plan.adopted is None and pack.plan.execution.empty


def test_a_period_must_end_after_it_starts(session: Session) -> None:
    with pytest.raises(ValueError, match="data final"):
        meeting_pack(session=session, start=TODAY, end=TODAY - timedelta(days=1), today=TODAY)
