"""The year's plan activities: read them for the optimiser and the editor, and save edits.

Edits follow the plan loader's rules (``db/plan_loader.py``): costs and hours are non-negative
numbers (a decimal comma is fine), scores whole numbers from 0 to 5, a cap group must exist for
the year, a dependency must name an activity of the plan and never close a cycle. Everything is
checked before the first write; a refused edit names the row and the column, and nothing is
saved. Each saved activity gets an audit entry; an activity someone else saved in the meantime
(its ``version`` moved on) is refused rather than overwritten.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from db.data_version import Area, reads
from db.models import AuditAction, PlanActivity, PlanActivityDependency, PlanCap
from services.access import Actor, Right, require
from services.audit import json_value, record_change
from services.errors import ValidationError
from services.frames import frame_of
from services.optimiser import Activity, Plan

SCORE_COLUMNS = ("score_impact", "score_territory", "score_alignment", "score_demand")
# The editor's columns, in order, with their Catalan headers.
COLUMN_LABELS: dict[str, str] = {
    "code": "Codi",
    "axis": "Eix",
    "title": "Activitat",
    "conveni": "Conveni",
    "mandatory": "Obligatòria",
    "estimated_cost_eur": "Cost (€)",
    "staff_hours": "Hores",
    "score_impact": "Impacte",
    "score_territory": "Territori",
    "score_alignment": "Alineació",
    "score_demand": "Demanda",
    "cap_group": "Grup de límit",
    "exclusive_group": "Alternatives",
    "depends_on": "Depèn de",
}
EDITABLE = (
    "conveni",
    "mandatory",
    "estimated_cost_eur",
    "staff_hours",
    *SCORE_COLUMNS,
    "cap_group",
    "exclusive_group",
    "depends_on",
)
# Numeric(12, 2) and Numeric(8, 1) in the schema.
MAX_COST_EUR = Decimal("9999999999.99")
MAX_HOURS = Decimal("9999999.9")
# Dots grouping thousands, ca-ES style, with no decimals: "3.250", "1.250.000".
_THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")
# The plan loader's spellings of yes and no.
_TRUE = {"1", "true", "sí", "si", "s", "yes", "y", "x", "cert"}
_FALSE = {"0", "false", "no", "n", "fals", ""}


# --- Reading ---------------------------------------------------------------------------------


@reads(Area.PLAN)
def plan_years(*, session: Session) -> list[int]:
    """Years that have plan activities, oldest first."""
    return list(session.scalars(select(PlanActivity.year).distinct().order_by(PlanActivity.year)))


def _activities(session: Session, year: int) -> list[PlanActivity]:
    return list(
        session.scalars(
            select(PlanActivity)
            .where(PlanActivity.year == year)
            .order_by(PlanActivity.axis, PlanActivity.code)
        )
    )


def _requirements(session: Session, year: int) -> dict[int, list[str]]:
    """Activity id → the codes it depends on (sorted)."""
    codes = dict(
        session.execute(
            select(PlanActivity.id, PlanActivity.code).where(PlanActivity.year == year)
        ).all()
    )
    needs: dict[int, list[str]] = {}
    for activity_id, requires_id in session.execute(
        select(PlanActivityDependency.activity_id, PlanActivityDependency.requires_id)
    ):
        if activity_id in codes and requires_id in codes:
            needs.setdefault(activity_id, []).append(codes[requires_id])
    return {activity_id: sorted(required) for activity_id, required in needs.items()}


@reads(Area.PLAN)
def plan_caps(*, session: Session, year: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(PlanCap.cap_group, PlanCap.max_count)
            .where(PlanCap.year == year)
            .order_by(PlanCap.cap_group)
        ).all()
    )


@reads(Area.PLAN)
def plan_model(*, session: Session, year: int) -> Plan:
    """The year's plan as the optimiser reads it (activities in axis and code order)."""
    needs = _requirements(session, year)
    activities = tuple(
        Activity(
            code=a.code,
            cost_eur=Decimal(a.estimated_cost_eur),
            staff_hours=Decimal(a.staff_hours),
            scores=(a.score_impact, a.score_territory, a.score_alignment, a.score_demand),
            conveni=a.conveni,
            mandatory=a.mandatory,
            cap_group=a.cap_group,
            exclusive_group=a.exclusive_group,
            requires=tuple(needs.get(a.id, ())),
            title=a.title,
            axis=a.axis,
        )
        for a in _activities(session, year)
    )
    return Plan(activities=activities, caps=tuple(plan_caps(session=session, year=year).items()))


@reads(Area.PLAN)
def plan_table(*, session: Session, year: int) -> pd.DataFrame:
    """The editor's table: one row per activity, with its ``id`` and ``version``."""
    needs = _requirements(session, year)
    rows = [
        (
            a.id,
            a.version,
            a.code,
            a.axis,
            a.title,
            a.conveni,
            a.mandatory,
            float(a.estimated_cost_eur),
            float(a.staff_hours),
            a.score_impact,
            a.score_territory,
            a.score_alignment,
            a.score_demand,
            a.cap_group or "",
            a.exclusive_group or "",
            "; ".join(needs.get(a.id, ())),
        )
        for a in _activities(session, year)
    ]
    return frame_of(rows, ["id", "version", *COLUMN_LABELS])


# --- Editing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityEdit:
    """The changed cells of one editor row, as typed (``row`` numbered from 1, as shown)."""

    row: int
    activity_id: int
    version: int
    changes: tuple[tuple[str, object], ...]


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str) and not value.strip():
        return True
    try:
        # pandas' NA and NaT. pandas-stubs type isna's argument as an array or a known
        # scalar; at runtime it takes any object (the except catches array-like ones).
        return bool(pd.isna(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False


def _same(before: object, after: object) -> bool:
    if type(before) is type(after) and isinstance(before, str | int | float | bool):
        if before == after:
            return True  # the usual case, and the fast one
    if is_blank(before) and is_blank(after):
        return True
    if is_blank(before) or is_blank(after):
        return False
    if isinstance(before, str) or isinstance(after, str):
        return str(before).strip() == str(after).strip()
    try:
        return bool(before == after)
    except (TypeError, ValueError):
        return False


def edits_from_tables(
    original: pd.DataFrame, edited: pd.DataFrame, editable: Sequence[str] = EDITABLE
) -> list[ActivityEdit]:
    """The rows of ``edited`` (same rows as ``original``) whose ``editable`` cells changed."""
    columns = [column for column in editable if column in edited.columns]
    before_rows = original.to_dict("records")
    after_rows = edited.loc[original.index, columns].to_dict("records")
    edits: list[ActivityEdit] = []
    for position, (before, after) in enumerate(zip(before_rows, after_rows, strict=True), 1):
        changes = tuple(
            (column, _python(after[column]))
            for column in columns
            if not _same(before[column], after[column])
        )
        if changes:
            edits.append(ActivityEdit(position, int(before["id"]), int(before["version"]), changes))
    return edits


def _python(value: object) -> object:
    """numpy scalars become plain Python values (for messages and the audit log)."""
    return value.item() if hasattr(value, "item") and not isinstance(value, str) else value


class Refused(Exception):
    """One refused cell; the message is completed with its row and column."""


def parse_decimal(value: object, what: str, places: Decimal, maximum: Decimal) -> Decimal:
    if is_blank(value):
        raise Refused("el valor és obligatori i està buit")
    if isinstance(value, bool):
        raise Refused(f"«{value}» no és {what} vàlid")
    if isinstance(value, str):
        # A Catalan spreadsheet writes a decimal comma: accept "1234,5" as well as "1234.5".
        normalised = value.strip().replace(" ", "").replace("\u00a0", "").replace("€", "")
        if "," in normalised and "." not in normalised:
            normalised = normalised.replace(",", ".")
        elif "," in normalised and normalised.rfind(",") > normalised.rfind("."):
            # As a page shows it (ca-ES): "1.150,50" is 1150.50.
            normalised = normalised.replace(".", "").replace(",", ".")
        elif _THOUSANDS.fullmatch(normalised):
            # "3.250" in a Catalan sheet is three thousand two hundred and fifty.
            normalised = normalised.replace(".", "")
    else:
        normalised = str(value)
    try:
        number = Decimal(normalised)
    except InvalidOperation:
        raise Refused(f"«{value}» no és {what} vàlid") from None
    if not number.is_finite():
        raise Refused(f"«{value}» no és {what} vàlid")
    if number < 0:
        raise Refused(f"«{value}» no és {what} vàlid: no pot ser negatiu")
    number = number.quantize(places)
    if number > maximum:
        raise Refused(f"«{value}» és massa gran")
    return number


def _score(value: object) -> int:
    if is_blank(value):
        raise Refused("el valor és obligatori i està buit")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Refused(f"«{value}» no és un nombre enter vàlid") from None
    if isinstance(value, bool) or not number.is_finite() or number != number.to_integral():
        raise Refused(f"«{value}» no és un nombre enter vàlid")
    if not 0 <= number <= 5:
        raise Refused(f"«{value}» ha de ser entre 0 i 5")
    return int(number)


def _boolean(value: object) -> bool:
    if isinstance(value, bool):
        return value
    raw = "" if is_blank(value) else str(_python(value)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise Refused(f"«{value}» no és un valor de sí/no vàlid (useu 1 o 0)")


def _group(value: object) -> str | None:
    if is_blank(value):
        return None
    text = str(value).strip()
    if len(text) > 40:
        raise Refused(f"«{text[:40]}…» és massa llarg (màxim 40 caràcters)")
    return text


def _codes(value: object) -> tuple[str, ...]:
    if is_blank(value):
        return ()
    parts = str(value).replace(",", ";").split(";")
    return tuple(dict.fromkeys(part.strip() for part in parts if part.strip()))


def _parse(column: str, value: object, caps: Mapping[str, int]) -> object:
    if column == "estimated_cost_eur":
        return parse_decimal(value, "un import", Decimal("0.01"), MAX_COST_EUR)
    if column == "staff_hours":
        return parse_decimal(value, "un nombre d'hores", Decimal("0.1"), MAX_HOURS)
    if column in SCORE_COLUMNS:
        return _score(value)
    if column in ("conveni", "mandatory"):
        return _boolean(value)
    if column == "cap_group":
        group = _group(value)
        if group is not None and group not in caps:
            known = ", ".join(caps) or "cap"
            raise Refused(f"«{group}» no és cap grup de límit del pla (n'hi ha: {known})")
        return group
    if column == "exclusive_group":
        return _group(value)
    raise Refused("aquesta columna no es pot modificar")


def _cycle(graph: Mapping[str, Sequence[str]], start: str) -> list[str] | None:
    """A dependency cycle through ``start``'s requirements, as a path, or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished

    def visit(code: str, path: list[str]) -> list[str] | None:
        state[code] = 1
        for required in graph.get(code, ()):
            if state.get(required) == 1:
                return [*path[path.index(required) :], required]
            if state.get(required) is None:
                found = visit(required, [*path, required])
                if found:
                    return found
        state[code] = 2
        return None

    return visit(start, [start])


def update_activities(
    *, session: Session, year: int, edits: Sequence[ActivityEdit], actor: Actor
) -> int:
    """Save the edited activities of ``year`` in one go; returns how many changed.

    Raises ``ValidationError`` (one Catalan message per refused cell, naming row and column)
    before anything is written."""
    require(actor, Right.EDIT_PLAN)
    if not edits:
        return 0
    activities = {a.id: a for a in _activities(session, year)}
    codes = {a.code for a in activities.values()}
    caps = plan_caps(session=session, year=year)
    needs = _requirements(session, year)
    graph = {a.code: list(needs.get(a.id, ())) for a in activities.values()}
    errors: list[str] = []
    # Per edit: the activity's own columns, and its requirements when "depends_on" was
    # edited (they live in their own table, so they are written apart).
    parsed: list[tuple[ActivityEdit, PlanActivity, dict[str, object], tuple[str, ...] | None]] = []
    for edit in edits:
        activity = edit_target(edit, activities, year)
        if isinstance(activity, str):
            errors.append(activity)
            continue
        where = f"Fila {edit.row} ({activity.code})"
        values: dict[str, object] = {}
        depends_on: tuple[str, ...] | None = None
        for column, raw in edit.changes:
            label = COLUMN_LABELS.get(column, column)
            try:
                if column == "depends_on":
                    depends_on = _codes(raw)
                else:
                    values[column] = _parse(column, raw, caps)
            except Refused as refused:
                errors.append(f"{where}, {label}: {refused}.")
        for required in depends_on or ():
            if required == activity.code:
                errors.append(
                    f"{where}, {COLUMN_LABELS['depends_on']}: l'activitat «{required}» no pot "
                    "dependre d'ella mateixa."
                )
            elif required not in codes:
                errors.append(
                    f"{where}, {COLUMN_LABELS['depends_on']}: el codi «{required}» no correspon "
                    "a cap activitat del pla."
                )
        if depends_on is not None:
            graph[activity.code] = list(depends_on)
        parsed.append((edit, activity, values, depends_on))
    if not errors:
        for edit, activity, _, depends_on in parsed:
            if depends_on is not None:
                cycle = _cycle(graph, activity.code)
                if cycle:
                    errors.append(
                        f"Fila {edit.row} ({activity.code}), {COLUMN_LABELS['depends_on']}: "
                        f"dependència circular: {' → '.join(cycle)}."
                    )
                    break
    if errors:
        raise ValidationError(errors)

    ids = {a.code: a.id for a in activities.values()}
    changed = 0
    for edit, activity, values, depends_on in parsed:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for column, value in values.items():
            old = getattr(activity, column)
            if old == value:
                continue
            before[column] = json_value(old)
            after[column] = json_value(value)
            setattr(activity, column, value)
        old_codes = needs.get(activity.id, [])
        new_codes = sorted(depends_on) if depends_on is not None else old_codes
        if new_codes != old_codes:
            before["depends_on"] = old_codes
            after["depends_on"] = new_codes
            session.execute(
                delete(PlanActivityDependency).where(
                    PlanActivityDependency.activity_id == activity.id
                )
            )
            for required in new_codes:
                session.add(
                    PlanActivityDependency(activity_id=activity.id, requires_id=ids[required])
                )
            # A dependency lives in its own table: touch the activity so its version moves
            # on too, and a concurrent editor of the same row is refused.
            flag_modified(activity, "code")
        if not after:
            continue
        changed += 1
        flush_audited(session, actor.audit_name, activity, edit.row, before, after)
    session.flush()
    return changed


def edit_target(
    edit: ActivityEdit, activities: Mapping[int, PlanActivity], year: int
) -> PlanActivity | str:
    """The activity ``edit`` changes, or why it cannot: gone from the plan, or saved by
    someone else since the editor was drawn."""
    activity = activities.get(edit.activity_id)
    if activity is None:
        return f"Fila {edit.row}: l'activitat ja no existeix al pla {year}."
    if activity.version != edit.version:
        return stale_row(edit.row, activity)
    return activity


def stale_row(row: int, activity: PlanActivity) -> str:
    """Refusal of an edit made over a version someone else has saved since."""
    return (
        f"Fila {row} ({activity.code}): una altra persona l'ha modificada mentre l'editàveu. "
        "Torneu a carregar la pàgina i repetiu el canvi."
    )


def flush_audited(
    session: Session,
    username: str,
    activity: PlanActivity,
    row: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Write an edited activity (its version moves on, or the edit is refused if someone saved
    it meanwhile) and log it, before and after, with its new version."""
    try:
        session.flush()
    except StaleDataError:
        raise ValidationError([stale_row(row, activity)]) from None
    record_change(
        session,
        username=username,
        action=AuditAction.UPDATE,
        table="plan_activity",
        record_id=activity.id,
        before=before,
        after=after | {"version": activity.version},
    )
