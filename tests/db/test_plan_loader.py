"""The work plan loader: every CSV row lands, dependencies resolve, reloading adds nothing, and
a broken row is refused with a Catalan message naming the row and column, writing nothing."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import PlanActivity, PlanActivityDependency, PlanCap, WorkGroup, WorkGroupStatus
from db.plan_loader import (
    ACTIVITY_COLUMNS,
    WORK_GROUPS,
    activities_csv,
    caps_csv,
    load_plan,
    load_work_groups,
)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())
        ]


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _write(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_work_groups_follow_the_plan(session: Session) -> None:
    groups = load_work_groups(session)
    assert len(groups) == len(WORK_GROUPS) == 9
    assert groups["financament"].status == WorkGroupStatus.SUSPENDED
    assert groups["llei_ess"].status == WorkGroupStatus.ACTIVE
    assert sum(g.status == WorkGroupStatus.ACTIVE for g in groups.values()) == 8
    # Idempotent: a second call creates nothing.
    load_work_groups(session)
    assert _count(session, WorkGroup) == 9


def test_loads_every_row_with_dependencies_and_caps(session: Session) -> None:
    csv_rows = _rows(activities_csv(2026))
    created = load_plan(session, 2026)
    assert created == len(csv_rows) > 0
    activities = {a.code: a for a in session.scalars(select(PlanActivity))}
    assert set(activities) == {row["code"] for row in csv_rows}
    for row in csv_rows:
        activity = activities[row["code"]]
        assert activity.estimated_cost_eur == Decimal(row["estimated_cost_eur"].replace(",", "."))
        assert isinstance(activity.staff_hours, Decimal)
        if row["work_group"].strip():
            group = session.get(WorkGroup, activity.work_group_id)
            assert group is not None and group.name == row["work_group"].strip()

    by_id = {a.id: a.code for a in activities.values()}
    stored = {
        (by_id[d.activity_id], by_id[d.requires_id])
        for d in session.scalars(select(PlanActivityDependency))
    }
    expected = {
        (row["code"], required.strip())
        for row in csv_rows
        for required in row["depends_on"].split(";")
        if required.strip()
    }
    assert stored == expected
    assert {c.cap_group for c in session.scalars(select(PlanCap))} == {
        row["cap_group"] for row in _rows(caps_csv(2026))
    }


def test_loading_twice_adds_nothing(session: Session) -> None:
    load_plan(session, 2026)
    counts = [_count(session, m) for m in (PlanActivity, PlanActivityDependency, PlanCap)]
    assert load_plan(session, 2026) == 0
    assert [_count(session, m) for m in (PlanActivity, PlanActivityDependency, PlanCap)] == counts


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("estimated_cost_eur", "-5", "«-5» no és un import vàlid"),
        ("estimated_cost_eur", "molts", "«molts» no és un import vàlid"),
        ("staff_hours", "x", "«x» no és un nombre d'hores vàlid"),
        ("axis", "9", "«9» ha de ser entre 1 i 7"),
        ("depends_on", "NO-EXISTEIX", "el codi «NO-EXISTEIX» no correspon a cap activitat"),
        ("work_group", "Astronomia", "«Astronomia» no és cap grup de treball"),
        ("quarter", "5", "«5» ha de ser entre 1 i 4"),
        ("conveni", "potser", "«potser» no és un valor de sí/no vàlid"),
    ],
)
def test_a_broken_row_is_refused_naming_row_and_column_and_writes_nothing(
    session: Session, tmp_path: Path, column: str, value: str, message: str
) -> None:
    rows = _rows(activities_csv(2026))
    broken_index = min(10, len(rows) - 1)
    rows[broken_index][column] = value
    path = _write(tmp_path / "plan_activities_2026.csv", rows, ACTIVITY_COLUMNS)
    with pytest.raises(ValueError) as raised:
        load_plan(session, 2026, activities_path=path)
    # Line 1 is the header: the n-th data row is line n + 1, as a spreadsheet numbers it.
    expected = f"plan_activities_2026.csv, fila {broken_index + 2}, columna {column}: {message}"
    assert str(raised.value).startswith(expected), str(raised.value)
    session.flush()
    for model in (PlanActivity, PlanActivityDependency, PlanCap, WorkGroup):
        assert _count(session, model) == 0


def test_a_duplicate_code_and_a_dependency_cycle_are_refused(
    session: Session, tmp_path: Path
) -> None:
    rows = _rows(activities_csv(2026))[:3]
    for row in rows:
        row["depends_on"] = ""
        row["cap_group"] = ""
    duplicate = [*rows, dict(rows[0])]
    path = _write(tmp_path / "dup.csv", duplicate, ACTIVITY_COLUMNS)
    with pytest.raises(ValueError, match=r"dup\.csv, fila 5, columna code: el codi .* fila 2"):
        load_plan(session, 2026, activities_path=path)

    rows[0]["depends_on"] = rows[1]["code"]
    rows[1]["depends_on"] = rows[0]["code"]
    path = _write(tmp_path / "cycle.csv", rows, ACTIVITY_COLUMNS)
    with pytest.raises(ValueError, match="dependència circular"):
        load_plan(session, 2026, activities_path=path)
    assert _count(session, PlanActivity) == 0


def test_a_missing_column_is_named(session: Session, tmp_path: Path) -> None:
    columns = tuple(c for c in ACTIVITY_COLUMNS if c != "staff_hours")
    rows = [{c: row[c] for c in columns} for row in _rows(activities_csv(2026))[:2]]
    path = _write(tmp_path / "short.csv", rows, columns)
    with pytest.raises(ValueError, match="short.csv: falten les columnes staff_hours"):
        load_plan(session, 2026, activities_path=path)
