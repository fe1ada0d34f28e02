"""The year's plan activities: read them for the optimiser and the editor, save edits, add
and delete activities.

Edits follow the plan loader's rules (``db/plan_loader.py``): costs and hours are non-negative
numbers (a decimal comma is fine) up to the optimiser's ceilings, scores whole numbers from 0 to
5, a cap group must exist for the year, a dependency must name an activity of the plan and never
close a cycle. Everything is checked before the first write; a refused edit names the row and
the column, and nothing is saved. Each saved activity gets an audit entry; an activity someone
else saved in the meantime (its ``version`` moved on) is refused rather than overwritten.

A new activity is read with the same rules, plus a code new in the year, a title and an axis
(``add_activities``). An activity is deleted only when nothing refers to it: no saved scenario,
no dependent activity, no linked event, no recorded execution (``delete_activities`` says why).
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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from db.data_version import Area, reads
from db.models import (
    ActivityStatus,
    AuditAction,
    Event,
    PlanActivity,
    PlanActivityDependency,
    PlanCap,
    Scenario,
    ScenarioActivity,
)
from services.access import Actor, Right, require
from services.audit import json_value, record_change
from services.catalan import and_list, plural
from services.errors import ValidationError
from services.frames import frame_of
from services.labels import ACTIVITY_STATUS, PLAN_AXIS
from services.limits import (
    AMOUNT_CEILING_EUR,
    AMOUNT_CEILING_TEXT,
    HOURS_CEILING,
    HOURS_CEILING_TEXT,
)
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
# The optimiser's ceilings: far above any real plan, and below where HiGHS or its integer
# cents fail. An editor taking more would save a plan no scenario can be computed on. Both sit
# inside the schema's Numeric(12, 2) and Numeric(8, 1).
MAX_COST_EUR = AMOUNT_CEILING_EUR
MAX_HOURS = HOURS_CEILING
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


def parse_decimal(
    value: object, what: str, places: Decimal, maximum: Decimal, maximum_text: str
) -> Decimal:
    """``value`` as typed (a number, or text the ca-ES way) rounded to ``places``; refused when
    it is empty, not a number, negative, or above ``maximum`` (``maximum_text`` names it)."""
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
    # Compared before rounding: rounding 1e30 to cents needs more digits than Decimal keeps.
    if number > maximum:
        raise Refused(f"«{value}» passa del màxim que es pot calcular ({maximum_text})")
    return number.quantize(places)


def parse_amount(value: object) -> Decimal:
    """An amount in euros, to the cent, up to the optimiser's ceiling."""
    return parse_decimal(value, "un import", Decimal("0.01"), MAX_COST_EUR, AMOUNT_CEILING_TEXT)


def parse_hours(value: object) -> Decimal:
    """Staff hours, to the tenth, up to the optimiser's ceiling."""
    return parse_decimal(value, "un nombre d'hores", Decimal("0.1"), MAX_HOURS, HOURS_CEILING_TEXT)


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
    """Codes typed as "A1-01; A1-02" (a comma works too), or picked as a list."""
    if isinstance(value, list | tuple):
        parts = [str(part) for part in value if not is_blank(part)]
    elif is_blank(value):
        return ()
    else:
        parts = str(value).replace(",", ";").split(";")
    return tuple(dict.fromkeys(part.strip() for part in parts if part.strip()))


def _parse(column: str, value: object, caps: Mapping[str, int]) -> object:
    if column == "estimated_cost_eur":
        return parse_amount(value)
    if column == "staff_hours":
        return parse_hours(value)
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


# --- Adding and deleting activities ----------------------------------------------------------

# A new activity's fields, with the labels its form shows and its refusals name. The title is
# "Títol" here: the editor's table calls that column "Activitat".
NEW_LABELS: dict[str, str] = {**COLUMN_LABELS, "title": "Títol", "description": "Descripció"}
_NEW_FIELDS = tuple(column for column in NEW_LABELS if column != "depends_on")
MAX_CODE_LENGTH = 20  # String(20) in the schema
MAX_TITLE_LENGTH = 200  # String(200)
# Letters without accents, digits, "-", "." and "_": a code is written in "Depèn de" lists,
# where ";" and "," separate codes, and in the names of exported files.
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# What the audit log keeps of an added or deleted activity (with its requirements).
_AUDITED = (
    "code",
    "year",
    "axis",
    "title",
    "description",
    *(column for column in EDITABLE if column != "depends_on"),
    "status",
)
# Execution already recorded: under way or done.
_STARTED = (ActivityStatus.IN_PROGRESS, ActivityStatus.DONE)
# Events named in a refusal before "i N més".
_EVENTS_NAMED = 3


@dataclass(frozen=True)
class NewActivity:
    """One activity to add, as typed: ``values`` by ``NEW_LABELS`` key (a missing flag is no,
    a missing group none). ``row`` numbers it among the activities added together, from 1."""

    row: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class ActivityRef:
    """An activity as the page showed it: its id, its code and the version read then."""

    activity_id: int
    code: str
    version: int


def _new_code(value: object) -> str:
    if is_blank(value):
        raise Refused("el valor és obligatori i està buit")
    code = str(value).strip()
    if len(code) > MAX_CODE_LENGTH:
        raise Refused(
            f"«{code[:MAX_CODE_LENGTH]}…» és massa llarg (màxim {MAX_CODE_LENGTH} caràcters)"
        )
    if not _CODE.fullmatch(code):
        raise Refused(
            f"«{code}» no és un codi vàlid: useu lletres sense accents, xifres i guions, sense "
            "espais (p. ex. A1-12)"
        )
    return code


def _axis(value: object) -> int:
    if is_blank(value):
        raise Refused("el valor és obligatori i està buit")
    try:
        number = Decimal(str(_python(value)).strip())
    except InvalidOperation:
        number = Decimal("NaN")
    if (
        isinstance(value, bool)
        or not number.is_finite()
        or number != number.to_integral()
        or int(number) not in PLAN_AXIS
    ):
        raise Refused(
            f"«{value}» no és cap eix del pla (useu un nombre de l'1 al {max(PLAN_AXIS)})"
        )
    return int(number)


def _title(value: object) -> str:
    if is_blank(value):
        raise Refused("el valor és obligatori i està buit")
    title = " ".join(str(value).split())
    if len(title) > MAX_TITLE_LENGTH:
        raise Refused(f"«{title[:40]}…» és massa llarg (màxim {MAX_TITLE_LENGTH} caràcters)")
    return title


def _parse_new(column: str, value: object, caps: Mapping[str, int]) -> object:
    if column == "code":
        return _new_code(value)
    if column == "axis":
        return _axis(value)
    if column == "title":
        return _title(value)
    if column == "description":
        return "" if is_blank(value) else str(value).strip()
    return _parse(column, value, caps)


def _audit_values(activity: PlanActivity, depends_on: Sequence[str]) -> dict[str, Any]:
    return {
        **{column: json_value(getattr(activity, column)) for column in _AUDITED},
        "depends_on": sorted(depends_on),
        "version": activity.version,
    }


def _new_where(new: NewActivity, several: bool) -> str:
    """How a refusal names a new activity: by its position when several are added together,
    and by the code typed."""
    raw = new.values.get("code")
    code = "" if is_blank(raw) else str(raw).strip()[:MAX_CODE_LENGTH]
    return "Activitat nova" + (f" {new.row}" if several else "") + (f" ({code})" if code else "")


def add_activities(
    *, session: Session, year: int, activities: Sequence[NewActivity], actor: Actor
) -> list[str]:
    """Add ``activities`` to the year's plan in one go; returns their codes.

    Each field is read as the editor reads an edit. Besides: the code is new in the year in any
    case ("a1-12" and "A1-12" would read as one activity), of letters, digits and dashes; the
    title is not empty; the axis is one of the plan's seven; a dependency names an activity of
    the plan or one added with it, and closes no cycle. Raises ``ValidationError`` (naming the
    activity and the field) before anything is written, also when someone else added the same
    code meanwhile (the unique index on year and code). Each activity gets an audit entry."""
    require(actor, Right.EDIT_PLAN)
    if not activities:
        return []
    existing = _activities(session, year)
    taken = {a.code.casefold(): a for a in existing}
    caps = plan_caps(session=session, year=year)
    needs = _requirements(session, year)
    graph = {a.code: list(needs.get(a.id, ())) for a in existing}
    several = len(activities) > 1
    errors: list[str] = []
    parsed: list[tuple[str, dict[str, object], tuple[str, ...]]] = []
    added: dict[str, int] = {}  # folded code → the row of the first new activity with it
    for new in activities:
        where = _new_where(new, several)
        errors.extend(
            f"{where}: «{column}» no és cap camp d'una activitat."
            for column in new.values
            if column not in NEW_LABELS
        )
        values: dict[str, object] = {}
        for column in _NEW_FIELDS:
            try:
                values[column] = _parse_new(column, new.values.get(column), caps)
            except Refused as refused:
                errors.append(f"{where}, {NEW_LABELS[column]}: {refused}.")
        code = values.get("code")
        if isinstance(code, str):
            same = taken.get(code.casefold())
            if same is not None:
                errors.append(
                    f"{where}, {NEW_LABELS['code']}: el codi «{code}» ja és de l'activitat "
                    f"«{same.code} {same.title}» del pla {year}."
                )
            elif code.casefold() in added:
                errors.append(
                    f"{where}, {NEW_LABELS['code']}: el codi «{code}» ja és el de l'activitat "
                    f"nova {added[code.casefold()]}."
                )
            else:
                added[code.casefold()] = new.row
        parsed.append((where, values, _codes(new.values.get("depends_on"))))

    # Dependencies once every new code is known: one may depend on another added with it.
    known = {a.code for a in existing} | {str(v["code"]) for _, v, _ in parsed if "code" in v}
    label = NEW_LABELS["depends_on"]
    for where, values, depends_on in parsed:
        code = values.get("code")
        for required in depends_on:
            if required == code:
                errors.append(
                    f"{where}, {label}: l'activitat «{required}» no pot dependre d'ella mateixa."
                )
            elif required not in known:
                errors.append(
                    f"{where}, {label}: el codi «{required}» no correspon a cap activitat del pla."
                )
        if isinstance(code, str):
            graph[code] = list(depends_on)
    if not errors:
        for where, values, depends_on in parsed:
            cycle = _cycle(graph, str(values["code"])) if depends_on else None
            if cycle:
                errors.append(f"{where}, {label}: dependència circular: {' → '.join(cycle)}.")
                break
    if errors:
        raise ValidationError(errors)

    ids = {a.code: a.id for a in existing}
    created: list[tuple[PlanActivity, tuple[str, ...]]] = []
    for where, values, depends_on in parsed:
        activity = PlanActivity(year=year, **values)
        session.add(activity)
        try:
            session.flush()
        except IntegrityError:
            # The check above read the plan before this insert: only a code saved since then
            # (by another person, another tab) reaches the unique index.
            raise ValidationError(
                [
                    f"{where}, {NEW_LABELS['code']}: una altra persona ha afegit una activitat "
                    f"amb el codi «{activity.code}» mentre l'omplíeu. Torneu a carregar la "
                    "pàgina i trieu un altre codi."
                ]
            ) from None
        ids[activity.code] = activity.id
        created.append((activity, depends_on))
    for activity, depends_on in created:
        session.add_all(
            PlanActivityDependency(activity_id=activity.id, requires_id=ids[required])
            for required in depends_on
        )
        record_change(
            session,
            username=actor.audit_name,
            action=AuditAction.CREATE,
            table="plan_activity",
            record_id=activity.id,
            after=_audit_values(activity, depends_on),
        )
    session.flush()
    return [activity.code for activity, _ in created]


def _stale_delete(code: str) -> str:
    return (
        f"Activitat {code}: una altra persona l'ha modificada després que la triéssiu. Torneu a "
        "carregar la pàgina i, si encara cal, torneu-la a esborrar."
    )


def _quoted(names: Sequence[str]) -> str:
    return and_list([f"«{name}»" for name in names])


def delete_activities(
    *, session: Session, year: int, activities: Sequence[ActivityRef], actor: Actor
) -> list[str]:
    """Delete ``activities`` from the year's plan in one go; returns their codes.

    An activity stays, and the whole delete is refused (``ValidationError``, one Catalan
    message per reason, naming the activity), when:

    - a saved scenario holds it, adopted or not, funded or left out: a scenario is the record
      of a decision (its selection, its reasons, the minutes' workbook), and deleting the
      activity would rewrite it. The message names the scenarios to delete first;
    - another activity depends on it and is not deleted with it: its requirement would point
      nowhere, and the optimiser would drop it silently;
    - events are linked to it: they are the evidence of what was done (attendance and reach
      for the Conveni's justification). Unlinking them here would lose that quietly, so they
      are named, to be unlinked (or moved) in Seguiment del pla first;
    - its execution is recorded (under way, done, or an actual cost or hours): the re-plan
      takes what was spent off the budget, and the spending must not vanish with the row;
    - someone else saved it (its ``version`` moved on) or deleted it since the page showed it.

    Each deleted activity gets an audit entry with what it was."""
    require(actor, Right.EDIT_PLAN)
    if not activities:
        return []
    wanted = sorted({ref.activity_id for ref in activities})
    # Locked (PostgreSQL), so no scenario, dependency or event can take hold of an activity
    # between these checks and its delete; read afresh, so the versions compared are current.
    found = {
        a.id: a
        for a in session.scalars(
            select(PlanActivity)
            .where(PlanActivity.year == year, PlanActivity.id.in_(wanted))
            .order_by(PlanActivity.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    errors: list[str] = []
    for ref in activities:
        activity = found.get(ref.activity_id)
        if activity is None:
            errors.append(
                f"Activitat {ref.code}: ja no és al pla {year}; potser l'ha esborrada una altra "
                "persona."
            )
        elif activity.version != ref.version:
            errors.append(_stale_delete(activity.code))
    ids = list(found)
    scenarios: dict[int, list[tuple[str, bool]]] = {}
    for activity_id, name, adopted_at in session.execute(
        select(ScenarioActivity.plan_activity_id, Scenario.name, Scenario.adopted_at)
        .join(Scenario, Scenario.id == ScenarioActivity.scenario_id)
        .where(ScenarioActivity.plan_activity_id.in_(ids))
        .order_by(Scenario.name)
    ):
        scenarios.setdefault(activity_id, []).append((name, adopted_at is not None))
    dependents: dict[int, list[str]] = {}
    for requires_id, code in session.execute(
        select(PlanActivityDependency.requires_id, PlanActivity.code)
        .join(PlanActivity, PlanActivity.id == PlanActivityDependency.activity_id)
        .where(
            PlanActivityDependency.requires_id.in_(ids),
            PlanActivityDependency.activity_id.not_in(ids),
        )
        .order_by(PlanActivity.code)
    ):
        dependents.setdefault(requires_id, []).append(code)
    events: dict[int, list[str]] = {}
    for linked_to, title in session.execute(
        select(Event.plan_activity_id, Event.title)
        .where(Event.plan_activity_id.in_(ids))
        .order_by(Event.held_on, Event.id)
    ):
        if linked_to is not None:
            events.setdefault(linked_to, []).append(title)
    for activity in sorted(found.values(), key=lambda a: a.code):
        errors.extend(_kept_because(activity, scenarios.get(activity.id, []), dependents, events))
    if errors:
        raise ValidationError(errors)

    needs = _requirements(session, year)
    deleted: list[str] = []
    # Its requirements first (a row that points to it would keep it from going).
    session.execute(
        delete(PlanActivityDependency).where(PlanActivityDependency.activity_id.in_(ids))
    )
    for activity in sorted(found.values(), key=lambda a: a.code):
        before = _audit_values(activity, needs.get(activity.id, ()))
        activity_id = activity.id
        session.delete(activity)
        try:
            # DELETE ... WHERE version = the one read: a change since then deletes nothing.
            session.flush()
        except StaleDataError:
            raise ValidationError([_stale_delete(activity.code)]) from None
        record_change(
            session,
            username=actor.audit_name,
            action=AuditAction.DELETE,
            table="plan_activity",
            record_id=activity_id,
            before=before,
        )
        deleted.append(activity.code)
    session.flush()
    return deleted


def _kept_because(
    activity: PlanActivity,
    scenarios: Sequence[tuple[str, bool]],
    dependents: Mapping[int, Sequence[str]],
    events: Mapping[int, Sequence[str]],
) -> list[str]:
    """Why ``activity`` cannot be deleted, one Catalan message per reason (none: it can)."""
    where = f"Activitat {activity.code}"
    reasons: list[str] = []
    if scenarios:
        names = [f"{name} (el pla adoptat)" if adopted else name for name, adopted in scenarios]
        subject = (
            f"l'escenari {_quoted(names)} la fa servir"
            if len(names) == 1
            else f"els escenaris {_quoted(names)} la fan servir"
        )
        if any(adopted for _, adopted in scenarios):
            # The adopted plan is the year's record: the activity is cancelled, not erased.
            hint = " Si ja no s'ha de fer, marqueu-la com a anul·lada a Seguiment del pla."
        elif len(names) == 1:
            hint = " Esborreu abans l'escenari si ja no us cal."
        else:
            hint = " Esborreu abans els escenaris si ja no us calen."
        reasons.append(f"{where}: no es pot esborrar perquè {subject}.{hint}")
    needing = dependents.get(activity.id, ())
    if needing:
        subject = (
            f"l'activitat {needing[0]} en depèn"
            if len(needing) == 1
            else f"les activitats {and_list(list(needing))} en depenen"
        )
        reasons.append(
            f"{where}: no es pot esborrar perquè {subject}. Traieu-la abans de «Depèn de», o "
            "esborreu-les juntes."
        )
    linked = events.get(activity.id, ())
    if linked:
        named = [f"«{title}»" for title in linked[:_EVENTS_NAMED]]
        if len(linked) > _EVENTS_NAMED:
            named.append(f"{len(linked) - _EVENTS_NAMED} més")
        reasons.append(
            f"{where}: no es pot esborrar perquè hi ha "
            f"{plural(len(linked), 'esdeveniment vinculat', 'esdeveniments vinculats')} "
            f"({and_list(named)}). Desvinculeu-los abans a Seguiment del pla."
        )
    done = []
    if activity.status in _STARTED:
        done.append(f"és «{ACTIVITY_STATUS[activity.status]}»")
    if activity.actual_cost_eur is not None or activity.actual_staff_hours is not None:
        done.append("té cost o hores reals")
    if done:
        reasons.append(
            f"{where}: no es pot esborrar perquè ja en consta l'execució ({' i '.join(done)})."
        )
    return reasons
